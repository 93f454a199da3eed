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

import rego.v1

deny contains finding if {
	some name, svc in input.doc.services
	image := svc.image
	is_string(image)
	not has_digest(image)
	t := tag(image)
	t != "latest" # compose.image-not-pinned reports that one
	finding := {
		"msg": sprintf("service %q uses image %q by tag only, without a digest", [name, image]),
		"path": ["services", name, "image"],
	}
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
