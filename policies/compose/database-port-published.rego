# METADATA
# title: Database port published beyond the host
# description: >-
#   A published port listens on every host interface unless it is bound to an address, and Docker
#   opens it in its own iptables chains, ahead of host firewall rules such as ufw's. A database
#   published this way is reachable from the LAN or the internet, where it is scanned within
#   minutes and attacked with default or weak credentials and unauthenticated protocols (exposed
#   Redis, memcached, Elasticsearch and MongoDB servers have been mass-wiped and ransomed this
#   way). Other services on the same compose network reach it without any published port.
# related_resources:
#   - ref: https://docs.docker.com/engine/network/packet-filtering-firewalls/#port-publishing-and-mapping
#   - ref: https://docs.docker.com/reference/compose-file/services/#ports
# custom:
#   id: compose.database-port-published
#   severity: high
#   remediation: |-
#     Remove the `ports` entry: the containers that use the database reach it by service name on
#     their shared network. If a tool on the host needs it, bind the port to loopback (or to your
#     VPN address, see `vpn_cidrs` in `vigie.toml`):
#
#     ```yaml
#     services:
#       db:
#         image: postgres:16
#         ports:
#           - "127.0.0.1:5432:5432"
#     ```
#   fix: none
package vigie.rules.compose.database_port_published

import data.vigie.lib.compose as lib
import rego.v1

deny contains finding if {
	some name, svc in lib.services
	some i, port in lib.list(svc.ports)
	lib.is_port(port)
	lib.is_database_port(svc, port)
	lib.is_exposed(port)
	finding := {
		"msg": sprintf("service %q%s publishes database port %s on %s", [name, _image(name, svc), lib.port_text(port), lib.bind_text(port)]),
		"path": ["services", name, "ports", i],
	}
}

# The database image, when the service name does not already say it.
_image(name, svc) := sprintf(" (%s)", [image]) if {
	lib.is_database(svc)
	image := lib.image_name(svc.image)
	image != name
}

else := ""
