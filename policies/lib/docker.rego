# Shared helpers for docker rules (`import data.vigie.lib.docker as lib`), and the Docker socket
# test compose rules share.
#
# The input is `{"kind": "docker", "host": {"name"}, "containers": [<docker inspect objects>]}`
# (docs/docker-input.md). Inspect objects come from a daemon or a recorded dump: a key may be
# absent, `null`, or of an unexpected type, so helpers check types before calling builtins.
package vigie.lib.docker

import data.vigie.lib.compose
import rego.v1

# --- Containers ----------------------------------------------------------------------------------

# Every container that is an object, by index in `input.containers`.
containers := {i: c |
	some i, c in input.containers
	is_object(c)
} if {
	is_array(input.containers)
} else := {}

# The container's name without Docker's leading slash, else its short id.
name(c) := trim_prefix(c.Name, "/") if {
	is_string(c.Name)
	c.Name != ""
} else := substring(c.Id, 0, 12) if {
	is_string(c.Id)
} else := "?"

# The container is running (or restarting, or paused: its processes exist).
running(c) if c.State.Running == true

running(c) if c.State.Restarting == true

running(c) if c.State.Paused == true

running(c) if c.State.Status in {"running", "restarting", "paused"}

# The daemon starts the container by itself when the daemon or the host restarts, even if it is
# not running now (a container only created, or stopped by a crash).
restarts(c) if c.HostConfig.RestartPolicy.Name in {"always", "unless-stopped"}

# What a container can do matters when it runs or will run without anyone starting it by hand.
active(c) if running(c)

active(c) if restarts(c)

# The indices of the active containers.
active_containers := {i: c | some i, c in containers; active(c)}

# How a message says why an active container counts: "" for a running one.
state_note(c) := "" if running(c)

else := sprintf(" (%s; restart policy %s starts it with the daemon)", [_status(c), c.HostConfig.RestartPolicy.Name])

_status(c) := c.State.Status if is_string(c.State.Status)

else := "not running"

# `c.Config.Labels[key]`, when the container has that label.
label(c, key) := c.Config.Labels[key] if is_object(c.Config.Labels)

# --- Capabilities --------------------------------------------------------------------------------

# A capability as Docker accepts it in any spelling: `cap_net_admin`, `CAP_NET_ADMIN` and
# `NET_ADMIN` are all `NET_ADMIN`.
capability(cap) := trim_prefix(upper(cap), "CAP_") if is_string(cap)

# The capabilities of a list (CapAdd, CapDrop, cap_add, ...), normalized; `null` or absent is
# empty.
capabilities(list) := {capability(cap) | some cap in list; is_string(cap)} if is_array(list)

else := set()

# --- Images --------------------------------------------------------------------------------------

# The tag of an image reference, when it has a non-empty one: what follows the last `:` of the
# last path component (`registry:5000/app` has none).
image_tag(image) := tag if {
	is_string(image)
	parts := split(split(image, "@")[0], ":")
	n := count(parts)
	n > 1
	tag := parts[n - 1]
	tag != ""
	not contains(tag, "/")
}

# The reference ends with a digest (`@sha256:<hex>`).
digest_pinned(image) if {
	is_string(image)
	parts := split(image, "@")
	count(parts) > 1
	digest := parts[count(parts) - 1]
	substring(digest, 0, 7) in {"sha256:", "sha512:"}
	hex := substring(digest, 7, -1)
	hex != ""
	trim(hex, "0123456789abcdefABCDEF") == ""
}

# A reference as Docker resolves it, for comparing two spellings: lower case, Docker Hub's
# `docker.io/` and `library/` removed, `:latest` added when there is neither tag nor digest.
reference(image) := ref if {
	is_string(image)
	bare := _strip_hub(lower(trim_space(image)))
	ref := _with_tag(bare)
}

_strip_hub(image) := _strip_library(trim_prefix(trim_prefix(image, "docker.io/"), "index.docker.io/"))

_strip_library(image) := trim_prefix(image, "library/") if {
	count(split(split(image, "@")[0], "/")) == 2
} else := image

_with_tag(image) := image if image_tag(image)

else := image if contains(image, "@")

else := concat(":", [image, "latest"])

# --- The Docker socket ---------------------------------------------------------------------------

# A host path that is the Docker (or Podman) API socket, wherever it lives (/var/run, /run,
# rootless /run/user/1000), or a directory that holds the system one. Trailing slashes are the
# caller's to remove. Literal sets rather than named ones: this is called per mount.
exposes_socket(source) if source in {"docker.sock", "podman.sock", "/run", "/var/run"}

else if strings.any_suffix_match(source, {"/docker.sock", "/podman.sock"})

# Docker on Windows: the named pipe.
else if lower(source) in {`\\.\pipe\docker_engine`, "//./pipe/docker_engine"}

# How a message names what is mounted.
socket_what(source) := sprintf("%s, which holds the Docker socket", [source]) if {
	source in {"/run", "/var/run"}
} else := sprintf("the Docker socket (%s)", [source])

# The image filters the Docker API (tecnativa/docker-socket-proxy, ...).
is_socket_proxy_image(image) if compose.is_socket_proxy_image(image)
