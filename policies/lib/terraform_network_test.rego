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

# --- AWS default security group and network ACLs -------------------------------------------------

test_aws_default_security_group if {
	rules := network.open_rules with input as _input({"aws_default_security_group": {"default": {"ingress": [{
		"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
	}]}}})
	{r.path | some r in rules} == {["resource", "aws_default_security_group", "default", "ingress", 0]}
}

_nacl(blocks) := _input({"aws_network_acl": {"main": {"vpc_id": {"unknown": "aws_vpc.main.id"}, "ingress": blocks}}})

_acl(no, action, protocol, from, to, cidr) := {"rule_no": no, "action": action, "protocol": protocol, "from_port": from, "to_port": to, "cidr_block": cidr}

test_network_acl_inline_rules if {
	rules := network.open_rules with input as _nacl([
		_acl(100, "allow", "tcp", 22, 22, "0.0.0.0/0"),
		_acl(110, "allow", "-1", 0, 0, "0.0.0.0/0"),
		_acl(120, "deny", "tcp", 3389, 3389, "0.0.0.0/0"),
		_acl(130, "allow", "udp", 53, 53, "0.0.0.0/0"),
		_acl(140, "allow", "tcp", 5432, 5432, "10.0.0.0/16"),
		{"rule_no": 150, "action": "allow", "protocol": "6", "from_port": 3306, "to_port": 3306, "ipv6_cidr_block": "::/0"},
	])
	{[r.path[4], r.spans] | some r in rules} == {
		[0, [{"from": 22, "to": 22}]],
		[1, [{"from": 0, "to": 65535}]],
		[5, [{"from": 3306, "to": 3306}]],
	}
	some r in rules
	r.path == ["resource", "aws_network_acl", "main", "ingress", 5]
	r.open[0].path == ["resource", "aws_network_acl", "main", "ingress", 5, "ipv6_cidr_block"]
}

test_network_acl_lower_deny_shadows_allow if {
	rules := network.open_rules with input as _nacl([
		_acl(200, "allow", "tcp", 22, 22, "0.0.0.0/0"),
		_acl(100, "deny", "tcp", 0, 1024, "0.0.0.0/0"),
		_acl(300, "allow", "tcp", 3389, 3389, "0.0.0.0/0"),
		_acl(50, "deny", "tcp", 3389, 3389, "10.0.0.0/8"),
	])
	{r.path[4] | some r in rules} == {2}
}

test_network_acl_rule_resources if {
	rules := network.open_rules with input as _input({"aws_network_acl_rule": {
		"ssh": {"network_acl_id": {"unknown": "aws_network_acl.main.id"}, "rule_number": 200, "egress": false, "protocol": "tcp", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22},
		"out": {"network_acl_id": {"unknown": "aws_network_acl.main.id"}, "rule_number": 100, "egress": true, "protocol": "-1", "rule_action": "allow", "cidr_block": "0.0.0.0/0"},
		"rdp": {"network_acl_id": {"unknown": "aws_network_acl.main.id"}, "rule_number": 300, "protocol": "tcp", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 3389, "to_port": 3389},
		"no_rdp": {"network_acl_id": {"unknown": "aws_network_acl.main.id"}, "rule_number": 250, "protocol": "tcp", "rule_action": "deny", "cidr_block": "0.0.0.0/0", "from_port": 3389, "to_port": 3389},
		"other_acl": {"network_acl_id": {"unknown": "aws_network_acl.other.id"}, "rule_number": 100, "protocol": "tcp", "rule_action": "deny", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 65535},
	}})
	{r.resource | some r in rules} == {"aws_network_acl_rule.ssh"}
}

# --- Azure ---------------------------------------------------------------------------------------

_nsg_rule(priority, access, source, port) := {
	"name": "r", "priority": priority, "direction": "Inbound", "access": access, "protocol": "Tcp",
	"source_port_range": "*", "destination_port_range": port,
	"source_address_prefix": source, "destination_address_prefix": "*",
}

test_azure_inline_security_rules if {
	rules := network.open_rules with input as _input({"azurerm_network_security_group": {"vm": {"security_rule": [
		_nsg_rule(100, "Allow", "*", "22"),
		_nsg_rule(110, "Allow", "Internet", "3389"),
		_nsg_rule(120, "Allow", "VirtualNetwork", "5432"),
		_nsg_rule(130, "Allow", "0.0.0.0/0", "8000-9000"),
		_nsg_rule(140, "Allow", "Any", "*"),
		object.union(_nsg_rule(150, "Allow", "*", "443"), {"direction": "Outbound"}),
		object.union(_nsg_rule(160, "Allow", "*", "53"), {"protocol": "Udp"}),
		object.union(_nsg_rule(170, "Allow", "*", null), {"protocol": "*", "destination_port_ranges": ["3306", "6379-6380"]}),
	]}}})
	{[r.path[4], r.spans] | some r in rules} == {
		[0, [{"from": 22, "to": 22}]],
		[1, [{"from": 3389, "to": 3389}]],
		[3, [{"from": 8000, "to": 9000}]],
		[4, [{"from": 0, "to": 65535}]],
		[7, [{"from": 3306, "to": 3306}, {"from": 6379, "to": 6380}]],
	}
	some r in rules
	r.path[4] == 0
	r.open[0].path == ["resource", "azurerm_network_security_group", "vm", "security_rule", 0, "source_address_prefix"]
}

test_azure_rule_resources_and_deny_priority if {
	rules := network.open_rules with input as _input({"azurerm_network_security_rule": {
		"ssh": object.union(_nsg_rule(300, "Allow", "*", "22"), {"resource_group_name": "rg", "network_security_group_name": "nsg"}),
		"deny_ssh": object.union(_nsg_rule(200, "Deny", "*", "22"), {"resource_group_name": "rg", "network_security_group_name": "nsg"}),
		"rdp": object.union(_nsg_rule(300, "Allow", "*", "3389"), {"resource_group_name": "rg", "network_security_group_name": "nsg"}),
		"deny_rdp_elsewhere": object.union(_nsg_rule(100, "Deny", "*", "3389"), {"resource_group_name": "rg", "network_security_group_name": "other"}),
		"list": object.union(_nsg_rule(400, "Allow", null, "5432"), {"source_address_prefixes": ["10.0.0.0/8", "0.0.0.0/0"], "resource_group_name": "rg", "network_security_group_name": "nsg"}),
	}})
	{r.resource | some r in rules} == {"azurerm_network_security_rule.rdp", "azurerm_network_security_rule.list"}
	some r in rules
	r.resource == "azurerm_network_security_rule.list"
	r.open[0].path == ["resource", "azurerm_network_security_rule", "list", "source_address_prefixes", 1]
}

# --- terraform-aws-modules/security-group --------------------------------------------------------

_module(body) := {"kind": "terraform", "path": "infra", "doc": {"module": {"sg": body}}, "origins": {}}

_sg(extra) := object.union({"source": "terraform-aws-modules/security-group/aws", "version": "5.3.0", "vpc_id": {"unknown": "module.vpc.vpc_id"}}, extra)

test_module_sources if {
	rules := network.open_rules with input as {"kind": "terraform", "doc": {"module": {
		"a": {"source": "terraform-aws-modules/security-group/aws", "ingress_rules": ["ssh-tcp"], "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"b": {"source": "registry.terraform.io/terraform-aws-modules/security-group/aws//modules/ssh", "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"c": {"source": "git::https://github.com/terraform-aws-modules/terraform-aws-security-group.git//modules/postgresql?ref=v5.1.0", "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"d": {"source": "github.com/terraform-aws-modules/terraform-aws-security-group?ref=v5.1.0", "ingress_rules": ["rdp-tcp"], "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"e": {"source": "example/security-group/aws", "ingress_rules": ["ssh-tcp"], "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"f": {"source": "terraform-aws-modules/security-group/aws", "create": false, "ingress_rules": ["ssh-tcp"], "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"g": {"source": "terraform-aws-modules/security-group/aws", "count": 0, "ingress_rules": ["ssh-tcp"], "ingress_cidr_blocks": ["0.0.0.0/0"]},
	}}}
	{[r.resource, r.spans] | some r in rules} == {
		["module.a", [{"from": 22, "to": 22}]],
		["module.b", [{"from": 22, "to": 22}]],
		["module.c", [{"from": 5432, "to": 5432}]],
		["module.d", [{"from": 3389, "to": 3389}]],
	}
}

test_module_named_rules_point_at_the_item if {
	rules := network.open_rules with input as _module(_sg({
		"ingress_cidr_blocks": ["10.0.0.0/16", "0.0.0.0/0"],
		"ingress_rules": ["https-443-tcp", "postgresql-tcp", "no-such-rule", "all-all", "all-udp"],
	}))
	{[r.path, r.spans, r.open[0].text] | some r in rules} == {
		[["module", "sg", "ingress_rules", 0], [{"from": 443, "to": 443}], "0.0.0.0/0"],
		[["module", "sg", "ingress_rules", 1], [{"from": 5432, "to": 5432}], "0.0.0.0/0"],
		[["module", "sg", "ingress_rules", 3], [{"from": 0, "to": 65535}], "0.0.0.0/0"],
	}
}

test_module_rules_without_cidr_open_nothing if {
	count(network.open_rules) == 0 with input as _module(_sg({"ingress_rules": ["ssh-tcp"]}))
	count(network.open_rules) == 0 with input as _module(_sg({"ingress_rules": ["ssh-tcp"], "ingress_cidr_blocks": ["10.0.0.0/8"]}))
	count(network.open_rules) == 0 with input as _module(_sg({"ingress_rules": ["ssh-tcp"], "ingress_cidr_blocks": {"unknown": "var.cidrs"}}))
}

test_module_ipv6_cidr_blocks if {
	rules := network.open_rules with input as _module(_sg({"ingress_rules": ["ssh-tcp"], "ingress_ipv6_cidr_blocks": ["::/0"]}))
	{r.open[0].text | some r in rules} == {"::/0"}
}

test_module_with_cidr_blocks_items if {
	rules := network.open_rules with input as _module(_sg({
		"ingress_cidr_blocks": ["0.0.0.0/0"],
		"ingress_with_cidr_blocks": [
			{"rule": "ssh-tcp", "cidr_blocks": "0.0.0.0/0"},
			{"from_port": 8000, "to_port": 8010, "protocol": "tcp", "cidr_blocks": "10.0.0.0/8,0.0.0.0/0"},
			{"rule": "postgresql-tcp"},
			{"rule": "redis-tcp", "cidr_blocks": "10.0.0.0/8"},
			{"rule": "postgresql-tcp", "from_port": 6432, "to_port": 6432},
			{"from_port": 53, "to_port": 53, "protocol": "udp", "cidr_blocks": "0.0.0.0/0"},
		],
		"ingress_with_ipv6_cidr_blocks": [{"rule": "mysql-tcp", "ipv6_cidr_blocks": "::/0"}],
	}))
	{[r.path, r.spans, r.open[0].path] | some r in rules} == {
		[["module", "sg", "ingress_with_cidr_blocks", 0], [{"from": 22, "to": 22}], ["module", "sg", "ingress_with_cidr_blocks", 0, "cidr_blocks"]],
		[["module", "sg", "ingress_with_cidr_blocks", 1], [{"from": 8000, "to": 8010}], ["module", "sg", "ingress_with_cidr_blocks", 1, "cidr_blocks"]],
		[["module", "sg", "ingress_with_cidr_blocks", 2], [{"from": 5432, "to": 5432}], ["module", "sg", "ingress_with_cidr_blocks", 2]],
		[["module", "sg", "ingress_with_cidr_blocks", 4], [{"from": 6432, "to": 6432}], ["module", "sg", "ingress_with_cidr_blocks", 4]],
		[["module", "sg", "ingress_with_ipv6_cidr_blocks", 0], [{"from": 3306, "to": 3306}], ["module", "sg", "ingress_with_ipv6_cidr_blocks", 0, "ipv6_cidr_blocks"]],
	}
}

test_module_computed_rules_count if {
	rules := network.open_rules with input as _module(_sg({
		"ingress_cidr_blocks": ["0.0.0.0/0"],
		"computed_ingress_rules": ["ssh-tcp", "rdp-tcp"],
		"number_of_computed_ingress_rules": 1,
		"computed_ingress_with_cidr_blocks": [{"rule": "mysql-tcp", "cidr_blocks": "0.0.0.0/0"}],
	}))
	{r.path | some r in rules} == {["module", "sg", "computed_ingress_rules", 0]}
}

test_module_presets if {
	rules := network.open_rules with input as {"kind": "terraform", "doc": {"module": {
		"ssh": {"source": "terraform-aws-modules/security-group/aws//modules/ssh", "ingress_cidr_blocks": ["0.0.0.0/0"], "ingress_rules": ["postgresql-tcp"]},
		"mongo": {"source": "terraform-aws-modules/security-group/aws//modules/mongodb", "ingress_cidr_blocks": ["0.0.0.0/0"], "auto_ingress_rules": ["mongodb-27017-tcp"]},
		"web": {"source": "terraform-aws-modules/security-group/aws//modules/https-443", "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"oracle": {"source": "terraform-aws-modules/security-group/aws//modules/oracle", "ingress_cidr_ipv4": {"all": "0.0.0.0/0", "vpc": "10.0.0.0/16"}},
		"rdp": {"source": "terraform-aws-modules/security-group/aws//modules/rdp", "ingress_cidr_ipv4": {"vpc": "10.0.0.0/16"}},
	}}}
	{[r.resource, r.path, r.spans, r.open[0].path] | some r in rules} == {
		["module.ssh", ["module", "ssh"], [{"from": 22, "to": 22}], ["module", "ssh", "ingress_cidr_blocks", 0]],
		["module.ssh", ["module", "ssh", "ingress_rules", 0], [{"from": 5432, "to": 5432}], ["module", "ssh", "ingress_rules", 0]],
		["module.mongo", ["module", "mongo"], [{"from": 27017, "to": 27017}], ["module", "mongo", "ingress_cidr_blocks", 0]],
		["module.web", ["module", "web"], [{"from": 443, "to": 443}], ["module", "web", "ingress_cidr_blocks", 0]],
		["module.oracle", ["module", "oracle"], [{"from": 1521, "to": 1521}], ["module", "oracle", "ingress_cidr_ipv4", "all"]],
	}
}

test_module_v6_rule_map if {
	rules := network.open_rules with input as _module({"source": "terraform-aws-modules/security-group/aws", "version": "~> 6.0", "ingress_rules": {
		"ssh": {"from_port": 22, "ip_protocol": "tcp", "cidr_ipv4": "0.0.0.0/0"},
		"pg": {"from_port": 5432, "to_port": 5432, "ip_protocol": "tcp", "cidr_ipv4": "10.0.0.0/16"},
		"all": {"ip_protocol": "-1", "cidr_ipv6": "::/0"},
		"self": {"ip_protocol": "-1", "referenced_security_group_id": "self"},
	}})
	{[r.path, r.spans, r.open[0].path] | some r in rules} == {
		[["module", "sg", "ingress_rules", "ssh"], [{"from": 22, "to": 22}], ["module", "sg", "ingress_rules", "ssh", "cidr_ipv4"]],
		[["module", "sg", "ingress_rules", "all"], [{"from": 0, "to": 65535}], ["module", "sg", "ingress_rules", "all", "cidr_ipv6"]],
	}
}

test_module_odd_shapes_do_not_error if {
	count(network.open_rules) == 0 with input as {"kind": "terraform", "doc": {"module": {
		"a": {"source": {"unknown": "var.src"}},
		"b": {"source": "terraform-aws-modules/security-group/aws", "ingress_rules": "ssh-tcp", "ingress_with_cidr_blocks": [1, "x", {"rule": 7}], "ingress_cidr_blocks": "0.0.0.0/0"},
		"c": {"source": "terraform-aws-modules/security-group/aws//modules/no-such-preset", "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"d": "x",
	}}}
	count(network.open_rules) == 0 with input as {"kind": "terraform", "doc": {"module": []}}
}
