# METADATA
# title: Traefik HTTPS router without Strict-Transport-Security
# description: >-
#   A router served over TLS (its own `tls`, or its entrypoints' default TLS) has no `headers`
#   middleware setting `stsSeconds` above zero in its chain (entrypoint middlewares and `chain`
#   middlewares included). Without HSTS, a browser that types the bare name or follows an
#   `http://` link first talks plain HTTP, and an attacker on the network can answer that request
#   and keep the victim on HTTP (SSL stripping). Routers that only redirect are not reported, and a
#   middleware this scan cannot see is given the benefit of the doubt.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/middlewares/http/headers/#stsseconds
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html
# custom:
#   id: traefik.hsts-missing
#   severity: low
#   remediation: |-
#     Define a headers middleware once and apply it to every HTTPS router, or to the HTTPS
#     entrypoint:
#
#     ```yaml
#     http:
#       middlewares:
#         hsts:
#           headers:
#             stsSeconds: 31536000
#             stsIncludeSubdomains: true
#     # static configuration
#     entryPoints:
#       websecure:
#         address: ":443"
#         http:
#           middlewares: [hsts@file]
#     ```
#   fix: none
package vigie.rules.traefik.hsts_missing

import data.vigie.lib.traefik as lib
import rego.v1

deny contains finding if {
	some r in lib.routers
	r.router.https == true
	not lib.redirects(r.router)
	not lib.maybe_hsts(r.router)
	finding := {
		"msg": sprintf("HTTPS router %s never sets Strict-Transport-Security (no headers middleware with stsSeconds)", [r.name]),
		"path": ["http", "routers", r.name],
	}
}
