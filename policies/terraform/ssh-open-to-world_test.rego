package vigie.rules.terraform.ssh_open_to_world

import rego.v1

_input(resources) := {"kind": "terraform", "path": "infra", "doc": {"resource": resources}, "origins": {}}

_hcloud(rules) := _input({"hcloud_firewall": {"web": {"name": "web", "rule": rules}}})

_hrule(port, sources) := {"direction": "in", "protocol": "tcp", "port": port, "source_ips": sources}

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

# --- Hetzner Cloud -------------------------------------------------------------------------------

test_hcloud_ssh_from_world if {
	findings := deny with input as _hcloud([_hrule("22", ["0.0.0.0/0", "::/0"])])
	count(findings) == 1
	some f in findings
	f.msg == "hcloud_firewall.web accepts SSH (port 22) from 0.0.0.0/0, ::/0"
	f.path == ["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 0]
}

test_hcloud_points_at_first_open_source if {
	findings := deny with input as _hcloud([_hrule(22, ["203.0.113.4/32", "::/0"])])
	_paths(findings) == {["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 1]}
	_msgs(findings) == {"hcloud_firewall.web accepts SSH (port 22) from ::/0"}
}

test_hcloud_range_and_any if {
	findings := deny with input as _hcloud([
		_hrule("20-25", ["0.0.0.0/0"]),
		_hrule("any", ["0.0.0.0/0"]),
		_hrule("1-65535", ["0.0.0.0/0"]),
		_hrule("23-80", ["0.0.0.0/0"]),
	])
	_msgs(findings) == {
		"hcloud_firewall.web accepts ports 20-25, SSH (22) included, from 0.0.0.0/0",
		"hcloud_firewall.web accepts every port, SSH (22) included, from 0.0.0.0/0",
	}
	_paths(findings) == {
		["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 0],
		["resource", "hcloud_firewall", "web", "rule", 1, "source_ips", 0],
		["resource", "hcloud_firewall", "web", "rule", 2, "source_ips", 0],
	}
}

test_hcloud_udp_icmp_outbound_and_other_ports_are_allowed if {
	count(deny) == 0 with input as _hcloud([
		{"direction": "in", "protocol": "udp", "port": "22", "source_ips": ["0.0.0.0/0"]},
		{"direction": "in", "protocol": "icmp", "source_ips": ["0.0.0.0/0"]},
		{"direction": "out", "protocol": "tcp", "port": "22", "destination_ips": ["0.0.0.0/0"]},
		_hrule("443", ["0.0.0.0/0", "::/0"]),
	])
}

test_hcloud_missing_source_is_not_read_as_world if {
	# source_ips is required for inbound hcloud rules: the provider rejects the rule.
	count(deny) == 0 with input as _hcloud([{"direction": "in", "protocol": "tcp", "port": "22"}])
}

test_narrow_and_vpn_sources_are_allowed if {
	count(deny) == 0 with input as _hcloud([
		_hrule("22", ["203.0.113.4/32", "10.0.0.0/8", "2001:db8::/32"]),
		_hrule("22", ["100.64.0.0/10"]),
		_hrule("22", ["100.101.102.103/32"]),
	])
}

test_configured_vpn_cidrs if {
	# Narrow sources never fire, in the VPN or not; a world source fires unless vpn_cidrs holds it.
	count(deny) == 0 with input as _hcloud([_hrule("22", ["100.64.0.0/10"]), _hrule("22", ["10.8.0.0/24"])])
		with data.vigie.config as {"vpn_cidrs": ["10.8.0.0/16"]}
	count(deny) == 1 with input as _hcloud([_hrule("22", ["0.0.0.0/0"])])
		with data.vigie.config as {"vpn_cidrs": ["10.8.0.0/16"]}
	count(deny) == 0 with input as _hcloud([_hrule("22", ["0.0.0.0/0"])])
		with data.vigie.config as {"vpn_cidrs": ["0.0.0.0/0"]}
}

test_world_words if {
	findings := deny with input as _hcloud([_hrule("22", ["any"]), _hrule("22", ["*"]), _hrule("22", ["0.0.0.0"]), _hrule("22", ["0::/0"])])
	count(findings) == 4
}

test_unknown_values_are_silent if {
	count(deny) == 0 with input as _hcloud([
		_hrule({"unknown": "var.ssh_port"}, ["0.0.0.0/0"]),
		_hrule("22", {"unknown": "var.admin_sources"}),
		_hrule("22", [{"unknown": "hcloud_server.bastion.ipv4_address"}]),
		{"direction": {"unknown": "var.direction"}, "protocol": "tcp", "port": "22", "source_ips": ["0.0.0.0/0"]},
		{"direction": "in", "protocol": {"unknown": "var.protocol"}, "port": "22", "source_ips": ["0.0.0.0/0"]},
	])
}

test_source_from_variable_points_at_argument if {
	inp := object.union(_hcloud([_hrule("22", ["0.0.0.0/0"])]), {"origins": {
		"resource/hcloud_firewall/web/rule/0/source_ips": {"from": "var", "name": "admin_sources", "file": "terraform.tfvars"},
	}})
	findings := deny with input as inp
	_paths(findings) == {["resource", "hcloud_firewall", "web", "rule", 0, "source_ips"]}
}

test_dynamic_rule_with_literal_content if {
	findings := deny with input as _input({"hcloud_firewall": {"web": {"dynamic": {"rule": [{
		"for_each": {"unknown": "var.ports"},
		"content": [{"direction": "in", "protocol": "tcp", "port": "22", "source_ips": ["0.0.0.0/0"]}],
	}]}}}})
	_paths(findings) == {["resource", "hcloud_firewall", "web", "dynamic", "rule", 0, "content", 0, "source_ips", 0]}
}

test_dynamic_rule_with_iterator_values_is_silent if {
	count(deny) == 0 with input as _input({"hcloud_firewall": {"web": {"dynamic": {"rule": [{
		"for_each": [{"port": "22"}],
		"content": [{"direction": "in", "protocol": "tcp", "port": {"unknown": "rule.value.port"}, "source_ips": ["0.0.0.0/0"]}],
	}]}}}})
}

test_dynamic_rule_over_empty_collection_is_silent if {
	count(deny) == 0 with input as _input({"hcloud_firewall": {"web": {"dynamic": {"rule": [{
		"for_each": [],
		"content": [_hrule("22", ["0.0.0.0/0"])],
	}]}}}})
}

test_tf_json_single_object_block if {
	findings := deny with input as _input({"hcloud_firewall": {"web": {"rule": _hrule("22", ["0.0.0.0/0"])}}})
	_paths(findings) == {["resource", "hcloud_firewall", "web", "rule", "source_ips", 0]}
}

test_count_and_for_each_resources if {
	findings := deny with input as _input({"hcloud_firewall": {
		"each": {"for_each": {"unknown": "var.servers"}, "rule": [_hrule("22", ["0.0.0.0/0"])]},
		"counted": {"count": 2, "rule": [_hrule("22", ["0.0.0.0/0"])]},
		"disabled": {"count": 0, "rule": [_hrule("22", ["0.0.0.0/0"])]},
		"none": {"for_each": {}, "rule": [_hrule("22", ["0.0.0.0/0"])]},
	}})
	_msgs(findings) == {
		"hcloud_firewall.each accepts SSH (port 22) from 0.0.0.0/0",
		"hcloud_firewall.counted accepts SSH (port 22) from 0.0.0.0/0",
	}
}

# --- AWS -----------------------------------------------------------------------------------------

_ingress(from, to, protocol, cidrs) := {"from_port": from, "to_port": to, "protocol": protocol, "cidr_blocks": cidrs}

test_aws_security_group_inline_ingress if {
	findings := deny with input as _input({"aws_security_group": {"web": {"ingress": [
		_ingress(443, 443, "tcp", ["0.0.0.0/0"]),
		_ingress(22, 22, "tcp", ["10.0.0.0/16", "0.0.0.0/0"]),
	]}}})
	count(findings) == 1
	some f in findings
	f.msg == "aws_security_group.web accepts SSH (port 22) from 0.0.0.0/0"
	f.path == ["resource", "aws_security_group", "web", "ingress", 1, "cidr_blocks", 1]
}

test_aws_ipv6_and_string_ports if {
	findings := deny with input as _input({"aws_security_group": {"web": {"ingress": [{
		"from_port": "22", "to_port": "22", "protocol": "6", "ipv6_cidr_blocks": ["::/0"],
	}]}}})
	_paths(findings) == {["resource", "aws_security_group", "web", "ingress", 0, "ipv6_cidr_blocks", 0]}
}

test_aws_all_protocols if {
	findings := deny with input as _input({"aws_security_group": {"web": {"ingress": [
		_ingress(0, 0, "-1", ["0.0.0.0/0"]),
		_ingress(0, 0, -1, ["::/0"]),
		_ingress(0, 0, "all", ["0.0.0.0/0"]),
	]}}})
	count(findings) == 3
	_msgs(findings) == {
		"aws_security_group.web accepts every port, SSH (22) included, from 0.0.0.0/0",
		"aws_security_group.web accepts every port, SSH (22) included, from ::/0",
	}
}

test_aws_range_containing_22 if {
	findings := deny with input as _input({"aws_security_group": {"web": {"ingress": [_ingress(0, 1024, "tcp", ["0.0.0.0/0"])]}}})
	_msgs(findings) == {"aws_security_group.web accepts ports 0-1024, SSH (22) included, from 0.0.0.0/0"}
}

test_aws_udp_and_security_group_sources_are_allowed if {
	count(deny) == 0 with input as _input({"aws_security_group": {"web": {"ingress": [
		_ingress(22, 22, "udp", ["0.0.0.0/0"]),
		_ingress(0, 0, "icmp", ["0.0.0.0/0"]),
		{"from_port": 22, "to_port": 22, "protocol": "tcp", "security_groups": ["sg-123"]},
		{"from_port": 22, "to_port": 22, "protocol": "tcp", "self": true},
		{"from_port": 22, "to_port": 22, "protocol": "tcp", "prefix_list_ids": ["pl-123"]},
	], "egress": [_ingress(22, 22, "tcp", ["0.0.0.0/0"])]}}})
}

test_aws_dynamic_ingress if {
	findings := deny with input as _input({"aws_security_group": {"web": {"dynamic": {"ingress": [{
		"for_each": ["a"],
		"content": [_ingress(22, 22, "tcp", ["0.0.0.0/0"])],
	}]}}}})
	_paths(findings) == {["resource", "aws_security_group", "web", "dynamic", "ingress", 0, "content", 0, "cidr_blocks", 0]}
}

test_aws_security_group_rule if {
	findings := deny with input as _input({"aws_security_group_rule": {
		"ssh": object.union(_ingress(22, 22, "tcp", ["0.0.0.0/0"]), {"type": "ingress", "security_group_id": {"unknown": "aws_security_group.web.id"}}),
		"out": object.union(_ingress(22, 22, "tcp", ["0.0.0.0/0"]), {"type": "egress"}),
		"unknown_type": object.union(_ingress(22, 22, "tcp", ["0.0.0.0/0"]), {"type": {"unknown": "var.type"}}),
	}})
	count(findings) == 1
	_paths(findings) == {["resource", "aws_security_group_rule", "ssh", "cidr_blocks", 0]}
}

test_aws_vpc_security_group_ingress_rule if {
	findings := deny with input as _input({"aws_vpc_security_group_ingress_rule": {
		"ssh_v4": {"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"},
		"ssh_v6": {"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv6": "::/0"},
		"all": {"security_group_id": "sg-1", "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"},
		"lan": {"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "192.168.0.0/16"},
		"sg": {"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 22, "to_port": 22, "referenced_security_group_id": "sg-2"},
		"udp": {"security_group_id": "sg-1", "ip_protocol": "udp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"},
	}})
	_paths(findings) == {
		["resource", "aws_vpc_security_group_ingress_rule", "ssh_v4", "cidr_ipv4"],
		["resource", "aws_vpc_security_group_ingress_rule", "ssh_v6", "cidr_ipv6"],
		["resource", "aws_vpc_security_group_ingress_rule", "all", "cidr_ipv4"],
	}
}

# --- DigitalOcean --------------------------------------------------------------------------------

test_digitalocean_firewall if {
	findings := deny with input as _input({"digitalocean_firewall": {"web": {"inbound_rule": [
		{"protocol": "tcp", "port_range": "22", "source_addresses": ["0.0.0.0/0", "::/0"]},
		{"protocol": "tcp", "port_range": "1-65535", "source_addresses": ["::/0"]},
		{"protocol": "tcp", "port_range": "all", "source_addresses": ["0.0.0.0/0"]},
		{"protocol": "tcp", "port_range": "80", "source_addresses": ["0.0.0.0/0"]},
		{"protocol": "udp", "port_range": "22", "source_addresses": ["0.0.0.0/0"]},
		{"protocol": "tcp", "port_range": "22", "source_tags": ["admin"]},
		{"protocol": "tcp", "port_range": "22", "source_addresses": ["192.168.1.0/24"]},
	], "outbound_rule": [{"protocol": "tcp", "port_range": "22", "destination_addresses": ["0.0.0.0/0"]}]}}})
	_paths(findings) == {
		["resource", "digitalocean_firewall", "web", "inbound_rule", 0, "source_addresses", 0],
		["resource", "digitalocean_firewall", "web", "inbound_rule", 1, "source_addresses", 0],
		["resource", "digitalocean_firewall", "web", "inbound_rule", 2, "source_addresses", 0],
	}
}

# --- Google Cloud --------------------------------------------------------------------------------

test_google_firewall_source_ranges if {
	findings := deny with input as _input({"google_compute_firewall": {"ssh": {
		"network": "default",
		"allow": [{"protocol": "tcp", "ports": ["22", "2222"]}, {"protocol": "tcp", "ports": ["20-30"]}],
		"source_ranges": ["35.235.240.0/20", "0.0.0.0/0"],
	}}})
	count(findings) == 1
	some f in findings
	f.msg == "google_compute_firewall.ssh accepts SSH (port 22) from 0.0.0.0/0"
	f.path == ["resource", "google_compute_firewall", "ssh", "source_ranges", 1]
}

test_google_firewall_default_source if {
	findings := deny with input as _input({"google_compute_firewall": {"ssh": {"network": "default", "allow": [{"protocol": "tcp", "ports": ["22"]}]}}})
	_paths(findings) == {["resource", "google_compute_firewall", "ssh"]}
	_msgs(findings) == {"google_compute_firewall.ssh accepts SSH (port 22) from 0.0.0.0/0 (the default: no source is set)"}
}

test_google_firewall_all_ports if {
	findings := deny with input as _input({"google_compute_firewall": {
		"tcp": {"allow": [{"protocol": "tcp"}], "source_ranges": ["0.0.0.0/0"]},
		"all": {"allow": [{"protocol": "all"}], "source_ranges": ["::/0"], "direction": "INGRESS"},
	}})
	count(findings) == 2
}

test_google_firewall_not_findings if {
	count(deny) == 0 with input as _input({"google_compute_firewall": {
		"tags": {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_tags": ["bastion"]},
		"sa": {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_service_accounts": ["a@b.iam.gserviceaccount.com"]},
		"iap": {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["35.235.240.0/20"]},
		"deny": {"deny": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]},
		"egress": {"direction": "EGRESS", "allow": [{"protocol": "tcp", "ports": ["22"]}], "destination_ranges": ["0.0.0.0/0"]},
		"disabled": {"disabled": true, "allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]},
		"udp": {"allow": [{"protocol": "udp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]},
		"unknown": {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": {"unknown": "var.ranges"}},
		"unknown_port": {"allow": [{"protocol": "tcp", "ports": [{"unknown": "var.port"}]}], "source_ranges": ["0.0.0.0/0"]},
	}})
}

# --- Proxmox VE ----------------------------------------------------------------------------------

_pve(rules) := _input({"proxmox_virtual_environment_firewall_rules": {"vm": {"node_name": "pve", "vm_id": 100, "rule": rules}}})

test_proxmox_dport_and_source if {
	findings := deny with input as _pve([
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22", "source": "0.0.0.0/0"},
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "80,443", "source": "0.0.0.0/0"},
	])
	_paths(findings) == {["resource", "proxmox_virtual_environment_firewall_rules", "vm", "rule", 0, "source"]}
	_msgs(findings) == {"proxmox_virtual_environment_firewall_rules.vm accepts SSH (port 22) from 0.0.0.0/0"}
}

test_proxmox_missing_source_is_any if {
	findings := deny with input as _pve([
		{"type": "in", "action": "ACCEPT", "macro": "SSH"},
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "20:30", "source": ""},
		{"type": "in", "action": "ACCEPT"},
	])
	_paths(findings) == {
		["resource", "proxmox_virtual_environment_firewall_rules", "vm", "rule", 0],
		["resource", "proxmox_virtual_environment_firewall_rules", "vm", "rule", 1],
		["resource", "proxmox_virtual_environment_firewall_rules", "vm", "rule", 2],
	}
	_msgs(findings) == {
		"proxmox_virtual_environment_firewall_rules.vm accepts SSH (port 22) from any address (no source is set)",
		"proxmox_virtual_environment_firewall_rules.vm accepts ports 20-30, SSH (22) included, from any address (no source is set)",
		"proxmox_virtual_environment_firewall_rules.vm accepts every port, SSH (22) included, from any address (no source is set)",
	}
}

test_proxmox_not_findings if {
	count(deny) == 0 with input as _pve([
		{"type": "in", "action": "DROP", "macro": "SSH"},
		{"type": "in", "action": "REJECT", "proto": "tcp", "dport": "22"},
		{"type": "out", "action": "ACCEPT", "macro": "SSH"},
		{"type": "in", "action": "ACCEPT", "macro": "SSH", "enabled": false},
		{"type": "in", "action": "ACCEPT", "macro": "SSH", "source": "+management"},
		{"type": "in", "action": "ACCEPT", "macro": "SSH", "source": "dc/admins"},
		{"type": "in", "action": "ACCEPT", "macro": "SSH", "source": "192.168.1.0/24,100.64.0.0/10"},
		{"type": "in", "action": "ACCEPT", "macro": "HTTPS"},
		{"type": "in", "action": "ACCEPT", "proto": "udp", "dport": "22"},
		{"type": "in", "action": "ACCEPT", "proto": "icmp"},
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": {"unknown": "var.port"}},
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22", "source": {"unknown": "var.src"}},
		{"security_group": "webserver", "iface": "net0"},
	])
}

# --- OpenStack -----------------------------------------------------------------------------------

test_openstack_secgroup_rule if {
	findings := deny with input as _input({"openstack_networking_secgroup_rule_v2": {
		"ssh": {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0", "security_group_id": {"unknown": "openstack_networking_secgroup_v2.web.id"}},
		"any": {"direction": "ingress", "ethertype": "IPv6"},
		"group": {"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_group_id": "abc"},
		"lan": {"direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "10.0.0.0/8"},
		"egress": {"direction": "egress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"},
		"udp": {"direction": "ingress", "protocol": "udp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"},
	}})
	_paths(findings) == {
		["resource", "openstack_networking_secgroup_rule_v2", "ssh", "remote_ip_prefix"],
		["resource", "openstack_networking_secgroup_rule_v2", "any"],
	}
}

test_no_resources_no_findings if {
	count(deny) == 0 with input as {"kind": "terraform", "path": "x", "doc": {}, "origins": {}}
	count(deny) == 0 with input as {"kind": "terraform", "path": "x", "doc": {"tfvars": {"terraform.tfvars": {"a": 1}}}, "origins": {}}
}

test_default_security_group_network_acl_and_azure if {
	findings := deny with input as _input({
		"aws_default_security_group": {"default": {"ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}},
		"aws_network_acl_rule": {"ssh": {"rule_number": 100, "egress": false, "protocol": "tcp", "rule_action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 22, "to_port": 22}},
		"azurerm_network_security_group": {"vm": {"security_rule": [{
			"name": "ssh", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "*",
			"source_address_prefix": "*", "destination_port_range": "*",
		}]}},
	})
	_msgs(findings) == {
		"aws_default_security_group.default accepts SSH (port 22) from 0.0.0.0/0",
		"aws_network_acl_rule.ssh accepts SSH (port 22) from 0.0.0.0/0",
		"azurerm_network_security_group.vm accepts every port, SSH (22) included, from *",
	}
}

test_security_group_module_forms if {
	findings := deny with input as {"kind": "terraform", "path": "infra", "origins": {}, "doc": {"module": {
		"bastion": {"source": "terraform-aws-modules/security-group/aws//modules/ssh", "ingress_cidr_blocks": ["0.0.0.0/0"]},
		"web": {"source": "terraform-aws-modules/security-group/aws", "ingress_with_cidr_blocks": [
			{"rule": "http-80-tcp", "cidr_blocks": "0.0.0.0/0"},
			{"rule": "ssh-tcp", "cidr_blocks": "0.0.0.0/0"},
		]},
		"vpn_only": {"source": "terraform-aws-modules/security-group/aws//modules/ssh", "ingress_cidr_blocks": ["100.64.0.0/10"]},
	}}}
	_msgs(findings) == {"module.bastion accepts SSH (port 22) from 0.0.0.0/0", "module.web accepts SSH (port 22) from 0.0.0.0/0"}
	_paths(findings) == {["module", "bastion", "ingress_cidr_blocks", 0], ["module", "web", "ingress_with_cidr_blocks", 1, "cidr_blocks"]}
}
