package vigie.rules.traefik.exposed_by_default

import rego.v1

traefik(providers) := {"kind": "traefik", "path": "traefik.yml", "doc": {"static": {"providers": providers}}, "origins": {}}

test_docker_provider_with_defaults_is_denied if {
	findings := deny with input as traefik({"docker": {}})
	count(findings) == 1
	some f in findings
	f.path == ["static", "providers", "docker"]
}

test_explicit_true_points_at_the_option if {
	findings := deny with input as traefik({"swarm": {"exposedbydefault": true}})
	some f in findings
	f.path == ["static", "providers", "swarm", "exposedbydefault"]
}

test_false_and_other_providers_are_allowed if {
	count(deny) == 0 with input as traefik({"docker": {"exposedbydefault": false}})
	count(deny) == 0 with input as traefik({"file": {"directory": "/d"}})
	count(deny) == 0 with input as traefik({"docker": {"exposedbydefault": {"unknown": "${X}"}}})
}
