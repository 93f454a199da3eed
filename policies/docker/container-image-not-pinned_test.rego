package vigie.rules.docker.container_image_not_pinned

import rego.v1

_input(images) := {"kind": "docker", "host": {"name": "h"}, "containers": [{"Name": "/c", "Config": {"Image": image}} | some image in images]}

test_untagged_image_is_denied if {
	findings := deny with input as _input(["nginx"])
	count(findings) == 1
	some f in findings
	f.path == ["containers", 0, "Config", "Image"]
	contains(f.msg, "without a tag")
}

test_latest_is_denied if {
	some f in deny with input as _input(["ghcr.io/x/app:latest"])
	contains(f.msg, "latest")
}

test_registry_port_is_not_a_tag if {
	count(deny) == 1 with input as _input(["registry.local:5000/app"])
}

test_pinned_images_are_allowed if {
	count(deny) == 0 with input as _input([
		"nginx:1.27",
		"registry.local:5000/app:2",
		"nginx@sha256:0123456789abcdef",
		"nginx:latest@sha256:0123456789abcdef",
		"sha256:bea64ba64a4f490c252a4a8b073114bb8964401895b7079531a5ed45803a7044",
	])
}

test_stopped_containers_count_too if {
	count(deny) == 1 with input as {"kind": "docker", "containers": [{"State": {"Status": "exited"}, "Config": {"Image": "nginx"}}]}
}

test_odd_shapes_are_ignored if {
	count(deny) == 0 with input as {"kind": "docker", "containers": [{"Config": {"Image": null}}, {"Config": null}, {"Config": {"Image": ""}}]}
}
