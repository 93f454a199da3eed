# METADATA
# title: no-new-privileges not set
# description: >-
#   Without the no-new-privileges flag, a process in the container can gain privileges by
#   executing a setuid or setgid binary (su, sudo, ping on some images, or one an attacker
#   planted), or a file with capabilities. Setting it makes the kernel refuse any privilege gain
#   across execve, which blocks a common step from an application compromise to root inside the
#   container, and from there towards the host.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#security_opt
#   - ref: https://docs.docker.com/reference/cli/docker/container/run/#security-opt
#   - ref: https://docs.kernel.org/userspace-api/no_new_privs.html
# custom:
#   id: compose.no-new-privileges-missing
#   severity: medium
#   remediation: |-
#     Add `no-new-privileges:true` to the service's `security_opt` (or set
#     `"no-new-privileges": true` in the Docker daemon's `daemon.json` for every container, and
#     suppress this rule with a reason):
#
#     ```yaml
#     services:
#       web:
#         security_opt:
#           - no-new-privileges:true
#     ```
#
#     A service that needs a setuid binary such as `su` or `sudo` to switch user should instead be
#     started as that user with `user:`.
#   fix: none
package vigie.rules.compose.no_new_privileges_missing

import rego.v1

deny contains finding if {
	enabled := _enabled # looked up once, not per service
	unknown := _unknown
	some name, svc in input.doc.services
	is_object(svc)
	not name in enabled
	not name in unknown
	finding := {
		"msg": _message(name),
		"path": ["services", name, "security_opt"],
	}
}

# Docker reads `no-new-privileges`, or `no-new-privileges` with `:` or `=` and a Go boolean
# (true, TRUE, True, t, T, 1): the items that set the flag, looked up rather than matched.
_enabling := {
	"no-new-privileges",
	"no-new-privileges:true", "no-new-privileges:TRUE", "no-new-privileges:True",
	"no-new-privileges:t", "no-new-privileges:T", "no-new-privileges:1",
	"no-new-privileges=true", "no-new-privileges=TRUE", "no-new-privileges=True",
	"no-new-privileges=t", "no-new-privileges=T", "no-new-privileges=1",
}

# The services that set the flag.
_enabled := {name | some name, svc in input.doc.services; some opt in svc.security_opt; opt in options} if {
	options := _enabling
}

# An option unknown to the scan (an unset `${VAR:?err}`) could be the flag: stay silent.
_unknown := {name | some name, svc in input.doc.services; some opt in svc.security_opt; is_object(opt)}

# The flag is given a value, so not true: `no-new-privileges:false`, `no-new-privileges=0`, ...
_message(name) := sprintf("service %q sets no-new-privileges to false", [name]) if {
	some opt in input.doc.services[name].security_opt
	is_string(opt)
	substring(opt, 0, 18) in {"no-new-privileges:", "no-new-privileges="}
} else := sprintf("service %q does not set security_opt no-new-privileges:true", [name])
