//! `{$NAME}` and `{$NAME:default}` in a Caddyfile. Caddy reads its process environment; a static
//! scan has none, so vigie reads the `.env` file next to the Caddyfile (what `caddy run
//! --envfile .env` would load), then falls back to the default, and otherwise leaves the value
//! unknown.

use std::collections::HashMap;

use crate::document::Origin;

pub type Env = HashMap<String, String>;

/// What substituting the variables of one token gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Substituted {
    /// No `{$...}` in the token.
    Unchanged,
    Known {
        value: String,
        origin: Origin,
    },
    /// A variable with neither a value nor a default.
    Unknown,
}

/// Replace the variables in `text` the way Caddy 2.6 does (left to right, one level deep, an
/// empty `{$}` kept as written).
pub fn substitute(text: &str, env: &Env) -> Substituted {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut origin: Option<Origin> = None;
    let mut changed = false;
    while let Some((before, after)) = rest.split_once("{$") {
        let Some((body, after_body)) = after.split_once('}') else {
            break;
        };
        out.push_str(before);
        if body.is_empty() {
            out.push_str("{$}");
        } else {
            let (name, default) = match body.split_once(':') {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            let (value, this) = match (env.get(name), default) {
                (Some(v), _) => (
                    v.as_str(),
                    Origin::Env {
                        name: name.to_string(),
                    },
                ),
                (None, Some(d)) => (
                    d,
                    Origin::Default {
                        name: Some(name.to_string()),
                    },
                ),
                (None, None) => return Substituted::Unknown,
            };
            out.push_str(value);
            // An environment value says more about where a value comes from than a default.
            if origin.is_none() || matches!(this, Origin::Env { .. }) {
                origin = Some(this);
            }
            changed = true;
        }
        rest = after_body;
    }
    out.push_str(rest);
    match origin {
        Some(origin) if changed => Substituted::Known { value: out, origin },
        _ => Substituted::Unchanged,
    }
}

/// Parse a `.env` file: `KEY=VALUE` lines, `export KEY=VALUE`, `#` comments, values optionally
/// in single or double quotes. Returns the variables and the (1-based) lines it could not read.
pub fn parse_dotenv(text: &str) -> (Env, Vec<u32>) {
    let mut env = Env::new();
    let mut bad = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            bad.push(u32::try_from(idx + 1).unwrap_or(u32::MAX));
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            bad.push(u32::try_from(idx + 1).unwrap_or(u32::MAX));
            continue;
        }
        let value = value.trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|&q| {
                value
                    .strip_prefix(q)
                    .and_then(|v| v.rsplit_once(q).map(|(v, _)| v.to_string()))
            })
            .unwrap_or_else(|| match value.split_once(" #") {
                Some((v, _)) => v.trim_end().to_string(),
                None => value.to_string(),
            });
        env.insert(key.to_string(), value);
    }
    (env, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        [("HOST", "example.com"), ("EMPTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn forms() {
        let e = env();
        assert_eq!(substitute("plain", &e), Substituted::Unchanged);
        assert_eq!(
            substitute("{$HOST}", &e),
            Substituted::Known {
                value: "example.com".into(),
                origin: Origin::Env {
                    name: "HOST".into()
                }
            }
        );
        assert_eq!(
            substitute("api.{$HOST}:{$PORT:8080}", &e),
            Substituted::Known {
                value: "api.example.com:8080".into(),
                origin: Origin::Env {
                    name: "HOST".into()
                }
            }
        );
        // The default is everything after the first colon.
        assert_eq!(
            substitute("{$UP:api:9000}", &e),
            Substituted::Known {
                value: "api:9000".into(),
                origin: Origin::Default {
                    name: Some("UP".into())
                }
            }
        );
        assert_eq!(substitute("{$MISSING}", &e), Substituted::Unknown);
        assert_eq!(substitute("{$}", &e), Substituted::Unchanged);
        assert_eq!(substitute("{$HOST", &e), Substituted::Unchanged);
        assert_eq!(
            substitute("{$EMPTY:x}", &e),
            Substituted::Known {
                value: String::new(),
                origin: Origin::Env {
                    name: "EMPTY".into()
                }
            }
        );
    }

    #[test]
    fn dotenv() {
        let (env, bad) = parse_dotenv(
            "# c\nA=1\nexport B = \"two words\"\nC='x#y'\nD=v # note\nnot a line\n=x\n",
        );
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "two words");
        assert_eq!(env["C"], "x#y");
        assert_eq!(env["D"], "v");
        assert_eq!(bad, vec![6, 7]);
    }
}
