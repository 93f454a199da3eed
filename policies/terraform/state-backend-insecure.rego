# METADATA
# title: S3 state backend without encryption or over plain HTTP
# description: >-
#   Terraform state holds every secret Terraform knows in clear text: provider tokens, generated
#   passwords, private keys. An `s3` backend without `encrypt = true` leaves the state object
#   unencrypted at rest in the bucket (on AWS; on MinIO or Garage, whatever the server does by
#   default), and an endpoint reached over `http://` — common with a MinIO on the NAS — sends the
#   state and the access keys over the network in clear text, readable by anything on the path.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/backend/s3
#   - ref: https://developer.hashicorp.com/terraform/language/state/sensitive-data
# custom:
#   id: terraform.state-backend-insecure
#   severity: medium
#   remediation: |-
#     Set `encrypt = true` and reach the endpoint over HTTPS (MinIO and Garage both serve TLS; a
#     reverse proxy in front of them works too):
#
#     ```hcl
#     backend "s3" {
#       bucket    = "tfstate"
#       key       = "homelab/terraform.tfstate"
#       endpoints = { s3 = "https://minio.example.lan" }
#       encrypt   = true
#     }
#     ```
#   fix: none
package vigie.rules.terraform.state_backend_insecure

import data.vigie.lib.terraform as lib
import rego.v1

# Every `backend "s3"` block, with its path.
_backends contains {"body": body, "path": array.concat(tb.path, array.concat(["backend", "s3"], index))} if {
	some tb in lib.terraform_blocks
	is_object(tb.body.backend)
	s3 := tb.body.backend.s3
	some index, body in _indexed(s3)
	is_object(body)
}

# A list's items by [i]; a single object (`.tf.json`) by [].
_indexed(x) := {[i]: b | some i, b in x} if is_array(x)

else := {[]: x} if is_object(x)

else := {}

# `encrypt` missing or false (an unknown value is left alone).
deny contains finding if {
	some b in _backends
	not _encrypted(b.body)
	not lib.is_unknown(b.body.encrypt)
	path := _encrypt_path(b)
	finding := {
		"msg": "the s3 state backend does not encrypt the state at rest: `encrypt` is not true",
		"path": path,
	}
}

_encrypted(body) if lib.is_true(body.encrypt)

_encrypt_path(b) := array.concat(b.path, ["encrypt"]) if _ = b.body.encrypt

else := b.path

# An endpoint over plain HTTP: `endpoint` (older releases), or an entry of `endpoints`.
deny contains finding if {
	some b in _backends
	some name in ["endpoint", "sts_endpoint", "iam_endpoint", "dynamodb_endpoint"]
	_http(b.body[name])
	finding := {
		"msg": sprintf("the s3 state backend reaches %s over plain HTTP: state and credentials cross the network unencrypted", [b.body[name]]),
		"path": array.concat(b.path, [name]),
	}
}

deny contains finding if {
	some b in _backends
	is_object(b.body.endpoints)
	some name, url in b.body.endpoints
	_http(url)
	finding := {
		"msg": sprintf("the s3 state backend reaches %s over plain HTTP: state and credentials cross the network unencrypted", [url]),
		"path": array.concat(b.path, ["endpoints", name]),
	}
}

_http(url) if {
	is_string(url)
	startswith(lower(url), "http://")
}
