package vigie.rules.host.backup_stale

import rego.v1

now := 1768600000

backup_input(newest) := {"kind": "host", "host": {"name": "web1"}, "facts": {"now_unix": now, "backup": {"tool": "restic", "snapshots": [{"time_unix": newest}], "newest_unix": newest}}}

test_three_days_old if {
	findings := deny with input as backup_input(now - ((3 * 86400) + 3600))
	count(findings) == 1
	some f in findings
	f.path == ["facts", "backup", "newest_unix"]
	f.msg == "newest restic snapshot is 3d 1h old, more than the 2d 0h allowed (backup.max_age)"
}

test_a_day_old_is_fine if {
	count(deny) == 0 with input as backup_input(now - 86400)
}

test_configured_max_age if {
	count(deny) == 1 with input as backup_input(now - 7200) with data.vigie.config.backup.max_age as "90m"
	count(deny) == 0 with input as backup_input(now - (6 * 86400)) with data.vigie.config.backup.max_age as "1w"
	count(deny) == 0 with input as backup_input(now - 7200) with data.vigie.config.backup.max_age as "3h"
}

test_no_snapshot_is_backup_missing_not_stale if {
	count(deny) == 0 with input as {"kind": "host", "facts": {"now_unix": now, "backup": {"tool": "restic", "snapshots": []}}}
}
