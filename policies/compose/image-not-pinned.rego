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

import data.vigie.lib.compose as lib
import rego.v1

# lib.images holds the known (string) references, lib.image_tags their non-empty tags and
# lib.digest_pinned the services whose reference ends with a digest.

deny contains finding if {
	digest_pinned := lib.digest_pinned # looked up once, not per service
	tags := lib.image_tags
	some name, image in lib.images
	image != ""
	not name in digest_pinned
	not tags[name]
	finding := {
		"msg": sprintf("service %q uses image %q without a tag", [name, image]),
		"path": ["services", name, "image"],
	}
}

deny contains finding if {
	some name, tag in lib.image_tags
	tag == "latest"
	not name in lib.digest_pinned
	finding := {
		"msg": sprintf("service %q uses image %q with the mutable \"latest\" tag", [name, lib.images[name]]),
		"path": ["services", name, "image"],
	}
}
