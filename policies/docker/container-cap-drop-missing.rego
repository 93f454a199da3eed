# METADATA
# title: Running container keeps Docker's default capabilities
# description: >-
#   Docker starts every container with a default set of Linux capabilities (CHOWN, DAC_OVERRIDE,
#   FOWNER, SETUID, SETGID, NET_RAW, MKNOD, ...) unless they are dropped. Code that takes over the
#   container can use them to bypass file permissions, switch users or forge network packets.
#   This rule looks at the `CapDrop` the daemon actually applied to a running container (or one
#   with restart policy `always` or `unless-stopped`): it lacks `ALL`.
# related_resources:
#   - ref: https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities
# custom:
#   id: docker.container-cap-drop-missing
#   severity: medium
#   remediation: |-
#     Recreate the container dropping every capability and adding back only what it needs, in
#     its compose file:
#
#     ```yaml
#     services:
#       web:
#         cap_drop:
#           - ALL
#         cap_add:
#           - NET_BIND_SERVICE
#     ```
#   fix: none
package vigie.rules.docker.container_cap_drop_missing

import data.vigie.lib.docker as lib
import rego.v1

deny contains finding if {
	some i, c in lib.active_containers
	not "ALL" in lib.capabilities(c.HostConfig.CapDrop)
	finding := {
		"msg": sprintf("container %q keeps Docker's default capabilities (CapDrop lacks ALL)%s", [lib.name(c), lib.state_note(c)]),
		"path": ["containers", i, "HostConfig", "CapDrop"],
	}
}
