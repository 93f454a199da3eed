# METADATA
# title: Docker API published beyond the host
# description: >-
#   Port 2375 is the Docker Engine API without TLS or authentication: whoever reaches it runs
#   any container on the host, privileged and with the host's root filesystem mounted, which
#   is root on the machine. Scanners look for it around the clock and hijacked daemons run
#   cryptominers within hours. A container publishing 2375 (a Docker-in-Docker daemon, a
#   socket proxy such as tecnativa/docker-socket-proxy or linuxserver/socket-proxy, whatever
#   port it serves on) on an address that is not loopback puts that API on the network; Docker
#   opens the port ahead of host firewalls such as ufw. A socket proxy filters which calls pass,
#   but has no authentication: anyone who reaches it gets what it allows. Port 2376 is the TLS
#   port, safe only when the daemon verifies client certificates (`--tlsverify`): reported as
#   high, as is a port bound to a VPN address (`vpn_cidrs`), reachable by every VPN peer.
#   These ports are reported here rather than by `compose.port-published-all-interfaces`.
# related_resources:
#   - ref: https://docs.docker.com/engine/security/protect-access/
#   - ref: https://docs.docker.com/engine/network/packet-filtering-firewalls/#port-publishing-and-mapping
#   - ref: https://github.com/Tecnativa/docker-socket-proxy#security
# custom:
#   id: compose.docker-api-exposed
#   severity: critical
#   remediation: |-
#     Do not publish the Docker API. Services that need it reach a socket proxy over a
#     private compose network, by service name, with no `ports` entry:
#
#     ```yaml
#     services:
#       socket-proxy:
#         image: tecnativa/docker-socket-proxy:0.2.0
#         environment:
#           CONTAINERS: 1
#         volumes:
#           - /var/run/docker.sock:/var/run/docker.sock:ro
#         networks: [docker-api]
#       traefik:
#         command:
#           - --providers.docker.endpoint=tcp://socket-proxy:2375
#         networks: [docker-api, default]
#     networks:
#       docker-api:
#         internal: true
#     ```
#
#     To manage the daemon from another machine, use SSH (`DOCKER_HOST=ssh://user@host`) or
#     TLS with client certificates on 2376, bound to a VPN address.
#   fix: none
package vigie.rules.compose.docker_api_exposed

import data.vigie.lib.compose as lib
import rego.v1

deny contains finding if {
	published := lib.docker_api_published
	proxies := lib.socket_proxy_services
	some name, indexes in published
	some i in indexes
	port := lib.published_ports[name][i]
	lib.protocol(port) == "tcp"
	on := _exposed_on(port)
	finding := object.union(
		{
			"msg": sprintf("service %q%s publishes %s (port %s) on %s", [name, _image(name, proxies), _what(name, port, proxies), lib.port_texts[name][i], on.text]),
			"path": ["services", name, "ports", i],
		},
		_severity(name, port, proxies, on),
	)
}

# Where the port listens, when that is beyond the host: every interface, or an address that is
# not loopback (`vpn` when it is in `vpn_cidrs`).
_exposed_on(port) := {"text": "all interfaces", "vpn": false} if {
	lib.binds_all_interfaces(port)
} else := {"text": address, "vpn": true} if {
	address := lib.host_address(port)
	not lib.is_loopback(address)
	lib.is_vpn(address)
} else := {"text": address, "vpn": false} if {
	address := lib.host_address(port)
	not lib.is_loopback(address)
}

_what(name, port, proxies) := "its filtered, unauthenticated Docker API" if name in proxies

else := "the Docker API over TLS" if _tls(port)

else := "the Docker API, without TLS or authentication,"

_tls(port) if port.target == 2376

# 2376 (TLS) and VPN-only ports are high; the rest keep the rule's critical.
_severity(name, port, proxies, on) := {"severity": "high"} if {
	on.vpn
} else := {"severity": "high"} if {
	not name in proxies
	_tls(port)
} else := {}

_image(name, proxies) := sprintf(" (%s)", [split(lib.images[name], "@")[0]]) if {
	name in proxies
	is_string(lib.images[name])
} else := ""
