# METADATA
# title: Terraform state stored without encryption or sent over plain HTTP
# description: >-
#   The state holds, in clear text, every secret Terraform has seen (provider credentials,
#   generated passwords, private keys). An `s3` backend without `encrypt = true` stores it
#   unencrypted in the bucket, so anyone who can read the bucket or its disks and backups reads
#   the secrets; one whose endpoint (`endpoint`, `endpoints = { s3 = ... }`, the STS or IAM
#   endpoint) is an `http://` URL sends the state and the S3 credentials across the network in
#   clear text, which is common with a self-hosted MinIO or Garage. An `http` backend (GitLab,
#   a homemade state server) with an `http://` address, or with `skip_cert_verification = true`,
#   exposes the state and its username and password the same way. Endpoints on the machine itself
#   (localhost, 127.0.0.1, ::1) never cross the network and are not reported.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/backend/s3
#   - ref: https://developer.hashicorp.com/terraform/language/backend/http
#   - ref: https://developer.hashicorp.com/terraform/language/state/sensitive-data
#   - ref: https://min.io/docs/minio/linux/operations/network-encryption.html
#   - ref: https://opentofu.org/docs/language/state/encryption/
# custom:
#   id: terraform.state-backend-insecure
#   severity: medium
#   remediation: |-
#     Serve the object store over HTTPS (MinIO reads a certificate from `~/.minio/certs`; a
#     reverse proxy with a certificate works for any of them) and turn on server-side encryption:
#
#     ```hcl
#     terraform {
#       backend "s3" {
#         bucket                      = "tfstate"
#         key                         = "homelab/terraform.tfstate"
#         region                      = "us-east-1"
#         endpoints                   = { s3 = "https://s3.home.example.com" }
#         use_path_style              = true
#         encrypt                     = true
#         skip_credentials_validation = true
#         skip_requesting_account_id  = true
#       }
#     }
#     ```
#
#     MinIO encrypts objects only when it has a key management service configured (KES, or
#     `MINIO_KMS_SECRET_KEY` for a single node); where the store cannot encrypt, use OpenTofu's
#     client-side state encryption (`terraform { encryption { ... } }`), which this rule accepts
#     in place of `encrypt`. For an `http` backend, use an `https://` address and trust its CA
#     instead of `skip_cert_verification`.
#   fix: none
package vigie.rules.terraform.state_backend_insecure

import data.vigie.lib.terraform as lib
import rego.v1

# Every backend block of the given type, with its path.
_backends(type) := [{"body": b.body, "path": array.concat(array.concat(tb.path, ["backend"]), b.path), "encryption": _client_side_encryption(tb.body)} |
	some tb in lib.terraform_blocks
	some b in lib.nested(tb.body.backend, type)
]

# OpenTofu encrypts state itself when its `terraform` block has an `encryption` block: the
# bucket then never sees clear text, with or without `encrypt`.
_client_side_encryption(body) if count(lib.nested(body, "encryption")) > 0

else := false

# --- s3 ------------------------------------------------------------------------------------------

# `encrypt` missing: the state is stored as written. Points at `backend "s3" {`.
deny contains finding if {
	some b in _backends("s3")
	b.encryption == false
	not _has_encrypt(b.body)
	finding := {
		"msg": `backend "s3" stores the state unencrypted: encrypt = true is missing`,
		"path": b.path,
	}
}

# `encrypt = false`, written out or from a variable.
deny contains finding if {
	some b in _backends("s3")
	b.encryption == false
	lib.is_false(b.body.encrypt)
	finding := {
		"msg": `backend "s3" stores the state unencrypted (encrypt = false)`,
		"path": array.concat(b.path, ["encrypt"]),
	}
}

# Any value counts as set: true is fine, false is reported above, and an unknown value (a
# variable without a value) keeps the rule silent.
_has_encrypt(body) if {
	is_object(body)
	body.encrypt != null
}

# The endpoint arguments of the s3 backend: `endpoint`, `sts_endpoint`, `iam_endpoint`,
# `dynamodb_endpoint` up to Terraform 1.5, and from 1.6 the `endpoints` object (s3, sts, iam,
# dynamodb, sso), whose old names remain as deprecated aliases.
_s3_endpoint_arguments := {"endpoint", "sts_endpoint", "iam_endpoint", "dynamodb_endpoint"}

deny contains finding if {
	some b in _backends("s3")
	some argument in _s3_endpoint_arguments
	lib.cleartext_url(b.body[argument])
	finding := {
		"msg": sprintf(`backend "s3" sends the state and its credentials over plain HTTP (%s is an http:// URL)`, [argument]),
		"path": array.concat(b.path, [argument]),
	}
}

deny contains finding if {
	some b in _backends("s3")
	some endpoints in lib.nested(b.body, "endpoints")
	some service, url in endpoints.body
	lib.cleartext_url(url)
	finding := {
		"msg": sprintf(`backend "s3" sends the state and its credentials over plain HTTP (endpoints.%s is an http:// URL)`, [service]),
		"path": array.concat(array.concat(b.path, endpoints.path), [service]),
	}
}

# --- http ----------------------------------------------------------------------------------------

_http_addresses := {"address", "lock_address", "unlock_address"}

deny contains finding if {
	some b in _backends("http")
	some argument in _http_addresses
	lib.cleartext_url(b.body[argument])
	finding := {
		"msg": sprintf(`backend "http" sends the state and its credentials over plain HTTP (%s is an http:// URL)`, [argument]),
		"path": array.concat(b.path, [argument]),
	}
}

deny contains finding if {
	some b in _backends("http")
	lib.is_true(b.body.skip_cert_verification)
	finding := {
		"msg": `backend "http" turns off TLS certificate verification (skip_cert_verification = true)`,
		"path": array.concat(b.path, ["skip_cert_verification"]),
	}
}
