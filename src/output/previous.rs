//! A previous JSON report (`--previous OLD.json`): what the HTML report compares the current
//! findings with, by fingerprint.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::finding::Severity;
use crate::output::JSON_SCHEMA_VERSION;
use crate::scan::Report;

/// The findings of a previous report that a comparison needs.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The file as the user named it.
    pub path: String,
    /// Its active (unsuppressed) findings.
    pub findings: Vec<PreviousFinding>,
    /// The vigie version that wrote it.
    pub tool_version: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousFinding {
    pub rule_id: String,
    #[serde(deserialize_with = "severity")]
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    #[serde(default)]
    pub snippet: String,
    pub fingerprint: String,
    #[serde(default)]
    pub suppressed: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct PreviousReport {
    // First field: a report of another version is refused before its findings are read.
    #[allow(dead_code)] // read for its check
    version: Version,
    tool: Tool,
    findings: Vec<PreviousFinding>,
}

#[derive(Deserialize)]
struct Tool {
    version: String,
}

const VERSION_MISMATCH: &str = "this is a version";

/// The report's schema version; anything but the one this vigie writes is an error, raised
/// while parsing so that it carries the value's line and column.
struct Version;

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u64::deserialize(d)?;
        if v == u64::from(JSON_SCHEMA_VERSION) {
            Ok(Version)
        } else {
            Err(de::Error::custom(format!(
                "{VERSION_MISMATCH} {v} report; this vigie reads version {JSON_SCHEMA_VERSION} \
                 (`vigie scan --format json`)"
            )))
        }
    }
}

fn severity<'de, D: Deserializer<'de>>(d: D) -> Result<Severity, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(de::Error::custom)
}

/// Why a previous report cannot be used.
#[derive(Debug, thiserror::Error)]
pub struct PreviousError {
    pub path: PathBuf,
    pub message: String,
    /// 1-based line and column of the error in the file, when it is in the content.
    pub position: Option<(usize, usize)>,
    /// The file's text, when it could be read.
    pub text: Option<String>,
}

impl fmt::Display for PreviousError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl PreviousError {
    /// Byte offset of the error in `text`, for a label.
    pub fn offset(&self) -> Option<usize> {
        let (line, column) = self.position?;
        let text = self.text.as_deref()?;
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = text.get(start..)?;
        let col = rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
        Some((start + col).min(text.len()))
    }
}

impl Previous {
    /// Read a vigie JSON report.
    pub fn load(path: &Path) -> Result<Self, PreviousError> {
        let text = crate::fsio::read_text(path, crate::fsio::MAX_REPORT_SIZE).map_err(|e| {
            PreviousError {
                path: path.to_path_buf(),
                message: format!("cannot read the previous report: {}", e.reason()),
                position: None,
                text: None,
            }
        })?;
        Self::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Self, PreviousError> {
        match serde_json::from_str::<PreviousReport>(&text) {
            Ok(r) => Ok(Previous {
                path: path.display().to_string(),
                findings: r
                    .findings
                    .into_iter()
                    .filter(|f| f.suppressed.as_ref().is_none_or(serde_json::Value::is_null))
                    .collect(),
                tool_version: r.tool.version,
            }),
            Err(e) => {
                // serde_json appends " at line L column C"; the position is given apart.
                let full = e.to_string();
                let message = full
                    .rfind(" at line ")
                    .map_or(full.as_str(), |i| full.get(..i).unwrap_or(&full))
                    .to_string();
                let position = (e.line() > 0).then(|| (e.line(), e.column().max(1)));
                let message = if message.starts_with(VERSION_MISMATCH) {
                    message
                } else {
                    format!("not a vigie JSON report: {message}")
                };
                Err(PreviousError {
                    path: path.to_path_buf(),
                    message,
                    position,
                    text: Some(text),
                })
            }
        }
    }
}

/// How the current findings compare with a previous report's, matched by fingerprint.
#[derive(Debug)]
pub struct Changes<'a> {
    /// Per finding of the report (same order): active and not in the previous report.
    new: Vec<bool>,
    /// Previous active findings that are no longer active.
    pub fixed: Vec<&'a PreviousFinding>,
    pub new_count: usize,
    pub unchanged_count: usize,
}

impl<'a> Changes<'a> {
    pub fn compute(report: &'a Report, previous: &'a Previous) -> Self {
        let mut before: HashMap<&str, usize> = HashMap::new();
        for f in &previous.findings {
            *before.entry(f.fingerprint.as_str()).or_default() += 1;
        }
        let mut new = vec![false; report.findings.len()];
        let (mut new_count, mut unchanged_count) = (0, 0);
        for (i, f) in report.findings.iter().enumerate() {
            if f.suppression.is_some() {
                continue;
            }
            match before.get_mut(f.fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    unchanged_count += 1;
                }
                _ => {
                    if let Some(slot) = new.get_mut(i) {
                        *slot = true;
                    }
                    new_count += 1;
                }
            }
        }
        // What is left of `before` is gone; take the last ones of each fingerprint.
        let mut fixed = Vec::new();
        for f in previous.findings.iter().rev() {
            if let Some(n) = before.get_mut(f.fingerprint.as_str()) {
                if *n > 0 {
                    *n -= 1;
                    fixed.push(f);
                }
            }
        }
        fixed.sort_by(|a, b| {
            (b.severity, &a.file, a.line, &a.rule_id)
                .cmp(&(a.severity, &b.file, b.line, &b.rule_id))
        });
        Changes {
            new,
            fixed,
            new_count,
            unchanged_count,
        }
    }

    /// Whether the report's `index`-th finding is new since the previous report (with a
    /// repeated fingerprint, the first ones are the unchanged ones).
    pub fn is_new(&self, index: usize) -> bool {
        self.new.get(index).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> PreviousError {
        Previous::parse(Path::new("old.json"), text.to_string()).unwrap_err()
    }

    #[test]
    fn wrong_version_is_located() {
        let e =
            err("{\n  \"version\": 7,\n  \"tool\": {\"version\": \"x\"},\n  \"findings\": []\n}");
        assert_eq!(e.position.map(|p| p.0), Some(2));
        assert!(e.message.contains("version 7"), "{e}");
        assert!(e.to_string().starts_with("old.json:2:"), "{e}");
    }

    #[test]
    fn syntax_error_is_located() {
        let e = err("{\n  \"version\": 1,\n  \"findings\": [,]\n}");
        assert_eq!(e.position, Some((3, 16)));
        assert_eq!(e.offset(), Some(33), "the comma");
    }

    #[test]
    fn suppressed_previous_findings_are_not_compared() {
        let text = r#"{"version": 1, "tool": {"name": "vigie", "version": "0.1.0"}, "findings": [
          {"rule_id": "a.b", "severity": "high", "message": "m", "file": "f", "line": 1,
           "column": 1, "snippet": "", "fingerprint": "00", "suppressed": null},
          {"rule_id": "a.b", "severity": "high", "message": "m", "file": "f", "line": 2,
           "column": 1, "snippet": "", "fingerprint": "01",
           "suppressed": {"kind": "inline", "reason": null}}]}"#;
        let p = Previous::parse(Path::new("old.json"), text.to_string()).unwrap();
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.tool_version, "0.1.0");
    }
}
