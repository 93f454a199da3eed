package vigie.lib.terraform_test

import data.vigie.lib.terraform as lib
import rego.v1

test_blocks_of_list_object_and_other if {
	lib.blocks([{"a": 1}]) == [{"a": 1}]
	lib.blocks({"a": 1}) == [{"a": 1}]
	lib.blocks("x") == []
}

test_literal_and_origins if {
	lib.literal(["resource", "a", "b", "password"]) with input as {"doc": {}, "origins": {}}
	not lib.literal(["provider", "proxmox", 0, "pm_password", "x"]) with input as {"doc": {}, "origins": {"provider/proxmox/0/pm_password": {"from": "var", "name": "pw"}}}
}

test_unknown if {
	lib.is_unknown({"unknown": "aws_instance.x.id"})
	not lib.is_unknown("x")
}

test_is_true if {
	lib.is_true(true)
	lib.is_true("true")
	not lib.is_true(false)
	not lib.is_true({"unknown": "var.x"})
}

test_is_false if {
	lib.is_false(false)
	lib.is_false("False")
	not lib.is_false(true)
	not lib.is_false(null)
	not lib.is_false({"unknown": "var.x"})
}

test_nested_static_dynamic_and_json_object if {
	body := {
		"ingress": [{"a": 1}, "junk"],
		"dynamic": {"ingress": [
			{"for_each": {"unknown": "var.rules"}, "content": [{"b": 2}]},
			{"for_each": [], "content": [{"c": 3}]},
		]},
	}
	lib.nested(body, "ingress") == [
		{"body": {"a": 1}, "path": ["ingress", 0]},
		{"body": {"b": 2}, "path": ["dynamic", "ingress", 0, "content", 0]},
	]
	lib.nested({"ingress": {"a": 1}, "dynamic": {"ingress": {"content": {"b": 2}}}}, "ingress") == [
		{"body": {"a": 1}, "path": ["ingress"]},
		{"body": {"b": 2}, "path": ["dynamic", "ingress", "content"]},
	]
	lib.nested({"dynamic": "x", "ingress": null}, "ingress") == []
	lib.nested({"ingress": {"unknown": "var.rules"}}, "ingress") == []
	lib.nested("x", "ingress") == []
}

test_creates_nothing if {
	lib.creates_nothing({"count": 0})
	lib.creates_nothing({"count": "0"})
	lib.creates_nothing({"for_each": {}})
	lib.creates_nothing({"for_each": []})
	not lib.creates_nothing({"count": 1})
	not lib.creates_nothing({"count": {"unknown": "var.enabled ? 1 : 0"}})
	not lib.creates_nothing({"for_each": {"a": 1}})
	not lib.creates_nothing({})
}

test_anchor if {
	path := ["resource", "hcloud_firewall", "web", "rule", 0, "source_ips", 1]
	lib.anchor(path) == path with input as {"doc": {}, "origins": {}}
	lib.anchor(path) == ["resource", "hcloud_firewall", "web", "rule", 0, "source_ips"] with input as {"doc": {}, "origins": {"resource/hcloud_firewall/web/rule/0/source_ips": {"from": "var", "name": "x", "file": "terraform.tfvars"}}}
	lib.anchor(path) == path with input as {"doc": {}, "origins": {"resource/hcloud_firewall/web/rule/0/source_ips/1": {"from": "local", "name": "x"}}}
}

test_provider_type if {
	doc := {"terraform": [{"required_providers": [{"pve": {"source": "bpg/proxmox"}, "vault": {"source": "registry.terraform.io/hashicorp/Vault"}, "aws": "~> 5.0"}]}]}
	lib.provider_type("pve") == "proxmox" with input as {"doc": doc}
	lib.provider_type("vault") == "vault" with input as {"doc": doc}
	lib.provider_type("aws") == "aws" with input as {"doc": doc}
	lib.provider_type("docker") == "docker" with input as {"doc": doc}
	lib.provider_type("Docker") == "docker" with input as {"doc": {}}

	# .tf.json: required_providers as one object
	lib.provider_type("pve") == "proxmox" with input as {"doc": {"terraform": {"required_providers": {"pve": {"source": "telmate/proxmox"}}}}}
}

test_provider_type_with_conflicting_sources_falls_back_to_the_name if {
	doc := {"terraform": [
		{"required_providers": [{"pve": {"source": "bpg/proxmox"}}]},
		{"required_providers": [{"pve": {"source": "someone/pve"}}]},
	]}
	lib.provider_type("pve") == "pve" with input as {"doc": doc}
}

test_urls if {
	lib.url_scheme("HTTP://nas:9000") == "http"
	lib.url_host("http://user:pw@MinIO.lan:9000/bucket?x=1") == "minio.lan"
	lib.url_host("http://[::1]:9000") == "::1"
	lib.url_host("https://10.0.0.5") == "10.0.0.5"
	not lib.url_scheme("minio.lan:9000")
	not lib.url_host({"unknown": "var.x"})
	lib.cleartext_url("http://minio.lan:9000")
	not lib.cleartext_url("https://minio.lan:9000")
	not lib.cleartext_url("http://localhost:9000")
	not lib.cleartext_url("http://127.0.0.1:9000")
	not lib.cleartext_url("http://[::1]:9000")
	not lib.cleartext_url(42)
}

test_has_value if {
	lib.has_value({"version": "~> 1.0"}, "version")
	lib.has_value({"version": {"unknown": "var.v"}}, "version")
	not lib.has_value({"version": "  "}, "version")
	not lib.has_value({"version": null}, "version")
	not lib.has_value({}, "version")
}
