package vigie.rules.traefik.tls_min_version_weak

import rego.v1

traefik(options) := {"kind": "traefik", "path": "dynamic.yml", "doc": {"tls": {"options": options}}, "origins": {}}

test_tls10_and_tls11_are_denied if {
	findings := deny with input as traefik({"default@file": {"minversion": "VersionTLS10"}})
	count(findings) == 1
	some f in findings
	f.path == ["tls", "options", "default@file", "minversion"]
	count(deny) == 1 with input as traefik({"old@docker": {"minversion": "VersionTLS11"}})
}

test_tls12_defaults_and_unknown_are_allowed if {
	count(deny) == 0 with input as traefik({"default@file": {"minversion": "VersionTLS12"}})
	count(deny) == 0 with input as traefik({"default@file": {"minversion": "VersionTLS13"}})
	count(deny) == 0 with input as traefik({"default@file": {"sniStrict": true}})
	count(deny) == 0 with input as traefik({"default@file": {"minversion": {"unknown": "${V}"}}})
}
