package vigie.rules.terraform.hardcoded_secret

import rego.v1

tf(doc) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": {}}

paths(findings) := {f.path | some f in findings}

test_provider_password_is_denied if {
	findings := deny with input as tf({"provider": {"proxmox": [{"pm_user": "root@pam", "pm_password": "hunter2"}]}})
	paths(findings) == {["provider", "proxmox", 0, "pm_password"]}
	some f in findings
	f.msg == `argument "pm_password" of provider "proxmox" holds a literal secret`
	not contains(f.msg, "hunter2")
}

test_bpg_api_token_and_telmate_token_secret_are_denied if {
	findings := deny with input as tf({"provider": {"proxmox": [
		{"api_token": "terraform@pve!tf=0b1c"},
		{"pm_api_token_id": "terraform@pve!tf", "pm_api_token_secret": "0b1c-22"},
	]}})
	paths(findings) == {["provider", "proxmox", 0, "api_token"], ["provider", "proxmox", 1, "pm_api_token_secret"]}
}

test_nested_blocks_and_objects_are_searched if {
	findings := deny with input as tf({"resource": {"proxmox_virtual_environment_vm": {"vm": {
		"initialization": [{"user_account": [{"username": "debian", "password": "pw"}]}],
		"settings": {"client_secret": "s"},
	}}}})
	paths(findings) == {
		["resource", "proxmox_virtual_environment_vm", "vm", "initialization", 0, "user_account", 0, "password"],
		["resource", "proxmox_virtual_environment_vm", "vm", "settings", "client_secret"],
	}
}

test_telmate_cipassword_and_module_arguments_are_denied if {
	findings := deny with input as tf({
		"resource": {"proxmox_vm_qemu": {"vm": {"cipassword": "pw"}}},
		"module": {"db": {"source": "./db", "admin_password": "pw2"}},
	})
	paths(findings) == {["resource", "proxmox_vm_qemu", "vm", "cipassword"], ["module", "db", "admin_password"]}
}

test_value_from_a_variable_is_not_reported_where_it_is_used if {
	count(deny) == 0 with input as {
		"kind": "terraform",
		"doc": {"provider": {"proxmox": [{"pm_password": "hunter2"}]}},
		"origins": {"provider/proxmox/0/pm_password": {"from": "var", "name": "pm_password", "file": "terraform.tfvars"}},
	}
}

test_tfvars_entry_is_denied if {
	findings := deny with input as tf({"tfvars": {"terraform.tfvars": {"pm_password": "hunter2", "pve_host": "pve"}}})
	paths(findings) == {["tfvars", "terraform.tfvars", "pm_password"]}
	some f in findings
	f.msg == `"pm_password" in terraform.tfvars holds a literal secret`
}

test_tfvars_entry_of_a_sensitive_variable_is_denied if {
	findings := deny with input as tf({
		"variable": {"root_pw": {"sensitive": true}},
		"tfvars": {"prod.tfvars": {"root_pw": "x"}},
	})
	paths(findings) == {["tfvars", "prod.tfvars", "root_pw"]}
}

test_variable_default_is_denied if {
	findings := deny with input as tf({"variable": {
		"db_password": {"type": "string", "default": "changeme"},
		"opaque": {"sensitive": true, "default": "x"},
		"db_user": {"default": "app"},
		"token_ttl": {"default": "1h"},
	}})
	paths(findings) == {["variable", "db_password", "default"], ["variable", "opaque", "default"]}
}

test_locals_are_searched if {
	findings := deny with input as tf({"locals": {"grafana_admin_password": "admin"}})
	paths(findings) == {["locals", "grafana_admin_password"]}
}

test_names_that_are_not_secrets if {
	count(deny) == 0 with input as tf({"resource": {"x": {"y": {
		"password_length": "16",
		"token_ttl": "1h",
		"pm_api_token_id": "terraform@pve!tf",
		"ssh_private_key_file": "~/.ssh/id_ed25519",
		"secret_name": "db",
		"ssh_keys": "ssh-ed25519 AAAA...",
		"sshkeys": "ssh-ed25519 AAAA...",
		"passthrough": "yes",
		"tokenizer": "x",
	}}}})
}

test_empty_unknown_and_non_string_values_are_allowed if {
	count(deny) == 0 with input as tf({"resource": {"x": {"y": {
		"password": "",
		"token": {"unknown": "random_password.x.result"},
		"secret": true,
		"api_key": null,
	}}}})
}

test_odd_shapes_do_not_error if {
	count(deny) == 0 with input as tf({"variable": "x", "resource": [], "tfvars": {"a.tfvars": "x"}})
}
