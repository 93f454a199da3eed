package vigie.rules.traefik.hsts_missing

import rego.v1

traefik(router, middlewares) := {"kind": "traefik", "path": "dynamic.yml", "doc": {"http": {"routers": {"app@file": router}, "middlewares": middlewares}}, "origins": {}}

base := {"https": true, "chain": []}

hsts := {"hsts@file": {"type": "headers", "headers": {"stsseconds": 31536000}}}

test_https_router_without_hsts_is_denied if {
	findings := deny with input as traefik(base, {})
	count(findings) == 1
	some f in findings
	f.path == ["http", "routers", "app@file"]
}

test_zero_or_other_headers_do_not_count if {
	count(deny) == 1 with input as traefik(object.union(base, {"chain": [{"name": "h@file", "type": "headers"}]}), {"h@file": {"type": "headers", "headers": {"stsseconds": 0}}})
	count(deny) == 1 with input as traefik(object.union(base, {"chain": [{"name": "h@file", "type": "headers"}]}), {"h@file": {"type": "headers", "headers": {"framedeny": true}}})
}

test_hsts_middleware_is_allowed if {
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "hsts@file", "type": "headers"}]}), hsts)
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "hsts@file", "type": "headers"}]}), {"hsts@file": {"type": "headers", "headers": {"stsseconds": "63072000"}}})
}

test_plain_http_redirects_and_unseen_are_allowed if {
	count(deny) == 0 with input as traefik(object.union(base, {"https": false}), {})
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "r@file", "type": "redirectscheme"}]}), {})
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "x@file", "type": "unknown"}]}), {})
}

test_hsts_on_every_tls_entrypoint_is_allowed if {
	doc := {
		"static": {"entrypoints": {"web": {}, "websecure": {"http": {"tls": {}, "middlewares": ["hsts@file"]}}}},
		"http": {"routers": {"app@file": {"https": true, "chain": [], "on_entrypoints": ["web", "websecure"]}}, "middlewares": hsts},
	}
	count(deny) == 0 with input as {"kind": "traefik", "path": "t.yml", "doc": doc, "origins": {}}
	doc2 := object.union(doc, {"static": {"entrypoints": {"websecure": {"http": {"middlewares": []}}}}})
	count(deny) == 1 with input as {"kind": "traefik", "path": "t.yml", "doc": doc2, "origins": {}}
}
