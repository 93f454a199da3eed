# METADATA
# title: Terraform state kept on the local disk
# description: >-
#   A root module (one that configures providers) declares no `backend` or `cloud` block, or
#   declares `backend "local"`. Its state then lives in `terraform.tfstate` on whichever machine ran
#   `terraform apply`: a laptop that gets lost or wiped takes the only record of the infrastructure
#   with it, two people (or two machines) applying at once corrupt it, and the file holds every
#   secret Terraform knows in clear text — provider tokens, generated passwords, private keys —
#   where a backup, a sync folder or a stray `git add` will copy it.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/backend
#   - ref: https://developer.hashicorp.com/terraform/language/state/sensitive-data
#   - ref: https://developer.hashicorp.com/terraform/language/backend/s3
# custom:
#   id: terraform.state-backend-local
#   severity: low
#   remediation: |-
#     Keep state in a remote backend with locking and encryption at rest, for example an S3
#     bucket on a MinIO or Garage server you run, or an HTTP backend such as GitLab's:
#
#     ```hcl
#     terraform {
#       backend "s3" {
#         bucket                      = "tfstate"
#         key                         = "homelab/terraform.tfstate"
#         region                      = "us-east-1"
#         endpoints                   = { s3 = "https://minio.example.lan" }
#         use_path_style              = true
#         use_lockfile                = true
#         encrypt                     = true
#         skip_credentials_validation = true
#         skip_requesting_account_id  = true
#       }
#     }
#     ```
#
#     then run `terraform init -migrate-state`.
#   fix: none
package vigie.rules.terraform.state_backend_local

import data.vigie.lib.terraform as lib
import rego.v1

# A root module: it configures at least one provider.
_root if count(lib.providers) > 0

# The module says where its state goes (any backend but `local`, or HCP Terraform).
_remote if {
	some tb in lib.terraform_blocks
	some name, _ in tb.body.backend
	name != "local"
}

_remote if {
	some tb in lib.terraform_blocks
	count(lib.blocks(tb.body.cloud)) > 0
}

# No backend at all: point at the first `terraform` block, else at the first provider block.
deny contains finding if {
	_root
	not _remote
	not _local_backends
	finding := {
		"msg": "this root module keeps its state on the local disk: it declares no backend",
		"path": _anchor,
	}
}

# `backend "local"`, written out.
deny contains finding if {
	_root
	not _remote
	some tb in lib.terraform_blocks
	is_object(tb.body.backend)
	some i, _ in lib.blocks(tb.body.backend["local"])
	finding := {
		"msg": `this root module keeps its state on the local disk: backend "local"`,
		"path": array.concat(tb.path, ["backend", "local", i]),
	}
}

_local_backends if {
	some tb in lib.terraform_blocks
	is_object(tb.body.backend)
	_ = tb.body.backend["local"]
}

_anchor := tb.path if {
	some tb in lib.terraform_blocks
	tb.index == 0
} else := p.path if {
	names := sort([name | some name, _ in input.doc.provider])
	some p in lib.providers
	p.name == names[0]
	p.index == 0
}
