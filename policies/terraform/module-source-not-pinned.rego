# METADATA
# title: Module source not pinned to a version
# description: >-
#   A module call takes its code from a git repository without `?ref=` naming a tag or a commit
#   (no ref follows the default branch; `ref=main` follows a branch), from an archive URL that
#   names no version, or from a registry without a `version` argument. Every `terraform init`
#   then fetches whatever the branch or the latest release holds: a change upstream, or a
#   compromised repository or account, lands in your infrastructure at the next `apply` with
#   the credentials of all your providers, and the same files no longer give the same result.
#   A tag (v1.2.3) or, better, a full commit hash fixes what runs until you choose to update.
#   Local sources (`./modules/vm`) are part of your own files and are fine.
# related_resources:
#   - ref: https://developer.hashicorp.com/terraform/language/modules/sources
#   - ref: https://developer.hashicorp.com/terraform/language/modules/sources#selecting-a-revision
#   - ref: https://developer.hashicorp.com/terraform/language/block/module#version
#   - ref: https://developer.hashicorp.com/terraform/language/expressions/version-constraints
# custom:
#   id: terraform.module-source-not-pinned
#   severity: medium
#   remediation: |-
#     Pin git sources to a tag or, for code you do not control, to a full commit hash, and give
#     registry modules an exact `version`:
#
#     ```hcl
#     module "vm" {
#       source = "git::https://github.com/example/terraform-proxmox-vm.git?ref=v1.4.2"
#     }
#
#     module "network" {
#       source  = "example/network/proxmox"
#       version = "2.1.0"
#     }
#     ```
#
#     Update on purpose: read the changes between the old and the new tag, then bump the ref.
#     Tools such as Renovate can open those updates for you.
#   fix: none
package vigie.rules.terraform.module_source_not_pinned

import data.vigie.lib.terraform as lib
import rego.v1

# Every module call with a string `source` (Terraform requires a literal string there).
_calls contains {"name": name, "body": body, "source": trim_space(body.source)} if {
	is_object(input.doc.module)
	some name, body in input.doc.module
	is_object(body)
	is_string(body.source)
}

# --- Kinds of source -----------------------------------------------------------------------------

_local(source) if startswith(source, "./")

_local(source) if startswith(source, "../")

# Git: the forced `git::` prefix, GitHub and Bitbucket shorthands, and scp-like SSH addresses
# (`git@github.com:org/repo.git`).
_git(source) if startswith(source, "git::")

_git(source) if startswith(source, "github.com/")

_git(source) if startswith(source, "bitbucket.org/")

_git(source) if regex.match(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:`, source)

# An archive over HTTP(S), fetched by URL (a forced `git::https://` is git, above).
_http(source) if regex.match(`^(?i)https?://`, source)

# A registry address: namespace/name/provider, or hostname/namespace/name/provider, optionally
# followed by //subdirectory.
_registry(source) if {
	not _git(source)
	not _http(source)
	not contains(source, "::")
	parts := split(split(source, "//")[0], "/")
	count(parts) == 3
	every part in parts {
		regex.match(`^[A-Za-z0-9][A-Za-z0-9_-]*$`, part)
	}
}

_registry(source) if {
	not _git(source)
	not _http(source)
	not contains(source, "::")
	parts := split(split(source, "//")[0], "/")
	count(parts) == 4
	regex.match(`^[A-Za-z0-9.-]+\.[A-Za-z0-9.-]+(:[0-9]+)?$|^localhost(:[0-9]+)?$`, parts[0])
	every part in array.slice(parts, 1, 4) {
		regex.match(`^[A-Za-z0-9][A-Za-z0-9_-]*$`, part)
	}
}

# --- Refs ----------------------------------------------------------------------------------------

# The `ref` query parameter of a source, when there is one.
_ref(source) := value if {
	parts := split(source, "?")
	count(parts) > 1
	some param in split(parts[1], "&")
	startswith(param, "ref=")
	value := substring(param, 4, -1)
}

# A version tag: v1, 1.2.3, v1.2.3-rc1, and prefixed ones from monorepos (vm-v1.2.0,
# modules/vm/v1.2.0, refs/tags/v1.2.0) when the version has its `v`.
_tag(ref) if regex.match(`^v?[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$`, ref)

_tag(ref) if regex.match(`^.+[/_-]v[0-9]+(\.[0-9]+)*([-+][0-9A-Za-z.-]+)?$`, ref)

# A commit hash, abbreviated (7 characters at least) or full.
_commit(ref) if regex.match(`^[0-9a-fA-F]{7,40}$`, ref)

_pinned_ref(ref) if _tag(ref)

_pinned_ref(ref) if _commit(ref)

# An archive URL names a version or a commit in its path (.../archive/v1.2.0.tar.gz,
# .../releases/download/v1.2.0/vm.zip, .../vm-1.2.0.zip, .../archive/<sha>.zip).
_pinned_url(source) if _pinned_ref(_ref(source))

_pinned_url(source) if {
	# The segments after the host (a host such as 10.0.0.5 would look like a version).
	segments := split(split(split(source, "?")[0], "://")[1], "/")
	some segment in array.slice(segments, 1, count(segments))
	base := regex.replace(segment, `\.(zip|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|tar)$`, "")
	_pinned_segment(base)
}

_pinned_segment(base) if _pinned_ref(base)

_pinned_segment(base) if regex.match(`[-_]v?[0-9]+\.[0-9]+(\.[0-9]+)?$`, base)

# --- Findings ------------------------------------------------------------------------------------

# The source URL is never printed: it may carry credentials (https://user:token@...).

deny contains finding if {
	some call in _calls
	_git(call.source)
	not _ref(call.source)
	finding := {
		"msg": sprintf("module %q takes its source from git without ?ref=: it follows the default branch", [call.name]),
		"path": ["module", call.name, "source"],
	}
}

deny contains finding if {
	some call in _calls
	_git(call.source)
	ref := _ref(call.source)
	not _pinned_ref(ref)
	finding := {
		"msg": sprintf("module %q takes its source from git ref %q, which is not a version tag or a commit", [call.name, ref]),
		"path": ["module", call.name, "source"],
	}
}

deny contains finding if {
	some call in _calls
	_http(call.source)
	not _pinned_url(call.source)
	finding := {
		"msg": sprintf("module %q downloads an archive whose URL names no version tag or commit", [call.name]),
		"path": ["module", call.name, "source"],
	}
}

# A registry module without `version` gets the newest release at every `terraform init -upgrade`
# (and at the first init on a new machine). Points at `module "name" {` when missing.
deny contains finding if {
	some call in _calls
	_registry(call.source)
	not lib.has_value(call.body, "version")
	finding := {
		"msg": sprintf("module %q comes from a registry without a version constraint", [call.name]),
		"path": ["module", call.name, "version"],
	}
}

