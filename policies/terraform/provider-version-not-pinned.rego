# METADATA
# title: Provider without a version constraint
# description: >-
#   A `required_providers` entry gives no `version`, so `terraform init` installs whatever release
#   is newest that day. A provider is code that runs with your cloud and hypervisor credentials: a
#   new major version can change what a plan does to existing machines, and an unpinned provider
#   upgrades itself on the next fresh checkout or CI run without anyone deciding it. The dependency
#   lock file (`.terraform.lock.hcl`) helps only where it is committed and honoured.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/providers/requirements
#   - ref: https://developer.hashicorp.com/terraform/language/files/dependency-lock
# custom:
#   id: terraform.provider-version-not-pinned
#   severity: low
#   remediation: |-
#     Give every provider a version constraint, usually a pessimistic one, and commit
#     `.terraform.lock.hcl`:
#
#     ```hcl
#     terraform {
#       required_providers {
#         proxmox = {
#           source  = "bpg/proxmox"
#           version = "~> 0.66"
#         }
#       }
#     }
#     ```
#   fix: none
package vigie.rules.terraform.provider_version_not_pinned

import data.vigie.lib.terraform as lib
import rego.v1

deny contains finding if {
	some tb in lib.terraform_blocks
	some i, rp in lib.blocks(tb.body.required_providers)
	is_object(rp)
	some name, req in rp
	is_object(req)
	not lib.is_unknown(req)
	not _has_version(req)
	finding := {
		"msg": sprintf("provider %q has no version constraint in required_providers", [name]),
		"path": array.concat(tb.path, ["required_providers", i, name]),
	}
}

_has_version(req) if {
	v := req.version
	not v == ""
	not v == null
}
