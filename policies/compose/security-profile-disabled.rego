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

# `security_opt` items that switch a confinement layer off, with `=` written as `:`: Docker reads
# `key:value` and `key=value` alike, so an item is looked up with every `=` replaced (a lookup is
# much cheaper than matching one regex per entry).
_disabled := {
	"seccomp:unconfined": "the seccomp system call filter",
	"apparmor:unconfined": "its AppArmor profile",
	"label:disable": "SELinux labeling",
	"label:type:spc_t": "SELinux confinement",
	"systempaths:unconfined": "the masking of sensitive /proc and /sys paths",
}

deny contains finding if {
	disabled := _disabled # looked up once, not per item
	some name, svc in lib.services
	is_array(svc.security_opt)
	some i, item in svc.security_opt
	is_string(item)
	written := trim_space(item)
	what := disabled[replace(lower(written), "=", ":")]
	finding := {
		"msg": sprintf("service %q disables %s with security_opt %q", [name, what, written]),
		"path": ["services", name, "security_opt", i],
	}
}
