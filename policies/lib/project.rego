# Shared helpers for project rules (`custom.input: project`): `import data.vigie.lib.project as lib`.
# The input shape is described in docs/project-input.md. Values may be unknown
# (`{"unknown": "..."}`): helpers check types before calling builtins.
package vigie.lib.project

import rego.v1

# Every route that is an object, with its index; `routes_of("caddy")` only one source's.
routes contains {"index": i, "route": route} if {
	is_array(input.routes)
	some i, route in input.routes
	is_object(route)
}

routes_of(source) := {r | some r in routes; r.route.source == source}

# Every upstream of a route that is an object, with its index.
upstreams(route) := {{"index": j, "upstream": u} |
	is_array(route.upstreams)
	some j, u in route.upstreams
	is_object(u)
}

# A host only this machine reaches: `localhost`, `*.localhost`, 127.0.0.0/8, `::1`.
loopback(host) if {
	is_string(host)
	h := trim(lower(host), "[]")
	_loopback(h)
}

_loopback(h) if h in {"localhost", "::1"}

_loopback(h) if endswith(h, ".localhost")

_loopback(h) if regex.match(`^127\.[0-9]+\.[0-9]+\.[0-9]+$`, h)

# Every host of the route is a loopback host.
local_only(route) if {
	is_array(route.hosts)
	count(route.hosts) > 0
	every h in route.hosts {
		loopback(h)
	}
}

# Authentication in front of the upstream (`forward_auth`, `basic_auth`, `digest_auth`).
has_auth(upstream) if {
	is_array(upstream.auth)
	count(upstream.auth) > 0
}

# --- Admin UIs ----------------------------------------------------------------------------------

# Admin UIs by a word of a host name (`portainer`, `portainer_app_1`, `pgadmin.lan`).
admin_ui_names := {
	"portainer": "Portainer",
	"traefik": "the Traefik dashboard",
	"proxmox": "Proxmox VE",
	"pve": "Proxmox VE",
	"dockge": "Dockge",
	"yacht": "Yacht",
	"adminer": "Adminer",
	"phpmyadmin": "phpMyAdmin",
	"pgadmin": "pgAdmin",
	"pgadmin4": "pgAdmin",
	"cockpit": "Cockpit",
	"webmin": "Webmin",
}

# Admin UIs by image repository (registry, tag and digest left out).
admin_ui_images := {
	"portainer/portainer-ce": "Portainer",
	"portainer/portainer-ee": "Portainer",
	"portainer/portainer": "Portainer",
	"louislam/dockge": "Dockge",
	"selfhostedpro/yacht": "Yacht",
	"adminer": "Adminer",
	"phpmyadmin": "phpMyAdmin",
	"phpmyadmin/phpmyadmin": "phpMyAdmin",
	"dpage/pgadmin4": "pgAdmin",
	"cockpit/ws": "Cockpit",
	"mongo-express": "Mongo Express",
	"rediscommander/redis-commander": "Redis Commander",
}

# An image's repository: `docker.io/library/adminer:4` → `adminer`,
# `ghcr.io/org/app@sha256:...` → `org/app`.
image_repo(image) := repo if {
	is_string(image)
	name := split(lower(trim_space(image)), "@")[0]
	parts := split(name, "/")
	last := split(parts[count(parts) - 1], ":")[0]
	path := array.concat(array.slice(parts, _registry_len(parts), count(parts) - 1), [last])
	repo := trim_prefix(concat("/", path), "library/")
}

_registry_len(parts) := 1 if {
	count(parts) > 1
	first := parts[0]
	_registry(first)
} else := 0

_registry(first) if contains(first, ".")

_registry(first) if contains(first, ":")

_registry(first) if first == "localhost"

# The admin UIs a host name (or an address) names.
admin_ui_by_name(host) := {ui |
	is_string(host)
	some word in regex.split(`[^a-z0-9]+`, lower(host))
	ui := admin_ui_names[word]
}

# The admin UI an image runs (the Traefik image only serves its dashboard on port 8080).
admin_ui_by_image(image) := {ui |
	ui := admin_ui_images[image_repo(image)]
}

# The admin UIs an upstream reaches: by its host name, by Proxmox's port 8006, or by the image of
# the compose service it resolves to. Each is `{"ui": name, "by": "name"|"port"|"image"}`.
admin_ui(upstream) := {{"ui": ui, "by": "name"} |
	some ui in admin_ui_by_name(upstream.host)
} | {{"ui": "Proxmox VE", "by": "port"} |
	upstream.port == "8006"
} | {{"ui": ui, "by": "image"} |
	is_object(upstream.service)
	some ui in admin_ui_by_image(upstream.service.image)
} | {{"ui": "the Traefik dashboard", "by": "image"} |
	is_object(upstream.service)
	image_repo(upstream.service.image) == "traefik"
	upstream.port == "8080"
}

# What a message says about an upstream's compose service: ` (compose service app in
# compose.yaml, image portainer/portainer-ce:2.19)` (a digest left out), or nothing.
service_note(upstream) := sprintf(" (compose service %s in %s, image %s)", [s.name, s.file, split(s.image, "@")[0]]) if {
	s := upstream.service
	is_string(s.name)
	is_string(s.file)
	is_string(s.image)
} else := sprintf(" (compose service %s in %s)", [s.name, s.file]) if {
	s := upstream.service
	is_string(s.name)
	is_string(s.file)
} else := ""

# A route's name for messages.
route_name(route) := route.name if is_string(route.name)

else := "(unnamed)"

# An upstream's address for messages.
upstream_name(upstream) := upstream.address if is_string(upstream.address)

else := sprintf("%v", [upstream.address])
