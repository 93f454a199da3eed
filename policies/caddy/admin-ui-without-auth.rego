# METADATA
# title: Admin UI proxied without authentication
# description: >-
#   A site proxies to a known administration UI — Portainer, the Traefik dashboard, Proxmox VE,
#   Dockge, Yacht, Adminer, phpMyAdmin, pgAdmin, Cockpit, Webmin — and nothing in front of it asks
#   who you are: no `forward_auth` (Authelia, Authentik, oauth2-proxy) and no `basic_auth` in the
#   block that proxies it. These UIs control containers, hypervisors and databases; some have no
#   login of their own, the others' login pages are exposed to every password-spraying bot on the
#   internet, and several have had authentication bypasses. The UI is recognised by the upstream's
#   host name or port.
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
package vigie.rules.caddy.admin_ui_without_auth

import data.vigie.lib.caddy as lib
import rego.v1

deny contains finding if {
	some s in lib.sites
	not lib.local_only(s.site)
	is_array(s.site.upstreams)
	some j, upstream in s.site.upstreams
	is_array(upstream.auth)
	count(upstream.auth) == 0
	some ui in _admin_ui(upstream.dial)
	finding := {
		"msg": sprintf("site %s proxies to %s (%s) with no forward_auth or basic_auth in front", [lib.site_name(s.site), upstream.dial, ui]),
		"path": ["sites", s.index, "upstreams", j],
	}
}

# Admin UIs by a word of the upstream's host name (`portainer`, `portainer_app_1`,
# `pgadmin.lan`), and Proxmox by its port.
_names := {
	"portainer": "Portainer",
	"traefik": "the Traefik dashboard",
	"proxmox": "Proxmox VE",
	"pve": "Proxmox VE",
	"dockge": "Dockge",
	"yacht": "Yacht",
	"adminer": "Adminer",
	"phpmyadmin": "phpMyAdmin",
	"pgadmin": "pgAdmin",
	"pgadmin4": "pgAdmin",
	"cockpit": "Cockpit",
	"webmin": "Webmin",
}

_admin_ui(dial) := {ui |
	is_string(dial)
	host := lower(_host(dial))
	some word in regex.split(`[^a-z0-9]+`, host)
	ui := _names[word]
} | {"Proxmox VE" |
	is_string(dial)
	endswith(dial, ":8006")
}

_host(dial) := concat(":", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(dial, ":")
	count(parts) > 1
} else := dial
