# METADATA
# title: Admin UI proxied without authentication
# description: >-
#   A site proxies to a known administration UI — Portainer, the Traefik dashboard, Proxmox VE,
#   Dockge, Yacht, Adminer, phpMyAdmin, pgAdmin, Cockpit, Webmin — and nothing in front of it asks
#   who you are: no `forward_auth` (Authelia, Authentik, oauth2-proxy) and no `basic_auth` in the
#   block that proxies it. These UIs control containers, hypervisors and databases; some have no
#   login of their own, the others' login pages are exposed to every password-spraying bot on the
#   internet, and several have had authentication bypasses. The UI is recognised by the upstream's
#   host name or port, or by the image of the compose service the upstream reaches (`app:9000`
#   where the compose service `app` runs `portainer/portainer-ce`): this rule reads the project
#   view, which joins Caddy sites to the compose files of the scan.
# related_resources:
#   - ref: https://caddyserver.com/docs/caddyfile/directives/forward_auth
#   - ref: https://caddyserver.com/docs/caddyfile/directives/basic_auth
# custom:
#   id: caddy.admin-ui-without-auth
#   severity: high
#   remediation: |-
#     Put an authentication step in front of the proxy, or reach the UI only over the VPN:
#
#     ```caddyfile
#     portainer.example.com {
#     	forward_auth authelia:9091 {
#     		uri /api/authz/forward-auth
#     		copy_headers Remote-User Remote-Groups
#     	}
#     	reverse_proxy portainer:9000
#     }
#     ```
#   fix: none
#   input: project
package vigie.rules.caddy.admin_ui_without_auth

import data.vigie.lib.project as lib
import rego.v1

deny contains finding if {
	some r in lib.routes_of("caddy")
	not lib.local_only(r.route)
	some u in lib.upstreams(r.route)
	not lib.has_auth(u.upstream)
	uis := {x.ui | some x in lib.admin_ui(u.upstream)}
	count(uis) > 0
	finding := {
		"msg": sprintf("site %s proxies to %s%s, %s, with no forward_auth or basic_auth in front", [
			lib.route_name(r.route),
			lib.upstream_name(u.upstream),
			lib.service_note(u.upstream),
			concat(" / ", sort(uis)),
		]),
		"path": ["routes", r.index, "upstreams", u.index],
	}
}
