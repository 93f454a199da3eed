package vigie.rules.terraform.state_backend_insecure

import rego.v1

backend(body) := {"kind": "terraform", "path": "infra", "doc": {"terraform": [{"backend": {"s3": [body]}}]}, "origins": {}}

base := {"bucket": "tfstate", "key": "x.tfstate", "region": "us-east-1"}

test_missing_encrypt_points_at_the_backend if {
	findings := deny with input as backend(base)
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "backend", "s3", 0]
}

test_encrypt_false_points_at_the_argument if {
	findings := deny with input as backend(object.union(base, {"encrypt": false}))
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "backend", "s3", 0, "encrypt"]
}

test_encrypt_true_is_allowed if {
	count(deny) == 0 with input as backend(object.union(base, {"encrypt": true}))
	count(deny) == 0 with input as backend(object.union(base, {"encrypt": "true"}))
}

test_unknown_encrypt_is_not_guessed if {
	count(deny) == 0 with input as backend(object.union(base, {"encrypt": {"unknown": "var.encrypt"}}))
}

test_http_endpoints_are_denied if {
	findings := deny with input as backend(object.union(base, {"encrypt": true, "endpoints": {"s3": "http://nas.lan:9000", "sts": "https://sts.example"}}))
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "backend", "s3", 0, "endpoints", "s3"]
	contains(f.msg, "http://nas.lan:9000")
}

test_legacy_http_endpoint_is_denied if {
	findings := deny with input as backend(object.union(base, {"encrypt": true, "endpoint": "HTTP://minio:9000"}))
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "backend", "s3", 0, "endpoint"]
}

test_https_endpoint_is_allowed if {
	count(deny) == 0 with input as backend(object.union(base, {"encrypt": true, "endpoints": {"s3": "https://minio.lan"}}))
}

test_other_backends_are_ignored if {
	count(deny) == 0 with input as {"kind": "terraform", "doc": {"terraform": [{"backend": {"gcs": [{"bucket": "x"}]}}]}, "origins": {}}
}

test_json_single_object_backend if {
	findings := deny with input as {"kind": "terraform", "doc": {"terraform": [{"backend": {"s3": base}}]}, "origins": {}}
	count(findings) == 1
	some f in findings
	f.path == ["terraform", 0, "backend", "s3"]
}
