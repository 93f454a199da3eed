package vigie.rules.caddy.admin_ui_without_auth

import rego.v1

project(upstreams, services) := {
	"kind": "project",
	"documents": [],
	"services": services,
	"routes": [{
		"source": "caddy",
		"file": "Caddyfile",
		"name": "admin.example.com",
		"hosts": ["admin.example.com"],
		"tls": true,
		"upstreams": upstreams,
	}],
}

up(address, host, port, auth) := {"address": address, "host": host, "port": port, "auth": auth, "service": null}

test_known_admin_uis_by_name_without_auth_are_denied if {
	findings := deny with input as project([up("portainer:9000", "portainer", "9000", [])], [])
	count(findings) == 1
	some f in findings
	f.path == ["routes", 0, "upstreams", 0]
	contains(f.msg, "Portainer")
	count(deny) == 1 with input as project([up("stack_pgadmin_1:80", "stack_pgadmin_1", "80", [])], [])
	count(deny) == 1 with input as project([up("192.168.1.2:8006", "192.168.1.2", "8006", [])], [])
}

test_admin_ui_by_the_image_of_the_compose_service_is_denied if {
	service := {"index": 0, "file": "compose.yaml", "name": "app", "image": "portainer/portainer-ce:2.19"}
	u := object.union(up("app:9000", "app", "9000", []), {"service": service})
	findings := deny with input as project([up("web:80", "web", "80", []), u], [])
	count(findings) == 1
	some f in findings
	f.path == ["routes", 0, "upstreams", 1]
	f.msg == "site admin.example.com proxies to app:9000 (compose service app in compose.yaml, image portainer/portainer-ce:2.19), Portainer, with no forward_auth or basic_auth in front"
	count(deny) == 1 with input as project([object.union(up("stacks:5001", "stacks", "5001", []), {"service": object.union(service, {"image": "louislam/dockge:1"})})], [])
}

test_auth_in_front_is_allowed if {
	count(deny) == 0 with input as project([up("portainer:9000", "portainer", "9000", ["forward_auth"])], [])
	count(deny) == 0 with input as project([up("adminer:8080", "adminer", "8080", ["basic_auth"])], [])
	service := {"index": 0, "file": "compose.yaml", "name": "app", "image": "portainer/portainer-ce:2.19"}
	count(deny) == 0 with input as project([object.union(up("app:9000", "app", "9000", ["forward_auth"]), {"service": service})], [])
}

test_other_upstreams_are_allowed if {
	count(deny) == 0 with input as project([up("nextcloud:80", "nextcloud", "80", []), up("sportainer:80", "sportainer", "80", [])], [])
	service := {"index": 0, "file": "compose.yaml", "name": "app", "image": "nextcloud:29"}
	count(deny) == 0 with input as project([object.union(up("app:80", "app", "80", []), {"service": service})], [])
}

test_local_only_sites_and_other_proxies_are_allowed if {
	local := {"kind": "project", "routes": [{
		"source": "caddy",
		"hosts": ["localhost"],
		"upstreams": [up("portainer:9000", "portainer", "9000", [])],
	}]}
	count(deny) == 0 with input as local
	traefik := {"kind": "project", "routes": [{
		"source": "traefik",
		"hosts": ["admin.example.com"],
		"upstreams": [up("portainer:9000", "portainer", "9000", [])],
	}]}
	count(deny) == 0 with input as traefik
}
