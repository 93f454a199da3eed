package vigie.rules.caddy.tls_protocols_weak

import rego.v1

caddy(protocols) := {"kind": "caddy", "path": "Caddyfile", "doc": {"sites": [{"addresses": [{"text": "a.example.com"}], "tls_protocols": protocols}]}, "origins": {}}

test_tls10_and_tls11_are_denied if {
	findings := deny with input as caddy({"min": "tls1.0", "max": "tls1.3"})
	count(findings) == 1
	some f in findings
	f.path == ["sites", 0, "tls_protocols", "min"]
	count(deny) == 1 with input as caddy({"min": "tls1.1", "max": "tls1.3"})
}

test_tls12_and_up_are_allowed if {
	count(deny) == 0 with input as caddy({"min": "tls1.2", "max": "tls1.3"})
	count(deny) == 0 with input as caddy({"min": "tls1.3", "max": "tls1.3"})
}

test_unknown_is_allowed if {
	count(deny) == 0 with input as caddy({"min": {"unknown": "{$MIN}"}, "max": "tls1.3"})
}
