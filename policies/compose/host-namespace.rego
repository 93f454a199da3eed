# METADATA
# title: Container shares a host namespace
# description: >-
#   Namespaces are what isolate a container from the host. With `network_mode: host` the container
#   sees every host interface and can bind or sniff any port, including services listening on
#   localhost only; with `pid: host` it sees and can signal or ptrace host processes and read their
#   environment; with `ipc: host` it shares the host's shared memory; with `userns_mode: host` it
#   opts out of user-namespace remapping, so its root is the host's root.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#network_mode
#   - ref: https://docs.docker.com/engine/security/userns-remap/
# custom:
#   id: compose.host-namespace
#   severity: high
#   remediation: |-
#     Remove the `host` setting and let the container have its own namespace. Instead of
#     `network_mode: host`, publish only the ports the service needs (bound to `127.0.0.1` when a
#     local reverse proxy fronts it); instead of `pid: host`, share a single container's namespace
#     with `pid: "service:<name>"` when a sidecar needs it:
#
#     ```yaml
#     services:
#       app:
#         ports:
#           - "127.0.0.1:8080:8080"
#     ```
#   fix: none
package vigie.rules.compose.host_namespace

import data.vigie.lib.compose as lib
import rego.v1

_namespaces := {
	"network_mode": "network",
	"pid": "PID",
	"ipc": "IPC",
	"userns_mode": "user",
}

deny contains finding if {
	namespaces := _namespaces # looked up once, not per service
	some name, svc in lib.services
	some key, namespace in namespaces
	svc[key] == "host"
	finding := {
		"msg": sprintf("service %q shares the host's %s namespace (%s: host)", [name, namespace, key]),
		"path": ["services", name, key],
	}
}
