# METADATA
# title: Backup configured but none found
# description: >-
#   The inventory says where this host's backups are (a restic or borg repository, or a marker
#   file the backup job touches), and there is nothing there: the repository has no snapshot or
#   archive or does not exist, the tool is not installed, or the marker file does not exist. A
#   repository vigie is not allowed to read (permission, wrong password) is a warning instead. A
#   backup that was set up once and never ran, or whose repository moved, is found out on the
#   day it is needed.
# related_resources:
#   - ref: https://restic.readthedocs.io/en/stable/040_backup.html
# custom:
#   id: host.backup-missing
#   severity: high
#   remediation: |-
#     Run the backup job by hand and check that it writes where the inventory says
#     (`backup` in the host's `[[hosts]]` entry): `restic snapshots`, `borg list`, or the
#     marker file's path. Make the job touch its marker file only after a successful run.
#   fix: none
package vigie.rules.host.backup_missing

import data.vigie.lib.host
import rego.v1

deny contains {
	"msg": sprintf("no %s found%s", [_what(backup.tool), _why(backup)]),
	"path": ["facts", "backup"],
} if {
	backup := host.facts.backup
	is_array(backup.snapshots)
	count(backup.snapshots) == 0
}

_what("restic") := "restic snapshot"

_what("borg") := "borg archive"

_what("marker") := "backup marker file"

_why(backup) := sprintf(": %s", [backup.error]) if is_string(backup.error)

else := " in the repository"
