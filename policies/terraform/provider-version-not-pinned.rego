# METADATA
# title: Provider required without a version constraint
# description: >-
#   A `required_providers` entry gives a `source` but no `version`, so `terraform init` on a new
#   machine (or `init -upgrade`, or after the lock file is deleted) installs the newest release,
#   including a new major version with breaking changes. Homelab providers move fast and several
#   are maintained by one person: a new release of a Proxmox provider can rename arguments, change
#   defaults or recreate VMs, and a compromised release is installed without anyone choosing to.
#   A version constraint, together with the committed `.terraform.lock.hcl`, decides when the
#   provider changes.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/providers/requirements#version-constraints
#   - ref: https://developer.hashicorp.com/terraform/language/expressions/version-constraints
#   - ref: https://developer.hashicorp.com/terraform/language/files/dependency-lock
# custom:
#   id: terraform.provider-version-not-pinned
#   severity: low
#   remediation: |-
#     Give every provider a version constraint: an exact version in root modules, or a
#     pessimistic one that allows only patch or minor updates, and commit
#     `.terraform.lock.hcl`:
#
#     ```hcl
#     terraform {
#       required_providers {
#         proxmox = {
#           source  = "bpg/proxmox"
#           version = "~> 0.66.0"
#         }
#       }
#     }
#     ```
#
#     Reusable child modules usually state only a lower bound (`>= 0.66`) and let the root
#     module pin.
#   fix: none
package vigie.rules.terraform.provider_version_not_pinned

import data.vigie.lib.terraform as lib
import rego.v1

deny contains finding if {
	some tb in lib.terraform_blocks
	some rp in lib.nested(tb.body, "required_providers")
	some name, requirement in rp.body
	_unpinned(requirement)
	finding := {
		"msg": sprintf("provider %q%s has no version constraint in required_providers", [name, _source(requirement)]),
		"path": array.concat(array.concat(tb.path, rp.path), [name]),
	}
}

# The object form without `version` (or with an empty one). The legacy string form
# (`aws = "~> 5.0"`) is itself a version constraint; an unknown value is not judged.
_unpinned(requirement) if {
	is_object(requirement)
	not lib.is_unknown(requirement)
	not lib.has_value(requirement, "version")
}

_unpinned(requirement) if lib.blank(requirement)

# ` (telmate/proxmox)` when the entry names its source.
_source(requirement) := sprintf(" (%s)", [requirement.source]) if is_string(requirement.source)

else := ""
