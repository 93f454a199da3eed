package vigie.rules.terraform.provider_version_not_pinned

import rego.v1

tf(rp) := {"kind": "terraform", "path": "infra", "doc": {"terraform": [{"required_providers": [rp]}]}, "origins": {}}

test_entry_without_version_is_denied if {
	findings := deny with input as tf({
		"proxmox": {"source": "telmate/proxmox"},
		"hcloud": {"source": "hetznercloud/hcloud", "version": "~> 1.48"},
	})
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "required_providers", 0, "proxmox"]
	f.msg == `provider "proxmox" has no version constraint in required_providers`
}

test_empty_version_is_denied if {
	count(deny) == 1 with input as tf({"proxmox": {"source": "bpg/proxmox", "version": ""}})
}

test_legacy_string_form_is_a_version if {
	count(deny) == 0 with input as tf({"aws": "~> 5.0"})
}

test_unknown_entry_is_not_guessed if {
	count(deny) == 0 with input as tf({"aws": {"unknown": "local.req"}})
}

test_version_from_a_variable_counts if {
	count(deny) == 0 with input as tf({"aws": {"source": "hashicorp/aws", "version": {"unknown": "var.v"}}})
}

test_no_required_providers_is_allowed if {
	count(deny) == 0 with input as {"kind": "terraform", "doc": {"terraform": [{}]}, "origins": {}}
}
