package vigie.rules.traefik.dashboard_without_auth

import rego.v1

traefik(router) := {"kind": "traefik", "path": "traefik.yml", "doc": {"http": {"routers": {"dash@docker": router}}}, "origins": {}}

base := {"service": "api@internal", "upstreams": [{"service": "api@internal", "internal": "api"}], "chain": []}

test_dashboard_without_middleware_is_denied if {
	findings := deny with input as traefik(base)
	count(findings) == 1
	some f in findings
	f.path == ["http", "routers", "dash@docker", "service"]
}

test_non_auth_middlewares_do_not_count if {
	count(deny) == 1 with input as traefik(object.union(base, {"chain": [{"name": "h@file", "type": "headers"}]}))
}

test_auth_in_chain_is_allowed if {
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "c@file", "type": "chain"}, {"name": "a@file", "type": "forwardauth", "via": "c@file"}]}))
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "a@file", "type": "basicauth"}]}))
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "a@file", "type": "digestauth"}]}))
}

test_unseen_middleware_gets_the_benefit_of_the_doubt if {
	count(deny) == 0 with input as traefik(object.union(base, {"chain": [{"name": "auth@file", "type": "unknown", "defined": false}]}))
}

test_other_services_are_allowed if {
	count(deny) == 0 with input as traefik(object.union(base, {"upstreams": [{"service": "app@docker", "compose_service": "app"}]}))
}
