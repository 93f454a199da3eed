# METADATA
# title: Traefik TLS options allow TLS below 1.2
# description: >-
#   A `tls.options` entry sets `minVersion` to `VersionTLS10` or `VersionTLS11` (or SSL 3.0).
#   TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and CBC constructions with
#   known attacks (BEAST, Lucky13), PCI DSS forbids them, and every current browser already speaks
#   TLS 1.2. Allowing them only lets a network attacker downgrade old clients. Traefik's default
#   when no options are set is TLS 1.2, which is fine.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/https/tls/#minimum-tls-version
#   - ref: https://datatracker.ietf.org/doc/html/rfc8996
# custom:
#   id: traefik.tls-min-version-weak
#   severity: high
#   remediation: |-
#     Require TLS 1.2 or later:
#
#     ```yaml
#     tls:
#       options:
#         default:
#           minVersion: VersionTLS12
#     ```
#   fix: none
package vigie.rules.traefik.tls_min_version_weak

import rego.v1

weak := {"versiontls10", "versiontls11", "versionssl30"}

deny contains finding if {
	is_object(input.doc.tls.options)
	some name, o in input.doc.tls.options
	is_string(o.minversion)
	lower(o.minversion) in weak
	finding := {
		"msg": sprintf("TLS options %s allow %s, below TLS 1.2", [name, o.minversion]),
		"path": ["tls", "options", name, "minversion"],
	}
}
