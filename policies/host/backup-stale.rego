# METADATA
# title: Newest backup too old
# description: >-
#   The host's newest backup (restic snapshot, borg archive, or the modification time of the
#   marker file the backup job touches) is older than `backup.max_age` in `vigie.toml` (default
#   48h). A backup job that stopped running fails silently: the repository is full, a password
#   changed, the timer was disabled. The age is measured against the host's own clock
#   (`date +%s` in the same run), so re-checking recorded facts later gives the same answer.
# related_resources:
#   - ref: https://restic.readthedocs.io/en/stable/045_working_with_repos.html
#   - ref: https://borgbackup.readthedocs.io/en/stable/usage/list.html
# custom:
#   id: host.backup-stale
#   severity: high
#   remediation: |-
#     Find out why the backup job stopped (`journalctl -u <backup unit>`, the cron mail, the
#     tool's log), run it by hand, and have it report failures. If backups are meant to be rarer,
#     raise the limit in `vigie.toml`:
#
#     ```toml
#     [config.backup]
#     max_age = "8d"
#     ```
#   fix: none
package vigie.rules.host.backup_stale

import data.vigie.lib.host
import rego.v1

deny contains {
	"msg": sprintf("newest %s is %s old, more than the %s allowed (backup.max_age)", [_what(backup.tool), host.age_text(age), host.age_text(max_age)]),
	"path": ["facts", "backup", "newest_unix"],
} if {
	backup := host.facts.backup
	is_number(backup.newest_unix)
	is_number(host.facts.now_unix)
	age := host.facts.now_unix - backup.newest_unix
	max_age := host.backup_max_age
	age > max_age
}

_what("restic") := "restic snapshot"

_what("borg") := "borg archive"

_what("marker") := "backup (marker file)"
