package vigie.rules.compose.port_published_all_interfaces

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_port(target, published, host_ip) := {"target": target, "published": published, "host_ip": host_ip, "protocol": "tcp", "mode": "ingress"}

_all(target, published) := {"target": target, "published": published, "protocol": "tcp", "mode": "ingress"}

test_port_without_host_ip_is_denied if {
	findings := deny with input as _doc({"grafana": {"image": "grafana/grafana:11.2.0", "ports": [_all(3000, "3000")]}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "grafana", "ports", 0]
	f.msg == `service "grafana" publishes port 3000:3000 on all interfaces, bypassing any reverse proxy`
}

test_unspecified_addresses_are_denied if {
	count(deny) == 3 with input as _doc({"app": {"image": "example/app:1", "ports": [
		_port(80, "8080", "0.0.0.0"),
		_port(80, "8081", "::"),
		_port(80, "8082", ""),
	]}})
}

test_ephemeral_host_port_is_denied if {
	findings := deny with input as _doc({"app": {"image": "example/app:1", "ports": [{"target": 8080, "protocol": "tcp", "mode": "ingress"}]}})
	count(findings) == 1
	some f in findings
	contains(f.msg, "port 8080 on all")
}

test_missing_protocol_means_tcp if {
	count(deny) == 1 with input as _doc({"app": {"image": "example/app:1", "ports": [{"target": 8080, "published": "8080"}]}})
}

test_each_port_is_denied if {
	findings := deny with input as _doc({
		"a": {"image": "example/a:1", "ports": [_all(80, "8080"), _all(443, "8443")]},
		"b": {"image": "example/b:1", "ports": [_all(9000, "9000")]},
	})
	{f.path | some f in findings} == {["services", "a", "ports", 0], ["services", "a", "ports", 1], ["services", "b", "ports", 0]}
}

test_reverse_proxies_are_allowed if {
	count(deny) == 0 with input as _doc({
		"traefik": {"image": "traefik:v3.1", "ports": [_all(80, "80"), _all(443, "443")]},
		"caddy": {"image": "caddy:2.8", "ports": [_all(443, "443")]},
		"npm": {"image": "jc21/nginx-proxy-manager:2.11.3", "ports": [_all(80, "80"), _all(81, "81")]},
		"swag": {"image": "lscr.io/linuxserver/swag:3.0.1", "ports": [_all(443, "443")]},
		"proxy": {"image": "nginxproxy/nginx-proxy:1.6", "ports": [_all(80, "80")]},
	})
}

test_bound_ports_are_allowed if {
	count(deny) == 0 with input as _doc({"app": {"image": "example/app:1", "ports": [
		_port(3000, "3000", "127.0.0.1"),
		_port(3000, "3001", "::1"),
		_port(3000, "3002", "192.168.1.10"),
		_port(3000, "3003", "100.64.0.2"),
	]}})
}

test_udp_is_allowed if {
	count(deny) == 0 with input as _doc({"dns": {"image": "pihole/pihole:2024.07.0", "ports": [
		{"target": 53, "published": "53", "protocol": "udp", "mode": "ingress"},
		{"target": 51820, "published": "51820", "protocol": "UDP", "mode": "ingress"},
	]}})
}

test_database_ports_are_left_to_database_rule if {
	count(deny) == 0 with input as _doc({
		"db": {"image": "postgres:16", "ports": [_all(5432, "5432"), _all(9187, "9187")]},
		"app": {"image": "example/app:1", "ports": [_all(6379, "6379")]},
	})
}

test_unusual_values_are_skipped if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "example/app:1", "ports": [{"unknown": "${PORT:?}"}, "8080:80", 80, null]},
		"b": {"image": "example/app:1", "ports": [_port(80, "80", {"unknown": "${BIND:?}"})]},
		"c": {"image": "example/app:1", "ports": "8080:80"},
		"d": null,
	})
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": null}, "origins": {}}
}

test_docker_api_ports_are_left_to_docker_api_exposed if {
	count(deny) == 0 with input as _doc({
		"dind": {"image": "docker:27-dind", "ports": [_all(2375, "2375"), _all(2376, "2376")]},
		"proxy": {"image": "tecnativa/docker-socket-proxy:0.2.0", "ports": [_all(8080, "2375")]},
	})
	count(deny) == 1 with input as _doc({"dind": {"image": "docker:27-dind", "ports": [_all(2375, "2375"), _all(8080, "8080")]}})
}
