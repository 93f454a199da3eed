# METADATA
# title: Terraform state kept on the local disk
# description: >-
#   This root module (it configures providers) names no `backend` or `cloud` block, or names
#   `backend "local"`, so `terraform apply` writes its state to `terraform.tfstate` next to the
#   files. The state holds, in clear text, every secret Terraform has seen: provider passwords and
#   tokens, generated passwords, private keys, cloud-init user data. On a laptop or in a homelab
#   repository it is one `git add .`, one synced folder or one stolen disk away from leaking, it is
#   lost with the machine (and with it Terraform's knowledge of what it manages), and two machines
#   applying at once overwrite each other. A remote backend keeps one copy, locked while in use,
#   on storage you can encrypt, back up and restrict.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/backend
#   - ref: https://developer.hashicorp.com/terraform/language/state/sensitive-data
#   - ref: https://developer.hashicorp.com/terraform/language/backend/s3
#   - ref: https://developer.hashicorp.com/terraform/language/backend/http
#   - ref: https://opentofu.org/docs/language/state/encryption/
# custom:
#   id: terraform.state-backend-local
#   severity: low
#   remediation: |-
#     Store the state in a remote backend you control, for example a bucket on a MinIO or Garage
#     server (S3 API) reached over HTTPS, or GitLab's HTTP state backend:
#
#     ```hcl
#     terraform {
#       backend "s3" {
#         bucket                      = "tfstate"
#         key                         = "homelab/proxmox.tfstate"
#         region                      = "us-east-1"
#         endpoints                   = { s3 = "https://s3.home.example.com" }
#         use_path_style              = true
#         encrypt                     = true
#         use_lockfile                = true
#         skip_credentials_validation = true
#         skip_requesting_account_id  = true
#         skip_region_validation      = true
#       }
#     }
#     ```
#
#     Give the credentials through the environment (`AWS_ACCESS_KEY_ID`,
#     `AWS_SECRET_ACCESS_KEY`), run `terraform init -migrate-state`, then delete the local
#     `terraform.tfstate` and its `.backup` and keep `*.tfstate*` in `.gitignore`. With OpenTofu,
#     also consider client-side state encryption (`terraform { encryption { ... } }`). If the
#     state must stay local, keep it out of Git and on an encrypted disk, and suppress the
#     finding with a reason.
#   fix: none
package vigie.rules.terraform.state_backend_local

import data.vigie.lib.terraform as lib
import rego.v1

# A root module configures providers; a child module inherits them from its caller and does not
# choose where state goes (a backend in a child module is ignored). Root modules that rely only
# on implicit provider configuration (environment variables, no provider block) are not seen.
_root if count(lib.providers) > 0

# The state goes elsewhere: any backend but "local", or HCP Terraform / Terraform Enterprise.
# A partial configuration (`backend "s3" {}` completed by `terraform init -backend-config=...`)
# counts: the backend type is what matters here.
_remote if {
	some tb in lib.terraform_blocks
	is_object(tb.body.backend)
	some type, _ in tb.body.backend
	type != "local"
}

_remote if {
	some tb in lib.terraform_blocks
	count(lib.nested(tb.body, "cloud")) > 0
}

# Every `backend "local"` block, with its path.
_local_backends contains array.concat(array.concat(tb.path, ["backend"]), b.path) if {
	some tb in lib.terraform_blocks
	some b in lib.nested(tb.body.backend, "local")
}

deny contains finding if {
	_root
	not _remote
	some path in _local_backends
	finding := {
		"msg": `this root module keeps its state on the local disk (backend "local")`,
		"path": path,
	}
}

deny contains finding if {
	_root
	not _remote
	count(_local_backends) == 0
	finding := {
		"msg": "this root module declares no backend: its state is kept on the local disk",
		"path": _missing_backend_path,
	}
}

# Where a missing backend is reported: the first `terraform` block (`terraform {`), where the
# backend belongs, else the first provider block, by name.
_missing_backend_path := ["terraform", min(indexes)] if {
	indexes := {tb.index | some tb in lib.terraform_blocks}
	count(indexes) > 0
} else := ["provider", name, 0] if {
	name := min({p.name | some p in lib.providers})
}
