package vigie.rules.compose.docker_api_exposed

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_port(target, published, host_ip) := {"target": target, "published": published, "host_ip": host_ip, "protocol": "tcp", "mode": "ingress"}

_all(target, published) := {"target": target, "published": published, "protocol": "tcp", "mode": "ingress"}

_one(findings) := f if {
	count(findings) == 1
	some f in findings
}

test_plain_api_on_all_interfaces_is_critical if {
	f := _one(deny) with input as _doc({"dind": {"image": "docker:27-dind", "ports": [_all(2375, "2375")]}})
	f.path == ["services", "dind", "ports", 0]
	not f.severity
	f.msg == `service "dind" publishes the Docker API, without TLS or authentication, (port 2375:2375) on all interfaces`
}

test_socket_proxy_port_is_critical if {
	f := _one(deny) with input as _doc({"dockerproxy": {"image": "ghcr.io/tecnativa/docker-socket-proxy:0.3@sha256:abc", "ports": [_all(2375, "2375")]}})
	not f.severity
	f.msg == `service "dockerproxy" (ghcr.io/tecnativa/docker-socket-proxy:0.3) publishes its filtered, unauthenticated Docker API (port 2375:2375) on all interfaces`
}

test_socket_proxy_any_port if {
	f := _one(deny) with input as _doc({"proxy": {"image": "lscr.io/linuxserver/socket-proxy:latest", "ports": [_port(8080, "8080", "192.168.1.10")]}})
	contains(f.msg, "on 192.168.1.10")
}

test_tls_port_is_high if {
	f := _one(deny) with input as _doc({"dind": {"image": "docker:dind", "ports": [_all(2376, "2376")]}})
	f.severity == "high"
	contains(f.msg, "over TLS")
}

test_vpn_address_is_high if {
	f := _one(deny) with input as _doc({"dind": {"image": "docker:dind", "ports": [_port(2375, "2375", "100.101.102.103")]}})
	f.severity == "high"
}

test_range_holding_the_api_is_denied if {
	f := _one(deny) with input as _doc({"dind": {"image": "docker:dind", "ports": [_all("2370-2380", "2370-2380")]}})
	f.path == ["services", "dind", "ports", 0]
}

test_loopback_udp_and_other_ports_are_allowed if {
	count(deny) == 0 with input as _doc({
		"dind": {"image": "docker:dind", "ports": [
			_port(2375, "2375", "127.0.0.1"),
			_port(2376, "2376", "[::1]"),
			_port(2375, "2375", "localhost"),
			{"target": 2375, "published": "2375", "protocol": "udp"},
			_all(8080, "8080"),
		]},
		"proxy": {"image": "tecnativa/docker-socket-proxy", "expose": ["2375"]},
		"x": {"image": "example/app", "ports": [{"unknown": "${PORT:?}"}]},
	})
}
