# METADATA
# title: Capabilities not dropped
# description: >-
#   Docker starts every container with a default set of Linux capabilities (CHOWN, DAC_OVERRIDE,
#   FOWNER, SETUID, SETGID, NET_RAW, MKNOD, ...) whether the application needs them or not. An
#   attacker who gets code execution in the container can use them to bypass file permissions,
#   switch users or forge network packets. Most services need none or one of them; dropping ALL
#   and adding back only what is needed shrinks what a compromise can do.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#cap_drop
#   - ref: https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities
# custom:
#   id: compose.cap-drop-missing
#   severity: medium
#   remediation: |-
#     Drop every capability and add back only the ones the service is known to need
#     (a web server binding port 80 as a non-root user needs NET_BIND_SERVICE, an image whose
#     entrypoint switches user needs SETUID and SETGID):
#
#     ```yaml
#     services:
#       web:
#         image: nginx:1.27
#         cap_drop:
#           - ALL
#         cap_add:
#           - NET_BIND_SERVICE
#     ```
#   fix: none
package vigie.rules.compose.cap_drop_missing

import rego.v1

deny contains finding if {
	some name, svc in input.doc.services
	is_object(svc)
	not "cap_drop" in object.keys(svc)
	finding := {
		"msg": sprintf("service %q keeps Docker's default capabilities (no cap_drop: [ALL])", [name]),
		"path": ["services", name, "cap_drop"],
	}
}

deny contains finding if {
	some name, svc in input.doc.services
	drops := svc.cap_drop # (only a mapping has one)
	not drops_all(drops)
	not has_unknown(drops)
	finding := {
		"msg": sprintf("service %q has cap_drop without ALL, so it keeps the default capabilities it does not list", [name]),
		"path": ["services", name, "cap_drop"],
	}
}

drops_all(drops) if {
	is_array(drops)
	"ALL" in drops
}

# An item whose value is unknown to the scan (an unset `${VAR:?err}`) could be ALL: stay silent.
has_unknown(drops) if {
	is_array(drops)
	some item in drops
	is_object(item)
}
