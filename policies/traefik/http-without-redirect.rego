# METADATA
# title: Traefik HTTP entrypoint without redirection to HTTPS
# description: >-
#   An entrypoint listens on port 80 and nothing sends its visitors to HTTPS — no
#   `http.redirections.entryPoint` on the entrypoint, no `redirectScheme` middleware on it, and
#   some router on it serves instead of redirecting — while the same Traefik has an HTTPS
#   entrypoint (port 443, or one with TLS by default). The sites are then also served in clear
#   text: logins and session cookies cross the network readable and modifiable by anyone on the
#   path. Routers that name no entrypoint listen on every default entrypoint, port 80 included.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/routing/entrypoints/#redirection
#   - ref: https://doc.traefik.io/traefik/middlewares/http/redirectscheme/
# custom:
#   id: traefik.http-without-redirect
#   severity: medium
#   remediation: |-
#     Redirect the whole entrypoint:
#
#     ```yaml
#     entryPoints:
#       web:
#         address: ":80"
#         http:
#           redirections:
#             entryPoint:
#               to: websecure
#               scheme: https
#       websecure:
#         address: ":443"
#     ```
#   fix: none
package vigie.rules.traefik.http_without_redirect

import data.vigie.lib.traefik as lib
import rego.v1

deny contains finding if {
	some name, ep in input.doc.static.entrypoints
	ep.port == 80
	_https_exists
	not _redirected(name, ep)
	finding := {
		"msg": sprintf("entrypoint %s listens on port 80 without redirecting to HTTPS, though an HTTPS entrypoint exists", [name]),
		"path": ["static", "entrypoints", name, "address"],
	}
}

_https_exists if {
	some ep in input.doc.static.entrypoints
	ep.port == 443
}

_https_exists if {
	some ep in input.doc.static.entrypoints
	_tls(ep.http.tls)
}

_tls(t) if t == true

_tls(t) if is_object(t)

_redirected(_, ep) if ep.http.redirections.entrypoint.to

_redirected(_, ep) if {
	some m in ep.http.middlewares
	name := _qualified(m)
	input.doc.http.middlewares[name].type in {"redirectscheme", "redirectregex"}
}

# Every router on the entrypoint redirects (a catch-all redirect router, say), and there is one.
_redirected(name, _) if {
	on := [r | some r in lib.routers; name in r.router.on_entrypoints]
	count(on) > 0
	every r in on {
		lib.redirects(r.router)
	}
}

_qualified(m) := m if contains(m, "@")

else := concat("", [m, "@file"])
