package vigie.rules.terraform.state_backend_local

import rego.v1

tf(doc) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": {}}

test_root_module_without_backend_points_at_the_terraform_block if {
	findings := deny with input as tf({
		"terraform": [{"required_providers": [{"hcloud": {"source": "hetznercloud/hcloud"}}]}],
		"provider": {"hcloud": [{"token": {"unknown": "var.token"}}]},
	})
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0]
}

test_without_terraform_block_points_at_the_first_provider if {
	findings := deny with input as tf({"provider": {"proxmox": [{}], "hcloud": [{}, {"alias": "b"}]}})
	count(findings) == 1
	some f in findings
	f.path == ["provider", "hcloud", 0]
}

test_local_backend_is_denied if {
	findings := deny with input as tf({
		"terraform": [{"backend": {"local": [{"path": "state/terraform.tfstate"}]}}],
		"provider": {"proxmox": [{}]},
	})
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "backend", "local", 0]
}

test_remote_backend_is_allowed if {
	count(deny) == 0 with input as tf({
		"terraform": [{"backend": {"s3": [{"bucket": "tfstate"}]}}],
		"provider": {"proxmox": [{}]},
	})
}

test_backend_in_a_second_terraform_block_is_allowed if {
	count(deny) == 0 with input as tf({
		"terraform": [{"required_version": ">= 1.6"}, {"backend": {"http": [{}]}}],
		"provider": {"proxmox": [{}]},
	})
}

test_cloud_block_is_allowed if {
	count(deny) == 0 with input as tf({
		"terraform": [{"cloud": [{"organization": "me"}]}],
		"provider": {"proxmox": [{}]},
	})
}

test_json_single_object_backend_is_allowed if {
	count(deny) == 0 with input as tf({
		"terraform": [{"backend": {"s3": {"bucket": "tfstate"}}}],
		"provider": {"proxmox": {}},
	})
}

test_module_without_providers_is_not_a_root if {
	count(deny) == 0 with input as tf({"resource": {"proxmox_vm_qemu": {"vm": {}}}, "variable": {"x": {}}})
}

test_odd_shapes_do_not_error if {
	count(deny) == 0 with input as tf({"terraform": "x", "provider": []})
	count(deny) == 0 with input as tf({})
}
