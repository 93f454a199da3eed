package vigie.rules.compose.secret_in_environment

import rego.v1

_doc(services) := {"kind": "compose", "doc": {"services": services}, "origins": {}}

_env(env) := _doc({"db": {"image": "postgres:16", "environment": env}})

test_literal_password_is_denied if {
	findings := deny with input as _env({"POSTGRES_PASSWORD": "hunter2", "POSTGRES_USER": "app"})
	count(findings) == 1
	some f in findings
	f.path == ["services", "db", "environment", "POSTGRES_PASSWORD"]
	f.msg == `service "db" sets POSTGRES_PASSWORD to a literal value`
}

test_message_never_contains_the_value if {
	findings := deny with input as _env({"API_TOKEN": "s3cr3t-value", "DB_PASSWORD": "hunter2"})
	count(findings) == 2
	every f in findings {
		not contains(f.msg, "s3cr3t-value")
		not contains(f.msg, "hunter2")
	}
}

test_secret_names_are_recognised if {
	names := [
		"PASSWORD", "db_password", "MYSQL_ROOT_PASSWD", "SSH_PASSPHRASE", "SECRET_KEY_BASE",
		"JWT_SECRET", "GITHUB_TOKEN", "CF_API_TOKEN", "OPENAI_API_KEY", "APIKEY", "SONARR__APIKEY",
		"SSH_PRIVATE_KEY", "MINIO_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "OIDC_CLIENT_SECRET",
		"SMTP_PASS", "MYSQL_PWD", "APP_KEY", "dbPassword", "TS_AUTHKEY", "ENCRYPTION_KEY",
	]
	every n in names {
		secret_name(n)
	}
}

test_other_names_are_not_secrets if {
	names := [
		"POSTGRES_USER", "PWD", "TZ", "PUID", "OPENAI_MAX_TOKENS", "TOKENIZER", "PASSTHROUGH",
		"POSTGRES_PASSWORD_FILE", "AWS_ACCESS_KEY_ID", "JWT_TOKEN_EXPIRY", "PASSWORD_MIN_LENGTH",
		"SECRET_PATH", "TOKEN_URL", "KEYCLOAK_CLIENT_ID", "PRIMARY_KEY", "KEY", "PASSWORD_ITERATIONS",
		"ADMIN_PASSWORD_HASH", "TOKEN_TTL",
	]
	every n in names {
		not secret_name(n)
	}
}

test_file_variants_are_allowed if {
	count(deny) == 0 with input as _env({"POSTGRES_PASSWORD_FILE": "/run/secrets/db_password", "api_key_file": "/run/secrets/key"})
}

test_interpolated_values_are_allowed if {
	inp := {
		"kind": "compose",
		"doc": {"services": {"db": {"image": "postgres:16", "environment": {"POSTGRES_PASSWORD": "from-dotenv"}}}},
		"origins": {"services/db/environment/POSTGRES_PASSWORD": {"from": "env", "name": "PG_PASS"}},
	}
	count(deny) == 0 with input as inp
}

# `${ADMIN_TOKEN:-fallback}`: the default is written in the compose file.
test_literal_default_of_an_interpolation_is_denied if {
	inp := {
		"kind": "compose",
		"doc": {"services": {"db": {"image": "postgres:16", "environment": {"ADMIN_TOKEN": "fallback", "DB_PASSWORD": "changeme"}}}},
		"origins": {
			"services/db/environment/ADMIN_TOKEN": {"from": "default"},
			"services/db/environment/DB_PASSWORD": {"from": "default"},
		},
	}
	findings := deny with input as inp
	{f.path | some f in findings} == {["services", "db", "environment", "ADMIN_TOKEN"]}
}

# `RELAY: ${RELAY_PASSWORD-s3cr3t}`: the variable says secret.
test_literal_default_of_a_secret_variable_is_denied if {
	inp := {
		"kind": "compose",
		"doc": {"services": {"db": {"image": "postgres:16", "environment": {"RELAY": "s3cr3t", "HOST": "db.internal"}}}},
		"origins": {
			"services/db/environment/RELAY": {"from": "default", "name": "RELAY_PASSWORD"},
			"services/db/environment/HOST": {"from": "default", "name": "DB_HOST"},
		},
	}
	findings := deny with input as inp
	count(findings) == 1
	some f in findings
	f.path == ["services", "db", "environment", "RELAY"]
	f.msg == `service "db" sets RELAY to the literal default of variable RELAY_PASSWORD`
}

# Real-world names and values that are no secrets (linuxserver.io's FILE__ variables, paths).
test_conventions_are_not_secrets if {
	count(deny) == 0 with input as _env({
		"SECRET_LOCAL_HOSTNAME": "0.0.0.0",
		"SECRET_FORCED_LANGUAGE": "en",
		"FILE__MYSQL_ROOT_PASSWORD": "/run/secrets/mysql-root",
		"DATABASE_PASSWORD": "/run/secrets/db-password",
		"REDIS_PASSWORD": "changeme",
		"SMTP_TOKEN": "<your token>",
	})
}

test_origin_of_another_variable_does_not_hide_a_literal if {
	inp := {
		"kind": "compose",
		"doc": {"services": {"db": {"image": "postgres:16", "environment": {"POSTGRES_PASSWORD": "hunter2", "POSTGRES_DB": "app"}}}},
		"origins": {"services/db/environment/POSTGRES_DB": {"from": "env", "name": "DB"}},
	}
	count(deny) == 1 with input as inp
}

test_null_unknown_and_empty_values_are_allowed if {
	count(deny) == 0 with input as _env({
		"POSTGRES_PASSWORD": null,
		"REDIS_PASSWORD": {"unknown": "${REDIS_PASSWORD:?set it}"},
		"API_TOKEN": "",
		"SECRET_KEY": "   ",
	})
}

test_boolean_values_are_allowed if {
	count(deny) == 0 with input as _env({
		"MYSQL_ALLOW_EMPTY_PASSWORD": "yes",
		"MYSQL_RANDOM_ROOT_PASSWORD": "1",
		"DISABLE_PASSWORD": "true",
		"PASSWORD_LOGIN": "False",
		"REQUIRE_TOKEN": "no",
		"USE_SECRET": "0",
	})
}

test_each_service_is_denied if {
	count(deny) == 2 with input as _doc({
		"a": {"image": "x", "environment": {"DB_PASSWORD": "one"}},
		"b": {"image": "y", "environment": {"DB_PASSWORD": "two"}},
	})
}

test_unusual_values_are_skipped if {
	count(deny) == 0 with input as _doc({
		"a": {"image": "x", "environment": ["DB_PASSWORD=hunter2"]},
		"b": {"image": "x", "environment": "DB_PASSWORD=hunter2"},
		"c": null,
	})
	count(deny) == 0 with input as {"kind": "compose", "doc": {"services": null}, "origins": {}}
	count(deny) == 1 with input as {"kind": "compose", "doc": {"services": {"a": {"environment": {"DB_PASSWORD": "x"}}}}, "origins": null}
}
