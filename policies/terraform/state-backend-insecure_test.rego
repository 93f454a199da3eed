package vigie.rules.terraform.state_backend_insecure

import rego.v1

_input(doc) := {"kind": "terraform", "path": "infra", "doc": doc, "origins": {}}

_s3(body) := _input({"terraform": [{"backend": {"s3": [body]}}]})

_paths(findings) := {f.path | some f in findings}

_msgs(findings) := {f.msg | some f in findings}

_good := {"bucket": "tf", "key": "lab.tfstate", "region": "us-east-1", "encrypt": true, "endpoints": {"s3": "https://s3.home.example.com"}}

# --- encrypt -------------------------------------------------------------------------------------

test_missing_encrypt_points_at_the_backend_block if {
	findings := deny with input as _s3({"bucket": "tf", "key": "lab.tfstate"})
	_paths(findings) == {["terraform", 0, "backend", "s3", 0]}
	_msgs(findings) == {`backend "s3" stores the state unencrypted: encrypt = true is missing`}
}

test_encrypt_false_points_at_the_argument if {
	findings := deny with input as _s3({"bucket": "tf", "encrypt": false})
	_paths(findings) == {["terraform", 0, "backend", "s3", 0, "encrypt"]}
	count(deny) == 1 with input as _s3({"bucket": "tf", "encrypt": "false"})
}

test_encrypt_true_or_unknown_is_allowed if {
	count(deny) == 0 with input as _s3(_good)
	count(deny) == 0 with input as _s3({"bucket": "tf", "encrypt": "true"})
	count(deny) == 0 with input as _s3({"bucket": "tf", "encrypt": {"unknown": "var.encrypt"}})
}

test_opentofu_client_side_encryption_replaces_encrypt if {
	doc := {"terraform": [{
		"encryption": [{"key_provider": {"pbkdf2": {"main": [{"passphrase": {"unknown": "var.passphrase"}}]}}}],
		"backend": {"s3": [{"bucket": "tf", "encrypt": false}]},
	}]}
	count(deny) == 0 with input as _input(doc)
}

test_tf_json_single_object_backend if {
	findings := deny with input as _input({"terraform": {"backend": {"s3": {"bucket": "tf"}}}})
	_paths(findings) == {["terraform", 0, "backend", "s3"]}
}

test_second_terraform_block if {
	findings := deny with input as _input({"terraform": [{"required_version": ">= 1.6"}, {"backend": {"s3": [{"bucket": "tf"}]}}]})
	_paths(findings) == {["terraform", 1, "backend", "s3", 0]}
}

# --- endpoints -----------------------------------------------------------------------------------

test_minio_over_http_endpoints_object if {
	findings := deny with input as _s3(object.union(_good, {"endpoints": {"s3": "http://minio.lan:9000", "sts": "http://minio.lan:9000", "iam": "https://minio.lan"}}))
	_paths(findings) == {
		["terraform", 0, "backend", "s3", 0, "endpoints", "s3"],
		["terraform", 0, "backend", "s3", 0, "endpoints", "sts"],
	}
	`backend "s3" sends the state and its credentials over plain HTTP (endpoints.s3 is an http:// URL)` in _msgs(findings)
}

test_older_endpoint_arguments if {
	findings := deny with input as _s3({
		"bucket": "tf", "encrypt": true,
		"endpoint": "HTTP://192.168.1.20:9000",
		"sts_endpoint": "http://192.168.1.20:9000",
		"iam_endpoint": "https://192.168.1.20:9000",
		"force_path_style": true,
	})
	_paths(findings) == {
		["terraform", 0, "backend", "s3", 0, "endpoint"],
		["terraform", 0, "backend", "s3", 0, "sts_endpoint"],
	}
}

test_https_loopback_unknown_and_missing_endpoints_are_allowed if {
	count(deny) == 0 with input as _s3(object.union(_good, {"endpoints": {"s3": "http://localhost:9000", "sts": "http://127.0.0.1:9000"}}))
	count(deny) == 0 with input as _s3(object.union(_good, {"endpoint": {"unknown": "var.s3_endpoint"}, "endpoints": {"unknown": "var.endpoints"}}))
	count(deny) == 0 with input as _s3(object.union(_good, {"endpoint": "minio.lan:9000"}))
	count(deny) == 0 with input as _s3({"bucket": "tf", "encrypt": true})
}

test_endpoint_from_variable_points_at_the_argument if {
	inp := {
		"kind": "terraform",
		"doc": {"terraform": [{"backend": {"s3": [{"bucket": "tf", "encrypt": true, "endpoints": {"s3": "http://minio.lan:9000"}}]}}]},
		"origins": {"terraform/0/backend/s3/0/endpoints": {"from": "local", "name": "endpoints"}},
	}
	findings := deny with input as inp
	_paths(findings) == {["terraform", 0, "backend", "s3", 0, "endpoints", "s3"]}
}

# --- http backend --------------------------------------------------------------------------------

test_http_backend_over_http if {
	findings := deny with input as _input({"terraform": [{"backend": {"http": [{
		"address": "http://gitlab.lan/api/v4/projects/1/terraform/state/lab",
		"lock_address": "http://gitlab.lan/api/v4/projects/1/terraform/state/lab/lock",
		"unlock_address": "https://gitlab.lan/api/v4/projects/1/terraform/state/lab/lock",
	}]}}]})
	_paths(findings) == {
		["terraform", 0, "backend", "http", 0, "address"],
		["terraform", 0, "backend", "http", 0, "lock_address"],
	}
}

test_http_backend_skip_cert_verification if {
	findings := deny with input as _input({"terraform": [{"backend": {"http": [{"address": "https://gitlab.lan/state", "skip_cert_verification": true}]}}]})
	_paths(findings) == {["terraform", 0, "backend", "http", 0, "skip_cert_verification"]}
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"http": [{"address": "https://gitlab.lan/state", "skip_cert_verification": false}]}}]})
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"http": [{"address": "http://127.0.0.1:8080/state"}]}}]})
}

# --- Others --------------------------------------------------------------------------------------

test_other_backends_are_not_read if {
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"local": [{}], "pg": [{"conn_str": "postgres://db/tf?sslmode=disable"}]}}]})
	count(deny) == 0 with input as _input({"terraform": [{"cloud": [{"organization": "home"}]}]})
}

test_odd_shapes_are_skipped if {
	count(deny) == 0 with input as _input({"terraform": [{"backend": {"s3": ["x", null]}}]})
	count(deny) == 0 with input as _input({"terraform": [{"backend": "s3"}]})
	count(deny) == 0 with input as _input({"terraform": "x"})
	count(deny) == 0 with input as _s3(object.union(_good, {"endpoints": "http://minio.lan", "endpoint": 9000}))
}
