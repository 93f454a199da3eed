//! Headscale / Tailscale ACL policy files: HuJSON (JSON with comments and trailing commas) holding
//! an `acls` list (or `grants`). The document is the policy as written.

use std::sync::Arc;

use crate::document::{Document, Kind, Span};
use crate::problem::{Level, Problem};
use crate::source::yaml::{self, Located, Value};
use crate::source::{Context, Loaded, Unit};
use crate::text::SourceFile;

/// Whether a file name alone says "ACL policy": `acl.hujson`, `acls.hujson`, `policy.hujson`,
/// any `*.hujson`. A `.json` file is recognised by its content ([`sniff`]).
pub fn matches_name(name: &str) -> bool {
    name.ends_with(".hujson")
}

/// Whether a `.json` file's beginning shows a policy: an `"acls"` or `"grants"` key followed by a
/// list.
pub fn sniff(head: &str) -> bool {
    ["\"acls\"", "\"grants\""].iter().any(|key| {
        head.match_indices(key).any(|(i, k)| {
            head.get(i + k.len()..)
                .unwrap_or_default()
                .trim_start()
                .strip_prefix(':')
                .is_some_and(|rest| rest.trim_start().starts_with('['))
        })
    })
}

pub fn units(files: Vec<std::path::PathBuf>) -> Vec<Unit> {
    super::unit_per_file(Kind::Headscale, files)
}

pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    for path in &unit.files {
        let Some(file) = loaded.read(path, ctx) else {
            continue;
        };
        match parse(&file) {
            Ok(doc) => loaded.documents.push(doc),
            Err(p) => loaded.problems.push(p),
        }
    }
    loaded
}

fn parse(file: &Arc<SourceFile>) -> Result<Document, Problem> {
    let text = standard_json(&file.text);
    let root = yaml::parse_text(file, &text).map_err(|e| {
        Problem::at(
            Level::Error,
            Span::new(file.clone(), e.range),
            format!("invalid HuJSON: {}", e.message),
        )
    })?;
    if !matches!(root.value, Value::Map(_)) {
        return Err(Problem::at(
            Level::Error,
            root.span.clone(),
            "an ACL policy must be an object at the top level",
        ));
    }
    Ok(document(file, &root))
}

fn document(file: &Arc<SourceFile>, root: &Located) -> Document {
    let mut spans = Vec::new();
    let doc = root.to_json(&mut Vec::new(), &mut |path, span, _| {
        spans.push((path.to_vec(), span.clone()));
    });
    let mut document = Document::new(Kind::Headscale, file.clone(), doc);
    document.record_span(&[], root.span.clone());
    for (path, span) in spans {
        document.record_span(&path, span);
    }
    document
}

/// HuJSON as standard JSON with the same characters on every line: comments and trailing commas
/// become spaces, so positions are unchanged.
fn standard_json(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut i = 0;
    let mut last_comma: Option<usize> = None;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                last_comma = None;
                i += 1;
                while i < chars.len() && chars[i] != '"' && chars[i] != '\n' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    out[i] = ' ';
                    i += 1;
                }
                continue;
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let start = i;
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                let end = (i + 2).min(chars.len());
                for c in out.iter_mut().take(end).skip(start) {
                    if *c != '\n' {
                        *c = ' ';
                    }
                }
                i = end;
                continue;
            }
            ',' => last_comma = Some(i),
            ']' | '}' => {
                if let Some(c) = last_comma.take() {
                    out[c] = ' ';
                }
            }
            c if c.is_whitespace() => {}
            _ => last_comma = None,
        }
        i += 1;
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hujson_keeps_positions() {
        let src = "{\n  // the ACLs\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"],}, /* all */\n  ],\n}\n";
        let json = standard_json(src);
        assert_eq!(json.lines().count(), src.lines().count());
        for (a, b) in json.lines().zip(src.lines()) {
            assert_eq!(a.chars().count(), b.chars().count());
        }
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["acls"][0]["dst"][0], "*:*");
        let file = SourceFile::new("acl.hujson".into(), "acl.hujson".into(), src.to_string());
        let doc = parse(&file).unwrap();
        let span = doc.locate(&["acls".into(), "0".into()]);
        assert_eq!(file.line_col(span.range.start).line, 4);
    }

    #[test]
    fn strings_are_left_alone() {
        let src = "{\"a\": \"http://x/*y*/,]\", \"b\": [1,],}";
        let v: serde_json::Value = serde_json::from_str(&standard_json(src)).unwrap();
        assert_eq!(v["a"], "http://x/*y*/,]");
    }

    #[test]
    fn sniffing() {
        assert!(sniff("{\n  \"groups\": {},\n  \"acls\" : [\n"));
        assert!(sniff("{\"grants\":[]}"));
        assert!(!sniff("{\"name\": \"acls\", \"version\": \"1\"}"));
    }
}
