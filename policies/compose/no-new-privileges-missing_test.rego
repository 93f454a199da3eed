package vigie.rules.compose.no_new_privileges_missing

import rego.v1

compose(services) := {"kind": "compose", "path": "compose.yaml", "doc": {"services": services}, "origins": {}}

opts(security_opt) := compose({"web": {"security_opt": security_opt}})

test_missing_security_opt_is_denied if {
	findings := deny with input as compose({"web": {"image": "nginx:1.27"}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "web", "security_opt"]
	f.msg == `service "web" does not set security_opt no-new-privileges:true`
}

test_security_opt_without_the_flag_is_denied if {
	count(deny) == 1 with input as opts(["apparmor:docker-default", "label:disable"])
}

test_explicit_false_is_denied if {
	findings := deny with input as opts(["no-new-privileges:false"])
	count(findings) == 1
	some f in findings
	f.msg == `service "web" sets no-new-privileges to false`
}

test_explicit_false_with_equals_is_denied if {
	count(deny) == 1 with input as opts(["no-new-privileges=false"])
}

test_lookalike_option_is_denied if {
	count(deny) == 1 with input as opts(["no-new-privileges-please"])
}

test_colon_true_is_allowed if {
	count(deny) == 0 with input as opts(["no-new-privileges:true"])
}

test_equals_true_is_allowed if {
	count(deny) == 0 with input as opts(["no-new-privileges=true"])
}

test_bare_flag_is_allowed if {
	count(deny) == 0 with input as opts(["seccomp:default.json", "no-new-privileges"])
}

test_go_boolean_spellings_are_allowed if {
	count(deny) == 0 with input as opts(["no-new-privileges:1"])
	count(deny) == 0 with input as opts(["no-new-privileges=TRUE"])
}

test_unknown_option_is_not_guessed if {
	count(deny) == 0 with input as opts([{"unknown": "${NNP:?}"}])
}

test_each_service_is_checked if {
	findings := deny with input as compose({
		"a": {"security_opt": ["no-new-privileges:true"]},
		"b": {},
		"c": {"security_opt": ["no-new-privileges:false"]},
	})
	count(findings) == 2
}
