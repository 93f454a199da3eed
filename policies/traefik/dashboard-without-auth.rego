# METADATA
# title: Traefik dashboard routed without authentication
# description: >-
#   A router sends requests to `api@internal` — Traefik's API and dashboard — and no middleware
#   in its chain authenticates the request: no `basicAuth`, `digestAuth` or `forwardAuth`
#   (Authelia, Authentik, oauth2-proxy), counting the entrypoint's middlewares and the members of
#   `chain` middlewares. Anyone who can reach the host name reads the whole routing configuration:
#   every internal host, backend address and middleware. A middleware this scan cannot see (a
#   reference to another provider's middleware that is not in the scanned files, or a plugin) is
#   given the benefit of the doubt.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/operations/dashboard/#secure-mode
#   - ref: https://doc.traefik.io/traefik/middlewares/http/basicauth/
#   - ref: https://doc.traefik.io/traefik/middlewares/http/forwardauth/
# custom:
#   id: traefik.dashboard-without-auth
#   severity: high
#   remediation: |-
#     Add an authentication middleware to the dashboard's router:
#
#     ```yaml
#     http:
#       routers:
#         dashboard:
#           rule: Host(`traefik.example.com`)
#           service: api@internal
#           middlewares: [auth]
#       middlewares:
#         auth:
#           forwardAuth:
#             address: http://authelia:9091/api/authz/forward-auth
#     ```
#   fix: none
package vigie.rules.traefik.dashboard_without_auth

import data.vigie.lib.traefik as lib
import rego.v1

deny contains finding if {
	some r in lib.routers
	lib.to_api(r.router)
	not lib.maybe_auth(r.router)
	finding := {
		"msg": sprintf("router %s serves Traefik's dashboard (api@internal) with no basicAuth, digestAuth or forwardAuth middleware", [r.name]),
		"path": ["http", "routers", r.name, "service"],
	}
}
