package vigie.rules.terraform.provider_tls_insecure

import rego.v1

providers(p) := {"kind": "terraform", "path": "infra", "doc": {"provider": p}, "origins": {}}

test_telmate_proxmox_is_denied if {
	findings := deny with input as providers({"proxmox": [{"pm_api_url": "https://pve:8006/api2/json", "pm_tls_insecure": true}]})
	count(findings) == 1
	some f in findings
	f.path == ["provider", "proxmox", 0, "pm_tls_insecure"]
	f.msg == `provider "proxmox" does not verify the TLS certificate of its API (pm_tls_insecure = true)`
}

test_bpg_proxmox_is_denied if {
	findings := deny with input as providers({"proxmox": [{"endpoint": "https://pve:8006/", "insecure": "true"}]})
	count(findings) == 1
}

test_other_providers_are_denied if {
	count(deny) == 1 with input as providers({"vault": [{"skip_tls_verify": true}]})
	count(deny) == 1 with input as providers({"kubernetes": [{"insecure": true}]})
	count(deny) == 1 with input as providers({"keycloak": [{"tls_insecure_skip_verify": true}]})
	count(deny) == 1 with input as providers({"minio": [{"minio_insecure": true}]})
}

test_each_aliased_block_is_checked if {
	count(deny) == 2 with input as providers({"proxmox": [{"insecure": true}, {"alias": "b", "insecure": true}, {"alias": "c", "insecure": false}]})
}

test_helm_nested_kubernetes_block_is_denied if {
	findings := deny with input as providers({"helm": [{"kubernetes": [{"host": "https://k3s:6443", "insecure": true}]}]})
	count(findings) == 1
	some f in findings
	f.path == ["provider", "helm", 0, "kubernetes", 0, "insecure"]
}

test_value_from_a_variable_points_at_the_argument if {
	findings := deny with input as {
		"kind": "terraform",
		"doc": {"provider": {"proxmox": [{"insecure": true}]}},
		"origins": {"provider/proxmox/0/insecure": {"from": "default", "name": "insecure"}},
	}
	some f in findings
	f.path == ["provider", "proxmox", 0, "insecure"]
}

test_false_and_unknown_are_allowed if {
	count(deny) == 0 with input as providers({"proxmox": [{"pm_tls_insecure": false}]})
	count(deny) == 0 with input as providers({"proxmox": [{"insecure": {"unknown": "var.insecure"}}]})
	count(deny) == 0 with input as providers({"vault": [{"insecure": true}]})
}

test_docker_tcp_without_tls_is_denied if {
	findings := deny with input as providers({"docker": [{"host": "tcp://192.168.1.10:2375"}]})
	count(findings) == 1
	some f in findings
	f.path == ["provider", "docker", 0, "host"]
}

test_docker_with_tls_or_ssh_is_allowed if {
	count(deny) == 0 with input as providers({"docker": [{"host": "tcp://nas:2376", "cert_path": "~/.docker/nas"}]})
	count(deny) == 0 with input as providers({"docker": [{"host": "tcp://nas:2376", "ca_material": {"unknown": "file(\"ca.pem\")"}}]})
	count(deny) == 0 with input as providers({"docker": [{"host": "ssh://admin@nas:22"}]})
	count(deny) == 0 with input as providers({"docker": [{"host": "unix:///var/run/docker.sock"}]})
}

test_json_single_object_provider if {
	count(deny) == 1 with input as providers({"proxmox": {"pm_tls_insecure": true}})
}
