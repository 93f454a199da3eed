package vigie.rules.host.ssh_password_auth

import rego.v1

sshd(settings) := {"kind": "host", "host": {"name": "web1"}, "facts": {"sshd": settings}}

test_password_authentication_yes if {
	findings := deny with input as sshd({"passwordauthentication": "yes", "usepam": "no"})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "sshd", "passwordauthentication"]
}

test_kbd_interactive_with_pam if {
	findings := deny with input as sshd({
		"passwordauthentication": "no",
		"kbdinteractiveauthentication": "yes",
		"usepam": "yes",
	})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "sshd", "kbdinteractiveauthentication"]
}

test_kbd_interactive_without_pam_is_allowed if {
	count(deny) == 0 with input as sshd({
		"passwordauthentication": "no",
		"kbdinteractiveauthentication": "yes",
		"usepam": "no",
	})
}

test_keys_only_is_allowed if {
	count(deny) == 0 with input as sshd({
		"passwordauthentication": "no",
		"kbdinteractiveauthentication": "no",
		"usepam": "yes",
	})
}

test_unread_sshd_is_silent if {
	count(deny) == 0 with input as {"kind": "host", "facts": {"unread": {"sshd -T": "sudo: a password is required"}}}
}
