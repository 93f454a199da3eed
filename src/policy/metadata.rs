//! `# METADATA` blocks (OPA's layout) parsed into rule metadata.

use std::sync::Arc;

use serde_json::Value;

use crate::document::Kind;
use crate::finding::Severity;
use crate::source::yaml;
use crate::text::SourceFile;

/// How often a rule's findings carry a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Metadata {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub remediation: String,
    pub fix: FixAvailability,
    /// The kind of input the rule reads, when it is not its package's kind.
    pub input: Option<Kind>,
    /// The rule matches secret values: they are masked everywhere.
    pub secret: bool,
    pub references: Vec<String>,
    /// 1-based line of the `# METADATA` marker.
    pub line: u32,
}

/// The YAML text of the first `# METADATA` comment block and the line it starts on.
fn block(rego: &str) -> Option<(String, u32)> {
    let mut lines = rego
        .lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim() != "# METADATA");
    let (start, _) = lines.next()?;
    let mut text = String::new();
    for (_, line) in lines {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            break;
        };
        text.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        text.push('\n');
    }
    Some((text, u32::try_from(start + 1).unwrap_or(u32::MAX)))
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| s.trim().to_string())
}

/// Parse a policy's METADATA. Errors say which field is missing or wrong.
pub fn parse(rego: &str, path: &str) -> Result<Metadata, String> {
    let (text, line) = block(rego).ok_or("no `# METADATA` block")?;
    let file = SourceFile::new(path.into(), path.into(), text);
    let tree = yaml::parse(&Arc::clone(&file)).map_err(|e| {
        format!(
            "METADATA is not valid YAML (line {}): {}",
            file.line_col(e.range.start).line + line,
            e.message
        )
    })?;
    let v = tree.to_json(&mut Vec::new(), &mut |_, _, _| {});
    let custom = v.get("custom").cloned().unwrap_or(Value::Null);
    let need = |obj: &Value, key: &str, at: &str| {
        str_field(obj, key)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("METADATA lacks `{at}{key}`"))
    };
    let id = need(&custom, "id", "custom.")?;
    let severity = need(&custom, "severity", "custom.")?.parse::<Severity>()?;
    let fix = match str_field(&custom, "fix").as_deref() {
        None | Some("none") => FixAvailability::None,
        Some("sometimes") => FixAvailability::Sometimes,
        Some("always") => FixAvailability::Always,
        Some(other) => {
            return Err(format!(
                "METADATA custom.fix is {other:?} (expected none, sometimes or always)"
            ))
        }
    };
    let input = match str_field(&custom, "input") {
        None => None,
        Some(k) => Some(
            Kind::parse(&k)
                .ok_or_else(|| format!("METADATA custom.input {k:?} is not a known input kind"))?,
        ),
    };
    let references = v
        .get("related_resources")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("ref").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(Metadata {
        title: need(&v, "title", "")?,
        description: need(&v, "description", "")?,
        remediation: need(&custom, "remediation", "custom.")?,
        secret: custom
            .get("secret")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        id,
        severity,
        fix,
        input,
        references,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_opa_layout() {
        let rego = "# METADATA\n# title: T\n# description: >-\n#   Long\n#   text.\n# related_resources:\n#   - ref: https://example.org/x\n# custom:\n#   id: compose.x\n#   severity: high\n#   remediation: Do y.\n#   fix: sometimes\npackage vigie.rules.compose.x\n";
        let m = parse(rego, "x.rego").unwrap();
        assert_eq!(m.id, "compose.x");
        assert_eq!(m.description, "Long text.");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.fix, FixAvailability::Sometimes);
        assert_eq!(m.references, vec!["https://example.org/x"]);
        assert_eq!(m.line, 1);
    }

    #[test]
    fn missing_fields_are_named() {
        let err = parse(
            "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: a.b\npackage p\n",
            "x",
        )
        .unwrap_err();
        assert!(err.contains("severity"), "{err}");
    }
}
