//! Findings: what a rule found, where, how bad, and a fingerprint that survives unrelated edits.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::text::{LineCol, SourceFile, TextRange};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// SARIF `level`.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }

    /// GitHub code scanning's `security-severity` (a CVSS-like score).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .iter()
            .copied()
            .find(|sev| sev.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity {s:?} (expected critical, high, medium, low or info)")
            })
    }
}

/// Where a finding points: the first line of the offending node's key.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub range: TextRange,
    pub start: LineCol,
    pub end: LineCol,
}

impl Location {
    /// A location for `range`, cut to its first line (a block value is pointed at by its key).
    pub fn new(file: Arc<SourceFile>, range: TextRange) -> Self {
        let start = file.line_col(range.start);
        let line_end = file.line_start(start.line)
            + u32::try_from(file.line_text(start.line).len()).unwrap_or(0);
        let range = TextRange::new(range.start, range.end.min(line_end.max(range.start)));
        let end = file.line_col(range.end);
        Self {
            file,
            range,
            start,
            end,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// A `# vigie:ignore` comment in the file.
    InSource,
    /// `vigie.toml` (a per-path ignore).
    Config,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// The node the rule named, as a path into the document.
    pub node_path: Vec<String>,
    pub fingerprint: String,
    /// Secret values in this finding's file (longest first): masked wherever the finding is
    /// shown, never written.
    pub secrets: Vec<String>,
    pub suppression: Option<Suppression>,
}

pub use crate::secret::MASK;

impl Finding {
    /// `text` with every secret of the finding's file masked.
    pub fn mask(&self, text: &str) -> String {
        mask(text, &self.secrets, &mut [])
    }

    /// The offending line's text, secrets masked.
    pub fn snippet(&self) -> String {
        self.mask(self.location.file.line_text(self.location.start.line))
    }
}

/// `text` with every occurrence of `secrets` and every URL password replaced by [`MASK`]; each
/// offset in `offsets` is moved to the same place in the masked text (see [`crate::secret::mask`]).
pub fn mask(text: &str, secrets: &[String], offsets: &mut [usize]) -> String {
    crate::secret::mask(text, secrets, &[], offsets)
}

/// Stable across unrelated edits: rule, file, node path and the node's value, not the line
/// number.
///
/// The value is what a secret must never be tied to: an unsalted hash of it, printed beside the
/// rule, file and path that are its other inputs, lets anyone holding a report confirm a guess of
/// the masked secret offline. So the caller passes no value for a secret rule's finding (and a
/// value with the secrets it holds masked for other rules, see `scan::to_finding`). A keyed hash
/// with a key kept on the machine would hide the value too, but baselines (`--baseline`,
/// `merge --previous`) are written on one machine and read on others (a laptop and CI), so the
/// fingerprint must be computable without any key: identity by place is what they need, and a
/// literal secret still written at the same place after it was rotated is the same finding.
pub fn fingerprint(
    rule_id: &str,
    file: &str,
    node_path: &[String],
    value: Option<&serde_json::Value>,
) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0]);
    h.update(file.as_bytes());
    h.update([0]);
    for seg in node_path {
        h.update(seg.as_bytes());
        h.update([0x1f]);
    }
    h.update([0]);
    if let Some(v) = value {
        h.update(v.to_string().as_bytes());
    }
    let digest = h.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn fingerprint_ignores_position_but_not_value() {
        let p = vec!["services".to_string(), "db".to_string()];
        let a = fingerprint("r", "f", &p, Some(&serde_json::json!("x")));
        assert_eq!(a, fingerprint("r", "f", &p, Some(&serde_json::json!("x"))));
        assert_ne!(a, fingerprint("r", "f", &p, Some(&serde_json::json!("y"))));
        assert!(!a.contains('x'));
    }
}
