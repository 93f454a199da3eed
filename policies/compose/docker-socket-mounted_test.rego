package vigie.rules.compose.docker_socket_mounted

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_sock(source, ro) := {"type": "bind", "source": source, "target": "/var/run/docker.sock", "read_only": ro}

test_var_run_socket_is_denied if {
	findings := deny with input as _doc({"portainer": {"image": "portainer/portainer-ce", "volumes": [
		{"type": "volume", "source": "data", "target": "/data"},
		_sock("/var/run/docker.sock", false),
	]}})
	count(findings) == 1
	some f in findings
	f.path == ["services", "portainer", "volumes", 1]
	not f.severity
}

test_run_socket_is_denied if {
	count(deny) == 1 with input as _doc({"a": {"image": "x", "volumes": [_sock("/run/docker.sock", false)]}})
}

test_rootless_and_podman_sockets_are_denied if {
	count(deny) == 2 with input as _doc({"a": {"image": "x", "volumes": [
		_sock("/run/user/1000/docker.sock", false),
		_sock("/run/podman/podman.sock", false),
	]}})
}

test_windows_named_pipe_is_denied if {
	count(deny) == 1 with input as _doc({"a": {"image": "x", "volumes": [
		{"type": "npipe", "source": `\\.\pipe\docker_engine`, "target": `\\.\pipe\docker_engine`},
	]}})
}

test_mounting_the_run_directory_is_denied if {
	count(deny) == 1 with input as _doc({"cadvisor": {"image": "gcr.io/cadvisor/cadvisor", "volumes": [
		{"type": "bind", "source": "/var/run/", "target": "/var/run", "read_only": true},
	]}})
}

test_read_only_socket_is_still_high if {
	findings := deny with input as _doc({"traefik": {"image": "traefik:v3.1", "volumes": [_sock("/var/run/docker.sock", true)]}})
	count(findings) == 1
	some f in findings
	not f.severity
	contains(f.msg, "read-only does not restrict")
}

test_read_only_socket_proxy_is_medium if {
	findings := deny with input as _doc({"proxy": {"image": "tecnativa/docker-socket-proxy:0.2", "volumes": [_sock("/var/run/docker.sock", true)]}})
	count(findings) == 1
	some f in findings
	f.severity == "medium"
}

test_writable_socket_proxy_is_high if {
	findings := deny with input as _doc({"proxy": {"image": "lscr.io/linuxserver/socket-proxy", "volumes": [_sock("/var/run/docker.sock", false)]}})
	count(findings) == 1
	some f in findings
	not f.severity
}

test_each_service_is_denied if {
	count(deny) == 2 with input as _doc({
		"a": {"image": "x", "volumes": [_sock("/var/run/docker.sock", false)]},
		"b": {"image": "y", "volumes": [_sock("/var/run/docker.sock", true)]},
	})
}

test_other_mounts_are_allowed if {
	count(deny) == 0 with input as _doc({"a": {"image": "x", "volumes": [
		{"type": "bind", "source": "./data", "target": "/data"},
		{"type": "bind", "source": "/var/run/docker.sock.bak", "target": "/x"},
		{"type": "bind", "source": "/srv/run", "target": "/run"},
		{"type": "volume", "target": "/cache"},
		{"type": "volume", "source": "docker.sock", "target": "/cache"},
		{"type": "tmpfs", "target": "/run"},
	]}})
}

test_unusual_values_are_skipped if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "x", "volumes": [{"unknown": "${SOCK:?}"}, "raw", {"type": "bind", "source": 5}]},
		"b": {"image": "x", "volumes": "not a list"},
		"c": null,
	})
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": null}, "origins": {}}
}
