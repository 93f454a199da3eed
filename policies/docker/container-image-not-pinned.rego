# METADATA
# title: Container created from an untagged or latest image
# description: >-
#   A container created from `latest` or from a reference without a tag runs whatever the
#   registry served when the image was pulled: nobody can tell which version it is, the next pull
#   or host rebuild silently brings another one, and there is no known-good version to roll back
#   to. This rule reads the reference the container was created from (`Config.Image`), for every
#   container of the daemon, running or not.
# related_resources:
#   - ref: https://docs.docker.com/reference/cli/docker/image/tag/
#   - ref: https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
# custom:
#   id: docker.container-image-not-pinned
#   severity: high
#   remediation: |-
#     Pin the image to an explicit version, ideally with its digest, in the compose file (or
#     `docker run` line) the container is created from, and recreate the container:
#
#     ```yaml
#     services:
#       web:
#         image: nginx:1.27.3@sha256:<digest>
#     ```
#   fix: none
package vigie.rules.docker.container_image_not_pinned

import data.vigie.lib.docker as lib
import rego.v1

deny contains finding if {
	some i, c in lib.containers
	image := c.Config.Image
	is_string(image)
	image != ""
	not lib.digest_pinned(image)
	not lib.image_tag(image)
	not startswith(image, "sha256:")
	finding := {
		"msg": sprintf("container %q was created from image %q without a tag", [lib.name(c), image]),
		"path": ["containers", i, "Config", "Image"],
	}
}

deny contains finding if {
	some i, c in lib.containers
	image := c.Config.Image
	lib.image_tag(image) == "latest"
	not lib.digest_pinned(image)
	finding := {
		"msg": sprintf("container %q was created from image %q with the mutable \"latest\" tag", [lib.name(c), image]),
		"path": ["containers", i, "Config", "Image"],
	}
}
