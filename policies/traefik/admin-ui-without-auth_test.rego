package vigie.rules.traefik.admin_ui_without_auth

import rego.v1

project(hosts, upstreams) := {
	"kind": "project",
	"documents": [],
	"services": [],
	"routes": [
		{
			"source": "caddy",
			"name": "portainer.example.com",
			"hosts": ["portainer.example.com"],
			"upstreams": [up("portainer:9000", "portainer", "9000", [])],
		},
		{
			"source": "traefik",
			"file": "compose.yaml",
			"name": "admin@docker",
			"hosts": hosts,
			"tls": true,
			"upstreams": upstreams,
		},
	],
}

up(address, host, port, auth) := {"address": address, "host": host, "port": port, "auth": auth, "service": null}

portainer := {"index": 0, "file": "compose.yaml", "name": "app", "image": "portainer/portainer-ce:2.21"}

test_admin_ui_by_the_labelled_containers_image_is_denied if {
	u := object.union(up("app-stack@docker", "app", "9000", []), {"service": portainer})
	findings := deny with input as project(["admin.example.com"], [u])
	count(findings) == 1
	some f in findings
	f.path == ["routes", 1, "upstreams", 0]
	f.msg == "router admin@docker sends requests to app-stack@docker (compose service app in compose.yaml, image portainer/portainer-ce:2.21), Portainer, with no forwardAuth, basicAuth or digestAuth middleware"
}

test_admin_ui_by_server_url_is_denied if {
	count(deny) == 1 with input as project(["pve.example.com"], [up("https://10.0.0.5:8006", "10.0.0.5", "8006", [])])
	count(deny) == 1 with input as project(["db.example.com"], [up("http://pgadmin:80", "pgadmin", "80", [])])
}

test_authentication_in_the_chain_is_allowed if {
	u := object.union(up("app-stack@docker", "app", "9000", ["forward_auth"]), {"service": portainer})
	count(deny) == 0 with input as project(["admin.example.com"], [u])
	count(deny) == 0 with input as project(["pve.example.com"], [up("https://10.0.0.5:8006", "10.0.0.5", "8006", ["basic_auth"])])
	count(deny) == 0 with input as project(["pve.example.com"], [up("https://10.0.0.5:8006", "10.0.0.5", "8006", ["unknown"])])
}

test_other_upstreams_and_local_hosts_are_allowed if {
	count(deny) == 0 with input as project(["cloud.example.com"], [up("http://nextcloud:80", "nextcloud", "80", [])])
	u := object.union(up("app-stack@docker", "app", "80", []), {"service": object.union(portainer, {"image": "nextcloud:29"})})
	count(deny) == 0 with input as project(["cloud.example.com"], [u])
	count(deny) == 0 with input as project(["portainer.localhost"], [up("http://portainer:9000", "portainer", "9000", [])])
}
