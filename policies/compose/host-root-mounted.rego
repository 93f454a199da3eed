# METADATA
# title: Host root or system directory mounted into a container
# description: >-
#   A bind mount of the host's `/` hands the container every file of the host: the Docker
#   socket under /run, /etc/shadow, SSH host and user keys, every other container's data under
#   /var/lib/docker. Written to, it is root on the host (a cron job, an authorized key, a changed
#   binary); even read-only, it gives away every secret on the machine, so `/` is high either
#   way. The same holds, more narrowly, for `/etc` (password hashes, SSH host keys, sudoers,
#   cron), `/root` (root's keys and credentials), `/proc` (other processes' environments;
#   writable `/proc/sys` sets `kernel.core_pattern`, a program the kernel runs as root), `/sys`
#   (writable, it reaches `uevent_helper` and cgroup release agents), `/var` and
#   `/var/lib/docker` (every container's files, volumes and environment): high when writable,
#   medium read-only. `/boot` and `/usr` hold nothing secret, so only a writable bind of them (a
#   replaced kernel or program, run as root later) is reported. Paths are compared after
#   removing repeated slashes, `.` and `..`; a named volume that binds one of these directories
#   (`driver_opts` with `o: bind` and a `device`) counts too. `/run` and `/var/run` hold the
#   Docker socket and are `compose.docker-socket-mounted`'s.
# related_resources:
#   - ref: https://docs.docker.com/engine/storage/bind-mounts/
#   - ref: https://docs.docker.com/reference/compose-file/services/#volumes
#   - ref: https://man7.org/linux/man-pages/man5/core.5.html
# custom:
#   id: compose.host-root-mounted
#   severity: high
#   remediation: |-
#     Mount only what the service needs: a file or a data directory of its own, not a system
#     directory. A monitoring agent (node-exporter, cAdvisor) needs the host's `/proc` and `/sys`
#     read-only, not its `/`; those two stay medium findings, to suppress with a reason once the
#     image is pinned and trusted:
#
#     ```yaml
#     services:
#       node-exporter:
#         image: prom/node-exporter:v1.8.2
#         command: ["--path.procfs=/host/proc", "--path.sysfs=/host/sys"]
#         volumes:
#           # vigie:ignore compose.host-root-mounted -- metrics agent, pinned image
#           - /proc:/host/proc:ro
#           # vigie:ignore compose.host-root-mounted -- metrics agent, pinned image
#           - /sys:/host/sys:ro
#     ```
#
#     Where the whole host must be visible (a backup agent, a host-level scanner), mount it
#     read-only, keep the image pinned and its network closed, and suppress the finding with a
#     reason: `# vigie:ignore compose.host-root-mounted -- restic backs up the host`.
#   fix: none
package vigie.rules.compose.host_root_mounted

import data.vigie.lib.compose as lib
import rego.v1

# The host directories this rule reports: what a container gets from each, and the severity of a
# read-only bind (null: nothing to report when read-only).
_paths := {
	"/": {"what": "the host's root filesystem", "read_only": "high"},
	"/etc": {"what": "the host's /etc (password hashes, SSH host keys, sudoers, cron)", "read_only": "medium"},
	"/root": {"what": "the host's /root (root's SSH keys and credentials)", "read_only": "medium"},
	"/proc": {"what": "the host's /proc (every process's environment, and kernel settings under /proc/sys)", "read_only": "medium"},
	"/sys": {"what": "the host's /sys (kernel and device settings)", "read_only": "medium"},
	"/var": {"what": "the host's /var (with /var/lib/docker: every container's files and volumes)", "read_only": "medium"},
	"/var/lib/docker": {"what": "the host's /var/lib/docker (every container's files, volumes and environment)", "read_only": "medium"},
	"/boot": {"what": "the host's /boot (its kernel and boot loader)", "read_only": null},
	"/usr": {"what": "the host's /usr (the programs root runs)", "read_only": null},
}

# A bind mount in the service's `volumes`.
deny contains finding if {
	paths := _paths
	some name, svc in lib.services
	is_array(svc.volumes)
	some i, volume in svc.volumes
	is_object(volume)
	not volume.type in {"volume", "tmpfs", "npipe", "image", "cluster"}
	source := lib.host_path(volume.source)
	entry := paths[source]
	finding := _finding(name, i, volume, entry, _read_only(volume), "")
}

# A named volume whose driver binds a host directory (`driver_opts: {type: none, o: bind,
# device: /}`), as some guides set it up to reach the host from a named volume.
deny contains finding if {
	paths := _paths
	is_object(input.doc.volumes)
	some name, svc in lib.services
	is_array(svc.volumes)
	some i, volume in svc.volumes
	is_object(volume)
	volume.type == "volume"
	is_string(volume.source)
	opts := input.doc.volumes[volume.source].driver_opts
	options := _bind_options(opts)
	source := lib.host_path(opts.device)
	entry := paths[source]
	read_only := _read_only_bind(volume, options)
	finding := _finding(name, i, volume, entry, read_only, sprintf("volume %q, which binds ", [volume.source]))
}

# The options of a local driver's bind (`o: bind,ro`, `o: rbind`).
_bind_options(opts) := options if {
	is_object(opts)
	is_string(opts.o)
	options := {trim_space(o) | some o in split(lower(opts.o), ",")}
	_binds(options)
}

_binds(options) if "bind" in options

_binds(options) if "rbind" in options

# The mount is read-only: `:ro`, `read_only: true` (or "true").
_read_only(volume) := true if {
	volume.read_only == true
} else := true if {
	is_string(volume.read_only)
	lower(volume.read_only) == "true"
} else := false

_read_only_bind(volume, options) := true if "ro" in options

else := _read_only(volume)

_finding(name, i, volume, entry, read_only, via) := {
	"msg": sprintf("service %q mounts %s%s read-only at %s; read access alone exposes the host's secrets", [name, via, entry.what, _target(volume)]),
	"path": ["services", name, "volumes", i],
	"severity": entry.read_only,
} if {
	read_only
	entry.read_only != null
} else := {
	"msg": sprintf("service %q mounts %s%s writable at %s; a process in it can take over the host", [name, via, entry.what, _target(volume)]),
	"path": ["services", name, "volumes", i],
} if {
	not read_only
}

_target(volume) := volume.target if is_string(volume.target)

else := "?"
