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

# Every published port of a database server.
deny contains finding if {
	some name in lib.database_services
	some i, port in lib.published_ports[name]
	on := _exposed_on(name, i, port)
	finding := _finding(name, i, on)
}

# A well-known database port published by another service.
deny contains finding if {
	databases := lib.database_services # looked up once, not per port
	known_ports := lib.database_ports
	some name, ports in lib.published_ports
	not name in databases # reported above
	some i, port in ports
	port.target in known_ports
	on := _exposed_on(name, i, port)
	finding := _finding(name, i, on)
}

# Where a port that can be reached from beyond this host and the VPN (lib.is_exposed) listens
# (lib.bind_text): all interfaces, or an address that is neither loopback nor the VPN's.
_exposed_on(name, i, port) := "all interfaces" if {
	lib.all_interfaces_ports[name][i]
} else := address if {
	address := lib.host_address(port)
	not lib.is_private_address(address)
}

_finding(name, i, on) := {
	"msg": sprintf("service %q%s publishes database port %s on %s", [name, _image(name), lib.port_texts[name][i], on]),
	"path": ["services", name, "ports", i],
}

# The database image, when the service name does not already say it.
_image(name) := sprintf(" (%s)", [image]) if {
	name in lib.database_services
	image := lib.image_names[name]
	image != name
}

else := ""
