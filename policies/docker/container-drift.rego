# METADATA
# title: Container differs from its compose file
# description: >-
#   What runs drifts from what is in git: a container created by docker compose whose image,
#   privileged flag, capabilities or mounts are not what its compose service says. Someone
#   edited the file without recreating the container, recreated it from another revision, or
#   changed the host by hand; either way the reviewed configuration is not the one running. The
#   container is matched to its compose file by its `com.docker.compose.*` labels when that file
#   is among the scanned paths (`vigie audit PATH`, or beside a recorded `docker inspect` dump);
#   see docs/docker-input.md for how files are matched.
# related_resources:
#   - ref: https://docs.docker.com/compose/how-tos/project-name/
#   - ref: https://docs.docker.com/reference/cli/docker/compose/up/
# custom:
#   id: docker.container-drift
#   severity: medium
#   remediation: |-
#     Make the compose file say what should run and recreate the container from it, from the
#     project directory on the host:
#
#     ```sh
#     docker compose up -d --force-recreate web
#     ```
#
#     If the running container is right, commit its settings to the compose file instead.
#   fix: none
package vigie.rules.docker.container_drift

import data.vigie.lib.docker as lib
import rego.v1

# The containers compose created whose compose file was found, with where that service is.
_compared := {i: c |
	some i, c in lib.containers
	is_object(c.compose)
}

_where(c) := sprintf("service %q in %s:%v", [c.compose.service, c.compose.file, c.compose.line])

deny contains finding if {
	some i, c in _compared
	c.compose.missing == true
	finding := {
		"msg": sprintf("container %q was created for service %q, which %s no longer defines", [lib.name(c), c.compose.service, c.compose.file]),
		"path": ["containers", i, "Config", "Labels", "com.docker.compose.service"],
	}
}

# --- Image ---------------------------------------------------------------------------------------

deny contains finding if {
	some i, c in _compared
	want := lib.reference(c.compose.image)
	have := lib.reference(c.Config.Image)
	want != have
	finding := {
		"msg": sprintf("container %q runs image %q but %s says %q", [lib.name(c), c.Config.Image, _where(c), c.compose.image]),
		"path": ["containers", i, "Config", "Image"],
	}
}

# --- Privileged ----------------------------------------------------------------------------------

_privileged(c) := c.HostConfig.Privileged == true

deny contains finding if {
	some i, c in _compared
	is_boolean(c.compose.privileged)
	_privileged(c) != c.compose.privileged
	finding := {
		"msg": sprintf("container %q runs %s but %s says privileged: %v", [lib.name(c), _privileged_text(c), _where(c), c.compose.privileged]),
		"path": ["containers", i, "HostConfig", "Privileged"],
	}
}

_privileged_text(c) := "privileged" if _privileged(c)

else := "unprivileged"

# --- Capabilities --------------------------------------------------------------------------------

# Compose key, inspect key.
_cap_lists := {"cap_add": "CapAdd", "cap_drop": "CapDrop"}

deny contains finding if {
	some i, c in _compared
	some key, inspect_key in _cap_lists
	written := c.compose[key]
	is_array(written)
	every cap in written { is_string(cap) } # an unknown `${VAR}` item could be anything
	want := lib.capabilities(written)
	have := lib.capabilities(c.HostConfig[inspect_key])
	want != have
	finding := {
		"msg": sprintf("container %q runs with %s %s but %s says %s %s", [lib.name(c), inspect_key, _caps_text(have), _where(c), key, _caps_text(want)]),
		"path": ["containers", i, "HostConfig", inspect_key],
	}
}

_caps_text(caps) := "[]" if count(caps) == 0

else := sprintf("[%s]", [concat(", ", sort(caps))])

# --- Mounts --------------------------------------------------------------------------------------

# A volume Docker named itself (an image's VOLUME, an anonymous `-v /path`): 64 hex digits.
_anonymous(name) if {
	is_string(name)
	count(name) == 64
	trim(name, "0123456789abcdef") == ""
}

# What the container mounts at each target: "bind /srv/app/data (read-only)".
_container_mounts(c) := {mount.Destination: {"j": j, "text": _text(mount.Type, _source(mount), mount.RW == false)} |
	is_array(c.Mounts)
	some j, mount in c.Mounts
	is_object(mount)
	mount.Type in {"bind", "volume"}
	is_string(mount.Destination)
}

_source(mount) := mount.Source if mount.Type == "bind"

else := "" if _anonymous(mount.Name)

else := mount.Name if is_string(mount.Name)

else := ""

# What the compose service mounts at each target; an item with an unknown value is left out.
_compose_mounts(c) := {v.target: _text(v.type, v.source, v.read_only) |
	is_array(c.compose.volumes)
	some v in c.compose.volumes
	is_string(v.target)
	is_string(v.source)
	is_string(v.type)
}

# Whether the compose service has volumes whose value is unknown: then mounts are not compared.
_unknown_volumes(c) if {
	some v in c.compose.volumes
	not is_string(v.target)
}

_unknown_volumes(c) if {
	some v in c.compose.volumes
	not is_string(v.source)
}

_text(type, source, read_only) := sprintf("%s%s%s", [
	type,
	_source_text(source),
	_ro_text(read_only),
])

_source_text(source) := " (anonymous)" if source == ""

else := sprintf(" %s", [source])

_ro_text(read_only) := " read-only" if read_only == true

else := ""

deny contains finding if {
	some i, c in _compared
	not _unknown_volumes(c)
	want := _compose_mounts(c)
	have := _container_mounts(c)
	some target, mount in have
	not want[target]
	not endswith(mount.text, "(anonymous)")
	finding := {
		"msg": sprintf("container %q mounts %s at %s, which %s does not", [lib.name(c), mount.text, target, _where(c)]),
		"path": ["containers", i, "Mounts", mount.j, "Destination"],
	}
}

deny contains finding if {
	some i, c in _compared
	not _unknown_volumes(c)
	want := _compose_mounts(c)
	have := _container_mounts(c)
	some target, text in want
	not have[target]
	finding := {
		"msg": sprintf("container %q mounts nothing at %s but %s mounts %s there", [lib.name(c), target, _where(c), text]),
		"path": ["containers", i, "Mounts"],
	}
}

deny contains finding if {
	some i, c in _compared
	not _unknown_volumes(c)
	want := _compose_mounts(c)
	have := _container_mounts(c)
	some target, mount in have
	text := want[target]
	text != mount.text
	finding := {
		"msg": sprintf("container %q mounts %s at %s but %s mounts %s there", [lib.name(c), mount.text, target, _where(c), text]),
		"path": ["containers", i, "Mounts", mount.j, "Destination"],
	}
}
