# Shared helpers for compose rules: `import data.vigie.lib.compose as lib`.
#
# regorus raises an error (instead of being undefined) when a builtin gets a value of the wrong
# type or `some .. in` iterates over something that is not a collection. Compose files are user
# input, so every helper here checks types before calling a builtin, and rules iterate through
# `services` and `list` rather than over raw input.
#
# Speed: regorus (a tree-walking interpreter) evaluates a rule that is not a function once per
# document and keeps its value, and vigie evaluates every rule in one pass, so a rule here is
# computed once and shared by all rules. A function runs its whole body again on every call, and
# every call, even of a builtin, costs far more than a lookup. So what rules need to know about
# services and ports is computed here once, keyed by service name (and item index): `image_names`,
# `database_services`, `published_ports`, ... Rules look these up rather than calling the
# functions, which remain for policies of your own (the facts share their helpers, and the tests
# check them against each other). Other costs that matter, measured:
# - A reference to a rule (`lib.x`, or a rule of the same package) walks a path of names each
#   time: in a loop, bind it to a local first (`proxies := lib.reverse_proxy_services`), or write a
#   small set in place.
# - Comprehensions build objects and sets several times faster than partial rules
#   (`x[k] := v if ...`) do.
# - `is_array(x)` then `some .. in x` stands in for `list(x)`: one call instead of two.
package vigie.lib.compose

import data.vigie.lib.ports as port_lists
import rego.v1

# --- Iteration -----------------------------------------------------------------------------------

# Every service that is a mapping, by name.
services := {name: svc |
	some name, svc in input.doc.services
	is_object(svc)
} if {
	is_object(input.doc.services)
} else := {}

# `x` when it is a list, else an empty list: `some i, item in lib.list(svc.ports)`.
list(x) := x if is_array(x)

else := []

# The `input.origins` key of a node path: its segments joined with `/`.
origin_key(path) := concat("/", [sprintf("%v", [seg]) | some seg in path])

# The value at `path` was not written literally where it appears (interpolated or a default).
interpolated(path) if {
	is_object(input.origins)
	_ = input.origins[origin_key(path)]
}

# --- Images --------------------------------------------------------------------------------------

# The first component of a reference names a registry when it has a dot or a port, or is localhost.
_is_registry(component) if contains(component, ".")
else if contains(component, ":")
else if component == "localhost"

# How many leading components of a reference are not part of the repository: a registry, and
# Docker Hub's `library/` for official images (`library/postgres` is `postgres`). The repository
# keeps at least one component.
_repository_start(components, n) := 2 if {
	n > 2
	components[1] == "library"
	_is_registry(components[0])
} else := 1 if {
	n > 1
	_is_registry(components[0])
} else := 1 if {
	n > 1
	components[0] == "library"
} else := 0

# The repository path of an image reference, lower case, without registry, tag, digest or
# `library/`: "ghcr.io/x/postgres:16@sha256:..." is "x/postgres", "postgres:16" is "postgres".
image_repository(image) := repository if {
	is_string(image)
	components := split(split(lower(trim_space(image)), "@")[0], "/")
	n := count(components)
	untagged := split(components[n - 1], ":")[0]
	path := array.slice(components, _repository_start(components, n), n - 1)
	repository := concat("/", array.concat(path, [untagged]))
	repository != ""
}

# The last component of the image's repository: "ghcr.io/x/postgres:16" is "postgres".
image_name(image) := name if {
	parts := split(image_repository(image), "/")
	name := parts[count(parts) - 1]
}

# Each service's image reference, when it is a string (an unknown `${IMAGE:?}` is an object).
images := {name: svc.image |
	some name, svc in services
	is_string(svc.image)
}

# Each service's image name (image_name). The registry and `library/` are never the last
# component, so it is the last component of the reference without tag and digest: no need to
# work out the whole repository.
image_names := {name: last |
	some name, image in images
	components := split(split(lower(trim_space(image)), "@")[0], "/")
	last := split(components[count(components) - 1], ":")[0]
	last != ""
}

# The repository (image_repository) of the services whose image name is the last component of one
# of `database_repositories` or `reverse_proxy_repositories`, the only ones a rule needs (a test
# keeps the two lists in step).
_repositories := {name: image_repository(images[name]) |
	some name, image in image_names
	image in {"server", "letsencrypt"}
}

# The tag of each service's image, as written (`LATEST` is not `latest`): what follows the last
# `:` of the last path component, when there is one and it is not empty (`nginx:` from an unset
# `${TAG}`). A `:` followed by a `/` is a registry port (`registry.local:5000/app`), not a tag.
image_tags := {name: tag |
	some name, image in images
	parts := split(split(image, "@")[0], ":")
	n := count(parts)
	n > 1
	tag := parts[n - 1]
	tag != ""
	not contains(tag, "/")
}

# The services whose image reference ends with a digest: `@sha256:` or `@sha512:` and hex digits
# (what the regex `@sha(256|512):[0-9a-fA-F]+$` matches, at a fraction of the cost).
digest_pinned := {name |
	some name, image in images
	contains(image, "@")
	parts := split(image, "@")
	digest := parts[count(parts) - 1]
	substring(digest, 0, 7) in {"sha256:", "sha512:"}
	hex := substring(digest, 7, -1)
	hex != ""
	trim(hex, "0123456789abcdefABCDEF") == ""
}

# --- Databases -----------------------------------------------------------------------------------

# Image names (last repository component) of database servers.
database_images := {
	"arangodb", "cassandra", "clickhouse", "clickhouse-server", "cockroach", "couchbase",
	"couchdb", "dragonfly", "elasticsearch", "elasticsearch-oss", "ferretdb", "influxdb",
	"keydb", "mariadb", "mariadb-galera", "memcached", "mongo", "mongodb",
	"mongodb-community-server", "mongodb-enterprise-server", "mysql", "mysql-cluster",
	"mysql-server", "neo4j", "opensearch", "percona", "percona-server",
	"percona-server-mongodb", "percona-xtradb-cluster", "pgvector", "postgis", "postgres",
	"postgresql", "postgresql-repmgr", "questdb", "redis", "redis-cluster", "redis-stack",
	"redis-stack-server", "rethinkdb", "scylla", "surrealdb", "timescaledb", "timescaledb-ha",
	"valkey", "valkey-cluster", "yugabyte",
}

# Repositories whose last component alone says nothing ("server").
database_repositories := {"mssql/server", "mssql/rhel/server"}

# Container ports database servers listen on (the list `host.service-exposed` uses too).
database_ports := {port | some port, _ in port_lists.database}

is_database_image(image) if image_name(image) in database_images

is_database_image(image) if image_repository(image) in database_repositories

# The service runs a database server, going by its image.
is_database(svc) if is_database_image(svc.image)

# The port item is a database's: the service's image is a database, or the container port is a
# well-known database port.
is_database_port(svc, port) if is_database(svc)

is_database_port(_, port) if port.target in database_ports

# The services that run a database server (is_database).
database_services := by_name | by_repository if {
	known_images := database_images
	known_repositories := database_repositories
	by_name := {name | some name, image in image_names; image in known_images}
	by_repository := {name | some name, repository in _repositories; repository in known_repositories}
}

# --- Reverse proxies and socket proxies ----------------------------------------------------------

reverse_proxy_images := {
	"apisix", "bunkerweb", "caddy", "caddy-docker-proxy", "envoy", "envoy-distroless",
	"haproxy", "haproxy-alpine", "haproxy-debian", "haproxy-ubuntu", "kong",
	"nginx-proxy", "nginx-proxy-manager", "pomerium", "sozu", "swag", "traefik", "zoraxy",
}

reverse_proxy_repositories := {"linuxserver/letsencrypt"}

is_reverse_proxy_image(image) if image_name(image) in reverse_proxy_images

is_reverse_proxy_image(image) if image_repository(image) in reverse_proxy_repositories

# The service is a reverse proxy (traefik, caddy, haproxy, nginx-proxy-manager, ...).
is_reverse_proxy(svc) if is_reverse_proxy_image(svc.image)

# Images that filter the Docker API (tecnativa/docker-socket-proxy, linuxserver/socket-proxy,
# wollomatic/socket-proxy, ...).
socket_proxy_images := {"docker-socket-proxy", "dockerproxy", "socket-proxy"}

is_socket_proxy_image(image) if image_name(image) in socket_proxy_images

is_socket_proxy(svc) if is_socket_proxy_image(svc.image)

# The services that are reverse proxies (is_reverse_proxy).
reverse_proxy_services := by_name | by_repository if {
	known_images := reverse_proxy_images
	known_repositories := reverse_proxy_repositories
	by_name := {name | some name, image in image_names; image in known_images}
	by_repository := {name | some name, repository in _repositories; repository in known_repositories}
}

# The services that are socket proxies (is_socket_proxy).
socket_proxy_services := {name | some name, image in image_names; image in known_images} if {
	known_images := socket_proxy_images
}

# --- The Docker API ------------------------------------------------------------------------------

# Container ports of the Docker Engine API (2375, 2376).
docker_api_ports := {port | some port, _ in port_lists.docker_api}

# The published ports that serve the Docker API, by service name: a set of item indexes (empty for
# a service with none). Those are 2375 and 2376 (or a range holding one), and every port of a
# socket proxy, which serves nothing else.
docker_api_published := {name: {i | some i, port in ports; _serves_docker_api(name, port, proxies, api)} |
	some name, ports in published_ports
} if {
	proxies := socket_proxy_services
	api := docker_api_ports
}

_serves_docker_api(name, _, proxies, _) if name in proxies

_serves_docker_api(_, port, _, api) if port.target in api

_serves_docker_api(_, port, _, api) if {
	is_string(port.target)
	bounds := split(port.target, "-")
	some p in api
	to_number(bounds[0]) <= p
	p <= to_number(bounds[1])
}

# --- Host paths ----------------------------------------------------------------------------------

# An absolute host path as the kernel resolves it, without following links: repeated slashes,
# `.` and trailing slashes removed, `..` applied ("/var/./run/" is "/var/run", "/etc/.." and "//"
# are "/"). Undefined for a relative path or a value that is not a string.
host_path(source) := path if {
	is_string(source)
	startswith(source, "/")
	segments := [seg | some seg in split(source, "/"); not seg in {"", "."}]
	path := concat("", ["/", concat("/", _resolve(segments))])
}

_resolve(segments) := segments if {
	not ".." in segments
} else := [seg |
	some j, seg in segments
	seg != ".."
	not _popped(segments, j)
]

# The name at `j` is removed by a later `..`: counting names as +1 and `..` as -1 from `j` on, the
# sum falls to 0 (a `..` above the root does nothing, as in the kernel).
_popped(segments, j) if {
	n := count(segments)
	j + 1 < n
	some k in numbers.range(j + 1, n - 1)
	count([i | some i in numbers.range(j, k); segments[i] != ".."]) <= count([i | some i in numbers.range(j, k); segments[i] == ".."])
}

# --- Host addresses ------------------------------------------------------------------------------

# `s` is an IPv4 or IPv6 address (so the net builtins will not raise an error on it).
is_ip(s) if {
	is_string(s)
	net.cidr_is_valid(sprintf("%s/0", [s]))
}

_loopback_cidrs := ["127.0.0.0/8", "::1/128", "::ffff:127.0.0.0/104"]

is_loopback(address) if {
	is_ip(address)
	some cidr in _loopback_cidrs
	net.cidr_contains(cidr, address)
}

is_loopback(address) if address == "localhost"

# `data.vigie.config.vpn_cidrs`, the networks only the operator's VPN reaches.
vpn_cidrs := data.vigie.config.vpn_cidrs if {
	is_array(data.vigie.config.vpn_cidrs)
} else := ["100.64.0.0/10"]

is_vpn(address) if {
	is_ip(address)
	some cidr in vpn_cidrs
	net.cidr_is_valid(cidr)
	net.cidr_contains(cidr, address)
}

# A host address reachable from this host or the VPN only.
is_private_address(address) if is_loopback(address)

is_private_address(address) if is_vpn(address)

# --- Ports ---------------------------------------------------------------------------------------

# A normalized port item: an object with a numeric `target`, or a port range too large to expand
# ("10000-20000"). An unknown `${VAR:?}` item or an unparsable one is not one.
is_port(port) if {
	is_object(port)
	_is_target(port.target)
}

_is_target(target) if is_number(target)
else if {
	is_string(target)
	regex.match(`^[0-9]+-[0-9]+$`, target)
}

_all_interfaces := {"", "0.0.0.0", "::", "[::]"}

# The port listens on every host interface: `host_ip` absent, empty, `0.0.0.0` or `::`.
binds_all_interfaces(port) if {
	is_port(port)
	_binds_all_interfaces(port)
}

_binds_all_interfaces(port) if object.get(port, "host_ip", null) == null
else if {
	is_string(port.host_ip)
	trim_space(port.host_ip) in _all_interfaces
}

# The host address a port is bound to, when it is a specific one ("[::1]" is "::1").
host_address(port) := address if {
	is_port(port)
	is_string(port.host_ip)
	not binds_all_interfaces(port)
	address := trim_suffix(trim_prefix(trim_space(port.host_ip), "["), "]")
}

# The port can be reached from beyond this host and the VPN: all interfaces, or a specific
# address that is neither loopback nor in `vpn_cidrs` (a LAN or public address).
is_exposed(port) if binds_all_interfaces(port)

is_exposed(port) if {
	address := host_address(port)
	not is_private_address(address)
}

# The port's protocol, tcp when absent.
protocol(port) := lower(port.protocol) if {
	is_port(port)
	is_string(port.protocol)
} else := "tcp" if is_port(port)

# "8080:80", or "80" for an ephemeral host port, as compose writes it.
port_text(port) := _port_text(port) if is_port(port)

_port_text(port) := sprintf("%v:%v", [port.published, port.target]) if {
	port.published != null
	port.published != ""
} else := sprintf("%v", [port.target])

# Where a port listens: "all interfaces" or "192.168.1.10".
bind_text(port) := "all interfaces" if binds_all_interfaces(port)

else := host_address(port)

# Every item of a service's `ports` that is a port (is_port), by service name and index.
published_ports := {name: ports |
	some name, svc in services
	is_array(svc.ports)
	ports := {i: port | some i, port in svc.ports; _is_target(port.target)}
}

# The published ports that listen on every host interface (binds_all_interfaces).
all_interfaces_ports := {name: {i: port | some i, port in ports; _binds_all_interfaces(port)} |
	some name, ports in published_ports
}

# Each published port as compose writes it (port_text).
port_texts := {name: {i: _port_text(port) | some i, port in ports} |
	some name, ports in published_ports
}
