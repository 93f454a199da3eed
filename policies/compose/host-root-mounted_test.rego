package vigie.rules.compose.host_root_mounted

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_bind(source, target, ro) := {"type": "bind", "source": source, "target": target, "read_only": ro}

_svc(volumes) := {"image": "prom/node-exporter:v1.8.2", "volumes": volumes}

_one(findings) := f if {
	count(findings) == 1
	some f in findings
}

test_writable_root_is_high if {
	f := _one(deny) with input as _doc({"agent": _svc([_bind("/", "/host", false)])})
	f.path == ["services", "agent", "volumes", 0]
	not f.severity
	f.msg == `service "agent" mounts the host's root filesystem writable at /host; a process in it can take over the host`
}

test_read_only_root_stays_high if {
	f := _one(deny) with input as _doc({"node-exporter": _svc([{"type": "bind", "source": "/", "target": "/host", "read_only": true}])})
	f.severity == "high"
	contains(f.msg, "read-only at /host")
}

test_short_syntax_without_read_only_key if {
	# `- /:/rootfs` normalizes to a bind without `read_only`.
	f := _one(deny) with input as _doc({"cadvisor": _svc([{"type": "bind", "source": "/", "target": "/rootfs"}])})
	not f.severity
}

test_read_only_system_directory_is_medium if {
	findings := deny with input as _doc({"a": _svc([
		_bind("/etc", "/host/etc", true),
		_bind("/root", "/host/root", "true"),
		_bind("/proc", "/host/proc", true),
		_bind("/sys", "/host/sys", true),
		_bind("/var/lib/docker", "/var/lib/docker", true),
	])})
	count(findings) == 5
	every f in findings {
		f.severity == "medium"
	}
}

test_writable_system_directory_is_high if {
	findings := deny with input as _doc({"a": _svc([
		_bind("/etc", "/etc2", false),
		_bind("/var", "/hostvar", false),
		_bind("/boot", "/boot", false),
		_bind("/usr", "/host/usr", false),
	])})
	count(findings) == 4
	every f in findings {
		not f.severity
	}
}

test_read_only_boot_and_usr_are_allowed if {
	count(deny) == 0 with input as _doc({"a": _svc([_bind("/boot", "/boot", true), _bind("/usr", "/host/usr", true)])})
}

test_spellings_of_root_are_denied if {
	findings := deny with input as _doc({"a": _svc([
		_bind("//", "/a", false),
		_bind("/./", "/b", false),
		_bind("/etc/..", "/c", false),
		_bind("/../..", "/d", false),
		_bind("/etc/ssh/../../", "/e", false),
	])})
	count(findings) == 5
	every f in findings {
		contains(f.msg, "root filesystem")
	}
}

test_spellings_of_a_directory_are_denied if {
	findings := deny with input as _doc({"a": _svc([
		_bind("/etc/", "/a", false),
		_bind("/var//lib/./docker/", "/b", false),
		_bind("/var/lib/docker/volumes/..", "/c", true),
	])})
	count(findings) == 3
	some f in findings
	f.path == ["services", "a", "volumes", 2]
	contains(f.msg, "/var/lib/docker")
}

test_other_mounts_are_allowed if {
	count(deny) == 0 with input as _doc({"a": _svc([
		_bind("./data", "/data", false),
		_bind("/etc/localtime", "/etc/localtime", true),
		_bind("/var/lib/docker/containers", "/var/lib/docker/containers", true),
		_bind("/srv/etc", "/etc", false),
		_bind("/run", "/run", false), # compose.docker-socket-mounted's
		_bind("/var/run/", "/var/run", true),
		{"type": "volume", "source": "etc", "target": "/etc"},
		{"type": "tmpfs", "target": "/"},
		{"type": "bind", "source": {"unknown": "${ROOT:?}"}, "target": "/host"},
		"/:/host",
	])})
}

test_named_volume_binding_the_root_is_denied if {
	findings := deny with input as {"kind": "compose", "origins": {}, "doc": {
		"services": {"backup": _svc([{"type": "volume", "source": "hostroot", "target": "/host"}])},
		"volumes": {"hostroot": {"driver": "local", "driver_opts": {"type": "none", "o": "bind", "device": "/"}}},
	}}
	f := _one(findings)
	f.path == ["services", "backup", "volumes", 0]
	f.msg == `service "backup" mounts volume "hostroot", which binds the host's root filesystem writable at /host; a process in it can take over the host`
}

test_named_volume_binding_etc_read_only_is_medium if {
	f := _one(deny) with input as {"kind": "compose", "origins": {}, "doc": {
		"services": {"a": _svc([{"type": "volume", "source": "etc", "target": "/host/etc"}])},
		"volumes": {"etc": {"driver_opts": {"type": "none", "o": "bind,ro", "device": "/etc/"}}},
	}}
	f.severity == "medium"
}

test_named_volume_without_bind_is_allowed if {
	count(deny) == 0 with input as {"kind": "compose", "origins": {}, "doc": {
		"services": {"a": _svc([{"type": "volume", "source": "nfs", "target": "/data"}])},
		"volumes": {"nfs": {"driver_opts": {"type": "nfs", "o": "addr=10.0.0.2,rw", "device": ":/"}}},
	}}
}

test_odd_documents_are_ignored if {
	count(deny) == 0 with input as _doc({"a": {"volumes": "/:/host"}, "b": "x", "c": {"volumes": [null, 3]}})
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": []}}
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": {"a": _svc([{"type": "volume", "source": "v", "target": "/x"}])}, "volumes": {"v": {"driver_opts": {"o": 1, "device": "/"}}}}}
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": {"a": _svc([{"type": "volume", "source": "v", "target": "/x"}])}, "volumes": {"v": null}}}
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": {"a": _svc([{"type": "volume", "source": "v", "target": "/x"}])}, "volumes": {"v": {"driver_opts": {"o": "bind", "device": 7}}}}}
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": {"a": _svc([{"type": "volume", "source": "v", "target": "/x"}])}, "volumes": "v"}}
}
