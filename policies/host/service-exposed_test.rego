package vigie.rules.host.service_exposed

import rego.v1

listening(l) := {"kind": "host", "host": {"name": "db1"}, "facts": {"listening": l}}

sock(address, port) := {"proto": "tcp", "state": "LISTEN", "address": address, "port": port, "process": "postgres"}

test_database_on_all_interfaces if {
	findings := deny with input as listening([sock("127.0.0.1", 5432), sock("0.0.0.0", 5432), sock("::", 5432)])
	count(findings) == 2
	some f in findings
	f.path == ["facts", "listening", 1]
	f.msg == `"postgres" listens on 0.0.0.0:5432 (PostgreSQL) beyond loopback and the VPN`
}

test_admin_port_on_a_lan_address if {
	findings := deny with input as listening([{"proto": "tcp", "address": "192.168.1.5", "port": 8006, "process": null}])
	some f in findings
	f.msg == "a process listens on 192.168.1.5:8006 (Proxmox VE) beyond loopback and the VPN"
}

test_vpn_and_loopback_are_fine if {
	count(deny) == 0 with input as listening([sock("100.101.1.2", 5432), sock("::1", 6379), sock("127.0.0.53", 3306)])
}

test_configured_vpn if {
	count(deny) == 0 with input as listening([sock("10.8.0.1", 5432)]) with data.vigie.config.vpn_cidrs as ["10.8.0.0/24"]
}

test_other_ports_are_fine if {
	count(deny) == 0 with input as listening([sock("0.0.0.0", 443), {"proto": "udp", "address": "0.0.0.0", "port": 5432, "process": null}])
}
