package vigie.rules.traefik.tls_verify_disabled

import rego.v1

traefik(doc) := {"kind": "traefik", "path": "traefik.yml", "doc": doc, "origins": {}}

test_static_transport_is_denied if {
	findings := deny with input as traefik({"static": {"serverstransport": {"insecureskipverify": true}}})
	count(findings) == 1
	some f in findings
	f.path == ["static", "serverstransport", "insecureskipverify"]
}

test_dynamic_transports_are_denied if {
	findings := deny with input as traefik({"http": {"serverstransports": {"pve@file": {"insecureskipverify": true}}}})
	some f in findings
	f.path == ["http", "serverstransports", "pve@file", "insecureskipverify"]
	count(deny) == 1 with input as traefik({"tcp": {"serverstransports": {"t@file": {"tls": {"insecureskipverify": true}}}}})
}

test_verification_is_allowed if {
	count(deny) == 0 with input as traefik({"static": {"serverstransport": {"insecureskipverify": false}}})
	count(deny) == 0 with input as traefik({"http": {"serverstransports": {"pve@file": {"rootcas": ["/ca.pem"]}}}})
}
