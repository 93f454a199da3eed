# METADATA
# title: Traefik API and dashboard in insecure mode
# description: >-
#   `api.insecure` (`--api.insecure=true`) serves Traefik's API and dashboard on the `traefik`
#   entrypoint (port 8080 by default) with no router in front of it, so no middleware can ask for
#   a password. Whoever reaches that port reads the whole routing configuration — every host
#   name, backend address and middleware, the map of what to attack next. Published from a
#   container (`8080:8080`), it is usually reachable from every interface of the host.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/operations/api/#insecure
#   - ref: https://doc.traefik.io/traefik/operations/dashboard/#secure-mode
# custom:
#   id: traefik.api-insecure
#   severity: high
#   remediation: |-
#     Remove `api.insecure` and publish the dashboard through a router with an authentication
#     middleware:
#
#     ```yaml
#     labels:
#       - "traefik.http.routers.dashboard.rule=Host(`traefik.example.com`)"
#       - "traefik.http.routers.dashboard.service=api@internal"
#       - "traefik.http.routers.dashboard.middlewares=auth"
#       - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$..."
#     ```
#   fix: none
package vigie.rules.traefik.api_insecure

import rego.v1

deny contains finding if {
	input.doc.static.api.insecure == true
	finding := {
		"msg": "Traefik's API and dashboard are served in insecure mode (api.insecure), without authentication",
		"path": ["static", "api", "insecure"],
	}
}
