package vigie.rules.terraform.admin_port_open_to_world

import rego.v1

_input(resources) := {"kind": "terraform", "path": "infra", "doc": {"resource": resources}, "origins": {}}

_hcloud(rules) := _input({"hcloud_firewall": {"web": {"name": "web", "rule": rules}}})

_hrule(port, sources) := {"direction": "in", "protocol": "tcp", "port": port, "source_ips": sources}

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

_every := "every port from 0.0.0.0/0, including Docker API (2375), MySQL/MariaDB (3306), RDP (3389), PostgreSQL (5432), Redis/Valkey (6379), MongoDB (27017) and 25 other database and admin ports"

test_each_admin_port_is_denied if {
	rules := [_hrule(sprintf("%d", [port]), ["0.0.0.0/0"]) | some port in [2375, 2376, 3306, 3389, 5432, 6379, 6443, 8006, 9000, 9090, 9200, 27017]]
	findings := deny with input as _hcloud(rules)
	count(findings) == 12
}

test_hcloud_single_port_message_and_path if {
	findings := deny with input as _hcloud([_hrule("5432", ["10.0.0.0/8", "0.0.0.0/0", "::/0"])])
	count(findings) == 1
	some f in findings
	f.msg == "hcloud_firewall.web accepts PostgreSQL (port 5432) from 0.0.0.0/0, ::/0"
	f.path == ["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 1]
}

test_ssh_and_web_ports_are_not_admin_ports if {
	count(deny) == 0 with input as _hcloud([_hrule("22", ["0.0.0.0/0"]), _hrule("80", ["0.0.0.0/0"]), _hrule("443", ["0.0.0.0/0"]), _hrule("8080", ["0.0.0.0/0"])])
}

test_range_is_one_finding_listing_admin_ports if {
	findings := deny with input as _hcloud([_hrule("3000-3400", ["0.0.0.0/0"]), _hrule("80-85", ["0.0.0.0/0"])])
	_msgs(findings) == {"hcloud_firewall.web accepts ports 3000-3400, including MySQL/MariaDB (3306), RDP (3389), from 0.0.0.0/0"}
}

test_every_port_is_one_finding_per_rule if {
	findings := deny with input as _hcloud([_hrule("any", ["0.0.0.0/0"]), _hrule("1-65535", ["0.0.0.0/0"])])
	count(findings) == 2
	_msgs(findings) == {sprintf("hcloud_firewall.web accepts %s", [_every])}
	_paths(findings) == {
		["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 0],
		["resource", "hcloud_firewall", "web", "rule", 1, "source_ips", 0],
	}
}

test_vpn_narrow_unknown_and_udp_are_allowed if {
	count(deny) == 0 with input as _hcloud([
		_hrule("8006", ["100.64.0.0/10"]),
		_hrule("8006", ["192.168.1.0/24"]),
		_hrule("8006", {"unknown": "var.admin_sources"}),
		_hrule({"unknown": "var.port"}, ["0.0.0.0/0"]),
		{"direction": "in", "protocol": "udp", "port": "3389", "source_ips": ["0.0.0.0/0"]},
	])
}

test_aws_security_group_and_rules if {
	findings := deny with input as _input({
		"aws_security_group": {"db": {
			"ingress": [
				{"from_port": 5432, "to_port": 5432, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
				{"from_port": 0, "to_port": 0, "protocol": "-1", "ipv6_cidr_blocks": ["::/0"]},
			],
			"dynamic": {"ingress": [{"for_each": {"unknown": "var.x"}, "content": [{"from_port": 6379, "to_port": 6379, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]}]},
		}},
		"aws_security_group_rule": {"rdp": {"type": "ingress", "from_port": 3389, "to_port": 3389, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}},
		"aws_vpc_security_group_ingress_rule": {"k8s": {"ip_protocol": "tcp", "from_port": 6443, "to_port": 6443, "cidr_ipv6": "::/0"}},
	})
	_paths(findings) == {
		["resource", "aws_security_group", "db", "ingress", 0, "cidr_blocks", 0],
		["resource", "aws_security_group", "db", "ingress", 1, "ipv6_cidr_blocks", 0],
		["resource", "aws_security_group", "db", "dynamic", "ingress", 0, "content", 0, "cidr_blocks", 0],
		["resource", "aws_security_group_rule", "rdp", "cidr_blocks", 0],
		["resource", "aws_vpc_security_group_ingress_rule", "k8s", "cidr_ipv6"],
	}
}

test_digitalocean_firewall if {
	findings := deny with input as _input({"digitalocean_firewall": {"db": {"inbound_rule": [
		{"protocol": "tcp", "port_range": "27017", "source_addresses": ["0.0.0.0/0"]},
		{"protocol": "tcp", "port_range": "27017", "source_droplet_ids": [123]},
		{"protocol": "tcp", "port_range": "0", "source_addresses": ["::/0"]},
	]}}})
	_msgs(findings) == {
		"digitalocean_firewall.db accepts MongoDB (port 27017) from 0.0.0.0/0",
		"digitalocean_firewall.db accepts every port from ::/0, including Docker API (2375), MySQL/MariaDB (3306), RDP (3389), PostgreSQL (5432), Redis/Valkey (6379), MongoDB (27017) and 25 other database and admin ports",
	}
}

test_google_firewall_one_finding_per_port if {
	findings := deny with input as _input({"google_compute_firewall": {"db": {
		"allow": [{"protocol": "tcp", "ports": ["3306", "5432", "443"]}, {"protocol": "6", "ports": ["5432"]}],
		"source_ranges": ["0.0.0.0/0"],
	}}})
	_msgs(findings) == {
		"google_compute_firewall.db accepts MySQL/MariaDB (port 3306) from 0.0.0.0/0",
		"google_compute_firewall.db accepts PostgreSQL (port 5432) from 0.0.0.0/0",
	}
}

test_google_firewall_allow_without_ports_is_every_port if {
	findings := deny with input as _input({"google_compute_firewall": {"open": {"allow": [{"protocol": "tcp"}]}}})
	count(findings) == 1
	_paths(findings) == {["resource", "google_compute_firewall", "open"]}
}

test_proxmox_rules if {
	findings := deny with input as _input({"proxmox_virtual_environment_firewall_rules": {"node": {"node_name": "pve", "rule": [
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "22,8006", "source": "0.0.0.0/0"},
		{"type": "in", "action": "ACCEPT", "macro": "RDP"},
		{"type": "in", "action": "ACCEPT", "macro": "PostgreSQL", "enabled": false},
		{"type": "in", "action": "DROP", "proto": "tcp", "dport": "3306"},
		{"type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "8006", "source": "+admins"},
	]}}})
	_msgs(findings) == {
		"proxmox_virtual_environment_firewall_rules.node accepts Proxmox VE (port 8006) from 0.0.0.0/0",
		"proxmox_virtual_environment_firewall_rules.node accepts RDP (port 3389) from any address (no source is set)",
	}
	_paths(findings) == {
		["resource", "proxmox_virtual_environment_firewall_rules", "node", "rule", 0, "source"],
		["resource", "proxmox_virtual_environment_firewall_rules", "node", "rule", 1],
	}
}

test_openstack_rules if {
	findings := deny with input as _input({"openstack_networking_secgroup_rule_v2": {
		"redis": {"direction": "ingress", "protocol": "tcp", "port_range_min": "6379", "port_range_max": "6379", "remote_ip_prefix": "0.0.0.0/0"},
		"es": {"direction": "ingress", "protocol": "tcp", "port_range_min": 9200, "port_range_max": 9200, "remote_group_id": "x"},
	}})
	_paths(findings) == {["resource", "openstack_networking_secgroup_rule_v2", "redis", "remote_ip_prefix"]}
}

test_shared_port_list_covers_more_databases if {
	findings := deny with input as _hcloud([_hrule("1433", ["0.0.0.0/0"]), _hrule("11211", ["::/0"]), _hrule("5900", ["0.0.0.0/0"])])
	_msgs(findings) == {
		"hcloud_firewall.web accepts SQL Server (port 1433) from 0.0.0.0/0",
		"hcloud_firewall.web accepts memcached (port 11211) from ::/0",
		"hcloud_firewall.web accepts VNC (port 5900) from 0.0.0.0/0",
	}
}

test_network_acl_and_azure if {
	findings := deny with input as _input({
		"aws_network_acl": {"public": {"ingress": [
			{"rule_no": 100, "action": "allow", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_block": "0.0.0.0/0"},
			{"rule_no": 110, "action": "deny", "protocol": "tcp", "from_port": 3306, "to_port": 3306, "cidr_block": "0.0.0.0/0"},
		]}},
		"azurerm_network_security_rule": {"rdp": {
			"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
			"source_address_prefix": "Internet", "destination_port_range": "3389",
		}},
	})
	_msgs(findings) == {
		"aws_network_acl.public accepts PostgreSQL (port 5432) from 0.0.0.0/0",
		"azurerm_network_security_rule.rdp accepts RDP (port 3389) from Internet",
	}
}

test_security_group_module_named_rules if {
	findings := deny with input as {"kind": "terraform", "path": "infra", "origins": {}, "doc": {"module": {"db_sg": {
		"source": "terraform-aws-modules/security-group/aws",
		"ingress_cidr_blocks": ["0.0.0.0/0"],
		"ingress_rules": ["https-443-tcp", "postgresql-tcp"],
	}}}}
	_msgs(findings) == {"module.db_sg accepts PostgreSQL (port 5432) from 0.0.0.0/0"}
	_paths(findings) == {["module", "db_sg", "ingress_rules", 1]}
}
