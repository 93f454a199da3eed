package vigie.rules.compose.privileged

import rego.v1

compose(services) := {"kind": "compose", "path": "compose.yaml", "doc": {"services": services}, "origins": {}}

test_privileged_service_is_denied if {
	findings := deny with input as compose({"web": {"image": "nginx:1.27", "privileged": true}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "web", "privileged"]
	f.msg == `service "web" runs privileged`
}

test_each_privileged_service_is_denied if {
	findings := deny with input as compose({
		"a": {"privileged": true},
		"b": {"privileged": true},
		"c": {"privileged": false},
	})
	count(findings) == 2
}

test_privileged_false_is_allowed if {
	count(deny) == 0 with input as compose({"web": {"privileged": false}})
}

test_privileged_absent_is_allowed if {
	count(deny) == 0 with input as compose({"web": {"image": "nginx:1.27"}})
}

test_unknown_value_is_not_guessed if {
	# vigie turns "true" into a boolean before the rule runs (see the positive-string-true fixture);
	# a value the scan cannot know stays silent.
	count(deny) == 0 with input as compose({"web": {"privileged": {"unknown": "${PRIV:?}"}}})
}

test_no_services_is_allowed if {
	count(deny) == 0 with input as {"kind": "compose", "path": "compose.yaml", "doc": {}, "origins": {}}
}
