package vigie.rules.docker.container_drift

import rego.v1

_input(c) := {"kind": "docker", "host": {"name": "h"}, "containers": [c]}

_compose := {
	"file": "app/compose.yaml", "line": 2, "project": "app", "service": "web",
	"image": "local/busybox:1", "privileged": false, "cap_add": ["net_bind_service"], "cap_drop": ["ALL"],
	"volumes": [
		{"type": "bind", "source": "/srv/app/data", "target": "/data", "read_only": true},
		{"type": "volume", "source": "app_cache", "target": "/cache", "read_only": false},
	],
}

_container := {
	"Name": "/app-web-1",
	"State": {"Status": "exited"},
	"Config": {"Image": "local/busybox:1", "Labels": {"com.docker.compose.service": "web"}},
	"HostConfig": {"Privileged": false, "CapAdd": ["CAP_NET_BIND_SERVICE"], "CapDrop": ["ALL"]},
	"Mounts": [
		{"Type": "volume", "Name": "app_cache", "Source": "/var/lib/docker/volumes/app_cache/_data", "Destination": "/cache", "RW": true},
		{"Type": "bind", "Source": "/srv/app/data", "Destination": "/data", "RW": false},
		{"Type": "volume", "Name": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Destination": "/anon", "RW": true},
	],
	"compose": _compose,
}

test_container_as_its_compose_file_says_is_allowed if {
	count(deny) == 0 with input as _input(_container)
}

test_container_without_compose_is_ignored if {
	count(deny) == 0 with input as _input(object.remove(_container, ["compose"]))
}

test_other_image_is_denied if {
	findings := deny with input as _input(object.union(_container, {"Config": {"Image": "local/busybox:2"}}))
	count(findings) == 1
	some f in findings
	f.path == ["containers", 0, "Config", "Image"]
	f.msg == `container "app-web-1" runs image "local/busybox:2" but service "web" in app/compose.yaml:2 says "local/busybox:1"`
}

test_same_image_spelled_differently_is_allowed if {
	c := object.union(_container, {"Config": {"Image": "docker.io/library/nginx:latest"}, "compose": {"image": "nginx"}})
	count(deny) == 0 with input as _input(c)
}

test_privileged_drift_is_denied if {
	some f in deny with input as _input(object.union(_container, {"HostConfig": {"Privileged": true}}))
	f.path == ["containers", 0, "HostConfig", "Privileged"]
}

test_capability_drift_is_denied if {
	findings := deny with input as _input(object.union(_container, {"HostConfig": {"CapAdd": ["NET_BIND_SERVICE", "SYS_ADMIN"], "CapDrop": null}}))
	paths := {f.path | some f in findings}
	paths == {["containers", 0, "HostConfig", "CapAdd"], ["containers", 0, "HostConfig", "CapDrop"]}
}

test_unknown_capabilities_are_not_compared if {
	c := object.union(_container, {"compose": {"cap_add": [{"unknown": "${CAP}"}]}})
	count(deny) == 0 with input as _input(c)
}

test_mount_drift_is_denied if {
	c := object.union(_container, {"Mounts": [
		{"Type": "bind", "Source": "/srv/app/data", "Destination": "/data", "RW": true},
		{"Type": "bind", "Source": "/etc", "Destination": "/host-etc", "RW": false},
	]})
	findings := deny with input as _input(c)
	msgs := {f.msg | some f in findings}
	msgs == {
		`container "app-web-1" mounts bind /srv/app/data at /data but service "web" in app/compose.yaml:2 mounts bind /srv/app/data read-only there`,
		`container "app-web-1" mounts nothing at /cache but service "web" in app/compose.yaml:2 mounts volume app_cache there`,
		`container "app-web-1" mounts bind /etc read-only at /host-etc, which service "web" in app/compose.yaml:2 does not`,
	}
}

test_service_gone_from_the_file_is_denied if {
	c := object.union(_container, {"compose": {"file": "app/compose.yaml", "line": 1, "project": "app", "service": "web", "missing": true}})
	some f in deny with input as _input(c)
	f.path == ["containers", 0, "Config", "Labels", "com.docker.compose.service"]
}
