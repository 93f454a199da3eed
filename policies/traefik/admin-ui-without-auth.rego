# METADATA
# title: Admin UI routed by Traefik without authentication
# description: >-
#   A Traefik router sends requests to a known administration UI — Portainer, Proxmox VE, Dockge,
#   Yacht, Adminer, phpMyAdmin, pgAdmin, Cockpit, Webmin — and no middleware in its chain
#   authenticates the request: no `forwardAuth` (Authelia, Authentik, oauth2-proxy), `basicAuth`
#   or `digestAuth`, counting the entrypoint's middlewares and the members of `chain`
#   middlewares. These UIs control containers, hypervisors and databases; some have no login of
#   their own, the others' login pages are exposed to every password-spraying bot on the internet,
#   and several have had authentication bypasses. The UI is recognised by the upstream's host
#   name or port (a file-provider server URL), or by the image of the compose service the router
#   reaches — the container carrying the labels, or the service a server URL names: this rule
#   reads the project view, which joins Traefik routers to the compose files of the scan. A
#   middleware this scan cannot see (another provider's, or a plugin) is given the benefit of the
#   doubt. Traefik's own dashboard (`api@internal`) is `traefik.dashboard-without-auth`'s.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/middlewares/http/forwardauth/
#   - ref: https://doc.traefik.io/traefik/middlewares/http/basicauth/
# custom:
#   id: traefik.admin-ui-without-auth
#   severity: high
#   remediation: |-
#     Add an authentication middleware to the router, or reach the UI only over the VPN:
#
#     ```yaml
#     services:
#       portainer:
#         image: portainer/portainer-ce:2.21
#         labels:
#           - traefik.http.routers.portainer.rule=Host(`portainer.example.com`)
#           - traefik.http.routers.portainer.middlewares=sso@file
#     ```
#   fix: none
#   input: project
package vigie.rules.traefik.admin_ui_without_auth

import data.vigie.lib.project as lib
import rego.v1

deny contains finding if {
	some r in lib.routes_of("traefik")
	not lib.local_only(r.route)
	some u in lib.upstreams(r.route)
	not lib.has_auth(u.upstream)
	uis := {x.ui | some x in lib.admin_ui(u.upstream)}
	count(uis) > 0
	finding := {
		"msg": sprintf("router %s sends requests to %s%s, %s, with no forwardAuth, basicAuth or digestAuth middleware", [
			lib.route_name(r.route),
			lib.upstream_name(u.upstream),
			lib.service_note(u.upstream),
			concat(" / ", sort(uis)),
		]),
		"path": ["routes", r.index, "upstreams", u.index],
	}
}
