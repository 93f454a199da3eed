package vigie.lib.project

import rego.v1

test_image_repo if {
	image_repo("portainer/portainer-ce:2.19") == "portainer/portainer-ce"
	image_repo("docker.io/library/adminer:4") == "adminer"
	image_repo("ghcr.io/Org/App@sha256:abc") == "org/app"
	image_repo("localhost:5000/dpage/pgadmin4:8") == "dpage/pgadmin4"
	image_repo("phpmyadmin") == "phpmyadmin"
	not image_repo({"unknown": "${IMAGE}"})
}

test_admin_ui_by_name_port_and_image if {
	admin_ui({"host": "stack_pgadmin_1", "port": "80"}) == {{"ui": "pgAdmin", "by": "name"}}
	admin_ui({"host": "10.0.0.5", "port": "8006"}) == {{"ui": "Proxmox VE", "by": "port"}}
	admin_ui({"host": "app", "port": "9000", "service": {"image": "portainer/portainer-ce:2.19"}}) == {{"ui": "Portainer", "by": "image"}}
	admin_ui({"host": "proxy", "port": "8080", "service": {"image": "traefik:v3"}}) == {{"ui": "the Traefik dashboard", "by": "image"}}
	count(admin_ui({"host": "proxy", "port": "443", "service": {"image": "traefik:v3"}})) == 0
	count(admin_ui({"host": "sportainer", "port": "80", "service": null})) == 0
}

test_local_only if {
	local_only({"hosts": ["localhost", "127.0.0.1"]})
	not local_only({"hosts": ["localhost", "example.com"]})
	not local_only({"hosts": []})
}

test_service_note if {
	service_note({"service": {"name": "app", "file": "compose.yaml", "image": "x"}}) == " (compose service app in compose.yaml, image x)"
	service_note({"service": null}) == ""
}
