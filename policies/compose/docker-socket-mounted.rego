# METADATA
# title: Docker socket mounted into a container
# description: >-
#   The Docker API socket gives whoever can talk to it full control of the Docker daemon, which runs
#   as root: a process in the container can start a privileged container that mounts the host's
#   root filesystem, so compromising this service means owning the host. Mounting the socket
#   read-only does not help, because the API is used by writing to the socket, not to a file.
#   Mounting `/run` or `/var/run` mounts the socket with it; a bind of the host's `/` is
#   `compose.host-root-mounted`'s.
# related_resources:
#   - ref: https://docs.docker.com/engine/security/#docker-daemon-attack-surface
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html#rule-1-do-not-expose-the-docker-daemon-socket-even-to-the-containers
# custom:
#   id: compose.docker-socket-mounted
#   severity: high
#   remediation: |-
#     Remove the socket mount when the service does not need the Docker API. When it does (Traefik,
#     Portainer, Watchtower, monitoring), put a filtering socket proxy in between that allows only
#     the API calls the service makes, mount the socket read-only into the proxy alone, and point
#     the service at the proxy (this finding then drops to medium on the proxy):
#
#     ```yaml
#     services:
#       socket-proxy:
#         image: tecnativa/docker-socket-proxy:0.2
#         environment:
#           CONTAINERS: 1            # read-only access to /containers, nothing else
#         volumes:
#           - /var/run/docker.sock:/var/run/docker.sock:ro
#       traefik:
#         image: traefik:v3.1
#         command:
#           - --providers.docker.endpoint=tcp://socket-proxy:2375
#     ```
#   fix: none
package vigie.rules.compose.docker_socket_mounted

import data.vigie.lib.compose as lib
import data.vigie.lib.docker
import rego.v1

deny contains finding if {
	some name, svc in lib.services
	is_array(svc.volumes)
	some i, volume in svc.volumes

	# The host path a bind mounts, without repeated slashes, `.`, `..` or trailing slashes. A bind
	# of `/` itself (the socket and everything else) is compose.host-root-mounted's.
	not volume.type in {"volume", "tmpfs"}
	source := _source(volume.source)
	docker.exposes_socket(source)

	finding := _finding(name, ["services", name, "volumes", i], docker.socket_what(source), volume)
}

_source(source) := lib.host_path(source) if {
	is_string(source)
	startswith(source, "/")
	not startswith(source, "//") # a Windows pipe: //./pipe/docker_engine
} else := trim_right(source, "/") if is_string(source)

# A read-only bind into a filtering socket proxy is what the remediation asks for: still worth
# knowing about, but not the same risk.
_finding(name, path, what, volume) := {
	"msg": sprintf("service %q mounts %s into a read-only socket proxy; make sure it allows only the API calls its clients need", [name, what]),
	"path": path,
	"severity": "medium",
} if {
	volume.read_only == true
	name in lib.socket_proxy_services
} else := {
	"msg": sprintf("service %q mounts %s; read-only does not restrict the Docker API", [name, what]),
	"path": path,
} if {
	volume.read_only == true
} else := {
	"msg": sprintf("service %q mounts %s", [name, what]),
	"path": path,
}
