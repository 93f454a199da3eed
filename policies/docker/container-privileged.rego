# METADATA
# title: Container runs privileged
# description: >-
#   A privileged container gets every Linux capability, all of the host's devices and no seccomp
#   or AppArmor confinement: a process that takes it over owns the host. This rule looks at what
#   the daemon actually runs, whatever the compose file in git says. It covers containers that
#   are running and those the daemon will start by itself at its next start (restart policy
#   `always` or `unless-stopped`), since they come back with the next reboot.
# related_resources:
#   - ref: https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html#rule-3-limit-capabilities-grant-only-specific-capabilities-needed-by-a-container
# custom:
#   id: docker.container-privileged
#   severity: critical
#   remediation: |-
#     Recreate the container without `--privileged` (`privileged: true` in its compose file),
#     granting only the capabilities and devices it needs:
#
#     ```sh
#     docker run --cap-drop ALL --cap-add NET_ADMIN --device /dev/net/tun ...
#     ```
#   fix: none
package vigie.rules.docker.container_privileged

import data.vigie.lib.docker as lib
import rego.v1

deny contains finding if {
	some i, c in lib.active_containers
	c.HostConfig.Privileged == true
	finding := {
		"msg": sprintf("container %q is privileged%s", [lib.name(c), lib.state_note(c)]),
		"path": ["containers", i, "HostConfig", "Privileged"],
	}
}
