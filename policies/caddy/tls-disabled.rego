# METADATA
# title: Site served over plain HTTP
# description: >-
#   A site address is served without TLS — `http://app.example.com`, a `:80` address, or a
#   server Caddy cannot give TLS — for a host other than localhost. Logins, session cookies and
#   API tokens then cross the network in clear text, readable and changeable by anything on the
#   path: the café Wi-Fi, the ISP, a compromised router. A site that only redirects to HTTPS
#   (`redir https://{host}{uri}`) is fine. So is a global `auto_https off` reported: it stops Caddy
#   from obtaining certificates and redirecting HTTP to HTTPS for every site.
# related_resources:
#   - ref: https://caddyserver.com/docs/automatic-https
#   - ref: https://caddyserver.com/docs/caddyfile/concepts#addresses
#   - ref: https://caddyserver.com/docs/caddyfile/options#auto-https
# custom:
#   id: caddy.tls-disabled
#   severity: high
#   remediation: |-
#     Drop the `http://` scheme (and the `:80` port) from the address and let Caddy's automatic
#     HTTPS obtain a certificate and redirect HTTP to HTTPS. For a name only reachable inside your
#     network, use the internal CA or a DNS challenge:
#
#     ```caddyfile
#     app.home.example.com {
#     	tls {
#     		dns cloudflare {env.CF_API_TOKEN}
#     	}
#     	reverse_proxy app:8080
#     }
#     ```
#   fix: none
package vigie.rules.caddy.tls_disabled

import data.vigie.lib.caddy as lib
import rego.v1

deny contains finding if {
	some s in lib.sites
	not lib.redirect_only(s.site)
	is_array(s.site.addresses)
	some j, address in s.site.addresses
	address.tls == false
	not lib.loopback(address.host)
	finding := {
		"msg": sprintf("site %s is served over plain HTTP", [_text(address)]),
		"path": ["sites", s.index, "addresses", j],
	}
}

# `auto_https off`: no certificates, no redirects, for any site that has a public host.
deny contains finding if {
	is_array(input.doc.global)
	some k, option in input.doc.global
	option.name == "auto_https"
	option.args == ["off"]
	some s in lib.sites
	not lib.local_only(s.site)
	finding := {
		"msg": "auto_https is off: Caddy obtains no certificates and does not redirect HTTP to HTTPS",
		"path": ["global", k],
	}
}

_text(address) := address.text if is_string(address.text)

else := "with an address vigie cannot read"
