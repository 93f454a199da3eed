package vigie.rules.terraform.state_backend_local

import rego.v1

_input(doc) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": {}}

_proxmox := {"proxmox": [{"pm_api_url": "https://pve:8006/api2/json"}]}

_paths(findings) := {f.path | some f in findings}

test_no_backend_points_at_the_terraform_block if {
	findings := deny with input as _input({
		"terraform": [{"required_providers": [{"proxmox": {"source": "telmate/proxmox", "version": "3.0.1-rc4"}}]}],
		"provider": _proxmox,
	})
	_paths(findings) == {["terraform", 0]}
	{f.msg | some f in findings} == {"this root module declares no backend: its state is kept on the local disk"}
}

test_no_terraform_block_points_at_the_first_provider if {
	findings := deny with input as _input({"provider": {"proxmox": [{"pm_api_url": "x"}], "docker": [{"host": "ssh://nas"}]}})
	_paths(findings) == {["provider", "docker", 0]}
}

test_first_of_several_terraform_blocks if {
	findings := deny with input as _input({
		"terraform": [{"required_version": ">= 1.6"}, {"required_providers": [{}]}],
		"provider": _proxmox,
	})
	_paths(findings) == {["terraform", 0]}
}

test_local_backend_points_at_it if {
	findings := deny with input as _input({
		"terraform": [{"backend": {"local": [{"path": "state/terraform.tfstate"}]}}],
		"provider": _proxmox,
	})
	_paths(findings) == {["terraform", 0, "backend", "local", 0]}
	{f.msg | some f in findings} == {`this root module keeps its state on the local disk (backend "local")`}
}

test_local_backend_tf_json_single_object if {
	findings := deny with input as _input({
		"terraform": {"backend": {"local": {"path": "x.tfstate"}}},
		"provider": _proxmox,
	})
	_paths(findings) == {["terraform", 0, "backend", "local"]}
}

test_remote_backends_are_allowed if {
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"s3": [{"bucket": "tf"}]}}], "provider": _proxmox})
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"http": [{}]}}], "provider": _proxmox})
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"pg": [{"conn_str": "postgres://db/tf"}]}}], "provider": _proxmox})
	count(deny) == 0 with input as _input({"terraform": [{"required_version": ">= 1.6"}, {"backend": {"s3": [{}]}}], "provider": _proxmox})
}

test_cloud_block_is_allowed if {
	count(deny) == 0 with input as _input({"terraform": [{"cloud": [{"organization": "home", "workspaces": [{"name": "lab"}]}]}], "provider": _proxmox})
	count(deny) == 0 with input as _input({"terraform": {"cloud": {"organization": "home"}}, "provider": _proxmox})
}

test_child_module_without_providers_is_allowed if {
	count(deny) == 0 with input as _input({
		"terraform": [{"required_providers": [{"proxmox": {"source": "telmate/proxmox"}}]}],
		"resource": {"proxmox_vm_qemu": {"vm": {"name": "vm"}}},
	})
	count(deny) == 0 with input as _input({"tfvars": {"terraform.tfvars": {"x": 1}}})
}

test_odd_shapes_are_skipped if {
	count(deny) == 0 with input as _input({"provider": "x"})
	findings := deny with input as _input({"terraform": [{"backend": "x"}], "provider": _proxmox})
	_paths(findings) == {["terraform", 0]}
}
