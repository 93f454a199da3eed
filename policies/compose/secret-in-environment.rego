# METADATA
# title: Secret written literally in the environment
# description: >-
#   A password, token or key written as a literal `environment` value lives in the compose file,
#   so it ends up in version control, backups and shared snippets, and anyone who can read the
#   file has it. It is also visible to anyone who can run `docker inspect`. Keeping secrets out of
#   the file lets the file be shared and the secret be rotated on its own.
# related_resources:
#   - ref: https://docs.docker.com/compose/how-tos/use-secrets/
#   - ref: https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
# custom:
#   id: compose.secret-in-environment
#   severity: high
#   remediation: |-
#     Rotate the secret (it has been in the file), then take it out of the compose file. Either
#     interpolate it from a `.env` file that is not committed (`chmod 600`, listed in
#     `.gitignore`), or better, use a compose secret and the image's `_FILE` variable when it has
#     one:
#
#     ```yaml
#     services:
#       db:
#         image: postgres:16
#         environment:
#           POSTGRES_PASSWORD_FILE: /run/secrets/db_password
#         secrets: [db_password]
#     secrets:
#       db_password:
#         file: ./secrets/db_password.txt
#     ```
#
#     or `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}` with the value in `.env`.
#   fix: none
#   secret: true
package vigie.rules.compose.secret_in_environment

import data.vigie.lib.compose as lib
import rego.v1

# Words that make a variable a secret when a name token ends with them (DB_PASSWORD, APITOKEN).
_secret_suffixes := {
	"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "APIKEY", "PRIVATEKEY",
	"ACCESSKEY", "SECRETKEY", "AUTHKEY",
}

# Abbreviations that count only as a whole token of a longer name (DB_PASS, MYSQL_PWD, not PWD).
_secret_abbreviations := {"PASS", "PWD", "PW"}

# `<word>_KEY` pairs that name a secret key (API_KEY, PRIVATE_KEY, APP_KEY, ...).
_key_kinds := {
	"ACCESS", "ACCOUNT", "API", "APP", "AUTH", "ENCRYPTION", "HMAC", "JWT", "MASTER", "PRIVATE",
	"SECRET", "SESSION", "SHARED", "SIGNING",
}

# A last token that says the variable is about a secret, not the secret itself
# (POSTGRES_PASSWORD_FILE, JWT_TOKEN_EXPIRY, AWS_ACCESS_KEY_ID, ...).
_qualifiers := {
	"AGE", "ALG", "ALGORITHM", "ATTEMPTS", "AUDIENCE", "BITS", "CMD", "COMMAND", "COMPLEXITY",
	"COST", "COUNT", "DELAY", "DIR", "DISABLE", "DISABLED", "DURATION", "ENABLE", "ENABLED",
	"ENDPOINT", "EXPIRATION", "EXPIRES", "EXPIRY", "FILE", "FORMAT", "HASH", "HASHED", "HEADER",
	"HINT", "HOST", "ID", "INTERVAL", "ISSUER", "ITERATIONS", "LEN", "LENGTH", "LIFETIME", "LIMIT",
	"LOCATION", "MAX", "MIN", "MODE", "NAME", "PATH", "PERIOD", "POLICY", "PORT", "PROMPT",
	"REQUIRED", "RESET", "RETRIES", "ROUNDS", "SCOPE", "SCOPES", "SIZE", "STRENGTH", "TIMEOUT",
	"TTL", "TYPE", "URI", "URL", "USER", "USERNAME", "VALIDITY",
}

# The upper-case name's tokens: the runs of letters and digits. Most names are made of those and
# `_` only; they are split at `_` (two builtin calls instead of a regex).
_tokens(name) := [t | some t in split(name, "_"); t != ""] if {
	trim(name, "_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
} else := [t | some t in regex.split(`[^A-Z0-9]+`, name); t != ""]

_has_secret_word(tokens) if strings.any_suffix_match(tokens, _secret_suffixes)
else if {
	count(tokens) > 1
	abbreviations := _secret_abbreviations # looked up once, not per token
	some t in tokens
	t in abbreviations
} else if {
	some i, t in tokens
	tokens[i + 1] == "KEY"
	t in _key_kinds
}

# The variable's name says it holds a secret.
secret_name(name) if {
	is_string(name)
	tokens := _tokens(upper(name))
	not tokens[count(tokens) - 1] in _qualifiers # (without tokens, _has_secret_word fails)
	_has_secret_word(tokens)
}

_booleans := {"true", "false", "yes", "no", "on", "off", "0", "1"}

deny contains finding if {
	booleans := _booleans
	some name, svc in lib.services
	is_object(svc.environment)
	some key, value in svc.environment

	# A value written out: a non-empty string that is not a flag. `null` (taken from the shell) and
	# unknown values (`{"unknown": ...}`) are not literals. Checked first: it is the cheaper test.
	is_string(value)
	trimmed := lower(trim_space(value))
	trimmed != ""
	not trimmed in booleans

	secret_name(key)
	path := ["services", name, "environment", key]
	not lib.interpolated(path)
	finding := {
		"msg": sprintf("service %q sets %s to a literal value", [name, key]),
		"path": path,
	}
}
