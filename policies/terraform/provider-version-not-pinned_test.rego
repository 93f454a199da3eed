package vigie.rules.terraform.provider_version_not_pinned

import rego.v1

_input(terraform) := {"kind": "terraform", "path": "infra", "doc": {"terraform": terraform}, "origins": {}}

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

test_missing_version_is_denied if {
	findings := deny with input as _input([{"required_providers": [{"proxmox": {"source": "telmate/proxmox"}}]}])
	_paths(findings) == {["terraform", 0, "required_providers", 0, "proxmox"]}
	_msgs(findings) == {`provider "proxmox" (telmate/proxmox) has no version constraint in required_providers`}
}

test_versions_and_legacy_strings_are_allowed if {
	count(deny) == 0 with input as _input([{"required_providers": [{
		"proxmox": {"source": "bpg/proxmox", "version": "~> 0.66.0"},
		"aws": "~> 5.0",
		"docker": {"source": "kreuzwerker/docker", "version": "3.0.2", "configuration_aliases": []},
	}]}])
}

test_empty_null_and_source_less_entries if {
	findings := deny with input as _input([{"required_providers": [{
		"a": {"source": "x/a", "version": ""},
		"b": {"source": "x/b", "version": null},
		"c": "",
		"d": {},
	}]}])
	_paths(findings) == {
		["terraform", 0, "required_providers", 0, "a"],
		["terraform", 0, "required_providers", 0, "b"],
		["terraform", 0, "required_providers", 0, "c"],
		["terraform", 0, "required_providers", 0, "d"],
	}
	`provider "d" has no version constraint in required_providers` in _msgs(findings)
}

test_several_blocks_and_entries if {
	findings := deny with input as _input([
		{"required_version": ">= 1.6"},
		{"required_providers": [
			{"proxmox": {"source": "telmate/proxmox", "version": "3.0.1-rc4"}},
			{"vault": {"source": "hashicorp/vault"}},
		]},
	])
	_paths(findings) == {["terraform", 1, "required_providers", 1, "vault"]}
}

test_tf_json_single_objects if {
	findings := deny with input as {"kind": "terraform", "doc": {"terraform": {"required_providers": {"proxmox": {"source": "bpg/proxmox"}}}}, "origins": {}}
	_paths(findings) == {["terraform", 0, "required_providers", "proxmox"]}
}

test_unknown_and_odd_shapes_are_skipped if {
	count(deny) == 0 with input as _input([{"required_providers": [{"x": {"unknown": "var.x"}, "y": 3}]}])
	count(deny) == 0 with input as _input([{"required_providers": "x"}, "x", null])
	count(deny) == 0 with input as _input(null)
}
