package vigie.rules.docker.container_socket_mounted

import rego.v1

_input(containers) := {"kind": "docker", "host": {"name": "h"}, "containers": containers}

_c(image, mounts) := {
	"Name": "/c",
	"State": {"Status": "running", "Running": true},
	"Config": {"Image": image},
	"Mounts": mounts,
}

_bind(source, rw) := {"Type": "bind", "Source": source, "Destination": "/var/run/docker.sock", "RW": rw}

test_socket_mount_is_denied if {
	findings := deny with input as _input([_c("portainer/portainer-ce:2.21", [
		{"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data", "Destination": "/data", "RW": true},
		_bind("/var/run/docker.sock", true),
	])])
	count(findings) == 1
	some f in findings
	f.path == ["containers", 0, "Mounts", 1, "Source"]
	not f.severity
}

test_run_directory_and_rootless_sockets_are_denied if {
	count(deny) == 1 with input as _input([_c("x:1", [_bind("/run/", false)])])
	count(deny) == 1 with input as _input([_c("x:1", [_bind("/run/user/1000/docker.sock", true)])])
	count(deny) == 1 with input as _input([_c("x:1", [_bind("/run/podman/podman.sock", true)])])
}

test_read_only_socket_is_still_high if {
	some f in deny with input as _input([_c("traefik:v3.1", [_bind("/var/run/docker.sock", false)])])
	not f.severity
	contains(f.msg, "read-only does not restrict")
}

test_read_only_socket_into_a_proxy_is_medium if {
	some f in deny with input as _input([_c("tecnativa/docker-socket-proxy:0.2", [_bind("/var/run/docker.sock", false)])])
	f.severity == "medium"
}

test_writable_socket_into_a_proxy_is_high if {
	some f in deny with input as _input([_c("tecnativa/docker-socket-proxy:0.2", [_bind("/var/run/docker.sock", true)])])
	not f.severity
}

test_stopped_container_is_ignored if {
	c := object.union(_c("x:1", [_bind("/var/run/docker.sock", true)]), {"State": {"Status": "exited", "Running": false}})
	count(deny) == 0 with input as _input([c])
}

test_other_mounts_are_allowed if {
	count(deny) == 0 with input as _input([_c("x:1", [
		{"Type": "bind", "Source": "/srv/data", "Destination": "/data", "RW": true},
		{"Type": "volume", "Name": "docker.sock", "Source": "/var/lib/docker/volumes/docker.sock/_data", "Destination": "/x", "RW": true},
	])])
	count(deny) == 0 with input as _input([_c("x:1", null)])
}
