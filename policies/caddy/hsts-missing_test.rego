package vigie.rules.caddy.hsts_missing

import rego.v1

caddy(site) := {"kind": "caddy", "path": "Caddyfile", "doc": {"sites": [site]}, "origins": {}}

base := {
	"addresses": [{"text": "app.example.com", "host": "app.example.com", "tls": true}],
	"directives": [{"name": "reverse_proxy", "args": ["app:80"], "block": []}],
	"tls": true,
	"headers": [],
}

test_https_site_without_hsts_is_denied if {
	findings := deny with input as caddy(base)
	count(findings) == 1
	some f in findings
	f.path == ["sites", 0]
}

test_hsts_header_is_allowed if {
	count(deny) == 0 with input as caddy(object.union(base, {"headers": [{"name": "strict-transport-security", "op": "set", "value": "max-age=31536000"}]}))
}

test_deleted_hsts_does_not_count if {
	count(deny) == 1 with input as caddy(object.union(base, {"headers": [{"name": "Strict-Transport-Security", "op": "delete"}]}))
}

test_plain_http_localhost_and_unknown_are_allowed if {
	count(deny) == 0 with input as caddy(object.union(base, {"tls": false}))
	count(deny) == 0 with input as caddy(object.union(base, {"tls": {"unknown": "{$X}"}}))
	count(deny) == 0 with input as caddy(object.union(base, {"addresses": [{"text": "localhost", "host": "localhost", "tls": true}]}))
}
