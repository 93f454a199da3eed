# METADATA
# title: Secret written literally in the environment
# description: >-
#   A password, token or key written as a literal `environment` value lives in the compose file,
#   so it ends up in version control, backups and shared snippets, and anyone who can read the
#   file has it. It is also visible to anyone who can run `docker inspect`. Keeping secrets out of
#   the file lets the file be shared and the secret be rotated on its own. The literal default of
#   an interpolation (`${SMTP_TOKEN:-s3cr3t}`) is written in the file too and is reported. A name
#   is a secret by its last word (`DB_PASSWORD`, `SMTP_PASS`, `JWT_SECRET`, `API_KEY`), not by a
#   `SECRET_` prefix on another word (`SECRET_LOCAL_HOSTNAME`); variables that name a file
#   (`POSTGRES_PASSWORD_FILE`, linuxserver.io's `FILE__MYSQL_ROOT_PASSWORD`), paths
#   (`/run/secrets/db`), values from `.env` and placeholders (`changeme`, `<token>`) are not.
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
import data.vigie.lib.secrets
import rego.v1

# The variable's name says it holds a secret (the shared word list, `policies/lib/secrets.rego`).
secret_name(name) if secrets.name(name)

deny contains finding if {
	some name, svc in lib.services
	is_object(svc.environment)
	some key, value in svc.environment

	# A value written out: a non-empty string that is not a flag, a path (`/run/secrets/x`) or a
	# placeholder. `null` (taken from the shell) and unknown values (`{"unknown": ...}`) are not
	# literals. Checked first: it is the cheaper test.
	secrets.literal(value)
	path := ["services", name, "environment", key]
	finding := {
		"msg": _message(name, key, path),
		"path": path,
	}
}

# A secret written in the compose file: a literal under a secret-looking name, or the literal
# default of an interpolation (`${SMTP_TOKEN:-s3cr3t}` with the variable unset) when the name or
# the variable is secret-looking. A value taken from `.env` or the shell is not.
_message(service, key, path) := sprintf("service %q sets %s to a literal value", [service, key]) if {
	secret_name(key)
	not lib.interpolated(path)
} else := sprintf("service %q sets %s to a literal value (the default of its interpolation)", [service, key]) if {
	_default(path)
	secret_name(key)
} else := sprintf("service %q sets %s to the literal default of variable %s", [service, key, origin.name]) if {
	origin := _default(path)
	secret_name(origin.name)
}

_default(path) := origin if {
	origin := input.origins[lib.origin_key(path)]
	origin.from == "default"
}
