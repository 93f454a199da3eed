# METADATA
# title: Docker socket mounted into a container
# description: >-
#   The Docker API socket gives whoever can talk to it full control of the Docker daemon, which runs
#   as root: a process in the container can start a privileged container that mounts the host's
#   root filesystem, so compromising this service means owning the host. Mounting the socket
#   read-only does not help, because the API is used by writing to the socket, not to a file.
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
import rego.v1

# The Docker (or Podman) API socket, wherever it lives (/var/run, /run, rootless
# /run/user/1000), and the directories that hold the system one.
_socket_files := {"docker.sock", "podman.sock"}

_socket_dirs := {"/run", "/var/run"}

# The host path a bind mounts, without trailing slashes (`/` itself is left to other rules).
_source(volume) := trim_right(volume.source, "/") if {
	is_object(volume)
	not volume.type in {"volume", "tmpfs"}
	is_string(volume.source)
	trim_right(volume.source, "/") != ""
}

_exposes_socket(source) if {
	parts := split(source, "/")
	parts[count(parts) - 1] in _socket_files
}

_exposes_socket(source) if source in _socket_dirs

# Docker on Windows: the named pipe (`type: npipe`).
_exposes_socket(source) if lower(source) in {`\\.\pipe\docker_engine`, "//./pipe/docker_engine"}

_read_only(volume) if volume.read_only == true

_what(source) := sprintf("%s, which holds the Docker socket", [source]) if {
	source in _socket_dirs
} else := sprintf("the Docker socket (%s)", [source])

deny contains finding if {
	some name, svc in lib.services
	some i, volume in lib.list(svc.volumes)
	source := _source(volume)
	_exposes_socket(source)
	finding := object.union(
		{
			"msg": sprintf("service %q mounts %s%s", [name, _what(source), _note(svc, volume)]),
			"path": ["services", name, "volumes", i],
		},
		_severity(svc, volume),
	)
}

# A read-only bind into a filtering socket proxy is what the remediation asks for: still worth
# knowing about, but not the same risk.
_proxied(svc, volume) if {
	_read_only(volume)
	lib.is_socket_proxy(svc)
}

_severity(svc, volume) := {"severity": "medium"} if _proxied(svc, volume)

else := {}

_note(svc, volume) := " into a read-only socket proxy; make sure it allows only the API calls its clients need" if {
	_proxied(svc, volume)
} else := "; read-only does not restrict the Docker API" if {
	_read_only(volume)
} else := ""
