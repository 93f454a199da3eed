# METADATA
# title: SSH accepts passwords
# description: >-
#   sshd's effective settings (`sshd -T`) let users log in with a password:
#   `passwordauthentication yes`, or keyboard-interactive authentication through PAM
#   (`kbdinteractiveauthentication yes` with `usepam yes`), which asks for the same password.
#   Internet-facing SSH servers receive password guesses around the clock; one weak or reused
#   password is a shell on the host. `passwordauthentication yes` is reported whatever `usepam`
#   says: with PAM off, sshd checks the password itself.
# related_resources:
#   - ref: https://man.openbsd.org/sshd_config#PasswordAuthentication
#   - ref: https://man.openbsd.org/sshd_config#KbdInteractiveAuthentication
# custom:
#   id: host.ssh-password-auth
#   severity: high
#   remediation: |-
#     Log in with keys only. In `/etc/ssh/sshd_config` (or a file in `/etc/ssh/sshd_config.d/`,
#     which is read first: the first value of a setting wins):
#
#     ```
#     PasswordAuthentication no
#     KbdInteractiveAuthentication no
#     ```
#
#     then check with `sshd -t` and reload sshd. Keep a session open while you test a new login.
#   fix: none
package vigie.rules.host.ssh_password_auth

import data.vigie.lib.host
import rego.v1

deny contains {
	"msg": "sshd accepts password logins (passwordauthentication yes)",
	"path": ["facts", "sshd", "passwordauthentication"],
} if {
	host.facts.sshd.passwordauthentication == "yes"
}

# Keyboard-interactive through PAM asks for the account's password. OpenSSH before 8.7 calls it
# challengeresponseauthentication.
deny contains {
	"msg": sprintf("sshd accepts passwords through PAM (%s yes, usepam yes)", [key]),
	"path": ["facts", "sshd", key],
} if {
	host.facts.sshd.usepam == "yes"
	some key in ["kbdinteractiveauthentication", "challengeresponseauthentication"]
	host.facts.sshd[key] == "yes"
}
