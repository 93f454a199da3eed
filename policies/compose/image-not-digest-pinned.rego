# METADATA
# title: Image pinned by tag only, without a digest
# description: >-
#   A version tag is a label the publisher (or anyone who compromises the registry account) can
#   move to a different image at any time. Without a digest the same compose file can run
#   different code on two hosts or after a re-pull, and a re-pushed tag is pulled without warning.
#   A digest names the exact image content.
# related_resources:
#   - ref: https://docs.docker.com/reference/compose-file/services/#image
#   - ref: https://docs.docker.com/dhi/core-concepts/digests/
# custom:
#   id: compose.image-not-digest-pinned
#   severity: low
#   remediation: |-
#     Append the image digest to the tag (keep the tag for readability; the digest wins), and let
#     Renovate or Dependabot update both:
#
#     ```yaml
#     services:
#       db:
#         image: postgres:16.4@sha256:<digest from `docker buildx imagetools inspect postgres:16.4`>
#     ```
#   fix: none
package vigie.rules.compose.image_not_digest_pinned

import data.vigie.lib.compose as lib
import rego.v1

deny contains finding if {
	digest_pinned := lib.digest_pinned # looked up once, not per service
	some name, tag in lib.image_tags
	tag != "latest" # compose.image-not-pinned reports that one
	not name in digest_pinned
	finding := {
		"msg": sprintf("service %q uses image %q by tag only, without a digest", [name, lib.images[name]]),
		"path": ["services", name, "image"],
	}
}
