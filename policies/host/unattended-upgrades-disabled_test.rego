package vigie.rules.host.unattended_upgrades_disabled

import rego.v1

debian(upgrades) := {"kind": "host", "host": {"name": "web1"}, "facts": {"os": {"id": "debian"}, "upgrades": upgrades}}

test_not_installed if {
	findings := deny with input as debian({"package": {"installed": false}, "periodic": {}})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "upgrades", "package"]
}

test_installed_but_off if {
	findings := deny with input as debian({"package": {"installed": true}, "periodic": {"update-package-lists": "1", "unattended-upgrade": "0"}})
	some f in findings
	f.msg == `unattended-upgrades is installed but APT does not run it (APT::Periodic::Unattended-Upgrade "0")`
}

test_installed_never_configured if {
	findings := deny with input as debian({"package": {"installed": true}, "periodic": {}})
	some f in findings
	f.path == ["facts", "upgrades", "periodic", "unattended-upgrade"]
}

test_enabled_is_fine if {
	count(deny) == 0 with input as debian({"package": {"installed": true}, "periodic": {"unattended-upgrade": "1"}})
}

test_ubuntu_derivative if {
	count(deny) == 1 with input as {"kind": "host", "facts": {"os": {"id": "linuxmint", "id_like": "ubuntu debian"}, "upgrades": {"package": {"installed": false}}}}
}

test_other_distributions_are_not_checked if {
	count(deny) == 0 with input as {"kind": "host", "facts": {"os": {"id": "fedora"}, "upgrades": {}}}
}
