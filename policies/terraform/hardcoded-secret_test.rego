package vigie.rules.terraform.hardcoded_secret

import rego.v1

_input(doc) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": {}}

_with_origins(doc, origins) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": origins}

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

# --- Names ---------------------------------------------------------------------------------------

test_secret_names_are_recognised if {
	names := [
		"password", "pm_password", "pm_api_token_secret", "cipassword", "api_token", "token",
		"api_key", "apikey", "private_key", "access_key", "secret_key", "client_secret",
		"minio_password", "minio_secret_key", "root_password", "db_passwd", "ssh_pass",
		"wifi_psk", "x_passphrase", "preshared_key", "client_key", "auth.rootPassword",
		"adminPassword", "TS_AUTHKEY", "key_material", "consumer_key", "api_secret",
		"password_wo", "secret", "webhook_secret", "application_secret", "encryption_key",
	]
	every n in names {
		secret_name(n)
	}
}

test_other_names_are_not_secrets if {
	names := [
		"password_length", "token_ttl", "token_max_ttl", "secret_name", "private_key_path",
		"password_file", "ssh_keys", "sshkeys", "ssh_key", "public_key", "pm_api_token_id",
		"pm_user", "username", "key", "keys", "password_wo_version", "sensitive", "token_policies",
		"existing_secret", "auth.existingSecret", "existingSecretPasswordKey", "secret_arn",
		"token_type", "kms_key_id", "description", "passthrough", "bypass", "secret_ref",
		"api_url", "token_endpoint", "password_reset_required", "cert_path",
	]
	every n in names {
		not secret_name(n)
	}
}

# --- Arguments -----------------------------------------------------------------------------------

test_provider_password_is_denied if {
	findings := deny with input as _input({"provider": {"proxmox": [{
		"pm_api_url": "https://pve:8006/api2/json",
		"pm_user": "root@pam",
		"pm_password": "hunter2",
	}]}})
	_paths(findings) == {["provider", "proxmox", 0, "pm_password"]}
	_msgs(findings) == {`argument "pm_password" of provider "proxmox" holds a literal secret`}
}

test_bpg_api_token_and_nested_user_account if {
	findings := deny with input as _input({
		"provider": {"proxmox": [{"endpoint": "https://pve:8006/", "api_token": "terraform@pve!tf=0b4c8d2e-1111-2222-3333-444455556666"}]},
		"resource": {"proxmox_virtual_environment_vm": {"vm": {"initialization": [{"user_account": [{
			"username": "debian",
			"password": "debian-vm-2024",
			"keys": ["ssh-ed25519 AAAAC3Nza..."],
		}]}]}}},
	})
	_paths(findings) == {
		["provider", "proxmox", 0, "api_token"],
		["resource", "proxmox_virtual_environment_vm", "vm", "initialization", 0, "user_account", 0, "password"],
	}
	`argument "password" in initialization.user_account of resource "proxmox_virtual_environment_vm" "vm" holds a literal secret` in _msgs(findings)
}

test_telmate_cipassword_and_token_secret if {
	findings := deny with input as _input({
		"provider": {"proxmox": [{"pm_api_token_id": "terraform@pam!tf", "pm_api_token_secret": "0b4c8d2e-aaaa"}]},
		"resource": {"proxmox_vm_qemu": {"vm": {"ciuser": "debian", "cipassword": "hunter2", "sshkeys": "ssh-ed25519 AAAA"}}},
	})
	_paths(findings) == {
		["provider", "proxmox", 0, "pm_api_token_secret"],
		["resource", "proxmox_vm_qemu", "vm", "cipassword"],
	}
}

test_message_never_contains_the_value if {
	findings := deny with input as _input({
		"provider": {"vault": [{"token": "hvs.s3cr3t-value"}]},
		"resource": {"docker_container": {"db": {"env": ["POSTGRES_PASSWORD=hunter2"]}}},
		"tfvars": {"terraform.tfvars": {"api_key": "abcdef0123"}},
	})
	count(findings) == 3
	every f in findings {
		not contains(f.msg, "s3cr3t")
		not contains(f.msg, "hunter2")
		not contains(f.msg, "abcdef")
	}
}

test_non_secret_values_are_allowed if {
	count(deny) == 0 with input as _input({"resource": {"x": {"y": {
		"password": "",
		"token": "   ",
		"api_key": null,
		"secret": true,
		"client_secret": "false",
		"password_length": 24,
		"private_key": {"unknown": "tls_private_key.vm.private_key_openssh"},
		"root_password": {"unknown": "random_password.root.result"},
		"access_key": 42,
	}}}})
}

test_file_paths_for_keys_are_allowed if {
	count(deny) == 0 with input as _input({"provider": {"kubernetes": [{
		"client_key": "~/.kube/client.key",
		"config_path": "~/.kube/config",
	}]}})
	count(deny) == 1 with input as _input({"provider": {"kubernetes": [{"client_key": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"}]}})
}

test_module_call_argument_written_literally if {
	findings := deny with input as _input({"module": {"vm": {"source": "./modules/vm", "cipassword": "hunter2"}}})
	_paths(findings) == {["module", "vm", "cipassword"]}
	_msgs(findings) == {`argument "cipassword" of module "vm" holds a literal secret`}
}

test_backend_credentials if {
	findings := deny with input as _input({"terraform": [{"backend": {"s3": [{"bucket": "tf", "access_key": "minio", "secret_key": "minio123"}]}}]})
	_paths(findings) == {
		["terraform", 0, "backend", "s3", 0, "access_key"],
		["terraform", 0, "backend", "s3", 0, "secret_key"],
	}
	`argument "secret_key" of backend "s3" holds a literal secret` in _msgs(findings)
}

test_required_providers_are_not_values if {
	count(deny) == 0 with input as _input({"terraform": [{"required_providers": [{"onepassword": "~> 2.0"}]}]})
}

test_tf_json_single_object_blocks if {
	findings := deny with input as _input({"resource": {"proxmox_vm_qemu": {"vm": {"connection": {"password": "hunter2"}}}}})
	_paths(findings) == {["resource", "proxmox_vm_qemu", "vm", "connection", "password"]}
}

# --- Maps, pairs, lists --------------------------------------------------------------------------

test_map_key_in_an_argument if {
	findings := deny with input as _input({"resource": {"kubernetes_secret": {"db": {"data": {"username": "app", "password": "hunter2"}}}}})
	_paths(findings) == {["resource", "kubernetes_secret", "db", "data", "password"]}
	_msgs(findings) == {`argument "password" in data of resource "kubernetes_secret" "db" holds a literal secret`}
}

test_helm_set_name_value_pairs if {
	findings := deny with input as _input({"resource": {"helm_release": {"db": {
		"set": [
			{"name": "auth.rootPassword", "value": "hunter2"},
			{"name": "auth.username", "value": "app"},
			{"name": "auth.existingSecret", "value": "db-credentials"},
		],
		"set_sensitive": [{"name": "auth.password", "value": {"unknown": "random_password.db.result"}}],
	}}}})
	_paths(findings) == {["resource", "helm_release", "db", "set", 0, "value"]}
	_msgs(findings) == {`the value set for "auth.rootPassword" in resource "helm_release" "db" holds a literal secret`}
}

test_env_list_items if {
	findings := deny with input as _input({"resource": {"docker_container": {"db": {"env": [
		"POSTGRES_USER=app",
		"POSTGRES_PASSWORD=hunter2",
		"POSTGRES_PASSWORD_FILE=/run/secrets/db",
		"API_TOKEN=",
	]}}}})
	_paths(findings) == {["resource", "docker_container", "db", "env", 1]}
	_msgs(findings) == {`entry "POSTGRES_PASSWORD" of argument "env" of resource "docker_container" "db" holds a literal secret`}
}

test_private_key_heredoc_under_any_name if {
	findings := deny with input as _input({"resource": {"local_file": {"key": {
		"content": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"filename": "id_ed25519",
	}}}})
	_paths(findings) == {["resource", "local_file", "key", "content"]}
	count(deny) == 0 with input as _input({"resource": {"local_file": {"key": {"content": "-----BEGIN CERTIFICATE-----\nMIIB\n"}}}})
}

# --- Variables, locals, tfvars -------------------------------------------------------------------

test_variable_default if {
	findings := deny with input as _input({"variable": {
		"pm_password": {"type": "string", "default": "hunter2"},
		"pm_user": {"default": "root@pam"},
		"api_token": {"type": "string", "sensitive": true},
		"ssh_keys": {"default": "ssh-ed25519 AAAA"},
	}})
	_paths(findings) == {["variable", "pm_password", "default"]}
	_msgs(findings) == {`the default of variable "pm_password" holds a literal secret`}
}

test_object_default_and_local if {
	findings := deny with input as _input({
		"variable": {"proxmox": {"default": {"endpoint": "https://pve:8006/", "password": "hunter2"}}},
		"locals": {"db_password": "hunter2", "db_name": "app"},
	})
	_paths(findings) == {["variable", "proxmox", "default", "password"], ["locals", "db_password"]}
	_msgs(findings) == {
		`key "password" of the default of variable "proxmox" holds a literal secret`,
		`local value "db_password" holds a literal secret`,
	}
}

test_tfvars_entries if {
	findings := deny with input as _input({"tfvars": {
		"terraform.tfvars": {"root_password": "hunter2", "vm_count": 3, "pm_api_url": "https://pve:8006/api2/json"},
		"secrets.auto.tfvars": {"proxmox": {"api_token": "terraform@pve!tf=abc"}},
	}})
	_paths(findings) == {
		["tfvars", "terraform.tfvars", "root_password"],
		["tfvars", "secrets.auto.tfvars", "proxmox", "api_token"],
	}
	_msgs(findings) == {
		`variable "root_password" set in terraform.tfvars holds a literal secret`,
		`key "api_token" of variable "proxmox" set in secrets.auto.tfvars holds a literal secret`,
	}
}

# --- Origins: reported where written, not where used ---------------------------------------------

# `module "vm" { cipassword = var.root_password }`, root_password set in terraform.tfvars.
_module_from_tfvars := _with_origins(
	{
		"module": {"vm": {"source": "./modules/vm", "cipassword": "hunter2"}},
		"variable": {"root_password": {"type": "string", "sensitive": true}},
		"tfvars": {"terraform.tfvars": {"root_password": "hunter2"}},
	},
	{"module/vm/cipassword": {"from": "var", "name": "root_password", "file": "terraform.tfvars"}},
)

test_value_from_tfvars_is_reported_on_the_tfvars_line_only if {
	findings := deny with input as _module_from_tfvars
	_paths(findings) == {["tfvars", "terraform.tfvars", "root_password"]}
	count(findings) == 1
}

test_value_from_tfvars_under_a_plain_name_is_traced if {
	# The variable's name says nothing; the argument using it does.
	inp := _with_origins(
		{
			"provider": {"proxmox": [{"pm_password": "hunter2"}]},
			"variable": {"pve": {"type": "string"}},
			"tfvars": {"terraform.tfvars": {"pve": "hunter2"}},
		},
		{"provider/proxmox/0/pm_password": {"from": "var", "name": "pve", "file": "terraform.tfvars"}},
	)
	findings := deny with input as inp
	_paths(findings) == {["tfvars", "terraform.tfvars", "pve"]}
	_msgs(findings) == {`variable "pve" set in terraform.tfvars holds a literal secret`}
}

test_tfvars_overriding_a_default if {
	# Both the default and the tfvars value are written in the files: both are reported.
	inp := _with_origins(
		{
			"provider": {"proxmox": [{"pm_password": "from-tfvars"}]},
			"variable": {"pm_password": {"default": "from-default"}},
			"tfvars": {"terraform.tfvars": {"pm_password": "from-tfvars"}},
		},
		{"provider/proxmox/0/pm_password": {"from": "var", "name": "pm_password", "file": "terraform.tfvars"}},
	)
	findings := deny with input as inp
	_paths(findings) == {["tfvars", "terraform.tfvars", "pm_password"], ["variable", "pm_password", "default"]}
}

test_value_from_default_is_reported_on_the_default if {
	inp := _with_origins(
		{
			"provider": {"proxmox": [{"pm_password": "hunter2"}]},
			"variable": {"pve": {"default": "hunter2"}},
		},
		{"provider/proxmox/0/pm_password": {"from": "default", "name": "pve"}},
	)
	findings := deny with input as inp
	_paths(findings) == {["variable", "pve", "default"]}
}

test_value_through_a_local_from_a_variable if {
	inp := _with_origins(
		{
			"provider": {"proxmox": [{"pm_password": "hunter2"}]},
			"locals": {"pve": "hunter2"},
			"tfvars": {"terraform.tfvars": {"pve_pw": "hunter2"}},
		},
		{
			"provider/proxmox/0/pm_password": {"from": "local", "name": "pve"},
			"locals/pve": {"from": "var", "name": "pve_pw", "file": "terraform.tfvars"},
		},
	)
	findings := deny with input as inp
	_paths(findings) == {["tfvars", "terraform.tfvars", "pve_pw"]}
}

test_object_variable_traced_to_its_key if {
	inp := _with_origins(
		{
			"resource": {"kubernetes_secret": {"db": {"data": {"password": "hunter2"}}}},
			"tfvars": {"terraform.tfvars": {"db": {"password": "hunter2"}}},
		},
		{"resource/kubernetes_secret/db/data": {"from": "var", "name": "db", "file": "terraform.tfvars"}},
	)
	findings := deny with input as inp
	_paths(findings) == {["tfvars", "terraform.tfvars", "db", "password"]}
}

test_template_with_another_first_variable_is_not_traced if {
	# "${var.user}:${var.pw}": the origin names `user`, whose value is not the secret.
	inp := _with_origins(
		{
			"provider": {"grafana": [{"auth_password": "admin:hunter2"}]},
			"variable": {"user": {"default": "admin"}},
		},
		{"provider/grafana/0/auth_password": {"from": "default", "name": "user"}},
	)
	count(deny) == 0 with input as inp
}

test_value_from_a_calling_module_is_not_reported_in_the_child if {
	inp := _with_origins(
		{
			"variable": {"cipassword": {"type": "string"}},
			"resource": {"proxmox_vm_qemu": {"vm": {"cipassword": "hunter2"}}},
		},
		{"resource/proxmox_vm_qemu/vm/cipassword": {"from": "var", "name": "cipassword", "module": "."}},
	)
	count(deny) == 0 with input as inp
}

test_unknown_from_resource_or_env_fed_variable_is_allowed if {
	count(deny) == 0 with input as _input({
		"provider": {"proxmox": [{"pm_password": {"unknown": "var.pm_password"}}]},
		"variable": {"pm_password": {"type": "string", "sensitive": true}},
		"resource": {"proxmox_vm_qemu": {"vm": {"cipassword": {"unknown": "random_password.vm.result"}}}},
	})
}

test_env_item_from_a_template_traced_to_its_variable if {
	inp := _with_origins(
		{
			"resource": {"docker_container": {"db": {"env": ["POSTGRES_PASSWORD=hunter2"]}}},
			"tfvars": {"terraform.tfvars": {"pg": "hunter2"}},
		},
		{"resource/docker_container/db/env/0": {"from": "var", "name": "pg", "file": "terraform.tfvars"}},
	)
	findings := deny with input as inp
	_paths(findings) == {["tfvars", "terraform.tfvars", "pg"]}
}

# --- Robustness ----------------------------------------------------------------------------------

test_odd_shapes_are_skipped if {
	count(deny) == 0 with input as _input({"variable": {"password": "x", "token": null}, "resource": "x", "locals": null})
	count(deny) == 0 with input as _input(null)
	count(deny) == 1 with input as {"kind": "terraform", "doc": {"locals": {"token": "abc"}}, "origins": null}
}

test_placeholders_and_paths_are_not_secrets if {
	count(deny) == 0 with input as _input({"provider": {"proxmox": [{
		"pm_password": "changeme",
		"pm_api_token_secret": "<token secret>",
		"api_token": "xxxxxxxx",
	}]}, "resource": {"x": {"y": {"password": "/run/secrets/db-password"}}}})
}
