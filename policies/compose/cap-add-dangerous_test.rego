package vigie.rules.compose.cap_add_dangerous

import rego.v1

compose(services) := {"kind": "compose", "path": "compose.yaml", "doc": {"services": services}, "origins": {}}

test_sys_admin_is_denied if {
	findings := deny with input as compose({"fuse": {"cap_add": ["SYS_ADMIN"]}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "fuse", "cap_add", 0]
	startswith(f.msg, `service "fuse" adds capability SYS_ADMIN`)
}

test_each_dangerous_capability_is_denied if {
	caps := ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"]
	count(deny) == 6 with input as compose({"a": {"cap_add": caps}})
}

test_one_finding_per_item_at_its_index if {
	findings := deny with input as compose({"vpn": {"cap_add": ["NET_BIND_SERVICE", "NET_ADMIN", "CHOWN", "SYS_MODULE"]}})
	paths := {f.path | some f in findings}
	paths == {["services", "vpn", "cap_add", 1], ["services", "vpn", "cap_add", 3]}
}

test_harmless_capabilities_are_allowed if {
	count(deny) == 0 with input as compose({"web": {"cap_add": ["NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID"]}})
}

test_no_cap_add_is_allowed if {
	count(deny) == 0 with input as compose({"web": {"image": "nginx:1.27"}})
}

test_cap_drop_is_not_cap_add if {
	count(deny) == 0 with input as compose({"web": {"cap_drop": ["ALL", "SYS_ADMIN"]}})
}

test_unknown_item_is_skipped if {
	count(deny) == 0 with input as compose({"web": {"cap_add": [{"unknown": "${CAP:?}"}]}})
}

test_services_are_reported_separately if {
	findings := deny with input as compose({
		"a": {"cap_add": ["SYS_PTRACE"]},
		"b": {"cap_add": ["SYS_PTRACE"]},
	})
	count(findings) == 2
}
