package vigie.rules.docker.container_privileged

import rego.v1

_input(containers) := {"kind": "docker", "host": {"name": "h"}, "containers": containers}

_c(state, restart, privileged) := {
	"Id": "0123456789abcdef",
	"Name": "/web",
	"State": state,
	"HostConfig": {"Privileged": privileged, "RestartPolicy": {"Name": restart}},
}

test_running_privileged_container_is_denied if {
	findings := deny with input as _input([_c({"Status": "running", "Running": true}, "no", true)])
	count(findings) == 1
	some f in findings
	f.path == ["containers", 0, "HostConfig", "Privileged"]
	f.msg == `container "web" is privileged`
}

test_created_container_that_restarts_by_itself_is_denied if {
	findings := deny with input as _input([_c({"Status": "created", "Running": false}, "unless-stopped", true)])
	count(findings) == 1
	some f in findings
	contains(f.msg, "(created; restart policy unless-stopped starts it with the daemon)")
}

test_stopped_container_without_restart_policy_is_allowed if {
	count(deny) == 0 with input as _input([_c({"Status": "exited", "Running": false}, "no", true)])
	count(deny) == 0 with input as _input([_c({"Status": "created"}, "on-failure", true)])
}

test_unprivileged_container_is_allowed if {
	count(deny) == 0 with input as _input([_c({"Status": "running", "Running": true}, "always", false)])
}

test_odd_shapes_are_ignored if {
	count(deny) == 0 with input as _input([null, "x", {"State": null, "HostConfig": null}])
	count(deny) == 0 with input as {"kind": "docker", "containers": null}
}
