package vigie.lib.compose

import rego.v1

# --- Iteration -----------------------------------------------------------------------------------

test_services_skips_what_is_not_a_service if {
	svcs := services with input as {"doc": {"services": {"a": {"image": "x"}, "b": null, "c": "text"}}}
	object.keys(svcs) == {"a"}
}

test_services_of_a_file_without_services if {
	count(services) == 0 with input as {"doc": {"services": null}}
	count(services) == 0 with input as {"doc": {"services": ["a"]}}
	count(services) == 0 with input as {"doc": {}}
}

test_list if {
	list([1, 2]) == [1, 2]
	list("a") == []
	list(null) == []
	list({"a": 1}) == []
}

test_interpolated if {
	interpolated(["services", "db", "environment", "PW"]) with input as {"origins": {"services/db/environment/PW": {"from": "env", "name": "PW"}}}
	not interpolated(["services", "db", "environment", "PW"]) with input as {"origins": {}}
	origin_key(["services", "a", "ports", 0]) == "services/a/ports/0"
}

# --- Images --------------------------------------------------------------------------------------

test_image_repository if {
	image_repository("postgres") == "postgres"
	image_repository("postgres:16") == "postgres"
	image_repository("library/postgres:16") == "postgres"
	image_repository("docker.io/library/postgres:16-alpine") == "postgres"
	image_repository("ghcr.io/x/postgres:16@sha256:0123abcd") == "x/postgres"
	image_repository("registry.example.org:5000/team/app") == "team/app"
	image_repository("localhost/app:dev") == "app"
	image_repository("lscr.io/linuxserver/swag:latest") == "linuxserver/swag"
	image_repository("Tecnativa/Docker-Socket-Proxy") == "tecnativa/docker-socket-proxy"
	image_repository("mcr.microsoft.com/mssql/server:2022-latest") == "mssql/server"
	image_repository("redis@sha256:0123abcd") == "redis"
}

test_image_name if {
	image_name("ghcr.io/x/postgres:16@sha256:0123abcd") == "postgres"
	image_name("traefik:v3.1") == "traefik"
	image_name("docker.elastic.co/elasticsearch/elasticsearch:8.15.0") == "elasticsearch"
}

test_image_of_unusual_values_is_undefined if {
	not image_repository(5)
	not image_repository({"unknown": "${IMAGE:?}"})
	not image_repository("")
	not image_name(null)
}

# --- Databases -----------------------------------------------------------------------------------

test_is_database if {
	is_database({"image": "postgres:16"})
	is_database({"image": "bitnami/postgresql:16"})
	is_database({"image": "postgis/postgis:16-3.4"})
	is_database({"image": "docker.io/library/mariadb:11"})
	is_database({"image": "redis:7-alpine"})
	is_database({"image": "valkey/valkey:8"})
	is_database({"image": "mongo:7"})
	is_database({"image": "clickhouse/clickhouse-server:24"})
	is_database({"image": "mcr.microsoft.com/mssql/server:2022-latest"})
	is_database({"image": "docker.elastic.co/elasticsearch/elasticsearch:8.15.0"})
}

test_is_not_database if {
	not is_database({"image": "nextcloud:29"})
	not is_database({"image": "prometheuscommunity/postgres-exporter"})
	not is_database({"image": "mongo-express"})
	not is_database({"image": "rediscommander/redis-commander"})
	not is_database({"image": "dpage/pgadmin4"})
	not is_database({"build": "."})
	not is_database({"image": 5})
}

test_is_database_port if {
	is_database_port({"image": "postgres"}, {"target": 8080})
	is_database_port({"image": "my/app"}, {"target": 5432})
	not is_database_port({"image": "my/app"}, {"target": 8080})
	not is_database_port({"image": "my/app"}, {"target": "8000-9000"})
}

# --- Reverse proxies and socket proxies ----------------------------------------------------------

test_is_reverse_proxy if {
	is_reverse_proxy({"image": "traefik:v3.1"})
	is_reverse_proxy({"image": "caddy:2"})
	is_reverse_proxy({"image": "haproxy:3.0"})
	is_reverse_proxy({"image": "envoyproxy/envoy:v1.31-latest"})
	is_reverse_proxy({"image": "jc21/nginx-proxy-manager:latest"})
	is_reverse_proxy({"image": "nginxproxy/nginx-proxy"})
	is_reverse_proxy({"image": "jwilder/nginx-proxy"})
	is_reverse_proxy({"image": "lscr.io/linuxserver/swag"})
	not is_reverse_proxy({"image": "nginx:1.27"})
	not is_reverse_proxy({"image": "grafana/grafana"})
}

test_is_socket_proxy if {
	is_socket_proxy({"image": "tecnativa/docker-socket-proxy:0.2"})
	is_socket_proxy({"image": "ghcr.io/tecnativa/docker-socket-proxy"})
	is_socket_proxy({"image": "lscr.io/linuxserver/socket-proxy:latest"})
	is_socket_proxy({"image": "wollomatic/socket-proxy:1"})
	not is_socket_proxy({"image": "traefik"})
	not is_socket_proxy({"image": "portainer/portainer-ce"})
}

# --- Host addresses ------------------------------------------------------------------------------

test_is_ip if {
	is_ip("192.168.1.10")
	is_ip("::1")
	is_ip("fd7a:115c:a1e0::1")
	not is_ip("300.1.1.1")
	not is_ip("example.org")
	not is_ip("10.0.0.0/8")
	not is_ip(5)
}

test_is_loopback if {
	is_loopback("127.0.0.1")
	is_loopback("127.1.2.3")
	is_loopback("::1")
	is_loopback("::ffff:127.0.0.1")
	is_loopback("localhost")
	not is_loopback("0.0.0.0")
	not is_loopback("192.168.1.10")
	not is_loopback("::")
	not is_loopback("nonsense")
}

test_is_vpn_default_cidr if {
	is_vpn("100.101.102.103")
	not is_vpn("192.168.1.10")
	not is_vpn("nonsense")
}

test_is_vpn_configured_cidrs if {
	is_vpn("10.8.0.5") with data.vigie.config.vpn_cidrs as ["10.8.0.0/24", "fd7a:115c:a1e0::/48"]
	is_vpn("fd7a:115c:a1e0::5") with data.vigie.config.vpn_cidrs as ["10.8.0.0/24", "fd7a:115c:a1e0::/48"]
	not is_vpn("100.101.102.103") with data.vigie.config.vpn_cidrs as ["10.8.0.0/24"]
	not is_vpn("10.8.0.5") with data.vigie.config.vpn_cidrs as ["not a cidr"]
}

# --- Ports ---------------------------------------------------------------------------------------

test_binds_all_interfaces if {
	binds_all_interfaces({"target": 80})
	binds_all_interfaces({"target": 80, "host_ip": "0.0.0.0"})
	binds_all_interfaces({"target": 80, "host_ip": "::"})
	binds_all_interfaces({"target": 80, "host_ip": ""})
	binds_all_interfaces({"target": 80, "host_ip": null})
	not binds_all_interfaces({"target": 80, "host_ip": "127.0.0.1"})
	not binds_all_interfaces({"target": 80, "host_ip": {"unknown": "${IP:?}"}})
	not binds_all_interfaces({"unknown": "${PORT:?}"})
	not binds_all_interfaces("8080:80")
}

test_is_exposed if {
	is_exposed({"target": 5432})
	is_exposed({"target": 5432, "host_ip": "192.168.1.10"})
	is_exposed({"target": 5432, "host_ip": "0.0.0.0"})
	not is_exposed({"target": 5432, "host_ip": "127.0.0.1"})
	not is_exposed({"target": 5432, "host_ip": "[::1]"})
	not is_exposed({"target": 5432, "host_ip": "100.64.0.7"})
	not is_exposed({"target": 5432, "host_ip": {"unknown": "${IP:?}"}})
}

test_is_port if {
	is_port({"target": 80})
	is_port({"target": 10000, "published": "10000", "host_ip": "0.0.0.0"})
	is_port({"target": "10000-20000"})
	not is_port({"target": "abc"})
	not is_port({"published": "80"})
	not is_port({"unknown": "${PORT:?}"})
	not is_port("8080:80")
}

test_protocol if {
	protocol({"target": 53, "protocol": "UDP"}) == "udp"
	protocol({"target": 80}) == "tcp"
}

test_texts if {
	port_text({"target": 80, "published": "8080"}) == "8080:80"
	port_text({"target": 80}) == "80"
	bind_text({"target": 80}) == "all interfaces"
	bind_text({"target": 80, "host_ip": "192.168.1.10"}) == "192.168.1.10"
}

test_host_path if {
	host_path("/") == "/"
	host_path("//") == "/"
	host_path("/./") == "/"
	host_path("/etc/") == "/etc"
	host_path("/var//run/./docker.sock") == "/var/run/docker.sock"
	host_path("/etc/..") == "/"
	host_path("/../etc") == "/etc"
	host_path("/a/b/../../c/./d/..") == "/c"
	host_path("/a/../b/../c") == "/c"
	host_path("/a/b/c/../../..") == "/"
	host_path("/var/lib/docker/volumes/..") == "/var/lib/docker"
	not host_path("./data")
	not host_path("data")
	not host_path({"unknown": "${DIR:?}"})
}

test_docker_api_published if {
	published := docker_api_published with input as {"kind": "compose", "doc": {"services": {
		"dind": {"image": "docker:dind", "ports": [{"target": 80}, {"target": 2375}, {"target": 2376}, {"target": "2300-2400"}]},
		"proxy": {"image": "tecnativa/docker-socket-proxy", "ports": [{"target": 9999}]},
		"web": {"image": "nginx", "ports": [{"target": 80}, {"target": "3000-3005"}]},
	}}}
	published == {"dind": {1, 2, 3}, "proxy": {0}, "web": set()}
}
