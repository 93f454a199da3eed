package vigie.rules.host.firewall_inactive

import rego.v1

facts(f) := {"kind": "host", "host": {"name": "web1"}, "facts": f}

input_chain(policy, rules) := {"family": "inet", "table": "filter", "name": "input", "hook": "input", "policy": policy, "rules": rules}

test_ufw_inactive if {
	findings := deny with input as facts({"firewall": {"ufw": {"active": false, "rules": []}}})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "firewall", "ufw", "active"]
}

test_no_firewall_at_all if {
	findings := deny with input as facts({"firewall": {}, "missing": ["ufw status verbose", "nft -j list ruleset"]})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "firewall"]
}

test_accept_policy_without_drop_rules if {
	findings := deny with input as facts({"firewall": {"nft": {"chains": [input_chain("accept", [])]}}})
	count(findings) == 1
}

test_ufw_active_is_fine if {
	count(deny) == 0 with input as facts({"firewall": {"ufw": {"active": true, "rules": []}}})
}

test_nft_drop_policy_is_fine if {
	count(deny) == 0 with input as facts({"firewall": {
		"ufw": {"active": false, "rules": []},
		"nft": {"chains": [input_chain("drop", [])]},
	}})
}

test_drop_rule_in_a_jumped_chain_is_fine if {
	jump := {"verdict": "jump", "target": "filters", "opaque": false, "negated": []}
	drop := {"verdict": "drop", "dports": [[5432, 5432]], "opaque": false, "negated": []}
	count(deny) == 0 with input as facts({"firewall": {"iptables": {"chains": [
		{"family": "ip", "table": "filter", "name": "INPUT", "hook": "input", "policy": "accept", "rules": [jump]},
		{"family": "ip", "table": "filter", "name": "filters", "hook": null, "policy": null, "rules": [drop]},
	]}}})
}

test_forward_only_filtering_does_not_count if {
	findings := deny with input as facts({"firewall": {"iptables": {"chains": [
		{"family": "ip", "table": "filter", "name": "INPUT", "hook": "input", "policy": "accept", "rules": []},
		{"family": "ip", "table": "filter", "name": "FORWARD", "hook": "forward", "policy": "drop", "rules": []},
	]}}})
	count(findings) == 1
}

test_unread_firewall_is_silent if {
	count(deny) == 0 with input as facts({"firewall": {}, "unread": {"ufw status verbose": "ERROR: You need to be root to run this script"}})
}
