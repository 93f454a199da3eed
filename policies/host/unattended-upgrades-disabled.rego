# METADATA
# title: Security updates not installed automatically
# description: >-
#   On a Debian or Ubuntu host, `unattended-upgrades` is not installed, or APT's periodic job
#   does not run it (`APT::Periodic::Unattended-Upgrade` absent or "0" in `apt-config dump`).
#   Security fixes then wait for someone to log in and upgrade by hand; on a small self-hosted
#   fleet that is often weeks. Other distributions are not checked.
# related_resources:
#   - ref: https://wiki.debian.org/UnattendedUpgrades
#   - ref: https://ubuntu.com/server/docs/package-management#automatic-updates
# custom:
#   id: host.unattended-upgrades-disabled
#   severity: low
#   remediation: |-
#     Install unattended-upgrades and turn on the periodic run (the default configuration
#     installs security updates only):
#
#     ```sh
#     apt-get install unattended-upgrades
#     dpkg-reconfigure -plow unattended-upgrades   # writes /etc/apt/apt.conf.d/20auto-upgrades
#     ```
#   fix: none
package vigie.rules.host.unattended_upgrades_disabled

import data.vigie.lib.host
import rego.v1

_debian if host.facts.os.id in {"debian", "ubuntu"}

_debian if {
	some like in split(host.facts.os.id_like, " ")
	like in {"debian", "ubuntu"}
}

deny contains {
	"msg": "unattended-upgrades is not installed: security updates wait for a manual upgrade",
	"path": ["facts", "upgrades", "package"],
} if {
	_debian
	host.facts.upgrades.package.installed == false
}

deny contains {
	"msg": sprintf("unattended-upgrades is installed but APT does not run it (%s)", [_setting]),
	"path": _setting_path,
} if {
	_debian
	host.facts.upgrades.package.installed == true
	periodic := host.facts.upgrades.periodic
	is_object(periodic)
	not _enabled(periodic)
}

_enabled(periodic) if {
	value := periodic["unattended-upgrade"]
	is_string(value)
	not value in {"0", ""}
}

_setting := sprintf("APT::Periodic::Unattended-Upgrade %q", [host.facts.upgrades.periodic["unattended-upgrade"]]) if {
	host.facts.upgrades.periodic["unattended-upgrade"]
} else := "APT::Periodic::Unattended-Upgrade not set"

_setting_path := ["facts", "upgrades", "periodic", "unattended-upgrade"]
