# METADATA
# title: Traefik exposes every container by default
# description: >-
#   The Docker (or Swarm) provider is enabled without `exposedByDefault: false`, so Traefik
#   creates a router for every container it can see — databases, admin tools, sidecars — whether
#   or not anyone meant to publish it, reachable at the default rule's host name. A container added
#   to the host later is published the moment it starts. With `exposedByDefault: false`, only
#   containers labelled `traefik.enable=true` are routed.
# related_resources:
#   - ref: https://doc.traefik.io/traefik/providers/docker/#exposedbydefault
# custom:
#   id: traefik.exposed-by-default
#   severity: medium
#   remediation: |-
#     Turn the default off and opt containers in with a label:
#
#     ```yaml
#     command:
#       - --providers.docker.exposedByDefault=false
#     # and on each published service:
#     labels:
#       - traefik.enable=true
#     ```
#   fix: none
package vigie.rules.traefik.exposed_by_default

import rego.v1

deny contains finding if {
	some provider in ["docker", "swarm"]
	p := input.doc.static.providers[provider]
	is_object(p)
	not p.exposedbydefault == false
	not _unknown(p.exposedbydefault)
	finding := {
		"msg": sprintf("the %s provider exposes every container by default (exposedByDefault is not false)", [provider]),
		"path": _path(provider, p),
	}
}

_unknown(v) if is_object(v)

_path(provider, p) := ["static", "providers", provider, "exposedbydefault"] if "exposedbydefault" in object.keys(p)

else := ["static", "providers", provider]
