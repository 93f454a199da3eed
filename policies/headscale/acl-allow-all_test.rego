package vigie.rules.headscale.acl_allow_all

import rego.v1

policy(doc) := {"kind": "headscale", "path": "acl.hujson", "doc": doc, "origins": {}}

test_allow_all_entry_is_denied if {
	findings := deny with input as policy({"acls": [
		{"action": "accept", "src": ["group:admins"], "dst": ["tag:server:22"]},
		{"action": "accept", "src": ["*"], "dst": ["*:*"]},
	]})
	count(findings) == 1
	some f in findings
	f.path == ["acls", 1]
}

test_action_is_case_insensitive if {
	count(deny) == 1 with input as policy({"acls": [{"action": "Accept", "src": ["*"], "dst": ["tag:a:22", "*:*"]}]})
}

test_narrower_entries_are_allowed if {
	count(deny) == 0 with input as policy({"acls": [
		{"action": "accept", "src": ["*"], "dst": ["tag:web:443"]},
		{"action": "accept", "src": ["group:admins"], "dst": ["*:*"]},
		{"action": "accept", "src": ["*"], "dst": ["*:443"]},
	]})
}

test_allow_all_grant_is_denied if {
	findings := deny with input as policy({"grants": [{"src": ["*"], "dst": ["*"], "ip": ["*"]}]})
	count(findings) == 1
	some f in findings
	f.path == ["grants", 0]
}

test_narrow_grant_is_allowed if {
	count(deny) == 0 with input as policy({"grants": [{"src": ["*"], "dst": ["*"], "ip": ["tcp:443"]}]})
}

test_odd_shapes_do_not_error if {
	count(deny) == 0 with input as policy({"acls": "x", "grants": {}})
	count(deny) == 0 with input as policy({"acls": [1, {"action": 3, "src": "*"}]})
	count(deny) == 0 with input as policy({})
}
