package vigie.rules.compose.cap_drop_missing

import rego.v1

compose(services) := {"kind": "compose", "path": "compose.yaml", "doc": {"services": services}, "origins": {}}

test_missing_cap_drop_is_denied if {
	findings := deny with input as compose({"web": {"image": "nginx:1.27"}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "web", "cap_drop"]
	contains(f.msg, `service "web"`)
}

test_cap_drop_without_all_is_denied if {
	findings := deny with input as compose({"web": {"cap_drop": ["NET_RAW", "MKNOD"]}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "web", "cap_drop"]
	contains(f.msg, "without ALL")
}

test_empty_cap_drop_is_denied if {
	count(deny) == 1 with input as compose({"web": {"cap_drop": []}})
}

test_null_cap_drop_is_denied if {
	# `cap_drop:` with nothing after it.
	count(deny) == 1 with input as compose({"web": {"cap_drop": null}})
}

test_cap_drop_all_is_allowed if {
	count(deny) == 0 with input as compose({"web": {"cap_drop": ["ALL"]}})
}

test_cap_drop_all_among_others_is_allowed if {
	count(deny) == 0 with input as compose({"web": {"cap_drop": ["NET_RAW", "ALL"], "cap_add": ["CHOWN"]}})
}

test_unknown_item_is_not_guessed if {
	count(deny) == 0 with input as compose({"web": {"cap_drop": [{"unknown": "${DROP:?}"}]}})
}

test_each_service_is_checked if {
	findings := deny with input as compose({
		"a": {"cap_drop": ["ALL"]},
		"b": {},
		"c": {"cap_drop": ["SYS_ADMIN"]},
	})
	count(findings) == 2
}
