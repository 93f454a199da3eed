# METADATA
# title: Traefik skips verification of backend certificates
# description: >-
#   `insecureSkipVerify: true` — in a `serversTransports` entry of the dynamic configuration, or
#   in the static `serversTransport` that every HTTPS backend uses by default — makes Traefik
#   accept any certificate from the backends it proxies to. Anyone who can get between Traefik and
#   the backend (another container on the same network, a compromised host on the LAN) can
#   impersonate it, read the traffic and the credentials in it, and alter the answers. Self-signed
#   backends (Proxmox, a NAS) are better served by trusting their certificate with `rootCAs`.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/routing/services/#insecureskipverify
#   - ref: https://doc.traefik.io/traefik/routing/overview/#insecureskipverify
# custom:
#   id: traefik.tls-verify-disabled
#   severity: medium
#   remediation: |-
#     Trust the backend's own certificate authority instead:
#
#     ```yaml
#     http:
#       serversTransports:
#         proxmox:
#           serverName: pve.lan
#           rootCAs:
#             - /certs/pve-root-ca.pem
#     ```
#   fix: none
package vigie.rules.traefik.tls_verify_disabled

import rego.v1

deny contains finding if {
	input.doc.static.serverstransport.insecureskipverify == true
	finding := {
		"msg": "the default servers transport skips verification of backend certificates (serversTransport.insecureSkipVerify)",
		"path": ["static", "serverstransport", "insecureskipverify"],
	}
}

deny contains finding if {
	input.doc.static.tcpserverstransport.tls.insecureskipverify == true
	finding := {
		"msg": "the default TCP servers transport skips verification of backend certificates (tcpServersTransport.tls.insecureSkipVerify)",
		"path": ["static", "tcpserverstransport", "tls", "insecureskipverify"],
	}
}

deny contains finding if {
	is_object(input.doc.http.serverstransports)
	some name, t in input.doc.http.serverstransports
	t.insecureskipverify == true
	finding := {
		"msg": sprintf("servers transport %s skips verification of backend certificates (insecureSkipVerify)", [name]),
		"path": ["http", "serverstransports", name, "insecureskipverify"],
	}
}

deny contains finding if {
	is_object(input.doc.tcp.serverstransports)
	some name, t in input.doc.tcp.serverstransports
	t.tls.insecureskipverify == true
	finding := {
		"msg": sprintf("TCP servers transport %s skips verification of backend certificates (insecureSkipVerify)", [name]),
		"path": ["tcp", "serverstransports", name, "tls", "insecureskipverify"],
	}
}
