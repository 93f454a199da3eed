# METADATA
# title: HTTPS site without Strict-Transport-Security
# description: >-
#   An HTTPS site never sets the `Strict-Transport-Security` header (snippets and imports
#   included). Without HSTS, a browser that types the bare name or follows an `http://` link first
#   talks plain HTTP, and an attacker on the network (public Wi-Fi, a hostile hotspot) can answer
#   that first request and keep the victim on HTTP (SSL stripping), stealing the login that follows.
#   Caddy redirects HTTP to HTTPS but does not add HSTS by itself. Sites on localhost, and sites
#   that only redirect, are not reported.
# related_resources:
#   - ref: https://caddyserver.com/docs/caddyfile/directives/header
#   - ref: https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html
# custom:
#   id: caddy.hsts-missing
#   severity: medium
#   remediation: |-
#     Set the header in the site, or once in a snippet imported by every site:
#
#     ```caddyfile
#     (security_headers) {
#     	header Strict-Transport-Security "max-age=31536000; includeSubDomains"
#     }
#
#     app.example.com {
#     	import security_headers
#     	reverse_proxy app:8080
#     }
#     ```
#   fix: none
package vigie.rules.caddy.hsts_missing

import data.vigie.lib.caddy as lib
import rego.v1

deny contains finding if {
	some s in lib.sites
	s.site.tls == true
	not lib.local_only(s.site)
	not lib.redirect_only(s.site)
	not lib.sets_hsts(s.site)
	finding := {
		"msg": sprintf("HTTPS site %s never sets Strict-Transport-Security", [lib.site_name(s.site)]),
		"path": ["sites", s.index],
	}
}
