# The one list of words that make a name a secret, and what makes a value a written-out secret:
# `import data.vigie.lib.secrets`. Every secret rule (compose.secret-in-environment,
# terraform.hardcoded-secret, ...) asks `secrets.name(key)` and `secrets.literal(value)`, and vigie
# itself reads the same sets (`words`) to mask secrets in files no rule reported on (a `.env`
# line next to a parse error, a docker inspect dump), so what is masked and what is reported
# cannot drift apart.
#
# A name is split into upper-case tokens at anything but letters and digits (`pm_password`: PM,
# PASSWORD; `auth.rootPassword`: AUTH, ROOTPASSWORD). What the name holds is said by its *last*
# token (`DB_PASSWORD`, `SMTP_PASS`, `cipassword`): a `SECRET_` in front of an unrelated word
# (`SECRET_LOCAL_HOSTNAME`, `SECRET_FORCED_LANGUAGE`) names no secret, and a qualifier at the end
# says the name is about a secret, not the secret (`PASSWORD_MIN_LENGTH`, `POSTGRES_PASSWORD_FILE`).
# `<kind>_KEY` pairs count anywhere (`SECRET_KEY_BASE`).
package vigie.lib.secrets

import rego.v1

# A name whose last token ends with one of these is a secret (DB_PASSWORD, APITOKEN, JWT_SECRET).
suffixes := {
	"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "APIKEY", "PRIVATEKEY",
	"ACCESSKEY", "SECRETKEY", "AUTHKEY",
}

# Abbreviations that count only as the whole last token of a longer name (DB_PASS, MYSQL_PWD,
# WIFI_PSK; not PWD, the working directory).
abbreviations := {"PASS", "PWD", "PW", "PSK"}

# `<kind>_KEY` pairs that name a secret key (API_KEY, PRIVATE_KEY, SECRET_KEY_BASE, ...). SSH_KEY,
# PUBLIC_KEY and PRIMARY_KEY are not, and `KEY` alone is usually a name or a path.
key_kinds := {
	"ACCESS", "ACCOUNT", "API", "APP", "AUTH", "CLIENT", "CONSUMER", "ENCRYPTION", "HMAC", "JWT",
	"MASTER", "PRESHARED", "PRIVATE", "SECRET", "SESSION", "SHARED", "SIGNING",
}

# Whole names of secrets that the words above miss (docker's PEM client key, ...).
names := {"KEY_MATERIAL", "KEY_PEM"}

# A last token that says the name is about a secret, not the secret itself (PASSWORD_LENGTH,
# TOKEN_TTL, POSTGRES_PASSWORD_FILE, AWS_ACCESS_KEY_ID, SECRET_NAME, ...).
qualifiers := {
	"AGE", "ALG", "ALGORITHM", "ARN", "ATTEMPTS", "AUDIENCE", "AUTHENTICATION", "BACKEND", "BITS",
	"CHARSET", "CIDRS", "CMD", "COMMAND", "COMPLEXITY", "COST", "COUNT", "DELAY", "DESCRIPTION",
	"DIR", "DISABLE", "DISABLED", "DURATION", "ENABLE", "ENABLED", "ENDPOINT", "ENGINE", "ENV",
	"EXPIRATION", "EXPIRES", "EXPIRY", "FILE", "FILENAME", "FORMAT", "HASH", "HASHED", "HEADER",
	"HINT", "HOST", "ID", "IDS", "INTERVAL", "ISSUER", "ITERATIONS", "KIND", "LABEL", "LEN",
	"LENGTH", "LIFETIME", "LIMIT", "LOCATION", "MAX", "METHOD", "MIN", "MODE", "MOUNT", "NAME",
	"NAMES", "NAMESPACE", "PATH", "PERIOD", "POLICIES", "POLICY", "PORT", "PREFIX", "PROMPT",
	"PROVIDER", "REF", "REFERENCE", "REQUIRED", "RESET", "RETRIES", "ROTATION", "ROUNDS", "SALT",
	"SCOPE", "SCOPES", "SIZE", "SOURCE", "STRENGTH", "TAG", "TAGS", "TIMEOUT", "TTL", "TYPE", "URI",
	"URL", "USER", "USERNAME", "USES", "VALIDITY", "VAR", "VERSION",
}

# Trailing tokens that do not change what a name holds: Terraform's write-only arguments
# (`password_wo`); a number (`DB_PASSWORD_2`) is skipped as well.
transparent := {"WO"}

# Values that mean "no" or "yes", never a secret (MYSQL_RANDOM_ROOT_PASSWORD: "yes").
booleans := {"true", "false", "yes", "no", "on", "off", "0", "1"}

# Values that stand for a secret to be filled in, not a secret (`changeme`, `xxx`, `<token>`).
placeholders := {
	"changeme", "change-me", "change_me", "changeit", "replaceme", "replace-me", "replace_me",
	"placeholder", "redacted", "todo", "tbd", "none", "null", "secret", "password",
}

# Every set above, for vigie's own masking (read once when vigie starts).
words := {
	"suffixes": suffixes, "abbreviations": abbreviations, "key_kinds": key_kinds, "names": names,
	"qualifiers": qualifiers, "transparent": transparent, "booleans": booleans,
	"placeholders": placeholders,
}

# The upper-case name's tokens: the runs of letters and digits. Most names are made of those and
# `_` only; they are split at `_` (two builtin calls instead of a regex).
tokens(name) := [t | some t in split(upper(name), "_"); t != ""] if {
	trim(upper(name), "_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
} else := [t | some t in regex.split(`[^A-Z0-9]+`, upper(name)); t != ""]

_skipped(t) if t in transparent

else if trim(t, "0123456789") == ""

# The name says its value is a secret.
name(n) if {
	is_string(n)
	not file_convention(n)
	ts := tokens(n)
	kept := [i | some i, t in ts; not _skipped(t)]
	count(kept) > 0
	last := max(kept)
	not ts[last] in qualifiers

	# `existing_secret`, `existingSecretPasswordKey` (Helm charts): the name of a Kubernetes
	# Secret that holds the value, not the value.
	not _names_existing(ts)
	_has_secret_word(ts, last)
}

_has_secret_word(ts, last) if strings.any_suffix_match(ts[last], suffixes)
else if {
	last > 0
	ts[last] in abbreviations
} else if {
	some i, t in ts
	ts[i + 1] == "KEY"
	t in key_kinds
} else if concat("_", ts) in names

_names_existing(ts) if {
	some t in ts
	startswith(t, "EXISTING")
}

# linuxserver.io's `FILE__MYSQL_ROOT_PASSWORD=/run/secrets/x`: the variable names a file to read
# the value from (official images do the same with a `_FILE` suffix, a qualifier above).
file_convention(n) if startswith(upper(n), "FILE__")

# A value written out as a secret: a non-empty string that is not a flag, a file path or a
# placeholder. `null`, numbers and unknown values (`{"unknown": ...}`) never are.
literal(value) if {
	is_string(value)
	v := trim_space(value)
	v != ""
	not lower(v) in booleans
	not path(v)
	not placeholder(v)
}

# An absolute path (`/run/secrets/db_password`, `~/.config/x`): a file that holds the secret.
path(v) if regex.match(`^~?/[A-Za-z0-9._@-]+(/[A-Za-z0-9._@-]+)*/?$`, v)

placeholder(v) if lower(v) in placeholders
else if regex.match(`^(?:[xX]{3,}|\*+|\.{3,}|<[^<>]*>|\$\{[^{}]*\}|\{\{.*\}\}|(?i:your[-_ ].*))$`, v)
