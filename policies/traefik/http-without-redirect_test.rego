package vigie.rules.traefik.http_without_redirect

import rego.v1

traefik(entrypoints, routers) := {"kind": "traefik", "path": "traefik.yml", "doc": {
	"static": {"entrypoints": entrypoints},
	"http": {"routers": routers, "middlewares": {"to-https@file": {"type": "redirectscheme"}}},
}, "origins": {}}

eps := {"web": {"address": ":80", "port": 80}, "websecure": {"address": ":443", "port": 443}}

app := {"app@docker": {"on_entrypoints": ["web", "websecure"], "chain": []}}

test_port_80_serving_is_denied if {
	findings := deny with input as traefik(eps, app)
	count(findings) == 1
	some f in findings
	f.path == ["static", "entrypoints", "web", "address"]
	count(deny) == 1 with input as traefik(eps, {})
}

test_tls_entrypoint_counts_as_https if {
	count(deny) == 1 with input as traefik({"web": {"port": 80}, "secure": {"port": 8443, "http": {"tls": {}}}}, {})
}

test_entrypoint_redirection_is_allowed if {
	count(deny) == 0 with input as traefik(object.union(eps, {"web": {"port": 80, "http": {"redirections": {"entrypoint": {"to": "websecure"}}}}}), app)
	count(deny) == 0 with input as traefik(object.union(eps, {"web": {"port": 80, "http": {"middlewares": ["to-https@file"]}}}), app)
}

test_redirect_routers_are_allowed if {
	count(deny) == 0 with input as traefik(eps, {
		"redirect@file": {"on_entrypoints": ["web"], "chain": [{"name": "to-https@file", "type": "redirectscheme"}]},
		"app@docker": {"on_entrypoints": ["websecure"], "chain": []},
	})
}

test_http_only_is_allowed if {
	count(deny) == 0 with input as traefik({"web": {"port": 80}}, app)
}
