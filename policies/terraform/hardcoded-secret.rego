# METADATA
# title: Secret written literally in Terraform
# description: >-
#   An argument, local value, variable default or tfvars entry whose name says it holds a secret
#   (a password, token, API key, private key, client secret, `cipassword`,
#   `pm_api_token_secret`, ...) is given a literal value in a `.tf` or `.tfvars` file. The
#   secret then lives in the repository and its whole history, in every clone and CI log that
#   prints the plan, and cannot be rotated without rewriting history. A variable marked
#   `sensitive` with a literal default is reported too. A value that reaches an argument through a
#   variable or a local is reported once, where it is written, not at every use. The value itself
#   is never printed.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output
#   - ref: https://developer.hashicorp.com/terraform/language/values/variables#environment-variables
#   - ref: https://developer.hashicorp.com/terraform/language/state/sensitive-data
# custom:
#   id: terraform.hardcoded-secret
#   severity: high
#   secret: true
#   remediation: |-
#     Declare a `sensitive` variable without a default and give it its value outside the
#     repository: the environment (`TF_VAR_pm_password`), an untracked `*.auto.tfvars` listed in
#     `.gitignore`, or a secret store read by a data source (Vault, SOPS, 1Password, Bitwarden):
#
#     ```hcl
#     variable "pm_password" {
#       type      = string
#       sensitive = true
#     }
#     ```
#
#     Then rotate the secret: it is in the history already.
#   fix: none
package vigie.rules.terraform.hardcoded_secret

import data.vigie.lib.terraform as lib
import rego.v1

# An argument (at any depth: nested blocks, object attributes, tfvars entries) whose name says
# secret, with a literal, non-empty string value.
deny contains finding if {
	some top in ["resource", "data", "provider", "module", "locals", "terraform", "tfvars", "check"]
	root := input.doc[top]
	walk(root, [rel, value])
	is_string(value)
	value != ""
	count(rel) > 0
	name := rel[count(rel) - 1]
	is_string(name)
	path := array.concat([top], rel)
	_is_secret_name(name, path)
	lib.literal(path)
	finding := {
		"msg": sprintf("%s holds a literal secret", [_describe(path, name)]),
		"path": path,
	}
}

# A variable default: a secret by its name, or because the variable is `sensitive`.
deny contains finding if {
	is_object(input.doc.variable)
	some name, variable in input.doc.variable
	is_object(variable)
	default_value := variable["default"]
	is_string(default_value)
	default_value != ""
	_secret_variable(name, variable)
	finding := {
		"msg": sprintf("variable %q has a literal secret as its default", [name]),
		"path": ["variable", name, "default"],
	}
}

_secret_variable(name, _) if _secret_words(name)

_secret_variable(_, variable) if lib.is_true(variable.sensitive)

# A tfvars entry for a variable declared `sensitive`, whatever its name.
_is_secret_name(name, path) if {
	path[0] == "tfvars"
	count(path) == 3
	is_object(input.doc.variable)
	lib.is_true(input.doc.variable[name].sensitive)
}

_is_secret_name(name, _) if _secret_words(name)

# Whole words of a name (split at `_` and `-`) that say secret, unless the last word says the
# value is about the secret rather than the secret itself (`password_length`, `token_ttl`,
# `pm_api_token_id`, `ssh_private_key_file`, `secret_name`).
_secret_words(name) if {
	words := [w | some w in regex.split(`[_-]+`, lower(name)); w != ""]
	count(words) > 0
	not words[count(words) - 1] in _not_the_secret
	_has_secret_word(words)
}

_has_secret_word(words) if {
	some w in words
	w in _secret_word
}

_has_secret_word(words) if {
	some i in numbers.range(0, count(words) - 2)
	[words[i], words[i + 1]] in _secret_pair
}

_secret_word := {
	"password", "passwd", "passphrase", "cipassword", "secret", "token", "apikey", "privatekey",
	"psk", "credentials",
}

_secret_pair := {
	["api", "key"], ["private", "key"], ["access", "key"], ["secret", "key"], ["client", "secret"],
	["auth", "key"], ["encryption", "key"], ["master", "key"], ["shared", "key"], ["preshared", "key"],
}

_not_the_secret := {
	"id", "ids", "name", "names", "file", "path", "dir", "length", "len", "ttl", "type", "version",
	"policy", "policies", "enabled", "enable", "required", "expiry", "expiration", "expires",
	"rotation", "url", "uri", "endpoint", "arn", "count", "min", "max", "reset", "prompt", "format",
	"algorithm", "wo", "hash", "user", "username", "ref", "env", "var",
}

# What holds the secret, for the message.
_describe(path, name) := sprintf("argument %q of resource %q", [name, concat(".", [path[1], path[2]])]) if path[0] == "resource"

else := sprintf("argument %q of data source %q", [name, concat(".", [path[1], path[2]])]) if path[0] == "data"

else := sprintf("argument %q of provider %q", [name, path[1]]) if path[0] == "provider"

else := sprintf("argument %q of module call %q", [name, path[1]]) if path[0] == "module"

else := sprintf("local value %q", [name]) if path[0] == "locals"

else := sprintf("%q in %s", [name, path[1]]) if path[0] == "tfvars"

else := sprintf("argument %q", [name])
