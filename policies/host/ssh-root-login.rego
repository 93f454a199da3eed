# METADATA
# title: SSH allows root logins by any method
# description: >-
#   sshd's effective settings (`sshd -T`) say `permitrootlogin yes`: root may log in directly,
#   with any authentication method sshd accepts, passwords included. `root` is the one account
#   name every attacker knows, and a root login leaves no trace of who used it.
#   `prohibit-password` (shown as `without-password`), `forced-commands-only` and `no` are
#   fine.
# related_resources:
#   - ref: https://man.openbsd.org/sshd_config#PermitRootLogin
# custom:
#   id: host.ssh-root-login
#   severity: medium
#   remediation: |-
#     Log in as a named user and use `sudo`; or, where root logins are needed (automation), allow
#     them with keys only. In `/etc/ssh/sshd_config`:
#
#     ```
#     PermitRootLogin prohibit-password
#     ```
#
#     then check with `sshd -t` and reload sshd.
#   fix: none
package vigie.rules.host.ssh_root_login

import data.vigie.lib.host
import rego.v1

deny contains {
	"msg": "sshd lets root log in with any method, passwords included (permitrootlogin yes)",
	"path": ["facts", "sshd", "permitrootlogin"],
} if {
	host.facts.sshd.permitrootlogin == "yes"
}
