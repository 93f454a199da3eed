package vigie.rules.terraform.module_source_not_pinned

import rego.v1

_input(modules) := {"kind": "terraform", "path": "infra", "doc": {"module": modules}, "origins": {}}

_source(source) := _input({"m": {"source": source}})

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

# --- git -----------------------------------------------------------------------------------------

test_git_branch_ref_is_denied if {
	findings := deny with input as _source("git::https://github.com/example/terraform-proxmox-vm.git?ref=main")
	_paths(findings) == {["module", "m", "source"]}
	_msgs(findings) == {`module "m" takes its source from git ref "main", which is not a version tag or a commit`}
}

test_git_without_ref_is_denied if {
	findings := deny with input as _source("github.com/example/terraform-proxmox-vm")
	_msgs(findings) == {`module "m" takes its source from git without ?ref=: it follows the default branch`}
}

test_git_forms_without_pin if {
	sources := [
		"git::ssh://git@gitlab.home.lan/infra/modules.git//vm?ref=master",
		"git@github.com:example/modules.git//vm?ref=develop",
		"bitbucket.org/example/modules",
		"github.com/example/modules//vm?ref=HEAD",
		"git::https://example.com/modules.git?depth=1",
		"git::https://example.com/modules.git?ref=refs/heads/main",
		"git::https://example.com/modules.git?ref=latest",
	]
	every s in sources {
		count(deny) == 1 with input as _source(s)
	}
}

test_git_tags_and_commits_are_allowed if {
	sources := [
		"git::https://github.com/example/terraform-proxmox-vm.git?ref=v1.2.0",
		"git::https://github.com/example/terraform-proxmox-vm.git?ref=1.2.0",
		"github.com/example/modules//vm?ref=v1",
		"git@github.com:example/modules.git?ref=v2.0.0-rc.1",
		"git::ssh://git@github.com/example/modules.git?depth=1&ref=a1b2c3d",
		"git::https://example.com/modules.git?ref=0123456789abcdef0123456789abcdef01234567",
		"git::https://example.com/modules.git//vm?ref=vm-v1.4.0",
		"git::https://example.com/modules.git?ref=refs/tags/v1.4.0",
	]
	every s in sources {
		count(deny) == 0 with input as _source(s)
	}
}

test_source_url_is_never_printed if {
	findings := deny with input as _source("git::https://oauth2:glpat-s3cr3t@gitlab.com/infra/vm.git?ref=main")
	count(findings) == 1
	every f in findings {
		not contains(f.msg, "s3cr3t")
		not contains(f.msg, "gitlab.com")
	}
}

# --- http archives -------------------------------------------------------------------------------

test_http_archive_without_version_is_denied if {
	findings := deny with input as _source("https://example.com/modules/vm.zip")
	_msgs(findings) == {`module "m" downloads an archive whose URL names no version tag or commit`}
	count(deny) == 1 with input as _source("https://github.com/example/vm/archive/refs/heads/main.tar.gz")
	count(deny) == 1 with input as _source("http://10.0.0.5/modules/vm.zip")
}

test_http_archive_with_version_is_allowed if {
	sources := [
		"https://github.com/example/vm/archive/refs/tags/v1.2.0.tar.gz",
		"https://example.com/releases/download/v1.2.0/vm.zip",
		"https://example.com/modules/vm-1.2.0.zip",
		"https://github.com/example/vm/archive/0123456789abcdef0123456789abcdef01234567.zip",
		"https://example.com/modules/vm.zip?ref=v1.2.0",
	]
	every s in sources {
		count(deny) == 0 with input as _source(s)
	}
}

# --- registry ------------------------------------------------------------------------------------

test_registry_without_version_points_at_version if {
	findings := deny with input as _input({"network": {"source": "example/network/proxmox"}})
	_paths(findings) == {["module", "network", "version"]}
	_msgs(findings) == {`module "network" comes from a registry without a version constraint`}
}

test_registry_forms if {
	count(deny) == 1 with input as _source("app.terraform.io/example/network/proxmox")
	count(deny) == 1 with input as _source("registry.home.lan:8443/example/network/proxmox//modules/vlan")
	count(deny) == 1 with input as _input({"m": {"source": "example/network/proxmox", "version": ""}})
	count(deny) == 0 with input as _input({"m": {"source": "example/network/proxmox", "version": "2.1.0"}})
	count(deny) == 0 with input as _input({"m": {"source": "example/network/proxmox", "version": "~> 2.1"}})
}

# --- others --------------------------------------------------------------------------------------

test_local_and_other_sources_are_allowed if {
	sources := ["./modules/vm", "../shared/vm", "s3::https://s3.amazonaws.com/bucket/vm.zip", "example/network"]
	every s in sources {
		count(deny) == 0 with input as _source(s)
	}
}

test_each_module_is_checked if {
	findings := deny with input as _input({
		"a": {"source": "./modules/a"},
		"b": {"source": "github.com/example/b?ref=main"},
		"c": {"source": "example/c/proxmox"},
		"d": {"source": "github.com/example/d?ref=v1.0.0"},
	})
	_paths(findings) == {["module", "b", "source"], ["module", "c", "version"]}
}

test_odd_shapes_are_skipped if {
	count(deny) == 0 with input as _input({"a": {"source": {"unknown": "var.src"}}, "b": "x", "c": {"source": null}})
	count(deny) == 0 with input as _input(null)
	count(deny) == 0 with input as {"kind": "terraform", "doc": {}, "origins": {}}
}
