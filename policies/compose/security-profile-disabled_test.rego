package vigie.rules.compose.security_profile_disabled

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_paths(findings) := {f.path | some f in findings}

test_seccomp_unconfined_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "security_opt": ["no-new-privileges:true", "seccomp:unconfined"]}})
	_paths(findings) == {["services", "a", "security_opt", 1]}
	some f in findings
	contains(f.msg, "seccomp")
}

test_apparmor_unconfined_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "security_opt": ["apparmor:unconfined"]}})
	_paths(findings) == {["services", "a", "security_opt", 0]}
}

test_label_disable_is_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "security_opt": ["label:disable"]}})
	_paths(findings) == {["services", "a", "security_opt", 0]}
}

test_equals_forms_are_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "security_opt": [
		"seccomp=unconfined",
		"apparmor=unconfined",
		"label=disable",
	]}})
	count(findings) == 3
}

test_spc_t_and_systempaths_are_denied if {
	findings := deny with input as _doc({"a": {"image": "x", "security_opt": ["label=type:spc_t", "systempaths=unconfined"]}})
	count(findings) == 2
}

test_spacing_and_case_are_tolerated if {
	count(deny) == 1 with input as _doc({"a": {"image": "x", "security_opt": [" Seccomp:Unconfined "]}})
}

test_each_service_is_denied if {
	count(deny) == 2 with input as _doc({
		"a": {"image": "x", "security_opt": ["seccomp:unconfined"]},
		"b": {"image": "y", "security_opt": ["apparmor:unconfined"]},
	})
}

test_confining_options_are_allowed if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "x", "security_opt": [
			"no-new-privileges:true",
			"seccomp:./profile.json",
			"apparmor:docker-default",
			"label:type:container_t",
			"label=level:s0:c100,c200",
		]},
		"b": {"image": "x"},
	})
}

test_unusual_values_are_skipped if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "x", "security_opt": [{"unknown": "${OPT:?}"}, 5, null, {"seccomp": "unconfined"}]},
		"b": {"image": "x", "security_opt": "seccomp:unconfined"},
		"c": null,
	})
}
