# METADATA
# title: TLS 1.0 or 1.1 allowed
# description: >-
#   A site's `tls { protocols ... }` lets clients negotiate TLS 1.0 or 1.1. Both are deprecated
#   (RFC 8996): they rely on SHA-1 and CBC constructions with known attacks (BEAST, POODLE-style
#   padding oracles), and every current browser and client speaks TLS 1.2 or 1.3, so allowing
#   them only helps an attacker who can force a downgrade. Caddy's default minimum is TLS 1.2.
# related_resources:
#   - ref: https://caddyserver.com/docs/caddyfile/directives/tls
#   - ref: https://datatracker.ietf.org/doc/html/rfc8996
# custom:
#   id: caddy.tls-protocols-weak
#   severity: high
#   remediation: |-
#     Remove the `protocols` line (Caddy then uses TLS 1.2 to 1.3), or set the minimum to
#     `tls1.2`:
#
#     ```caddyfile
#     tls {
#     	protocols tls1.2 tls1.3
#     }
#     ```
#   fix: none
package vigie.rules.caddy.tls_protocols_weak

import data.vigie.lib.caddy as lib
import rego.v1

deny contains finding if {
	some s in lib.sites
	min := s.site.tls_protocols.min
	is_string(min)
	lower(min) in {"tls1.0", "tls1.1"}
	finding := {
		"msg": sprintf("site %s accepts %s, below TLS 1.2", [lib.site_name(s.site), min]),
		"path": ["sites", s.index, "tls_protocols", "min"],
	}
}
