//! JSON output: a stable, versioned schema (`docs/json-output.md`,
//! `docs/schema/vigie-report.schema.json`). Secrets are masked; suppressed findings are included
//! with their suppression.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::finding::{Finding, Severity, SuppressionKind};
use crate::output::Emitter;
use crate::problem::Level;
use crate::scan::Report;

pub const JSON_SCHEMA_VERSION: u32 = 1;

pub struct Json;

fn finding(f: &Finding) -> Value {
    let loc = &f.location;
    json!({
        "rule_id": f.rule_id,
        "severity": f.severity.as_str(),
        "message": f.message,
        "file": loc.file.display,
        "line": loc.start.line,
        "column": loc.start.column,
        "end_line": loc.end.line,
        "end_column": loc.end.column,
        "node_path": f.node_path,
        "snippet": f.snippet(),
        "fingerprint": f.fingerprint,
        "suppressed": f.suppression.as_ref().map(|s| json!({
            "kind": match s.kind { SuppressionKind::InSource => "inline", SuppressionKind::Config => "config" },
            "reason": s.reason,
        })),
    })
}

pub fn to_value(report: &Report) -> Value {
    let active: Vec<&Finding> = report.active().collect();
    let mut by_severity = Map::new();
    for s in Severity::ALL {
        by_severity.insert(
            s.as_str().into(),
            active.iter().filter(|f| f.severity == s).count().into(),
        );
    }
    json!({
        "version": JSON_SCHEMA_VERSION,
        "tool": { "name": "vigie", "version": env!("CARGO_PKG_VERSION") },
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "errors": report.problems.iter().map(|p| {
            let lc = p.line_col();
            json!({
                "level": p.level.as_str(),
                "file": p.file,
                "line": lc.map(|l| l.line),
                "column": lc.map(|l| l.column),
                "message": p.message,
            })
        }).collect::<Vec<_>>(),
        "summary": {
            "documents": report.documents,
            "files": report.files,
            "findings": active.len(),
            "suppressed": report.findings.len() - active.len(),
            "by_severity": by_severity,
            "errors": report.problems.iter().filter(|p| p.level == Level::Error).count(),
            "warnings": report.problems.iter().filter(|p| p.level == Level::Warning).count(),
        },
    })
}

impl Emitter for Json {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &to_value(report))?;
        out.write_all(b"\n")
    }
}
