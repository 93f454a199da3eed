# METADATA
# title: Module source not pinned to a version
# description: >-
#   A module call fetches code that Terraform runs with your credentials. A git or HTTP source
#   without `?ref=` naming a tag or a commit follows whatever the default branch (or the named
#   branch) holds at the next `terraform init`, and a registry module without `version` takes the
#   newest release: either way the code that builds your machines changes without review, and a
#   compromised upstream repository reaches your infrastructure on the next run.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/modules/sources
#   - ref: https://developer.hashicorp.com/terraform/language/modules/syntax#version
# custom:
#   id: terraform.module-source-not-pinned
#   severity: medium
#   remediation: |-
#     Pin git sources to a tag or, better, a commit, and registry modules to a version:
#
#     ```hcl
#     module "vm" {
#       source = "git::https://github.com/example/terraform-proxmox-vm.git?ref=v1.4.2"
#     }
#
#     module "vpc" {
#       source  = "terraform-aws-modules/vpc/aws"
#       version = "5.8.1"
#     }
#     ```
#   fix: none
package vigie.rules.terraform.module_source_not_pinned

import data.vigie.lib.terraform as lib
import rego.v1

# A git or HTTP source without a pinned ref.
deny contains finding if {
	some name, call in input.doc.module
	source := call.source
	is_string(source)
	_remote(source)
	not _pinned(source)
	finding := {
		"msg": sprintf("module %q comes from %s without a pinned tag or commit (?ref=)", [name, source]),
		"path": ["module", name, "source"],
	}
}

# A registry source without `version`.
deny contains finding if {
	some name, call in input.doc.module
	source := call.source
	is_string(source)
	_registry(source)
	not _has_version(call)
	finding := {
		"msg": sprintf("module %q comes from the registry (%s) without a version", [name, source]),
		"path": ["module", name, "version"],
	}
}

_has_version(call) if {
	v := call.version
	not v == ""
	not v == null
}

_remote(source) if startswith(source, "git::")

_remote(source) if startswith(source, "git@")

_remote(source) if regex.match(`^(https?://|hg::)`, source)

_remote(source) if regex.match(`^(github\.com|bitbucket\.org|gitlab\.com)/`, source)

# `?ref=` (or `&ref=`) naming a tag (`v1.2.3`, `1.2`, `v1`) or a commit (7 to 40 hex digits).
_pinned(source) if {
	some ref in regex.find_all_string_submatch_n(`[?&]ref=([^&#/]+)`, source, -1)
	_tag_or_commit(ref[1])
}

_tag_or_commit(ref) if regex.match(`^v?[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$`, ref)

_tag_or_commit(ref) if regex.match(`^[0-9a-fA-F]{7,40}$`, ref)

# A registry address: `namespace/name/provider`, optionally behind a host, with an optional
# `//subdir`.
_registry(source) if {
	not _remote(source)
	not startswith(source, "./")
	not startswith(source, "../")
	not startswith(source, "/")
	not contains(source, "::")
	base := split(source, "//")[0]
	regex.match(`^([a-z0-9.-]+\.[a-z]{2,}(:[0-9]+)?/)?[0-9A-Za-z_-]+/[0-9A-Za-z_-]+/[0-9a-z]+$`, base)
}
