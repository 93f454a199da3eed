# METADATA
# title: Dangerous capability added
# description: >-
#   Some Linux capabilities are close to root on the host. SYS_ADMIN allows mounting file systems
#   and most classic container escapes, SYS_MODULE loads code into the host kernel, SYS_PTRACE
#   reads and rewrites other processes, DAC_READ_SEARCH lets a process open host files by handle
#   (the "shocker" escape), NET_ADMIN reconfigures networking and firewalls, and ALL grants every
#   one of them. A compromised service holding one of these can usually take over the host.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#cap_add
#   - ref: https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities
#   - ref: https://man7.org/linux/man-pages/man7/capabilities.7.html
# custom:
#   id: compose.cap-add-dangerous
#   severity: high
#   remediation: |-
#     Remove the capability, or replace it with a narrower one: a mount or FUSE need is better
#     served by a volume or a device, a VPN container usually needs only NET_ADMIN and `/dev/net/tun`
#     (keep it off `network_mode: host`), and debugging tools (SYS_PTRACE) belong in a throwaway
#     container, not in the deployed stack. Never add ALL; list what is needed:
#
#     ```yaml
#     services:
#       app:
#         cap_drop:
#           - ALL
#         cap_add:
#           - NET_BIND_SERVICE
#     ```
#   fix: none
package vigie.rules.compose.cap_add_dangerous

import rego.v1

# What each dangerous capability lets the container do.
dangerous := {
	"ALL": "every capability, nearly as much as privileged",
	"SYS_ADMIN": "mounts, namespaces and most host escapes",
	"NET_ADMIN": "reconfiguring interfaces, routes and firewall rules",
	"SYS_PTRACE": "tracing and rewriting other processes",
	"SYS_MODULE": "loading modules into the host kernel",
	"DAC_READ_SEARCH": "reading any file, and host files through open_by_handle_at",
}

deny contains finding if {
	some name, svc in input.doc.services
	some i, cap in svc.cap_add
	what := dangerous[cap]
	finding := {
		"msg": sprintf("service %q adds capability %s (%s)", [name, cap, what]),
		"path": ["services", name, "cap_add", i],
	}
}
