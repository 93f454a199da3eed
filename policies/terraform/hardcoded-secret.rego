# METADATA
# title: Secret written literally in Terraform files
# description: >-
#   A password, API token, key or other credential is written as a literal value in a `.tf` or
#   `.tfvars` file: a provider login (`pm_password`, `pm_api_token_secret`, `api_token`), a VM's
#   cloud-init password (`cipassword`), a backend's `secret_key`, a variable's `default`, a
#   `locals` value, a private key in a heredoc. The files end up in Git, in backups, in shared
#   snippets and in every clone of the repository, where the credential stays readable long after
#   it has been changed in the files. A Proxmox root password or API token is the keys to every
#   VM in the cluster. A value that reaches an argument through a variable or a local is reported
#   once, where it is written (the tfvars line, the variable's `default`, the local), not where
#   it is used; values that come from outside the files (environment variables, a secret
#   manager, a resource attribute) are not reported, nor are paths (`/run/secrets/x`) and
#   placeholders (`changeme`, `<token>`).
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output
#   - ref: https://developer.hashicorp.com/terraform/language/values/variables#environment-variables
#   - ref: https://developer.hashicorp.com/terraform/language/state/sensitive-data
#   - ref: https://registry.terraform.io/providers/Telmate/proxmox/latest/docs
#   - ref: https://registry.terraform.io/providers/bpg/proxmox/latest/docs
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
# custom:
#   id: terraform.hardcoded-secret
#   severity: high
#   remediation: |-
#     Rotate the secret (it has been in the files, and likely in Git history), then take it out
#     of the files. Declare a sensitive variable without a default and give it a value from the
#     environment when running Terraform (`TF_VAR_pm_api_token_secret`), from a password
#     manager's CLI, or from a secret store such as Vault or SOPS:
#
#     ```hcl
#     variable "pm_api_token_secret" {
#       type      = string
#       sensitive = true
#     }
#
#     provider "proxmox" {
#       pm_api_url          = "https://pve.home.example.com:8006/api2/json"
#       pm_api_token_id     = "terraform@pve!tf"
#       pm_api_token_secret = var.pm_api_token_secret
#     }
#     ```
#
#     ```sh
#     export TF_VAR_pm_api_token_secret="$(pass show homelab/proxmox-token)"
#     ```
#
#     Most providers also read their credentials from their own environment variables
#     (`PM_API_TOKEN_SECRET`, `PROXMOX_VE_API_TOKEN`, `VAULT_TOKEN`, ...), so the argument can go
#     away entirely. If a `terraform.tfvars` must hold secrets, keep it out of Git
#     (`.gitignore`) and readable only by you (`chmod 600`). For VM passwords, prefer SSH keys
#     (`sshkeys`, `user_account { keys = [...] }`) or a `random_password` resource.
#   fix: none
#   secret: true
package vigie.rules.terraform.hardcoded_secret

import data.vigie.lib.secrets
import data.vigie.lib.terraform as lib
import rego.v1

# --- Names that say "secret" ---------------------------------------------------------------------
#
# The shared word list (`policies/lib/secrets.rego`): a name says secret by its last token
# (`pm_password`, `cipassword`, `auth.rootPassword`), camelCase qualifiers keep working
# (`passwordLength` ends in LENGTH, not in PASSWORD).

_tokens(name) := secrets.tokens(name)

# The name says its value is a secret.
secret_name(name) if secrets.name(name)

# --- Values that are secrets ---------------------------------------------------------------------

# A value written out: a non-empty string that is not a flag, an absolute path or a placeholder.
# Numbers, null and unknown values (`{"unknown": ...}`: a resource attribute, a variable without a
# value) never are.
_secret_value(value) if secrets.literal(value)

# A PEM private key, whatever the argument is called (`content = <<-EOT -----BEGIN ...`).
_private_key_text(value) if {
	is_string(value)
	contains(value, "-----BEGIN")
	contains(value, "PRIVATE KEY-----")
}

# `NAME=value` items of a list (the docker provider's `env`, container args).
_assignment(item) := [m[1], m[2]] if {
	is_string(item)
	m := regex.find_all_string_submatch_n(`^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$`, item, 1)[0]
}

# A key-like name given a path on disk, not the key (`client_key = "~/.kube/client.key"`).
_file_reference(name, value) if {
	tokens := _tokens(name)
	regex.match(`(KEY|PEM|MATERIAL)$`, tokens[count(tokens) - 1])
	regex.match(`^(~|\.{1,2})?/[^\s]*$`, trim_space(value))
}

# Places that are not values: the provider requirements (a provider may be called `onepassword`),
# and a variable's declaration apart from its `default` (type, description, validation).
_excluded(path) if {
	path[0] == "terraform"
	path[2] == "required_providers"
}

_excluded(path) if {
	path[0] == "variable"
	not path[2] == "default"
}

# --- Candidates ----------------------------------------------------------------------------------

# Every node of the document, computed once (the `unknown` key inside an unknown value is source
# text, and no secret name).
_nodes := [{"path": path, "value": value} |
	walk(input.doc, [path, value])
	count(path) > 0
]

# Each string that holds a secret, where it appears, with `secret` the secret part of the value
# (the value, or the part after `=` of a `NAME=value` item).

# An argument, object key or tfvars variable whose name says secret.
_candidates contains {"path": n.path, "value": n.value, "secret": n.value} if {
	some n in _nodes
	key := n.path[count(n.path) - 1]
	is_string(key)
	_secret_value(n.value)
	secret_name(key)
	not _file_reference(key, n.value)
	not _excluded(n.path)
}

# A variable's `default`, by the variable's name.
_candidates contains {"path": ["variable", name, "default"], "value": value, "secret": value} if {
	some name, variable in input.doc.variable
	is_object(variable)
	value := variable["default"]
	_secret_value(value)
	secret_name(name)
}

# A `{name, value}` pair whose name says secret: Helm's `set { name = "auth.rootPassword"
# value = ... }` and `set_sensitive`, a Kubernetes container's `env { name = ... value = ... }`.
_candidates contains {"path": array.concat(n.path, ["value"]), "value": value, "secret": value} if {
	some n in _nodes
	is_object(n.value)
	value := n.value.value
	_secret_value(value)
	secret_name(n.value.name)
	not _excluded(n.path)
}

# A `NAME=value` list item whose NAME says secret.
_candidates contains {"path": n.path, "value": n.value, "secret": assignment[1]} if {
	some n in _nodes
	is_number(n.path[count(n.path) - 1])
	assignment := _assignment(n.value)
	_secret_value(assignment[1])
	secret_name(assignment[0])
	not _excluded(n.path)
}

# A private key in PEM form, under any name.
_candidates contains {"path": n.path, "value": n.value, "secret": n.value} if {
	some n in _nodes
	_private_key_text(n.value)
	not _excluded(n.path)
}

# --- Where the secret is written -----------------------------------------------------------------
#
# A value that came from a variable or a local (it has an origin, see docs/terraform-input.md) is
# followed back to where it is written: the tfvars entry, the variable's `default`, the local,
# and from a local once more to its variable. It is reported there when that place holds the same
# string (an origin only names the first variable of a template such as "${var.user}:${var.pw}",
# so a different string there is not the secret). A value passed by a calling module is written
# in the caller's files, another document: it is not followed.

# Where the candidate `c` is written: its own path when written there, else the place its origin
# names (up to two hops: argument -> local -> variable), when that place holds the same string.
_written(c) := c.path if lib.literal(c.path)
else := first if {
	first := _source(c.path)
	_holds(first, c)
	lib.literal(first)
} else := second if {
	first := _source(c.path)
	_holds(first, c)
	second := _source(first)
	_holds(second, c)
	lib.literal(second)
}

# The written place the origin of `path` (or of the nearest parent that has one) names, extended
# with the rest of `path` below that parent.
_source(path) := array.concat(base, array.slice(path, n, count(path))) if {
	is_object(input.origins)
	ns := [i |
		some i in numbers.range(1, count(path))
		_ = input.origins[lib.origin_key(array.slice(path, 0, i))]
	]
	count(ns) > 0
	n := min(ns)
	base := _origin_base(input.origins[lib.origin_key(array.slice(path, 0, n))])
}

_origin_base(o) := ["tfvars", o.file, o.name] if {
	o.from == "var"
	is_string(o.file)
	is_string(o.name)
}

_origin_base(o) := ["variable", o.name, "default"] if {
	o.from == "default"
	is_string(o.name)
}

_origin_base(o) := ["locals", o.name] if {
	o.from == "local"
	is_string(o.name)
}

_holds(path, c) if {
	value := object.get(input.doc, path, null)
	is_string(value)
	value in {c.value, c.secret}
}

# --- Findings ------------------------------------------------------------------------------------

deny contains finding if {
	some c in _candidates
	path := _written(c)
	finding := {"msg": _message(path), "path": path}
}

# The message names the place, never the value. It depends on the path alone, so a secret found
# twice (by its name in terraform.tfvars, and through the argument that uses it) is one finding.
_message(path) := sprintf("%s holds a literal secret", [place.where]) if {
	place := _place(path)
	count(path) == place.depth
} else := sprintf("entry %q of %s of %s holds a literal secret", [assignment[0], _argument(place, rest), place.where]) if {
	place := _place(path)
	rest := array.slice(path, place.depth, count(path) - 1)
	is_number(path[count(path) - 1])
	count([s | some s in rest; is_string(s)]) > 0
	assignment := _assignment(object.get(input.doc, path, null))
} else := sprintf("the value set for %q in %s holds a literal secret", [parent.name, place.where]) if {
	place := _place(path)
	path[count(path) - 1] == "value"
	parent := object.get(input.doc, array.slice(path, 0, count(path) - 1), null)
	is_object(parent)
	secret_name(parent.name)
} else := sprintf("%s of %s holds a literal secret", [_argument(place, rest), place.where]) if {
	place := _place(path)
	rest := array.slice(path, place.depth, count(path))
	count([s | some s in rest; is_string(s)]) > 0
} else := sprintf("%s holds a literal secret", [place.where]) if {
	place := _place(path)
}

# `argument "password"`, or `argument "password" in connection` for a nested block's argument;
# `key` inside a value (tfvars, a default, a local).
_argument(place, rest) := sprintf("%s %q", [place.noun, names[count(names) - 1]]) if {
	names := [s | some s in rest; is_string(s)]
	count(names) == 1
} else := sprintf("%s %q in %s", [place.noun, names[count(names) - 1], concat(".", array.slice(names, 0, count(names) - 1))]) if {
	names := [s | some s in rest; is_string(s)]
}

# The block or value that `path` is in: how many segments name it, and what messages call it.
_place(path) := {"depth": 3, "where": sprintf("provider %q", [path[1]]), "noun": "argument"} if {
	path[0] == "provider"
	count(path) >= 3
} else := {"depth": 3, "where": sprintf("resource %q %q", [path[1], path[2]]), "noun": "argument"} if {
	path[0] == "resource"
	count(path) >= 3
} else := {"depth": 3, "where": sprintf("data %q %q", [path[1], path[2]]), "noun": "argument"} if {
	path[0] == "data"
	count(path) >= 3
} else := {"depth": 2, "where": sprintf("module %q", [path[1]]), "noun": "argument"} if {
	path[0] == "module"
	count(path) >= 2
} else := {"depth": 2, "where": sprintf("output %q", [path[1]]), "noun": "argument"} if {
	path[0] == "output"
	count(path) >= 2
} else := {"depth": 5, "where": sprintf("backend %q", [path[3]]), "noun": "argument"} if {
	path[0] == "terraform"
	path[2] == "backend"
	count(path) >= 5
} else := {"depth": 2, "where": "the terraform block", "noun": "argument"} if {
	path[0] == "terraform"
	count(path) >= 2
} else := {"depth": 3, "where": sprintf("variable %q set in %s", [path[2], path[1]]), "noun": "key"} if {
	path[0] == "tfvars"
	count(path) >= 3
} else := {"depth": 3, "where": sprintf("the default of variable %q", [path[1]]), "noun": "key"} if {
	path[0] == "variable"
	path[2] == "default"
} else := {"depth": 2, "where": sprintf("local value %q", [path[1]]), "noun": "key"} if {
	path[0] == "locals"
	count(path) >= 2
} else := {"depth": 1, "where": sprintf("%v", [path[0]]), "noun": "argument"}
