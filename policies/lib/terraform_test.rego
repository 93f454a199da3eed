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
