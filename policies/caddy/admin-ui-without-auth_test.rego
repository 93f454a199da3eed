package vigie.rules.caddy.admin_ui_without_auth

import rego.v1

caddy(upstreams) := {"kind": "caddy", "path": "Caddyfile", "doc": {"sites": [{
	"addresses": [{"text": "admin.example.com", "host": "admin.example.com", "tls": true}],
	"upstreams": upstreams,
}]}, "origins": {}}

test_known_admin_uis_without_auth_are_denied if {
	findings := deny with input as caddy([{"dial": "portainer:9000", "auth": []}])
	count(findings) == 1
	some f in findings
	f.path == ["sites", 0, "upstreams", 0]
	count(deny) == 1 with input as caddy([{"dial": "stack_pgadmin_1:80", "auth": []}])
	count(deny) == 1 with input as caddy([{"dial": "192.168.1.2:8006", "auth": []}])
}

test_auth_in_front_is_allowed if {
	count(deny) == 0 with input as caddy([{"dial": "portainer:9000", "auth": ["forward_auth"]}])
	count(deny) == 0 with input as caddy([{"dial": "adminer:8080", "auth": ["basic_auth"]}])
}

test_other_upstreams_are_allowed if {
	count(deny) == 0 with input as caddy([{"dial": "nextcloud:80", "auth": []}, {"dial": "sportainer:80", "auth": []}])
}

test_local_only_sites_are_allowed if {
	count(deny) == 0 with input as {"kind": "caddy", "doc": {"sites": [{
		"addresses": [{"text": "localhost", "host": "localhost"}],
		"upstreams": [{"dial": "portainer:9000", "auth": []}],
	}]}, "origins": {}}
}
