package vigie.rules.host.ssh_not_vpn_only

import rego.v1

host_input(facts) := {"kind": "host", "host": {"name": "web1"}, "facts": facts}

sshd := {"port": ["22"], "listenaddress": ["0.0.0.0:22"]}

listener(address) := {"proto": "tcp", "state": "LISTEN", "address": address, "port": 22, "process": "sshd"}

ufw(rules) := {"active": true, "default_incoming": "deny", "rules": rules}

ufw_rule(ports, from) := {"text": "22/tcp ALLOW IN x", "to": "22/tcp", "action": "allow", "direction": "in", "from": "x", "ports": ports, "proto": "tcp", "from_address": from, "interface": null}

chain_rule(fields) := object.union({"proto": null, "dports": null, "saddr": null, "iif": null, "ct_state": null, "verdict": "accept", "negated": [], "opaque": false}, fields)

nft(policy, rules) := {"chains": [{"family": "inet", "table": "filter", "name": "input", "hook": "input", "policy": policy, "rules": rules}]}

test_no_firewall if {
	findings := deny with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"ufw": {"active": false, "rules": []}}})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "listening", 0]
	f.msg == "sshd listens on 0.0.0.0:22 and no firewall filters incoming traffic"
}

test_no_firewall_listen_address_without_ss if {
	findings := deny with input as host_input({"sshd": sshd, "firewall": {}})
	some f in findings
	f.path == ["facts", "sshd", "listenaddress", 0]
}

test_ufw_rule_from_anywhere if {
	findings := deny with input as host_input({"sshd": sshd, "listening": [listener("::")], "firewall": {"ufw": ufw([
		ufw_rule([[22, 22]], "100.64.0.0/10"),
		ufw_rule([[22, 22]], null),
	])}})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "firewall", "ufw", "rules", 1]
}

test_ufw_rule_from_lan if {
	count(deny) == 1 with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"ufw": ufw([ufw_rule(null, "192.168.1.0/24")])}})
}

test_ufw_vpn_only if {
	vpn_iface := object.union(ufw_rule([[22, 22]], null), {"interface": "tailscale0"})
	count(deny) == 0 with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"ufw": ufw([ufw_rule([[22, 22]], "100.64.0.0/10"), vpn_iface])}})
}

test_ufw_other_port if {
	count(deny) == 0 with input as host_input({"sshd": {"port": ["2222"]}, "listening": [listener("0.0.0.0")], "firewall": {"ufw": ufw([ufw_rule([[22, 22]], null)])}})
}

test_ufw_default_allow if {
	findings := deny with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"ufw": object.union(ufw([]), {"default_incoming": "allow"})}})
	some f in findings
	f.path == ["facts", "firewall", "ufw", "default_incoming"]
}

test_sshd_on_vpn_address_only if {
	count(deny) == 0 with input as host_input({"sshd": sshd, "listening": [listener("100.100.1.1"), listener("127.0.0.1")], "firewall": {}})
}

test_nft_accept_from_anywhere if {
	findings := deny with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"nft": nft("drop", [
		chain_rule({"ct_state": ["established", "related"]}),
		chain_rule({"iif": "lo"}),
		chain_rule({"proto": "tcp", "dports": [[22, 22]], "saddr": ["100.64.0.0/10"]}),
		chain_rule({"proto": "tcp", "dports": [[20, 30]]}),
	])}})
	count(findings) == 1
	some f in findings
	f.path == ["facts", "firewall", "nft", "chains", 0, "rules", 3]
}

test_nft_vpn_only if {
	count(deny) == 0 with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"nft": nft("drop", [
		chain_rule({"ct_state": ["established", "related"]}),
		chain_rule({"iif": "wg0", "proto": "tcp", "dports": [[22, 22]]}),
	])}})
}

test_nft_accept_policy_with_other_drops if {
	findings := deny with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"nft": nft("accept", [chain_rule({"verdict": "drop", "dports": [[5432, 5432]]})])}})
	some f in findings
	f.path == ["facts", "firewall", "nft", "chains", 0]
}

test_nft_accept_policy_dropping_ssh if {
	count(deny) == 0 with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {"nft": nft("accept", [
		chain_rule({"proto": "tcp", "dports": [[22, 22]], "saddr": ["100.64.0.0/10"]}),
		chain_rule({"verdict": "drop", "proto": "tcp", "dports": [[22, 22]]}),
	])}})
}

test_unread_firewall_is_silent if {
	count(deny) == 0 with input as host_input({"sshd": sshd, "listening": [listener("0.0.0.0")], "firewall": {}, "unread": {"nft -j list ruleset": "Operation not permitted"}})
}
