package vigie.rules.traefik.api_insecure

import rego.v1

traefik(static) := {"kind": "traefik", "path": "traefik.yml", "doc": {"static": static}, "origins": {}}

test_insecure_api_is_denied if {
	findings := deny with input as traefik({"api": {"insecure": true}})
	count(findings) == 1
	some f in findings
	f.path == ["static", "api", "insecure"]
}

test_secure_api_is_allowed if {
	count(deny) == 0 with input as traefik({"api": {"insecure": false, "dashboard": true}})
	count(deny) == 0 with input as traefik({"api": {}})
	count(deny) == 0 with input as traefik({})
	count(deny) == 0 with input as traefik({"api": {"insecure": {"unknown": "${X}"}}})
}
