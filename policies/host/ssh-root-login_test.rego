package vigie.rules.host.ssh_root_login

import rego.v1

sshd(settings) := {"kind": "host", "host": {"name": "web1"}, "facts": {"sshd": settings}}

test_permit_root_login_yes if {
	findings := deny with input as sshd({"permitrootlogin": "yes"})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "sshd", "permitrootlogin"]
}

test_keys_only_root_is_allowed if {
	count(deny) == 0 with input as sshd({"permitrootlogin": "without-password"})
	count(deny) == 0 with input as sshd({"permitrootlogin": "prohibit-password"})
	count(deny) == 0 with input as sshd({"permitrootlogin": "no"})
}

test_no_sshd_fact_is_silent if {
	count(deny) == 0 with input as {"kind": "host", "facts": {}}
}
