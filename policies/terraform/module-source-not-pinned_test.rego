package vigie.rules.terraform.module_source_not_pinned

import rego.v1

mods(m) := {"kind": "terraform", "path": "infra", "doc": {"module": m}, "origins": {}}

test_git_branch_ref_is_denied if {
	findings := deny with input as mods({"vm": {"source": "git::https://github.com/example/tf-vm.git?ref=main"}})
	count(findings) == 1
	some f in findings
	f.path == ["module", "vm", "source"]
}

test_git_without_ref_is_denied if {
	count(deny) == 1 with input as mods({"vm": {"source": "github.com/example/tf-vm"}})
	count(deny) == 1 with input as mods({"vm": {"source": "git@github.com:example/tf-vm.git"}})
	count(deny) == 1 with input as mods({"vm": {"source": "https://example.com/vm-module.zip"}})
}

test_git_tag_or_commit_is_allowed if {
	count(deny) == 0 with input as mods({"vm": {"source": "git::https://github.com/example/tf-vm.git?ref=v1.2.0"}})
	count(deny) == 0 with input as mods({"vm": {"source": "git::https://github.com/example/tf-vm.git//modules/vm?ref=1.2"}})
	count(deny) == 0 with input as mods({"vm": {"source": "git::ssh://git@example.com/tf-vm.git?depth=1&ref=51d462976d84fdea54b47d80dcabbf680badcdb8"}})
}

test_registry_without_version_points_at_the_module if {
	findings := deny with input as mods({"vpc": {"source": "terraform-aws-modules/vpc/aws"}})
	count(findings) == 1
	some f in findings
	f.path == ["module", "vpc", "version"]
}

test_private_registry_without_version_is_denied if {
	count(deny) == 1 with input as mods({"vpc": {"source": "app.terraform.io/example-corp/k8s-cluster/azurerm//modules/x"}})
}

test_registry_with_version_is_allowed if {
	count(deny) == 0 with input as mods({"vpc": {"source": "terraform-aws-modules/vpc/aws", "version": "5.8.1"}})
}

test_local_sources_are_allowed if {
	count(deny) == 0 with input as mods({"a": {"source": "./modules/vm"}, "b": {"source": "../shared/net"}})
}

test_unknown_source_is_not_guessed if {
	count(deny) == 0 with input as mods({"a": {"source": {"unknown": "var.src"}}})
}
