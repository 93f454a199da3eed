package vigie.rules.compose.image_not_pinned

import rego.v1

compose(services) := {"kind": "compose", "path": "compose.yaml", "doc": {"services": services}, "origins": {}}

img(image) := compose({"web": {"image": image}})

test_image_without_tag_is_denied if {
	findings := deny with input as img("nginx")
	count(findings) == 1
	some f in findings
	f.path == ["services", "web", "image"]
	f.msg == `service "web" uses image "nginx" without a tag`
}

test_latest_tag_is_denied if {
	findings := deny with input as img("ghcr.io/home-assistant/home-assistant:latest")
	count(findings) == 1
	some f in findings
	contains(f.msg, `"latest" tag`)
}

test_registry_port_is_not_a_tag if {
	count(deny) == 1 with input as img("registry.local:5000/team/app")
}

test_registry_port_with_latest_is_denied if {
	count(deny) == 1 with input as img("registry.local:5000/app:latest")
}

test_empty_tag_counts_as_no_tag if {
	# `nginx:${TAG}` with TAG unset resolves to `nginx:`.
	count(deny) == 1 with input as img("nginx:")
}

test_version_tag_is_allowed if {
	count(deny) == 0 with input as img("nginx:1.27")
}

test_version_tag_behind_registry_port_is_allowed if {
	count(deny) == 0 with input as img("registry.local:5000/app:2.4.1")
}

test_digest_makes_latest_fine if {
	count(deny) == 0 with input as img("nginx:latest@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a")
}

test_digest_without_tag_is_allowed if {
	count(deny) == 0 with input as img("nginx@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a")
}

test_build_only_service_is_skipped if {
	count(deny) == 0 with input as compose({"app": {"build": {"context": "."}}})
}

test_unknown_image_is_skipped if {
	count(deny) == 0 with input as img({"unknown": "${IMAGE:?set IMAGE}"})
}

test_latest_is_case_sensitive if {
	# `LATEST` is an ordinary tag for the registry; image-not-digest-pinned covers it.
	count(deny) == 0 with input as img("nginx:LATEST")
}

test_one_finding_per_offending_service if {
	findings := deny with input as compose({
		"a": {"image": "redis"},
		"b": {"image": "postgres:latest"},
		"c": {"image": "postgres:16.4"},
	})
	count(findings) == 2
}
