package vigie.rules.host.backup_missing

import rego.v1

backup_input(b) := {"kind": "host", "host": {"name": "web1"}, "facts": {"now_unix": 1768600000, "backup": b}}

test_empty_repository if {
	findings := deny with input as backup_input({"tool": "restic", "snapshots": []})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "backup"]
	f.msg == "no restic snapshot found in the repository"
}

test_absent_marker if {
	findings := deny with input as backup_input({"tool": "marker", "snapshots": [], "error": "stat: cannot statx '/var/backups/done': No such file or directory (exit status 1)"})
	some f in findings
	startswith(f.msg, "no backup marker file found: stat:")
}

test_snapshots_are_fine if {
	count(deny) == 0 with input as backup_input({"tool": "borg", "snapshots": [{"time_unix": 1}], "newest_unix": 1})
}

test_no_backup_configured_is_fine if {
	count(deny) == 0 with input as {"kind": "host", "facts": {}}
}
