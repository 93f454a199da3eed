package vigie.rules.docker.container_cap_drop_missing

import rego.v1

_input(containers) := {"kind": "docker", "host": {"name": "h"}, "containers": containers}

_running(host_config) := {"Name": "/web", "State": {"Status": "running", "Running": true}, "HostConfig": host_config}

test_null_cap_drop_is_denied if {
	findings := deny with input as _input([_running({"CapDrop": null})])
	count(findings) == 1
	some f in findings
	f.path == ["containers", 0, "HostConfig", "CapDrop"]
}

test_absent_cap_drop_is_denied if {
	count(deny) == 1 with input as _input([_running({})])
	count(deny) == 1 with input as _input([{"Name": "/x", "State": {"Running": true}}])
}

test_cap_drop_without_all_is_denied if {
	count(deny) == 1 with input as _input([_running({"CapDrop": ["NET_RAW", "MKNOD"]})])
}

test_cap_drop_all_in_any_spelling_is_allowed if {
	count(deny) == 0 with input as _input([_running({"CapDrop": ["ALL"]})])
	count(deny) == 0 with input as _input([_running({"CapDrop": ["all"]})])
	count(deny) == 0 with input as _input([_running({"CapDrop": ["CAP_ALL"]})])
}

test_stopped_container_is_ignored if {
	count(deny) == 0 with input as _input([{"Name": "/x", "State": {"Status": "exited"}, "HostConfig": {"CapDrop": null}}])
}

test_container_set_to_restart_is_denied if {
	count(deny) == 1 with input as _input([{"Name": "/x", "State": {"Status": "created"}, "HostConfig": {"RestartPolicy": {"Name": "always"}}}])
}
