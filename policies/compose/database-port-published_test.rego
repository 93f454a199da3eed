package vigie.rules.compose.database_port_published

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_port(target, published, host_ip) := {"target": target, "published": published, "host_ip": host_ip, "protocol": "tcp", "mode": "ingress"}

_all(target, published) := {"target": target, "published": published, "protocol": "tcp", "mode": "ingress"}

test_postgres_on_all_interfaces_is_denied if {
	findings := deny with input as _doc({"db": {"image": "postgres:16", "ports": [_all(5432, "5432")]}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "db", "ports", 0]
	f.msg == `service "db" (postgres) publishes database port 5432:5432 on all interfaces`
}

test_unspecified_addresses_are_denied if {
	count(deny) == 3 with input as _doc({"db": {"image": "mariadb:11", "ports": [
		_port(3306, "3306", "0.0.0.0"),
		_port(3306, "3307", "::"),
		_port(3306, "3308", ""),
	]}})
}

test_lan_address_is_denied if {
	findings := deny with input as _doc({"cache": {"image": "redis:7", "ports": [_port(6379, "6379", "192.168.1.10")]}})
	count(findings) == 1
	some f in findings
	endswith(f.msg, "on 192.168.1.10")
}

test_ephemeral_host_port_is_denied if {
	count(deny) == 1 with input as _doc({"db": {"image": "mongo:7", "ports": [{"target": 27017, "protocol": "tcp", "mode": "ingress"}]}})
}

test_database_by_image_any_port_is_denied if {
	# Every port of a database image counts, even a non-standard one.
	count(deny) == 2 with input as _doc({"graph": {"image": "neo4j:5", "ports": [_all(7474, "7474"), _all(7999, "7999")]}})
}

test_database_by_container_port_is_denied if {
	findings := deny with input as _doc({"app": {"image": "example/all-in-one:1", "ports": [_all(8080, "8080"), _all(5432, "5432")]}})
	{f.path | some f in findings} == {["services", "app", "ports", 1]}
}

test_registry_and_digest_do_not_hide_the_image if {
	count(deny) == 1 with input as _doc({"db": {"image": "ghcr.io/example/postgres:16@sha256:abc", "ports": [_all(15432, "15432")]}})
}

test_loopback_is_allowed if {
	count(deny) == 0 with input as _doc({"db": {"image": "postgres:16", "ports": [
		_port(5432, "5432", "127.0.0.1"),
		_port(5432, "5433", "127.0.0.53"),
		_port(5432, "5434", "::1"),
	]}})
}

test_default_vpn_cidr_is_allowed if {
	count(deny) == 0 with input as _doc({"db": {"image": "postgres:16", "ports": [_port(5432, "5432", "100.100.7.7")]}})
}

test_configured_vpn_cidrs_are_used if {
	inp := _doc({"db": {"image": "postgres:16", "ports": [_port(5432, "5432", "10.8.0.1"), _port(5432, "5433", "100.100.7.7")]}})
	findings := deny with input as inp with data.vigie.config.vpn_cidrs as ["10.8.0.0/24"]
	{f.path | some f in findings} == {["services", "db", "ports", 1]}
}

test_non_database_is_allowed if {
	count(deny) == 0 with input as _doc({
		"web": {"image": "nginx:1.27", "ports": [_all(80, "80"), _all(443, "443")]},
		"pgadmin": {"image": "dpage/pgadmin4:8", "ports": [_all(80, "5050")]},
		"db": {"image": "postgres:16"},
	})
}

test_unusual_values_are_skipped if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "postgres:16", "ports": [{"unknown": "${PG_PORT:?}"}, "5432:5432", 5432]},
		"b": {"image": "postgres:16", "ports": [_port(5432, "5432", {"unknown": "${BIND:?}"})]},
		"c": {"image": "postgres:16", "ports": "5432:5432"},
		"d": {"image": {"unknown": "${IMG:?}"}, "ports": [_all(8080, "8080")]},
		"e": null,
	})
}
