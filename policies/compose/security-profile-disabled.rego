# METADATA
# title: Seccomp, AppArmor or SELinux confinement disabled
# description: >-
#   Docker confines every container with a seccomp filter that blocks dangerous system calls, an
#   AppArmor profile or SELinux label that limits what it may touch on the host, and masks
#   sensitive /proc and /sys paths. `unconfined` and `label:disable` switch these layers off, so
#   a kernel bug or a mount mistake that they would have contained becomes a container escape.
# related_resources:
#   - ref: https://docs.docker.com/engine/security/seccomp/
#   - ref: https://docs.docker.com/engine/security/apparmor/
#   - ref: https://docs.docker.com/reference/cli/docker/container/run/#security-opt
# custom:
#   id: compose.security-profile-disabled
#   severity: high
#   remediation: |-
#     Remove the `unconfined` / `label:disable` item from `security_opt` and keep Docker's default
#     profiles. When the service really needs a blocked system call or access, write a custom
#     profile that allows only that, or grant the one capability it needs:
#
#     ```yaml
#     services:
#       app:
#         security_opt:
#           - no-new-privileges:true
#           - seccomp:./seccomp/app.json   # the default profile plus the one syscall needed
#     ```
#   fix: none
package vigie.rules.compose.security_profile_disabled

import data.vigie.lib.compose as lib
import rego.v1

# `security_opt` items that switch a confinement layer off, in `key:value` or `key=value` form.
_disabled := {
	`^seccomp[:=]unconfined$`: "the seccomp system call filter",
	`^apparmor[:=]unconfined$`: "its AppArmor profile",
	`^label[:=]disable$`: "SELinux labeling",
	`^label[:=]type[:=]spc_t$`: "SELinux confinement",
	`^systempaths[:=]unconfined$`: "the masking of sensitive /proc and /sys paths",
}

deny contains finding if {
	some name, svc in lib.services
	some i, item in lib.list(svc.security_opt)
	is_string(item)
	opt := lower(trim_space(item))
	some pattern, what in _disabled
	regex.match(pattern, opt)
	finding := {
		"msg": sprintf("service %q disables %s with security_opt %q", [name, what, trim_space(item)]),
		"path": ["services", name, "security_opt", i],
	}
}
