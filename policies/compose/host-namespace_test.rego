package vigie.rules.compose.host_namespace

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

test_host_network_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "network_mode": "host"}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "a", "network_mode"]
	contains(f.msg, "network namespace")
}

test_host_pid_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "pid": "host"}})
	{f.path | some f in findings} == {["services", "a", "pid"]}
}

test_host_ipc_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "ipc": "host"}})
	{f.path | some f in findings} == {["services", "a", "ipc"]}
}

test_host_userns_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "userns_mode": "host"}})
	{f.path | some f in findings} == {["services", "a", "userns_mode"]}
}

test_one_finding_per_namespace if {
	findings := deny with input as _doc({
		"a": {"image": "x", "network_mode": "host", "pid": "host", "ipc": "host", "userns_mode": "host"},
		"b": {"image": "y", "pid": "host"},
	})
	count(findings) == 5
}

test_other_modes_are_allowed if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "x", "network_mode": "bridge", "ipc": "shareable"},
		"b": {"image": "x", "network_mode": "service:a", "pid": "service:a", "ipc": "service:a"},
		"c": {"image": "x", "network_mode": "container:abc", "ipc": "private"},
		"d": {"image": "x", "network_mode": "none"},
		"e": {"image": "x"},
	})
}

test_unusual_values_are_skipped if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "x", "network_mode": {"unknown": "${NET:?}"}, "pid": true, "ipc": null},
		"b": null,
		"c": "text",
	})
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": null}, "origins": {}}
}

test_values_are_case_sensitive_as_in_docker if {
	count(deny) == 0 with input as _doc({"a": {"image": "x", "network_mode": "HOST"}})
}
