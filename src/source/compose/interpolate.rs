//! Compose variable interpolation: `.env` files and `${VAR}` forms, as `docker compose` does it.

use std::collections::HashMap;

use crate::document::Origin;
use crate::limits::MAX_INTERPOLATION_DEPTH;

/// Variables a compose project interpolates from (its `.env`).
pub type Env = HashMap<String, String>;

/// The result of interpolating one string.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    /// The string with every variable substituted; `origin` is set when any variable was used.
    Known {
        value: String,
        origin: Option<Origin>,
        unset: Vec<String>,
    },
    /// A required variable (`${VAR:?msg}`) is unset: the value cannot be known.
    Unknown { variable: String, message: String },
}

#[derive(Debug, PartialEq, Eq)]
pub struct InterpolationError(pub String);

struct State<'e> {
    env: &'e Env,
    /// The text being interpolated, for positions in messages: the messages never quote it
    /// (a value may be a secret).
    top: &'e str,
    first_var: Option<String>,
    /// The first variable whose default was used (`${NAME:-default}` with NAME unset).
    first_default: Option<String>,
    used_default_only: bool,
    used_any: bool,
    unset: Vec<String>,
    /// `${…}` forms open around the text being expanded.
    depth: usize,
}

/// Interpolate `text` with `env`.
pub fn interpolate<'e>(text: &'e str, env: &'e Env) -> Result<Resolved, InterpolationError> {
    if !text.contains('$') {
        return Ok(Resolved::Known {
            value: text.to_string(),
            origin: None,
            unset: Vec::new(),
        });
    }
    let mut st = State {
        env,
        top: text,
        first_var: None,
        first_default: None,
        used_default_only: true,
        used_any: false,
        unset: Vec::new(),
        depth: 0,
    };
    match expand(text, &mut st)? {
        Ok(value) => {
            let origin = if !st.used_any {
                None
            } else if st.used_default_only {
                Some(Origin::Default {
                    name: st.first_default.take(),
                })
            } else {
                st.first_var.map(|name| Origin::Env { name })
            };
            Ok(Resolved::Known {
                value,
                origin,
                unset: st.unset,
            })
        }
        Err((variable, message)) => Ok(Resolved::Unknown { variable, message }),
    }
}

type Expanded = Result<String, (String, String)>;

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The 1-based character position of `part` (a slice of `st.top`) in the interpolated text.
fn position(part: &str, st: &State<'_>) -> usize {
    let offset = (part.as_ptr() as usize).saturating_sub(st.top.as_ptr() as usize);
    st.top.get(..offset).map_or(0, |t| t.chars().count()) + 1
}

fn expand(text: &str, st: &mut State<'_>) -> Result<Expanded, InterpolationError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        // The `$` is the character just before `after`.
        let at = position(after, st).saturating_sub(1);
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        if let Some(body_and_rest) = after.strip_prefix('{') {
            let split = matching_brace(body_and_rest)
                .and_then(|end| body_and_rest.split_at_checked(end))
                .and_then(|(body, r)| Some((body, r.strip_prefix('}')?)));
            let Some((body, r)) = split else {
                return Err(InterpolationError(format!(
                    "invalid interpolation format: the `${{` at character {at} of the value is not closed"
                )));
            };
            if st.depth >= MAX_INTERPOLATION_DEPTH {
                return Err(InterpolationError(format!(
                    "invalid interpolation format: `${{…}}` nests deeper than {MAX_INTERPOLATION_DEPTH} levels at character {at} of the value"
                )));
            }
            st.depth += 1;
            let expanded = braced(body, st);
            st.depth -= 1;
            match expanded? {
                Ok(v) => out.push_str(&v),
                Err(e) => return Ok(Err(e)),
            }
            rest = r;
            continue;
        }
        if after.starts_with(is_name_start) {
            let len = after
                .find(|c: char| !is_name_char(c))
                .unwrap_or(after.len());
            let (name, r) = after.split_at_checked(len).unwrap_or((after, ""));
            out.push_str(&lookup(name, st).unwrap_or_default());
            rest = r;
            continue;
        }
        return Err(InterpolationError(format!(
            "invalid interpolation format at character {at} of the value: a `$` must be followed by a name or `{{`; write `$$` for a literal `$`"
        )));
    }
    out.push_str(rest);
    Ok(Ok(out))
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'$') if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            Some(b'}') => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn lookup(name: &str, st: &mut State<'_>) -> Option<String> {
    st.used_any = true;
    match st.env.get(name) {
        Some(v) => {
            st.used_default_only = false;
            if st.first_var.is_none() {
                st.first_var = Some(name.to_string());
            }
            Some(v.clone())
        }
        None => None,
    }
}

fn braced(body: &str, st: &mut State<'_>) -> Result<Expanded, InterpolationError> {
    let name_len = body.find(|c: char| !is_name_char(c)).unwrap_or(body.len());
    let (name, op) = body.split_at_checked(name_len).unwrap_or((body, ""));
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(InterpolationError(format!(
            "invalid interpolation format: the `${{` at character {} of the value has no variable name",
            position(body, st).saturating_sub(2)
        )));
    }
    let value = lookup(name, st);
    let (colon, op) = match op.strip_prefix(':') {
        Some(o) => (true, o),
        None => (false, op),
    };
    // With a colon, an empty value counts as unset.
    let set = match &value {
        Some(v) => !(colon && v.is_empty()),
        None => false,
    };
    if op.is_empty() {
        if colon {
            return Err(InterpolationError(format!(
                "invalid interpolation format: `${{{name}:}}` needs `-`, `?` or `+` after the colon"
            )));
        }
        if value.is_none() {
            st.unset.push(name.to_string());
        }
        return Ok(Ok(value.unwrap_or_default()));
    }
    let mut op_chars = op.chars();
    let first = op_chars.next();
    let arg = op_chars.as_str();
    match first {
        Some('-') => {
            if set {
                Ok(Ok(value.unwrap_or_default()))
            } else {
                if st.first_default.is_none() {
                    st.first_default = Some(name.to_string());
                }
                expand(arg, st)
            }
        }
        Some('?') => {
            if set {
                Ok(Ok(value.unwrap_or_default()))
            } else {
                let message = match expand(arg, st)? {
                    Ok(m) => m,
                    Err((_, m)) => m,
                };
                Ok(Err((name.to_string(), message)))
            }
        }
        Some('+') => {
            if set {
                expand(arg, st)
            } else {
                Ok(Ok(String::new()))
            }
        }
        _ => Err(InterpolationError(format!(
            "invalid interpolation format: `${{{name}` must be followed by `}}`, `:-`, `-`, `:?`, `?`, `:+` or `+`"
        ))),
    }
}

/// Parse a `.env` file the way compose does. Returns the variables and per-line errors
/// (1-based line, message).
pub fn parse_dotenv(text: &str) -> (Env, Vec<(u32, String)>) {
    let mut env = Env::new();
    let mut errors = Vec::new();
    for (idx, raw) in text.lines().enumerate() {
        let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, value)) = line.split_once('=') else {
            if line.chars().all(is_name_char) {
                continue; // a bare name: taken from the shell by compose; unknown to a static scan
            }
            // The line is not quoted: it may be a secret written without its name.
            errors.push((
                line_no,
                "expected KEY=VALUE (a line without `=` that is not a variable name)".to_string(),
            ));
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| is_name_char(c) || c == '.' || c == '-') {
            errors.push((
                line_no,
                "invalid variable name before `=` (letters, digits, `_`, `.` and `-` only)"
                    .to_string(),
            ));
            continue;
        }
        let value = value.trim_start();
        let parsed = if let Some(inner) = value.strip_prefix('\'') {
            inner.rsplit_once('\'').map(|(v, _)| v.to_string())
        } else if let Some(inner) = value.strip_prefix('"') {
            inner.rsplit_once('"').map(|(v, _)| {
                let raw = unescape_double(v);
                expand_in_env(&raw, &env)
            })
        } else {
            let v = value.split_once(" #").map_or(value, |(v, _)| v);
            Some(expand_in_env(v.trim_end(), &env))
        };
        match parsed {
            Some(v) => {
                env.insert(key.to_string(), v);
            }
            None => errors.push((line_no, format!("unterminated quote in the value of {key}"))),
        }
    }
    (env, errors)
}

fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn expand_in_env(value: &str, env: &Env) -> String {
    match interpolate(value, env) {
        Ok(Resolved::Known { value, .. }) => value,
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        let mut e = Env::new();
        e.insert("TAG".into(), "1.25".into());
        e.insert("EMPTY".into(), String::new());
        e
    }

    fn known(text: &str) -> (String, Option<Origin>) {
        match interpolate(text, &env()).unwrap() {
            Resolved::Known { value, origin, .. } => (value, origin),
            Resolved::Unknown { .. } => panic!("unknown"),
        }
    }

    // A value may be a secret: errors say where, never what.
    #[test]
    fn errors_never_quote_the_value() {
        let secret = "hunter2-s3cr3t";
        for (text, at) in [
            (format!("{secret}$"), Some("character 15")),
            (format!("{secret}${{UNCLOSED"), Some("character 15")),
            (format!("{secret}${{:-x}}"), Some("character 15")),
            (format!("${{X:{secret}}}"), None),
            (format!("${{X!{secret}}}"), None),
        ] {
            let e = interpolate(&text, &env()).unwrap_err().0;
            assert!(!e.contains(secret), "{e}");
            if let Some(at) = at {
                assert!(e.contains(at), "{e}");
            }
        }
        let (_, errors) = parse_dotenv(&format!("{secret}\nbad key {secret}=1\n"));
        assert_eq!(errors.len(), 2);
        assert!(
            errors.iter().all(|(_, m)| !m.contains(secret)),
            "{errors:?}"
        );
    }

    #[test]
    fn forms() {
        assert_eq!(known("nginx:${TAG}").0, "nginx:1.25");
        assert_eq!(known("nginx:$TAG").0, "nginx:1.25");
        assert_eq!(
            known("${NOPE:-latest}"),
            (
                "latest".into(),
                Some(Origin::Default {
                    name: Some("NOPE".into())
                })
            )
        );
        assert_eq!(known("${EMPTY:-x}").0, "x");
        assert_eq!(known("${EMPTY-x}").0, "");
        assert_eq!(known("${TAG:+set}").0, "set");
        assert_eq!(known("a$$b").0, "a$b");
        assert_eq!(known("${NOPE:-${TAG}}").0, "1.25");
        assert_eq!(known("plain"), ("plain".into(), None));
        assert_eq!(
            known("${TAG}"),
            ("1.25".into(), Some(Origin::Env { name: "TAG".into() }))
        );
    }

    #[test]
    fn required_unset_is_unknown() {
        let r = interpolate("${PG_PASS:?set PG_PASS}", &env()).unwrap();
        assert_eq!(
            r,
            Resolved::Unknown {
                variable: "PG_PASS".into(),
                message: "set PG_PASS".into()
            }
        );
    }

    #[test]
    fn a_non_ascii_character_after_a_name_is_an_error_not_a_panic() {
        for text in ["${VARé}", "${VAR:é}", "${é}", "$é", "${VAR-é}"] {
            let _ = interpolate(text, &env());
        }
        assert!(interpolate("${VARé}", &env()).is_err());
        assert_eq!(known("${NOPE-é}").0, "é");
    }

    #[test]
    fn nesting_is_bounded() {
        let nest = |n: usize| format!("{}x{}", "${V:-".repeat(n), "}".repeat(n));
        assert_eq!(known(&nest(MAX_INTERPOLATION_DEPTH)).0, "x");
        let e = interpolate(&nest(5_000), &env()).unwrap_err().0;
        assert!(e.contains("nests deeper than"), "{e}");
    }

    #[test]
    fn bad_syntax_is_an_error() {
        assert!(interpolate("${TAG", &env()).is_err());
        assert!(interpolate("$ 5", &env()).is_err());
        assert!(interpolate("${}", &env()).is_err());
    }

    #[test]
    fn dotenv() {
        let (e, errs) =
            parse_dotenv("# c\nA=1\nexport B='x y'\nC=\"q\\n\" \nD=${A}2 # note\nbad line\n");
        assert_eq!(e.get("A").map(String::as_str), Some("1"));
        assert_eq!(e.get("B").map(String::as_str), Some("x y"));
        assert_eq!(e.get("C").map(String::as_str), Some("q\n"));
        assert_eq!(e.get("D").map(String::as_str), Some("12"));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, 6);
    }
}
