# METADATA
# title: Reverse proxy skips the upstream's certificate check
# description: >-
#   A `reverse_proxy` transport sets `tls_insecure_skip_verify`: Caddy talks TLS to the upstream
#   but accepts any certificate. Anything that can intercept the traffic between Caddy and the
#   upstream (another container on the same network, a compromised host on the LAN) can present
#   its own certificate and read or change every request, credentials included. It is often added
#   for Proxmox, UniFi or a NAS UI that ships a self-signed certificate.
# related_resources:
#   - ref: https://caddyserver.com/docs/caddyfile/directives/reverse_proxy#the-http-transport
# custom:
#   id: caddy.tls-verify-disabled
#   severity: medium
#   remediation: |-
#     Trust the upstream's certificate instead of skipping the check: point Caddy at the CA that
#     signed it (for Proxmox, `/etc/pve/pve-root-ca.pem`), and name the host it was issued for:
#
#     ```caddyfile
#     reverse_proxy https://pve.lan:8006 {
#     	transport http {
#     		tls_trust_pool file /etc/caddy/pve-root-ca.pem
#     		tls_server_name pve.lan
#     	}
#     }
#     ```
#
#     (`tls_trusted_ca_certs /etc/caddy/pve-root-ca.pem` on Caddy before 2.8.)
#   fix: none
package vigie.rules.caddy.tls_verify_disabled

import data.vigie.lib.caddy as lib
import rego.v1

deny contains finding if {
	some s in lib.sites
	is_array(s.site.upstreams)
	some j, upstream in s.site.upstreams
	upstream.tls_insecure_skip_verify == true
	finding := {
		"msg": sprintf("the reverse proxy to %s does not verify the upstream's TLS certificate", [_address(upstream)]),
		"path": ["sites", s.index, "upstreams", j, "tls_insecure_skip_verify"],
	}
}

_address(upstream) := upstream.address if is_string(upstream.address)

else := "an upstream"
