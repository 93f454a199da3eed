# METADATA
# title: Database or admin port listening beyond loopback and the VPN
# description: >-
#   A database server (PostgreSQL, MySQL, Redis, MongoDB, Elasticsearch, ...) or an admin
#   interface (Docker API, Proxmox, Portainer, Cockpit, Kubernetes, RDP, VNC, ...) listens on
#   every interface or on a LAN or public address (`ss -tlnupH`). One firewall change, a
#   forgotten rule or a Docker-published port (Docker's chains bypass ufw) and it faces the
#   internet, where such ports are scanned within minutes and attacked with default credentials
#   and known vulnerabilities. Listening on loopback, or on the VPN address only, removes the
#   risk whatever the firewall does. The list of ports is the one `compose.database-port-published`
#   uses, plus admin ports.
# related_resources:
#   - ref: https://www.postgresql.org/docs/current/runtime-config-connection.html#GUC-LISTEN-ADDRESSES
#   - ref: https://docs.docker.com/engine/security/protect-access/
# custom:
#   id: host.service-exposed
#   severity: high
#   remediation: |-
#     Bind the service to loopback (`listen_addresses = 'localhost'` for PostgreSQL,
#     `bind-address = 127.0.0.1` for MySQL/MariaDB, `bind 127.0.0.1 -::1` for Redis) or to the
#     host's VPN address (see `vpn_cidrs` in `vigie.toml`), and reach it through SSH or the VPN.
#     For a Docker-published port, publish it on `127.0.0.1` only.
#   fix: none
package vigie.rules.host.service_exposed

import data.vigie.lib.host
import data.vigie.lib.ports as port_lists
import rego.v1

deny contains {
	"msg": sprintf("%s listens on %s (%s) beyond loopback and the VPN", [_who(l), host.listen_text(l.address, l.port), service]),
	"path": ["facts", "listening", i],
} if {
	services := port_lists.exposed_services
	some i, l in host.listening
	l.proto == "tcp"
	service := services[l.port]
	host.is_public(l.address)
}

_who(l) := sprintf("%q", [l.process]) if is_string(l.process)

else := "a process"
