# METADATA
# title: Running container has the Docker socket mounted
# description: >-
#   The Docker API socket gives whoever can talk to it full control of the Docker daemon, which
#   runs as root: a process in the container can start a privileged container that mounts the
#   host's root filesystem. This rule looks at the mounts the daemon actually made for a running
#   container (or one with restart policy `always` or `unless-stopped`). Mounting the socket
#   read-only does not help, because the API is used by writing to the socket; a read-only mount
#   into a filtering socket proxy is reported at medium severity.
# related_resources:
#   - ref: https://docs.docker.com/engine/security/#docker-daemon-attack-surface
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html#rule-1-do-not-expose-the-docker-daemon-socket-even-to-the-containers
# custom:
#   id: docker.container-socket-mounted
#   severity: high
#   remediation: |-
#     Recreate the container without the socket mount when it does not need the Docker API. When
#     it does (Traefik, Portainer, Watchtower, monitoring), mount the socket read-only into a
#     filtering socket proxy alone and point the service at the proxy:
#
#     ```yaml
#     services:
#       socket-proxy:
#         image: tecnativa/docker-socket-proxy:0.2
#         environment:
#           CONTAINERS: 1
#         volumes:
#           - /var/run/docker.sock:/var/run/docker.sock:ro
#       traefik:
#         command:
#           - --providers.docker.endpoint=tcp://socket-proxy:2375
#     ```
#   fix: none
package vigie.rules.docker.container_socket_mounted

import data.vigie.lib.docker as lib
import rego.v1

deny contains finding if {
	some i, c in lib.active_containers
	is_array(c.Mounts)
	some j, mount in c.Mounts
	is_object(mount)
	not mount.Type in {"volume", "tmpfs"}
	is_string(mount.Source)
	source := trim_right(mount.Source, "/")
	lib.exposes_socket(source)
	finding := _finding(c, ["containers", i, "Mounts", j, "Source"], lib.socket_what(source), mount)
}

# A read-only mount into a filtering socket proxy is what the remediation asks for.
_finding(c, path, what, mount) := {
	"msg": sprintf("container %q mounts %s into a read-only socket proxy; make sure it allows only the API calls its clients need%s", [lib.name(c), what, lib.state_note(c)]),
	"path": path,
	"severity": "medium",
} if {
	mount.RW == false
	lib.is_socket_proxy_image(c.Config.Image)
} else := {
	"msg": sprintf("container %q mounts %s; read-only does not restrict the Docker API%s", [lib.name(c), what, lib.state_note(c)]),
	"path": path,
} if {
	mount.RW == false
} else := {
	"msg": sprintf("container %q mounts %s%s", [lib.name(c), what, lib.state_note(c)]),
	"path": path,
}
