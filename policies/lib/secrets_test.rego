package vigie.lib.secrets

import rego.v1

# --- Names ---------------------------------------------------------------------------------------

test_names_by_their_last_word if {
	every n in [
		"PASSWORD", "DB_PASSWORD", "MYSQL_ROOT_PASSWD", "SMTP_PASS", "MYSQL_PWD", "WIFI_PSK",
		"GITHUB_TOKEN", "SECRET_TOKEN", "JWT_SECRET", "OIDC_CLIENT_SECRET", "APIKEY", "SONARR__APIKEY",
		"TS_AUTHKEY", "dbPassword", "auth.rootPassword", "cipassword", "pm_api_token_secret",
		"password_wo", "DB_PASSWORD_2",
	] {
		name(n)
	}
}

test_key_pairs_anywhere if {
	every n in ["API_KEY", "OPENAI_API_KEY", "SECRET_KEY", "SECRET_KEY_BASE", "PRIVATE_KEY", "AWS_SECRET_ACCESS_KEY", "key_material"] {
		name(n)
	}
}

# linuxserver.io and real-world compose files: `SECRET_` in front of an unrelated word.
test_secret_prefix_on_an_unrelated_word if {
	every n in ["SECRET_LOCAL_HOSTNAME", "SECRET_FORCED_LANGUAGE", "PASSWORD_POLICY", "TOKEN_URL", "PASSTHROUGH"] {
		not name(n)
	}
}

test_file_conventions if {
	every n in ["POSTGRES_PASSWORD_FILE", "FILE__MYSQL_ROOT_PASSWORD", "file__db_pass", "api_key_file"] {
		not name(n)
	}
}

test_qualifiers_and_public_things if {
	every n in [
		"PWD", "KEY", "PUBLIC_KEY", "SSH_KEY", "PRIMARY_KEY", "AWS_ACCESS_KEY_ID", "PASSWORD_MIN_LENGTH",
		"ADMIN_PASSWORD_HASH", "password_wo_version", "existingSecret", "POSTGRES_USER", "WO", "2",
	] {
		not name(n)
	}
}

test_non_strings_are_no_names if {
	not name(1)
	not name(null)
	not name("")
}

# --- Values --------------------------------------------------------------------------------------

test_literals if {
	every v in ["hunter2", "s3cr3t value", "/not a path", "+/base64/like==", "x"] {
		literal(v)
	}
}

test_paths_are_not_literals if {
	every v in ["/run/secrets/db-password", "/run/secrets/x", "~/.config/token", "/etc/app/key.pem"] {
		not literal(v)
	}
}

test_placeholders_flags_and_empty_are_not_literals if {
	every v in ["", "  ", "changeme", "CHANGEME", "xxx", "XXXXXXXX", "****", "<your token>", "${DB_PASSWORD}", "{{ vault_pw }}", "your-api-key-here", "yes", "0", "True"] {
		not literal(v)
	}
	not literal(null)
	not literal(12)
	not literal({"unknown": "${X:?}"})
}

test_words_holds_every_list if {
	words.suffixes == suffixes
	words.qualifiers == qualifiers
	"PASS" in words.abbreviations
}
