# METADATA
# title: Container runs privileged
# description: >-
#   A privileged container gets every Linux capability and access to all of the host's devices:
#   a process that escapes into it owns the host.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#privileged
# custom:
#   id: compose.privileged
#   severity: critical
#   remediation: >-
#     Remove `privileged: true`. Grant only the capabilities the service needs with `cap_add`,
#     and only the devices it needs with `devices`.
#   fix: none
package vigie.rules.compose.privileged

import rego.v1

deny contains finding if {
	some name, svc in input.doc.services
	svc.privileged == true
	finding := {
		"msg": sprintf("service %q runs privileged", [name]),
		"path": ["services", name, "privileged"],
	}
}
