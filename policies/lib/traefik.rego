# Shared helpers for Traefik rules: `import data.vigie.lib.traefik as lib`.
# The input shape is described in docs/traefik-input.md: option names are lowercased, routers,
# services and middlewares are keyed by qualified name (`auth@file`, `web@docker`), and each
# HTTP router carries derived facts (`hosts`, `on_entrypoints`, `https`, `chain`, `upstreams`).
package vigie.lib.traefik

import rego.v1

# Every HTTP router that is an object, with its qualified name.
routers contains {"name": name, "router": r} if {
	is_object(input.doc.http.routers)
	some name, r in input.doc.http.routers
	is_object(r)
}

# Middleware types that authenticate the request.
auth_types := {"basicauth", "digestauth", "forwardauth"}

# The router's middleware chain (entrypoint middlewares and chains expanded) authenticates, or
# may: a middleware this scan cannot see (defined elsewhere) or a plugin gets the benefit of
# the doubt.
maybe_auth(router) if {
	some m in router.chain
	m.type in auth_types
}

maybe_auth(router) if {
	some m in router.chain
	m.type in {"unknown", "plugin"}
}

# The router's chain sets a Strict-Transport-Security max-age above zero, or may (a middleware
# this scan cannot see).
maybe_hsts(router) if {
	some m in router.chain
	m.type == "headers"
	mw := input.doc.http.middlewares[m.name]
	to_number(mw.headers.stsseconds) > 0
}

maybe_hsts(router) if {
	some m in router.chain
	m.type in {"unknown", "plugin"}
}

# Every TLS entrypoint the router is on applies a middleware setting HSTS (the router may also
# be on a plain-HTTP entrypoint without it).
maybe_hsts(router) if {
	tls_eps := [e | some e in router.on_entrypoints; _tls(input.doc.static.entrypoints[e].http.tls)]
	count(tls_eps) > 0
	every e in tls_eps {
		some m in input.doc.static.entrypoints[e].http.middlewares
		_hsts_middleware(qualify(m, "file"))
	}
}

_hsts_middleware(name) if to_number(input.doc.http.middlewares[name].headers.stsseconds) > 0

_hsts_middleware(name) if not input.doc.http.middlewares[name]

_tls(t) if t == true

_tls(t) if is_object(t)

# `name@provider` unless already qualified.
qualify(name, provider) := name if contains(name, "@")

else := sprintf("%s@%s", [name, provider])

# The router redirects (to HTTPS) instead of serving.
redirects(router) if {
	some m in router.chain
	m.type in {"redirectscheme", "redirectregex"}
}

# The router reaches Traefik's own API and dashboard.
to_api(router) if {
	some u in router.upstreams
	u.internal in {"api", "dashboard"}
}

# A router's name for messages: its name as written, with its provider.
router_name(name) := name
