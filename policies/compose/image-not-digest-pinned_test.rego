package vigie.rules.compose.image_not_digest_pinned

import rego.v1

compose(services) := {"kind": "compose", "path": "compose.yaml", "doc": {"services": services}, "origins": {}}

img(image) := compose({"db": {"image": image}})

digest := "sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a"

test_version_tag_without_digest_is_denied if {
	findings := deny with input as img("postgres:16.4")
	count(findings) == 1
	some f in findings
	f.path == ["services", "db", "image"]
	f.msg == `service "db" uses image "postgres:16.4" by tag only, without a digest`
}

test_tag_behind_registry_port_is_denied if {
	count(deny) == 1 with input as img("registry.local:5000/team/app:2.4.1")
}

test_tag_with_digest_is_allowed if {
	count(deny) == 0 with input as img(sprintf("postgres:16.4@%s", [digest]))
}

test_digest_only_is_allowed if {
	count(deny) == 0 with input as img(sprintf("postgres@%s", [digest]))
}

test_latest_is_left_to_image_not_pinned if {
	count(deny) == 0 with input as img("postgres:latest")
}

test_no_tag_is_left_to_image_not_pinned if {
	count(deny) == 0 with input as img("postgres")
}

test_registry_port_alone_is_not_a_tag if {
	count(deny) == 0 with input as img("registry.local:5000/app")
}

test_build_only_service_is_skipped if {
	count(deny) == 0 with input as compose({"app": {"build": "."}})
}

test_unknown_image_is_skipped if {
	count(deny) == 0 with input as img({"unknown": "postgres:${PG_TAG:?}"})
}
