//! The secrets vigie knows of in a file, and masking them wherever text is shown.
//!
//! Rules report secrets (METADATA `custom.secret`), but a file holds secrets no rule reports: a
//! `.env` value next to a parse error, a Traefik basic-auth hash in a label, a docker inspect
//! dump's `Env`, a restic repository URL with a password in a tool's error output. Every piece of
//! text vigie shows about a file (a snippet, a finding's or a problem's message) is masked with
//! all of them: [`harvest`] finds them in the file's text, [`mask`] replaces them.
//!
//! Which names are secret-looking is decided by the one word list the rules use
//! (`policies/lib/secrets.rego`, `data.vigie.lib.secrets.words`), read once from the embedded
//! policy, so masking and reporting cannot drift apart.

use std::collections::HashSet;
use std::sync::OnceLock;

use regex::Regex;

/// A mask for secrets in anything shown to users.
pub const MASK: &str = "****";

/// Secrets shorter than this are masked in snippets and values but not in messages: messages
/// quote no values, and a short secret equal to a word of one (a service called `db`) would
/// only garble it. A URL's password is masked in messages whatever its length.
pub const MIN_IN_MESSAGES: usize = 4;

/// The shared Rego library that holds the word lists.
const LIB: &str = include_str!("../policies/lib/secrets.rego");

/// The word lists of `policies/lib/secrets.rego`.
#[derive(Debug, Default)]
struct Words {
    suffixes: Vec<String>,
    abbreviations: HashSet<String>,
    key_kinds: HashSet<String>,
    names: HashSet<String>,
    qualifiers: HashSet<String>,
    transparent: HashSet<String>,
    booleans: HashSet<String>,
    placeholders: HashSet<String>,
}

fn load_words() -> Option<Words> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("lib/secrets.rego".to_string(), LIB.to_string())
        .ok()?;
    let value = engine
        .eval_rule("data.vigie.lib.secrets.words".to_string())
        .ok()?;
    let json = serde_json::to_value(&value).ok()?;
    let set = |k: &str| -> HashSet<String> {
        json.get(k)
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut suffixes: Vec<String> = set("suffixes").into_iter().collect();
    suffixes.sort();
    Some(Words {
        suffixes,
        abbreviations: set("abbreviations"),
        key_kinds: set("key_kinds"),
        names: set("names"),
        qualifiers: set("qualifiers"),
        transparent: set("transparent"),
        booleans: set("booleans"),
        placeholders: set("placeholders"),
    })
}

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| load_words().unwrap_or_default())
}

fn tokens(name: &str) -> Vec<String> {
    name.to_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The name says its value is a secret: `secrets.name` of `policies/lib/secrets.rego`.
pub fn is_secret_name(name: &str) -> bool {
    let w = words();
    if name.to_uppercase().starts_with("FILE__") {
        return false;
    }
    let ts = tokens(name);
    let skipped = |t: &str| w.transparent.contains(t) || t.chars().all(|c| c.is_ascii_digit());
    let Some(last) = ts.iter().rposition(|t| !skipped(t)) else {
        return false;
    };
    let Some(word) = ts.get(last) else {
        return false;
    };
    if w.qualifiers.contains(word) || ts.iter().any(|t| t.starts_with("EXISTING")) {
        return false;
    }
    w.suffixes.iter().any(|s| word.ends_with(s.as_str()))
        || (last > 0 && w.abbreviations.contains(word))
        || ts
            .windows(2)
            .any(|p| matches!(p, [k, key] if key == "KEY" && w.key_kinds.contains(k)))
        || w.names.contains(&ts.join("_"))
}

fn path_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^~?/[A-Za-z0-9._@-]+(/[A-Za-z0-9._@-]+)*/?$").ok())
        .as_ref()
}

fn placeholder_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:[xX]{3,}|\*+|\.{3,}|<[^<>]*>|\$\{[^{}]*\}|\{\{.*\}\}|(?i:your[-_ ].*))$")
            .ok()
    })
    .as_ref()
}

/// A value written out as a secret: `secrets.literal` of `policies/lib/secrets.rego`.
pub fn is_literal(value: &str) -> bool {
    let w = words();
    let v = value.trim();
    !v.is_empty()
        && !w.booleans.contains(&v.to_lowercase())
        && !w.placeholders.contains(&v.to_lowercase())
        && !path_re().is_some_and(|r| r.is_match(v))
        && !placeholder_re().is_some_and(|r| r.is_match(v))
}

fn assignment_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // A name, perhaps quoted, then `=` or `:` (YAML's `key: value`, JSON's `"key": "value"`,
    // `.env`'s and a list item's `KEY=value`, HCL's `key = "value"`).
    RE.get_or_init(|| {
        Regex::new(
            r#"(?:^|[^A-Za-z0-9_.\-])(["']?)([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*(=|:)[ \t]*"#,
        )
        .ok()
    })
    .as_ref()
}

fn default_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // `${NAME:-default}` and `${NAME-default}`.
    RE.get_or_init(|| Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?-([^{}$]*)\}").ok())
        .as_ref()
}

fn url_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // `scheme://user:password@host` (also inside `rest:https://...`, `s3:https://...`).
    RE.get_or_init(|| {
        Regex::new(r#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@"'<>]*:([^\s/@"'<>]+)@"#).ok()
    })
    .as_ref()
}

fn hash_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // Password hashes of basic-auth users (Traefik `basicauth.users`, Caddy `basic_auth`):
    // bcrypt, apr1/MD5-crypt, SHA-crypt (compose doubles each `$`), `{SHA}` and Caddy's base64 of
    // a bcrypt hash.
    RE.get_or_init(|| Regex::new(r"\$\$?(?:2[abxy]?|apr1|[156])\$\$?[A-Za-z0-9./$]{8,}|\{SHA\}[A-Za-z0-9+/]{20,}={0,2}|JDJ[abxy]JD[A-Za-z0-9+/]{20,}={0,2}",).ok()).as_ref()
}

fn basic_auth_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // Traefik's `basicauth.users=user:hash,user:hash` (labels, flags, files).
    RE.get_or_init(|| {
        Regex::new(r#"(?i)basic_?auth[A-Za-z0-9_.\-]*\.users["']?[ \t]*[=:][ \t]*["']?([^"'\s]+)"#)
            .ok()
    })
    .as_ref()
}

/// The end of a value that starts `rest`: the closing quote of a quoted one, else (`in_string`:
/// the name was inside a quoted string) the string's end, else the line's end before a comment.
fn value_of(rest: &str, in_string: Option<char>) -> &str {
    let mut chars = rest.chars();
    match chars.next() {
        Some(q @ ('"' | '\'')) => {
            let inner = chars.as_str();
            let end = inner.find(q).unwrap_or(inner.len());
            inner.get(..end).unwrap_or("")
        }
        _ => {
            let end = match in_string {
                Some(q) => rest.find(q),
                None => rest.find(" #"),
            }
            .unwrap_or(rest.len());
            rest.get(..end).unwrap_or("").trim_end()
        }
    }
}

/// The value of an assignment is worth masking: it looks written out (not a YAML block marker,
/// an anchor, an interpolation or a placeholder).
fn worth_masking(value: &str) -> bool {
    // An HCL reference (`api_token = var.pve_api_token`) names where the value comes from.
    const REFERENCES: [&str; 9] = [
        "var.",
        "local.",
        "module.",
        "data.",
        "each.",
        "self.",
        "path.",
        "terraform.",
        "count.",
    ];
    let reference = REFERENCES.iter().any(|r| value.starts_with(r))
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
    !reference
        && is_literal(value)
        && value.chars().any(char::is_alphanumeric)
        && !value.contains("${")
        && !matches!(value.chars().next(), Some('&' | '*' | '!' | '|' | '>'))
}

/// Every secret vigie can recognise in `text`, whatever its format: values of secret-looking
/// names (`KEY=value`, `key: value`, `"key": "value"`), literal defaults of secret-looking
/// variables (`${SMTP_TOKEN:-value}`), basic-auth password hashes, the password of a URL
/// (`https://user:password@host`) and the lines of a PEM private key.
pub fn harvest(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_pem = false;
    for line in text.lines() {
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY-----") {
            in_pem = true;
            continue;
        }
        if in_pem {
            if line.contains("-----END") {
                in_pem = false;
            } else if line.trim().len() >= 16 {
                out.push(line.trim().to_string());
            }
            continue;
        }
        for c in assignment_re()
            .into_iter()
            .flat_map(|r| r.captures_iter(line))
        {
            let (Some(quote), Some(name), Some(sep), Some(all)) =
                (c.get(1), c.get(2), c.get(3), c.get(0))
            else {
                continue;
            };
            let colon = sep.as_str() == ":";
            // A bare `name:` is a YAML key only before a space or the line's end (not
            // `${NAME:-x}` or `host:port`).
            let after = line.get(sep.end()..).and_then(|r| r.chars().next());
            if colon && quote.as_str().is_empty() && after.is_some_and(|c| !c.is_whitespace()) {
                continue;
            }
            if !is_secret_name(name.as_str()) {
                continue;
            }
            let rest = line.get(all.end()..).unwrap_or("");
            let in_string = quote.as_str().chars().next().filter(|_| !colon);
            let value = value_of(rest, in_string);
            if worth_masking(value) {
                out.push(value.to_string());
            }
            // `KEY: ${VAR:-default}`: the default is the key's secret.
            for d in default_re()
                .into_iter()
                .flat_map(|r| r.captures_iter(value))
            {
                if let Some(v) = d.get(2).map(|m| m.as_str()).filter(|v| worth_masking(v)) {
                    out.push(v.to_string());
                }
            }
        }
        for d in default_re().into_iter().flat_map(|r| r.captures_iter(line)) {
            if let (Some(name), Some(v)) = (d.get(1), d.get(2)) {
                if is_secret_name(name.as_str()) && worth_masking(v.as_str()) {
                    out.push(v.as_str().to_string());
                }
            }
        }
        for c in basic_auth_re()
            .into_iter()
            .flat_map(|r| r.captures_iter(line))
        {
            for user in c.get(1).map_or("", |m| m.as_str()).split(',') {
                if let Some((_, hash)) = user.split_once(':') {
                    if !hash.is_empty() && !hash.contains("${") {
                        out.push(hash.to_string());
                    }
                }
            }
        }
        out.extend(
            hash_re()
                .into_iter()
                .flat_map(|r| r.find_iter(line))
                .map(|m| m.as_str().to_string()),
        );
        out.extend(url_passwords(line));
    }
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// The passwords of the URLs in `text` (`rest:https://u:password@host/repo`).
pub fn url_passwords(text: &str) -> Vec<String> {
    if !text.contains("://") {
        return Vec::new();
    }
    url_re()
        .into_iter()
        .flat_map(|r| r.captures_iter(text))
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .filter(|p| p != MASK)
        .collect()
}

/// Whether `c` may touch a secret's occurrence without the two being one word.
fn boundary(c: Option<char>) -> bool {
    !c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// `text` with every occurrence of `secrets` (longest first) and of a URL's password replaced
/// by [`MASK`]. An occurrence is a whole word: a secret `db` leaves `mongodb` alone (a secret that
/// starts or ends with punctuation matches at that end wherever it is). Secrets in `keep` are not
/// masked (the names a rule's message quotes: a service called like a short secret stays
/// readable). Each offset in `offsets` is moved to the same place in the masked text.
pub fn mask(text: &str, secrets: &[String], keep: &[String], offsets: &mut [usize]) -> String {
    let urls = url_passwords(text);
    let mut all: Vec<&str> = secrets
        .iter()
        .chain(urls.iter())
        .map(String::as_str)
        .filter(|s| !s.is_empty() && !keep.iter().any(|k| k == s))
        .collect();
    if all.is_empty() {
        return text.to_string();
    }
    all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    all.dedup();
    let mut out = String::with_capacity(text.len());
    let mut moved = vec![false; offsets.len()];
    let mut i = 0;
    let mut prev: Option<char> = None;
    while i < text.len() {
        let rest = text.get(i..).unwrap_or("");
        let hit = all.iter().find(|s| {
            rest.starts_with(**s) && {
                let first = s.chars().next();
                let last = s.chars().next_back();
                let next = rest.get(s.len()..).and_then(|r| r.chars().next());
                (boundary(first) || boundary(prev)) && (boundary(last) || boundary(next))
            }
        });
        if let Some(s) = hit {
            for (o, m) in offsets.iter_mut().zip(moved.iter_mut()) {
                if !*m && *o >= i && *o <= i + s.len() {
                    // An offset inside a secret lands at the end of its mask.
                    *o = out.len() + if *o == i { 0 } else { MASK.len() };
                    *m = true;
                }
            }
            out.push_str(MASK);
            prev = s.chars().next_back();
            i += s.len();
        } else {
            let ch = rest.chars().next();
            let len = ch.map_or(1, char::len_utf8);
            for (o, m) in offsets.iter_mut().zip(moved.iter_mut()) {
                if !*m && *o == i {
                    *o = out.len();
                    *m = true;
                }
            }
            out.push_str(rest.get(..len).unwrap_or(""));
            prev = ch;
            i += len;
        }
    }
    for (o, m) in offsets.iter_mut().zip(moved) {
        if !m {
            *o = out.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_string()).collect()
    }

    #[test]
    fn the_word_lists_come_from_the_rego_library() {
        let w = words();
        assert!(w.suffixes.iter().any(|s| s == "PASSWORD"));
        assert!(w.qualifiers.contains("FILE") && w.abbreviations.contains("PASS"));
        assert!(w.placeholders.contains("changeme") && w.booleans.contains("yes"));
    }

    #[test]
    fn patterns_compile() {
        for re in [
            path_re(),
            placeholder_re(),
            assignment_re(),
            default_re(),
            url_re(),
            hash_re(),
            basic_auth_re(),
        ] {
            assert!(re.is_some());
        }
    }

    // The same tables as `policies/lib/secrets_test.rego`: the Rust reading of the word lists
    // agrees with the Rego one.
    #[test]
    fn names_by_their_words() {
        for n in [
            "PASSWORD",
            "DB_PASSWORD",
            "SMTP_PASS",
            "MYSQL_PWD",
            "WIFI_PSK",
            "SECRET_TOKEN",
            "JWT_SECRET",
            "SONARR__APIKEY",
            "dbPassword",
            "auth.rootPassword",
            "password_wo",
            "DB_PASSWORD_2",
            "API_KEY",
            "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY",
            "key_material",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "SECRET_LOCAL_HOSTNAME",
            "SECRET_FORCED_LANGUAGE",
            "PASSWORD_POLICY",
            "PASSTHROUGH",
            "POSTGRES_PASSWORD_FILE",
            "FILE__MYSQL_ROOT_PASSWORD",
            "PWD",
            "KEY",
            "PUBLIC_KEY",
            "AWS_ACCESS_KEY_ID",
            "ADMIN_PASSWORD_HASH",
            "password_wo_version",
            "existingSecret",
            "POSTGRES_USER",
            "2",
            "",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn literals_paths_and_placeholders() {
        for v in ["hunter2", "s3cr3t value", "+/base64/like=="] {
            assert!(is_literal(v), "{v}");
        }
        for v in [
            "",
            "/run/secrets/db-password",
            "~/.config/token",
            "changeme",
            "XXXXXXXX",
            "<your token>",
            "${DB_PASSWORD}",
            "{{ vault_pw }}",
            "your-api-key-here",
            "yes",
        ] {
            assert!(!is_literal(v), "{v}");
        }
    }

    #[test]
    fn harvest_finds_secrets_in_every_shape() {
        let text = r#"DB_PASSWORD=dotenv-secret-1
export API_TOKEN='quoted secret 2'
      POSTGRES_PASSWORD: map-secret-3 # a comment
      - SMTP_PASS=list-secret-4
      MAIL_TOKEN: ${MAIL_TOKEN:-default-secret-5}
      RELAY: "${RELAY_PASSWORD-default-secret-6}"
pm_password = "tfvars-secret-7"
"Env": ["PATH=/usr/bin", "REDIS_PASSWORD=inspect-secret-8"],
      - "traefik.http.middlewares.a.basicauth.users=admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/,bob:plainhash9"
basic_auth {
  admin $2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG
}
Fatal: unable to open repo at rest:https://backup:url-secret-10@10.0.0.1:8000/repo
      SECRET_LOCAL_HOSTNAME: 0.0.0.0
      FILE__MYSQL_ROOT_PASSWORD: /run/secrets/x
      DATABASE_PASSWORD: changeme
      DB_PASSWORD_FILE: /run/secrets/db
      password: |
  api_token = var.pve_api_token
"#;
        let got = harvest(text);
        for want in [
            "dotenv-secret-1",
            "quoted secret 2",
            "map-secret-3",
            "list-secret-4",
            "default-secret-5",
            "default-secret-6",
            "tfvars-secret-7",
            "inspect-secret-8",
            "$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/",
            "plainhash9",
            "$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG",
            "url-secret-10",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} not in {got:?}");
        }
        for not in [
            "0.0.0.0",
            "/run/secrets/x",
            "changeme",
            "/run/secrets/db",
            "|",
            "var.pve_api_token",
        ] {
            assert!(!got.iter().any(|g| g == not), "{not} in {got:?}");
        }
    }

    #[test]
    fn masking_is_by_whole_words_and_moves_offsets() {
        let secrets = s(&["hunter2", "tok"]);
        let text = "a: hunter2\n- B=tok x tokens\n";
        let mut offsets = [0, 3, 6, 12, 17];
        let masked = mask(text, &secrets, &[], &mut offsets);
        assert_eq!(masked, "a: ****\n- B=**** x tokens\n");
        assert_eq!(offsets, [0, 3, 7, 9, 16]);
    }

    #[test]
    fn names_a_message_quotes_stay_readable() {
        let secrets = s(&["db"]);
        let msg = r#"service "db" sets DB_PASSWORD to a literal value; db=db"#;
        assert_eq!(
            mask(msg, &secrets, &s(&["db"]), &mut []),
            r#"service "db" sets DB_PASSWORD to a literal value; db=db"#
        );
        assert_eq!(mask("mongodb: db", &secrets, &[], &mut []), "mongodb: ****");
    }

    #[test]
    fn url_passwords_are_always_masked() {
        let m = mask(
            "Fatal: repository rest:https://u:p4ss@host:8000/r does not exist; s3:https://k:v@h/b",
            &[],
            &[],
            &mut [],
        );
        assert_eq!(
            m,
            "Fatal: repository rest:https://u:****@host:8000/r does not exist; s3:https://k:****@h/b"
        );
    }
}
