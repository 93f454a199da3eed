# METADATA
# title: Port published on all interfaces
# description: >-
#   A port published without a host address listens on every interface of the host, and Docker
#   opens it ahead of host firewall rules such as ufw's, so the service is reachable from the
#   LAN or the internet directly, around the reverse proxy that should front it with TLS,
#   authentication and rate limits. This is often unintended in a stack that already has a
#   reverse proxy. Database ports are reported by `compose.database-port-published`, and the
#   Docker API's ports (2375, 2376, any port of a socket proxy) by `compose.docker-api-exposed`,
#   at their own severities, not here.
# related_resources:
#   - ref: https://docs.docker.com/engine/network/packet-filtering-firewalls/#port-publishing-and-mapping
#   - ref: https://docs.docker.com/reference/compose-file/services/#ports
# custom:
#   id: compose.port-published-all-interfaces
#   severity: low
#   remediation: |-
#     Let the reverse proxy reach the service over their shared network and remove the `ports`
#     entry. If the port must stay published for the host itself, bind it to loopback (or to a VPN
#     address listed in `vpn_cidrs`):
#
#     ```yaml
#     services:
#       grafana:
#         ports:
#           - "127.0.0.1:3000:3000"
#     ```
#
#     If exposing it to every network is intended, suppress the finding with a reason:
#     `# vigie:ignore compose.port-published-all-interfaces -- LAN-only appliance`.
#   fix: none
package vigie.rules.compose.port_published_all_interfaces

import data.vigie.lib.compose as lib
import rego.v1

deny contains finding if {
	# Looked up once, not per service or port.
	proxies := lib.reverse_proxy_services
	databases := lib.database_services
	database_ports := lib.database_ports
	docker_api := lib.docker_api_published
	texts := lib.port_texts

	some name, ports in lib.all_interfaces_ports
	not name in proxies

	# compose.database-port-published reports the ports of databases (lib.is_database_port).
	not name in databases
	some i, port in ports
	not port.target in database_ports

	# compose.docker-api-exposed reports the Docker API's ports (and every port of a socket proxy).
	not i in docker_api[name]

	not _other_protocol(port)
	finding := {
		"msg": sprintf("service %q publishes port %s on all interfaces, bypassing any reverse proxy", [name, texts[name][i]]),
		"path": ["services", name, "ports", i],
	}
}

# udp, sctp, ...: lib.protocol(port) is not "tcp" (a missing or unknown `protocol` is tcp).
_other_protocol(port) if {
	port.protocol != "tcp" # the usual case, without a builtin call
	is_string(port.protocol)
	lower(port.protocol) != "tcp"
}
