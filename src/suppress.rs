//! Suppression: `# vigie:ignore <rule-id> -- reason` comments and `vigie.toml` per-path ignores.
//! A suppressed finding is kept (SARIF lists it under `suppressions`) but does not fail the run.

use crate::finding::{Finding, Suppression, SuppressionKind};
use crate::settings::Settings;

const MARKER: &str = "vigie:ignore";

/// An ignore comment on a line: the rule ids it names and its reason.
#[derive(Debug, PartialEq, Eq)]
pub struct IgnoreComment {
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

impl IgnoreComment {
    fn covers(&self, rule_id: &str) -> bool {
        self.rules.iter().any(|r| r == rule_id || r == "all")
    }
}

/// Parse the ignore comment in `line`, if any. The comment starts at a `#` (YAML, HCL, TOML,
/// Caddyfile) or `//` (HCL) that is at the start of the line or after white space (so a `#` inside
/// a value such as `a#b`, or the `//` of a URL, does not count).
pub fn parse_comment(line: &str) -> Option<IgnoreComment> {
    let mut from = 0;
    while let Some(pos) = line.get(from..)?.find(['#', '/']) {
        let abs = from + pos;
        from = abs + 1;
        let (before, rest) = line.split_at_checked(abs)?;
        let body = if let Some(b) = rest.strip_prefix('#') {
            b
        } else if let Some(b) = rest.strip_prefix("//") {
            from = abs + 2;
            b
        } else {
            continue;
        };
        let starts_comment = abs == 0 || before.ends_with([' ', '\t']);
        let body = body.trim_start();
        if starts_comment && body.starts_with(MARKER) {
            let rest = body.get(MARKER.len()..).unwrap_or_default();
            let (ids, reason) = match rest.split_once("--") {
                Some((ids, reason)) => (
                    ids,
                    Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
                ),
                None => (rest, None),
            };
            let rules: Vec<String> = ids
                .split([',', ' ', '\t'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            return (!rules.is_empty()).then_some(IgnoreComment { rules, reason });
        }
    }
    None
}

fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// The ignore comment that applies to a finding: on its line, or alone on the line above.
fn inline_for(f: &Finding) -> Option<IgnoreComment> {
    let file = &f.location.file;
    let line = f.location.start.line;
    if let Some(c) = parse_comment(file.line_text(line)).filter(|c| c.covers(&f.rule_id)) {
        return Some(c);
    }
    if line > 1 {
        let above = file.line_text(line - 1);
        if is_comment_line(above) {
            return parse_comment(above).filter(|c| c.covers(&f.rule_id));
        }
    }
    None
}

/// Mark the findings that an inline comment or a per-path ignore suppresses.
pub fn apply(findings: &mut [Finding], settings: &Settings) {
    for f in findings.iter_mut() {
        if let Some(c) = inline_for(f) {
            f.suppression = Some(Suppression {
                kind: SuppressionKind::InSource,
                reason: c.reason,
            });
            continue;
        }
        let display = &f.location.file.display;
        if let Some(ig) = settings.ignores.iter().find(|ig| {
            ig.paths.is_match(display)
                && (ig.rules.is_empty() || ig.rules.iter().any(|r| r == &f.rule_id))
        }) {
            f.suppression = Some(Suppression {
                kind: SuppressionKind::Config,
                reason: ig.reason.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments() {
        assert_eq!(
            parse_comment(
                "    privileged: true # vigie:ignore compose.privileged -- needs /dev/kvm"
            ),
            Some(IgnoreComment {
                rules: vec!["compose.privileged".into()],
                reason: Some("needs /dev/kvm".into())
            })
        );
        assert_eq!(
            parse_comment("# vigie:ignore a.b, c.d").map(|c| c.rules),
            Some(vec!["a.b".to_string(), "c.d".to_string()])
        );
        assert_eq!(parse_comment("image: x#vigie:ignore a.b"), None);
        assert_eq!(parse_comment("image: x # just a note"), None);
        assert_eq!(parse_comment("# vigie:ignore"), None);
        assert_eq!(
            parse_comment("  insecure = true // vigie:ignore terraform.provider-tls-insecure")
                .map(|c| c.rules),
            Some(vec!["terraform.provider-tls-insecure".to_string()])
        );
        assert_eq!(parse_comment("url = \"http://vigie:ignore\""), None);
    }
}
