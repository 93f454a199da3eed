package vigie.rules.caddy.tls_disabled

import rego.v1

caddy(doc) := {"kind": "caddy", "path": "Caddyfile", "doc": doc, "origins": {}}

site(addresses, directives) := {"addresses": addresses, "directives": directives, "tls": false}

proxy := [{"name": "reverse_proxy", "args": ["app:8080"], "block": []}]

test_plain_http_site_is_denied if {
	findings := deny with input as caddy({"sites": [site([{"text": "http://app.example.com", "host": "app.example.com", "tls": false}], proxy)]})
	count(findings) == 1
	some f in findings
	f.path == ["sites", 0, "addresses", 0]
}

test_hostless_port_80_is_denied if {
	count(deny) == 1 with input as caddy({"sites": [site([{"text": ":80", "host": null, "tls": false}], proxy)]})
}

test_localhost_and_loopback_are_allowed if {
	count(deny) == 0 with input as caddy({"sites": [site([
		{"text": "http://localhost", "host": "localhost", "tls": false},
		{"text": "http://127.0.0.1:8080", "host": "127.0.0.1", "tls": false},
		{"text": "http://[::1]", "host": "::1", "tls": false},
	], proxy)]})
}

test_redirect_only_site_is_allowed if {
	count(deny) == 0 with input as caddy({"sites": [site(
		[{"text": "http://app.example.com", "host": "app.example.com", "tls": false}],
		[{"name": "redir", "args": ["https://{host}{uri}"], "block": []}],
	)]})
}

test_https_and_unknown_are_allowed if {
	count(deny) == 0 with input as caddy({"sites": [site([
		{"text": "app.example.com", "host": "app.example.com", "tls": true},
		{"text": "{$HOST}", "host": {"unknown": "{$HOST}"}, "tls": {"unknown": "{$HOST}"}},
	], proxy)]})
}

test_auto_https_off_is_denied if {
	findings := deny with input as caddy({
		"global": [{"name": "auto_https", "args": ["off"], "block": []}],
		"sites": [site([{"text": "app.example.com", "host": "app.example.com", "tls": true}], proxy)],
	})
	count(findings) == 1
	some f in findings
	f.path == ["global", 0]
}

test_auto_https_off_for_localhost_only_is_allowed if {
	count(deny) == 0 with input as caddy({
		"global": [{"name": "auto_https", "args": ["off"], "block": []}],
		"sites": [site([{"text": "localhost", "host": "localhost", "tls": true}], proxy)],
	})
}
