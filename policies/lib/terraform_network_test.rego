package vigie.lib.terraform_network_test

import data.vigie.lib.terraform.network
import rego.v1

_input(resources) := {"kind": "terraform", "path": "infra", "doc": {"resource": resources}, "origins": {}}

test_is_world if {
	network.is_world("0.0.0.0/0")
	network.is_world("::/0")
	network.is_world(" 0::/0 ")
	network.is_world("0.0.0.0")
	network.is_world("ANY")
	network.is_world("*")
	not network.is_world("0.0.0.0/1")
	not network.is_world("10.0.0.0/8")
	not network.is_world("203.0.113.4/32")
	not network.is_world("+management")
	not network.is_world({"unknown": "var.x"})
	not network.is_world(null)
	not network.is_world("nonsense/0")
}

test_is_vpn_default if {
	network.is_vpn("100.64.0.0/10")
	network.is_vpn("100.100.1.2")
	network.is_vpn("100.100.1.0/24")
	not network.is_vpn("0.0.0.0/0")
	not network.is_vpn("::/0")
	not network.is_vpn("any")
	not network.is_vpn("192.168.1.0/24")
	not network.is_vpn({"unknown": "var.x"})
}

test_is_vpn_configured if {
	network.is_vpn("10.8.0.0/24") with data.vigie.config as {"vpn_cidrs": ["10.8.0.0/16", "fd7a:115c:a1e0::/48"]}
	network.is_vpn("fd7a:115c:a1e0::5") with data.vigie.config as {"vpn_cidrs": ["10.8.0.0/16", "fd7a:115c:a1e0::/48"]}
	not network.is_vpn("100.100.1.2") with data.vigie.config as {"vpn_cidrs": ["10.8.0.0/16"]}
	not network.is_vpn("10.8.0.1") with data.vigie.config as {"vpn_cidrs": ["not a cidr", 7]}
}

test_aws_security_group_shape if {
	rules := network.inbound_rules with input as _input({"aws_security_group": {"web": {"ingress": [{
		"from_port": 20, "to_port": "25", "protocol": "tcp",
		"cidr_blocks": ["10.0.0.0/8", {"unknown": "var.x"}], "ipv6_cidr_blocks": ["::/0"],
	}]}}})
	rules == {{
		"resource": "aws_security_group.web",
		"path": ["resource", "aws_security_group", "web", "ingress", 0],
		"spans": [{"from": 20, "to": 25}],
		"sources": [
			{"text": "10.0.0.0/8", "path": ["resource", "aws_security_group", "web", "ingress", 0, "cidr_blocks", 0]},
			{"text": "::/0", "path": ["resource", "aws_security_group", "web", "ingress", 0, "ipv6_cidr_blocks", 0]},
		],
	}}
}

test_open_rules_keep_open_sources_in_order if {
	rules := network.open_rules with input as _input({"hcloud_firewall": {"web": {"rule": [{
		"direction": "in", "protocol": "tcp", "port": "22",
		"source_ips": ["203.0.113.4/32", "0.0.0.0/0", "100.64.0.0/10", "::/0"],
	}]}}})
	count(rules) == 1
	some rule in rules
	[s.text | some s in rule.open] == ["0.0.0.0/0", "::/0"]
	network.open_text(rule) == "0.0.0.0/0, ::/0"
	network.finding_path(rule) == ["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 1]
}

test_open_text_without_repeats if {
	network.open_text({"open": [{"text": "0.0.0.0/0"}, {"text": "0.0.0.0/0"}, {"text": "::/0"}]}) == "0.0.0.0/0, ::/0"
}

test_vpn_cidrs_win_over_world if {
	count(network.open_rules) == 0 with input as _input({"hcloud_firewall": {"web": {"rule": [{
		"direction": "in", "protocol": "tcp", "port": "22", "source_ips": ["0.0.0.0/0"],
	}]}}})
		with data.vigie.config as {"vpn_cidrs": ["0.0.0.0/0"]}
}

test_span_with_prefers_narrowest if {
	rule := {"spans": [{"from": 0, "to": 65535}, {"from": 20, "to": 30}, {"from": 22, "to": 22}]}
	network.span_with(rule, 22) == {"from": 22, "to": 22}
	network.span_with({"spans": [{"from": 0, "to": 65535}, {"from": 20, "to": 30}]}, 22) == {"from": 20, "to": 30}
	not network.span_with({"spans": [{"from": 80, "to": 80}]}, 22)
}

test_is_all_ports if {
	network.is_all_ports({"from": 0, "to": 65535})
	network.is_all_ports({"from": 1, "to": 65535})
	not network.is_all_ports({"from": 1024, "to": 65535})
}

test_gcp_spans_and_implicit_source if {
	rules := network.inbound_rules with input as _input({"google_compute_firewall": {"fw": {
		"network": "default",
		"allow": [
			{"protocol": "tcp", "ports": ["22", "8000-9000", 443]},
			{"protocol": "udp", "ports": ["53"]},
			{"protocol": "all"},
		],
	}}})
	rules == {{
		"resource": "google_compute_firewall.fw",
		"path": ["resource", "google_compute_firewall", "fw"],
		"spans": [{"from": 22, "to": 22}, {"from": 8000, "to": 9000}, {"from": 443, "to": 443}, {"from": 0, "to": 65535}],
		"sources": [{"text": "0.0.0.0/0 (the default: no source is set)", "path": ["resource", "google_compute_firewall", "fw"], "implicit": true}],
	}}
}

test_proxmox_dport_forms if {
	rules := network.inbound_rules with input as _input({"proxmox_virtual_environment_firewall_rules": {"vm": {"rule": [
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22, 8006,8000:8100,ssh,https", "source": "0.0.0.0/0"},
	]}}})
	some rule in rules
	rule.spans == [{"from": 22, "to": 22}, {"from": 8006, "to": 8006}, {"from": 8000, "to": 8100}, {"from": 22, "to": 22}]
	rule.sources == [{"text": "0.0.0.0/0", "path": ["resource", "proxmox_virtual_environment_firewall_rules", "vm", "rule", 0, "source"]}]
}

test_proxmox_empty_strings_are_unset if {
	rules := network.open_rules with input as _input({"proxmox_virtual_environment_firewall_rules": {"vm": {"rule": [
		{"type": "in", "action": "ACCEPT", "macro": "", "proto": "tcp", "dport": "", "source": ""},
	]}}})
	{[r.spans, network.open_text(r)] | some r in rules} == {[[{"from": 0, "to": 65535}], "any address (no source is set)"]}
}

test_proxmox_source_list_and_missing if {
	rules := network.open_rules with input as _input({"proxmox_virtual_environment_firewall_rules": {"vm": {"rule": [
		{"type": "in", "action": "ACCEPT", "macro": "SSH", "source": "192.168.1.0/24, 0.0.0.0/0"},
		{"type": "in", "action": "ACCEPT", "macro": "RDP"},
	]}}})
	{[r.path[4], network.open_text(r)] | some r in rules} == {[0, "0.0.0.0/0"], [1, "any address (no source is set)"]}
}

test_openstack_port_forms if {
	rules := network.inbound_rules with input as _input({"openstack_networking_secgroup_rule_v2": {
		"a": {"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"},
		"b": {"direction": "ingress", "protocol": "tcp", "remote_ip_prefix": "0.0.0.0/0"},
		"c": {"direction": "ingress", "protocol": "tcp", "port_range_min": 0, "port_range_max": 0, "remote_ip_prefix": "0.0.0.0/0"},
		"d": {"direction": "ingress", "protocol": "tcp", "port_range_min": "3306", "remote_ip_prefix": "0.0.0.0/0"},
	}})
	{r.resource: r.spans | some r in rules} == {
		"openstack_networking_secgroup_rule_v2.a": [{"from": 22, "to": 22}],
		"openstack_networking_secgroup_rule_v2.b": [{"from": 0, "to": 65535}],
		"openstack_networking_secgroup_rule_v2.c": [{"from": 0, "to": 65535}],
		"openstack_networking_secgroup_rule_v2.d": [{"from": 3306, "to": 3306}],
	}
}

test_unknown_values_make_no_rule if {
	count(network.open_rules) == 0 with input as _input({
		"hcloud_firewall": {"web": {"rule": [
			{"direction": {"unknown": "var.dir"}, "protocol": "tcp", "port": "22", "source_ips": ["0.0.0.0/0"]},
			{"direction": "in", "protocol": {"unknown": "var.p"}, "port": "22", "source_ips": ["0.0.0.0/0"]},
			{"direction": "in", "protocol": "tcp", "port": {"unknown": "var.port"}, "source_ips": ["0.0.0.0/0"]},
			{"direction": "in", "protocol": "tcp", "port": "22", "source_ips": {"unknown": "var.sources"}},
			{"direction": "in", "protocol": "tcp", "port": "22", "source_ips": [{"unknown": "aws_eip.x.public_ip"}]},
		]}},
		"google_compute_firewall": {"fw": {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": {"unknown": "var.ranges"}}},
		"proxmox_virtual_environment_firewall_rules": {"vm": {"rule": [
			{"type": "in", "action": "ACCEPT", "macro": {"unknown": "var.macro"}},
			{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22", "source": {"unknown": "var.src"}},
			{"type": "in", "action": {"unknown": "var.action"}, "proto": "tcp", "dport": "22"},
		]}},
		"openstack_networking_secgroup_rule_v2": {"r": {"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": {"unknown": "var.cidr"}}},
	})
}

test_odd_shapes_do_not_error if {
	count(network.inbound_rules) == 0 with input as _input({
		"hcloud_firewall": {"a": {"rule": "x"}, "b": {"rule": [null, 3, "s"]}, "c": null},
		"aws_security_group": {"a": {"ingress": {"unknown": "var.rules"}}, "b": {"ingress": [{"protocol": 6}]}},
		"google_compute_firewall": {"a": {"direction": "INGRESS", "allow": "x", "source_ranges": "0.0.0.0/0"}},
		"proxmox_virtual_environment_firewall_rules": {"a": {"rule": [{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": ["22"], "source": ["0.0.0.0/0"]}]}},
		"openstack_networking_secgroup_rule_v2": {"a": {"direction": "ingress", "port_range_min": "x", "port_range_max": 22}},
	})
	count(network.inbound_rules) == 0 with input as {"kind": "terraform", "doc": {"resource": "x"}, "origins": {}}
	count(network.inbound_rules) == 0 with input as {"kind": "terraform", "doc": {}, "origins": {}}
}
