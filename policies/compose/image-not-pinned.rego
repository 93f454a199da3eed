# METADATA
# title: Image has no tag or uses latest
# description: >-
#   An image without a tag means `latest`, and `latest` is whatever the registry serves at pull
#   time. Every `docker compose pull` or host rebuild can silently bring a new major version, a
#   broken release or a compromised image, and nobody can tell which version is actually running
#   or roll back to the one that worked.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#image
#   - ref: https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
# custom:
#   id: compose.image-not-pinned
#   severity: high
#   remediation: |-
#     Pin the image to an explicit version tag, ideally with its digest so the tag cannot be moved
#     under you, and update it deliberately (Renovate or Dependabot can keep both current):
#
#     ```yaml
#     services:
#       web:
#         image: nginx:1.27.3@sha256:<digest printed by `docker buildx imagetools inspect nginx:1.27.3`>
#     ```
#   fix: none
package vigie.rules.compose.image_not_pinned

import rego.v1

deny contains finding if {
	some name, svc in input.doc.services
	image := svc.image
	unpinned(image)
	not tag(image)
	finding := {
		"msg": sprintf("service %q uses image %q without a tag", [name, image]),
		"path": ["services", name, "image"],
	}
}

deny contains finding if {
	some name, svc in input.doc.services
	image := svc.image
	unpinned(image)
	tag(image) == "latest"
	finding := {
		"msg": sprintf("service %q uses image %q with the mutable \"latest\" tag", [name, image]),
		"path": ["services", name, "image"],
	}
}

# A known, non-empty image reference without a digest. Unknown values are objects and never match.
unpinned(image) if {
	is_string(image)
	image != ""
	not has_digest(image)
}

has_digest(image) if regex.match(`@sha(256|512):[0-9a-fA-F]+$`, image)

# The tag: after the last `:` of the last path segment (a registry port such as
# `registry.local:5000/app` is in an earlier segment). Undefined when there is none or it is empty.
tag(image) := t if {
	ref := split(image, "@")[0]
	segments := split(ref, "/")
	parts := split(segments[count(segments) - 1], ":")
	count(parts) > 1
	t := parts[count(parts) - 1]
	t != ""
}
