package vigie.rules.terraform.provider_tls_insecure

import rego.v1

_input(doc) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": {}}

_providers(providers) := _input({"provider": providers})

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

# --- Proxmox -------------------------------------------------------------------------------------

test_telmate_pm_tls_insecure if {
	findings := deny with input as _providers({"proxmox": [{"pm_api_url": "https://pve:8006/api2/json", "pm_tls_insecure": true}]})
	_paths(findings) == {["provider", "proxmox", 0, "pm_tls_insecure"]}
	_msgs(findings) == {`provider "proxmox" turns off TLS certificate verification (pm_tls_insecure = true)`}
}

test_bpg_insecure if {
	findings := deny with input as _providers({"proxmox": [{"endpoint": "https://pve:8006/", "insecure": true}]})
	_paths(findings) == {["provider", "proxmox", 0, "insecure"]}
}

test_string_true_counts if {
	count(deny) == 1 with input as _providers({"proxmox": [{"pm_tls_insecure": "true"}]})
	count(deny) == 1 with input as _providers({"proxmox": [{"insecure": "True"}]})
}

test_false_missing_and_unknown_are_allowed if {
	count(deny) == 0 with input as _providers({"proxmox": [
		{"pm_tls_insecure": false},
		{"insecure": "false"},
		{"endpoint": "https://pve:8006/"},
		{"insecure": {"unknown": "var.pve_insecure"}},
		{"insecure": null},
	]})
}

test_local_name_resolved_through_required_providers if {
	doc := {
		"terraform": [{"required_providers": [{"pve": {"source": "bpg/proxmox", "version": "0.66.1"}}]}],
		"provider": {"pve": [{"insecure": true}]},
	}
	findings := deny with input as _input(doc)
	_paths(findings) == {["provider", "pve", 0, "insecure"]}
}

test_other_provider_named_like_an_argument_is_not_read if {
	# `insecure` means nothing to hcloud: only the listed providers are read.
	count(deny) == 0 with input as _providers({"hcloud": [{"insecure": true}]})
}

test_aliases_are_named if {
	findings := deny with input as _providers({"proxmox": [
		{"pm_tls_insecure": false},
		{"alias": "node2", "pm_tls_insecure": true},
	]})
	_paths(findings) == {["provider", "proxmox", 1, "pm_tls_insecure"]}
	_msgs(findings) == {`provider "proxmox" (alias "node2") turns off TLS certificate verification (pm_tls_insecure = true)`}
}

test_value_from_variable_points_at_the_argument if {
	inp := {
		"kind": "terraform",
		"doc": {"provider": {"proxmox": [{"pm_tls_insecure": true}]}, "variable": {"insecure": {"default": true}}},
		"origins": {"provider/proxmox/0/pm_tls_insecure": {"from": "default", "name": "insecure"}},
	}
	findings := deny with input as inp
	_paths(findings) == {["provider", "proxmox", 0, "pm_tls_insecure"]}
}

test_tf_json_single_object_provider if {
	findings := deny with input as _providers({"proxmox": {"pm_tls_insecure": true}})
	_paths(findings) == {["provider", "proxmox", 0, "pm_tls_insecure"]}
}

# --- Other homelab providers ---------------------------------------------------------------------

test_each_known_knob if {
	findings := deny with input as _providers({
		"vault": [{"address": "https://vault:8200", "skip_tls_verify": true}],
		"kubernetes": [{"host": "https://k3s:6443", "insecure": true}],
		"keycloak": [{"tls_insecure_skip_verify": true}],
		"grafana": [{"insecure_skip_verify": true}],
		"authentik": [{"insecure": true}],
		"routeros": [{"insecure": true}],
		"minio": [{"minio_insecure": true}],
		"unifi": [{"allow_insecure": true}],
		"netbox": [{"allow_insecure_https": true}],
		"vsphere": [{"allow_unverified_ssl": true}],
		"portainer": [{"skip_ssl_verify": true}],
		"nomad": [{"skip_verify": true}],
		"aws": [{"insecure": true}],
	})
	count(findings) == 13
}

test_knob_of_another_provider_is_not_read if {
	count(deny) == 0 with input as _providers({
		"vault": [{"insecure": true}],
		"grafana": [{"insecure": true}],
		"minio": [{"insecure": true}],
	})
}

test_helm_nested_block_and_object if {
	findings := deny with input as _providers({"helm": [
		{"kubernetes": [{"config_path": "~/.kube/config", "insecure": true}]},
		{"alias": "v3", "kubernetes": {"host": "https://k3s:6443", "insecure": "true"}},
		{"alias": "ok", "kubernetes": [{"insecure": false}]},
	]})
	_paths(findings) == {
		["provider", "helm", 0, "kubernetes", 0, "insecure"],
		["provider", "helm", 1, "kubernetes", "insecure"],
	}
	`provider "helm" turns off TLS certificate verification of the cluster (kubernetes.insecure = true)` in _msgs(findings)
}

test_helm_top_level_insecure_is_not_a_knob if {
	count(deny) == 0 with input as _providers({"helm": [{"insecure": true}]})
}

# --- Docker --------------------------------------------------------------------------------------

test_docker_plain_tcp if {
	findings := deny with input as _providers({"docker": [{"host": "tcp://10.0.0.5:2375"}]})
	_paths(findings) == {["provider", "docker", 0, "host"]}
	_msgs(findings) == {`provider "docker" reaches the Docker daemon over plain TCP (tcp://10.0.0.5:2375) without TLS client certificates`}
}

test_docker_tcp_with_empty_cert_path_or_partial_material if {
	count(deny) == 1 with input as _providers({"docker": [{"host": "tcp://nas:2376", "cert_path": ""}]})
	count(deny) == 1 with input as _providers({"docker": [{"host": "tcp://nas:2376", "ca_material": "-----BEGIN"}]})
}

test_docker_tls_ssh_unix_and_context_are_allowed if {
	count(deny) == 0 with input as _providers({"docker": [
		{"host": "tcp://nas:2376", "cert_path": "~/.docker/nas"},
		{"host": "tcp://nas:2376", "cert_path": {"unknown": "pathexpand(\"~/.docker\")"}},
		{"host": "tcp://nas:2376", "ca_material": "a", "cert_material": "b", "key_material": {"unknown": "file(\"key.pem\")"}},
		{"host": "ssh://admin@nas:22"},
		{"host": "unix:///var/run/docker.sock"},
		{"host": "tcp://nas:2375", "context": "nas"},
		{"host": {"unknown": "var.docker_host"}},
		{},
	]})
}

test_docker_message_hides_user_info_and_path if {
	findings := deny with input as _providers({"docker": [{"host": "TCP://user:pw@nas:2375/x"}]})
	_msgs(findings) == {`provider "docker" reaches the Docker daemon over plain TCP (tcp://nas:2375) without TLS client certificates`}
}

# --- Robustness ----------------------------------------------------------------------------------

test_odd_shapes_are_skipped if {
	count(deny) == 0 with input as _providers({"proxmox": ["x", null, 3], "helm": [{"kubernetes": "x"}], "docker": [{"host": 42}]})
	count(deny) == 0 with input as _providers(null)
	count(deny) == 0 with input as _input({})
}
