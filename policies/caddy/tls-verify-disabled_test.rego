package vigie.rules.caddy.tls_verify_disabled

import rego.v1

caddy(upstreams) := {"kind": "caddy", "path": "Caddyfile", "doc": {"sites": [{"upstreams": upstreams}]}, "origins": {}}

test_skip_verify_is_denied if {
	findings := deny with input as caddy([
		{"address": "app:80", "dial": "app:80", "tls_insecure_skip_verify": false},
		{"address": "https://pve:8006", "dial": "pve:8006", "tls_insecure_skip_verify": true},
	])
	count(findings) == 1
	some f in findings
	f.path == ["sites", 0, "upstreams", 1, "tls_insecure_skip_verify"]
}

test_verified_upstreams_are_allowed if {
	count(deny) == 0 with input as caddy([{"address": "https://pve:8006", "dial": "pve:8006", "tls_insecure_skip_verify": false}])
	count(deny) == 0 with input as caddy([])
}
