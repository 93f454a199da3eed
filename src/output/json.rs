//! JSON output: a stable, versioned schema (`docs/json-output.md`,
//! `docs/schema/vigie-report.schema.json`). Secrets are masked; suppressed findings are included
//! with their suppression.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{Finding, Severity, SuppressionKind};
use crate::output::Emitter;
use crate::problem::{Level, Problem};
use crate::scan::Report;

pub const JSON_SCHEMA_VERSION: u32 = 1;

pub struct Json;

// The report is serialized as it is written, from borrowed data: a scan with a hundred thousand
// findings does not hold a second copy of them in memory.

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    /// The hosts of an audit (absent for a scan of files).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hosts: Vec<JsonHost<'a>>,
    /// Files that looked like one vigie reads but were not scanned (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped: Vec<JsonSkipped<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonSkipped<'a> {
    file: &'a str,
    looked_like: &'static str,
    reason: &'static str,
    detail: &'a str,
    message: String,
}

#[derive(Serialize)]
struct JsonHost<'a> {
    name: &'a str,
    address: &'a str,
    port: u16,
    user: &'a str,
    tags: &'a [String],
    status: &'static str,
    message: Option<&'a str>,
    findings: usize,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    node_path: &'a [String],
    snippet: String,
    fingerprint: &'a str,
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    level: &'static str,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    documents: usize,
    files: usize,
    findings: usize,
    suppressed: usize,
    by_severity: BySeverity,
    errors: usize,
    warnings: usize,
    #[serde(skip_serializing_if = "is_zero")]
    skipped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    let loc = &f.location;
    JsonFinding {
        rule_id: &f.rule_id,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &loc.file.display,
        line: loc.start.line,
        column: loc.start.column,
        end_line: loc.end.line,
        end_column: loc.end.column,
        node_path: &f.node_path,
        snippet: f.snippet(),
        fingerprint: &f.fingerprint,
        suppressed: f.suppression.as_ref().map(|s| JsonSuppression {
            kind: match s.kind {
                SuppressionKind::InSource => "inline",
                SuppressionKind::Config => "config",
            },
            reason: s.reason.as_deref(),
        }),
    }
}

fn error(p: &Problem) -> JsonError<'_> {
    let lc = p.line_col();
    JsonError {
        level: p.level.as_str(),
        file: &p.file,
        line: lc.map(|l| l.line),
        column: lc.map(|l| l.column),
        message: &p.message,
    }
}

impl Emitter for Json {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let active = report.active().count();
        let count = |s: Severity| report.active().filter(|f| f.severity == s).count();
        let by_severity = BySeverity {
            critical: count(Severity::Critical),
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            info: count(Severity::Info),
        };
        let doc = JsonReport {
            version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: "vigie",
                version: env!("CARGO_PKG_VERSION"),
            },
            findings: report.findings.iter().map(finding).collect(),
            errors: report.problems.iter().map(error).collect(),
            hosts: report
                .hosts
                .iter()
                .map(|h| JsonHost {
                    name: &h.name,
                    address: &h.address,
                    port: h.port,
                    user: &h.user,
                    tags: &h.tags,
                    status: h.status.as_str(),
                    message: h.message.as_deref(),
                    findings: report.host_findings(h).count(),
                    duration_ms: u64::try_from(h.duration.as_millis()).unwrap_or(u64::MAX),
                })
                .collect(),
            skipped: report
                .skipped
                .iter()
                .map(|s| JsonSkipped {
                    file: &s.file,
                    looked_like: s.kind.as_str(),
                    reason: s.reason.as_str(),
                    detail: &s.detail,
                    message: s.message(),
                })
                .collect(),
            summary: Summary {
                documents: report.documents,
                files: report.files,
                findings: active,
                suppressed: report.findings.len() - active,
                by_severity,
                errors: report
                    .problems
                    .iter()
                    .filter(|p| p.level == Level::Error)
                    .count(),
                warnings: report
                    .problems
                    .iter()
                    .filter(|p| p.level == Level::Warning)
                    .count(),
                skipped: report.skipped.len(),
            },
        };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }
}
