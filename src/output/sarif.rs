//! SARIF 2.1.0 for GitHub code scanning: `ruleId` is the METADATA id, rules with results are
//! described in `tool.driver.rules`, URIs are relative to `%SRCROOT%` (the working directory).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};
use serde_sarif::sarif;

use crate::finding::{Finding, SuppressionKind};
use crate::output::Emitter;
use crate::policy::docs;
use crate::problem::{Level, Problem};
use crate::scan::Report;
use crate::source::skip::Skipped;

pub struct Sarif;

const SRCROOT: &str = "%SRCROOT%";

/// Percent-encode what may not stand in a URI path.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'+'
            | b'@'
            | b':'
            | b'='
            | b',' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn artifact(display: &str) -> sarif::ArtifactLocation {
    if let Some((scheme, rest)) = display.split_once("://") {
        // A virtual file of a live host (`ssh://web1/sshd -T`): an absolute URI.
        sarif::ArtifactLocation::builder()
            .uri(format!("{scheme}://{}", encode_path(rest)))
            .build()
    } else if display.starts_with('/') {
        sarif::ArtifactLocation::builder()
            .uri(format!("file://{}", encode_path(display)))
            .build()
    } else {
        sarif::ArtifactLocation::builder()
            .uri(encode_path(display))
            .uri_base_id(SRCROOT.to_string())
            .build()
    }
}

fn i(n: u32) -> i64 {
    i64::from(n)
}

fn result(f: &Finding, index: Option<usize>) -> sarif::Result {
    let loc = &f.location;
    let region = sarif::Region::builder()
        .start_line(i(loc.start.line))
        .start_column(i(loc.start.column))
        .end_line(i(loc.end.line))
        .end_column(i(loc.end.column))
        .snippet(sarif::ArtifactContent::builder().text(f.snippet()).build())
        .build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact(&loc.file.display))
        .region(region)
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("vigie/v1".to_string(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    props.insert("severity".to_string(), Value::from(f.severity.as_str()));
    let suppressions: Vec<sarif::Suppression> = f
        .suppression
        .iter()
        .map(|s| {
            let kind = match s.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::Config => "external",
            };
            match &s.reason {
                Some(r) => sarif::Suppression::builder()
                    .kind(json!(kind))
                    .justification(r.clone())
                    .build(),
                None => sarif::Suppression::builder().kind(json!(kind)).build(),
            }
        })
        .collect();
    let base = sarif::Result::builder()
        .rule_id(f.rule_id.clone())
        .level(
            serde_json::from_value(json!(f.severity.sarif_level()))
                .unwrap_or(sarif::ResultLevel::Warning),
        )
        .message(sarif::Message::builder().text(f.message.clone()).build())
        .locations(vec![sarif::Location::builder()
            .physical_location(physical)
            .build()])
        .partial_fingerprints(fingerprints)
        .properties(
            sarif::PropertyBag::builder()
                .additional_properties(props)
                .build(),
        );
    let mut r = base.suppressions(suppressions).build();
    if r.suppressions.as_ref().is_some_and(Vec::is_empty) {
        r.suppressions = None;
    }
    r.rule_index = index.and_then(|x| i64::try_from(x).ok());
    r
}

fn notification(p: &Problem) -> sarif::Notification {
    let level = if p.level == Level::Error {
        "error"
    } else {
        "warning"
    };
    let mut physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact(&p.file))
        .build();
    if let Some(lc) = p.line_col() {
        physical.region = Some(
            sarif::Region::builder()
                .start_line(i(lc.line))
                .start_column(i(lc.column))
                .build(),
        );
    }
    sarif::Notification::builder()
        .message(sarif::Message::builder().text(p.message.clone()).build())
        .level(json!(level))
        .locations(vec![sarif::Location::builder()
            .physical_location(physical)
            .build()])
        .build()
}

/// A file that looked like one vigie reads but was not scanned: a note, so that a SARIF viewer
/// shows it beside the run's problems without taking the run for a failed one.
fn skipped_notification(s: &Skipped) -> sarif::Notification {
    sarif::Notification::builder()
        .message(sarif::Message::builder().text(s.message()).build())
        .level(json!("note"))
        .descriptor(
            sarif::ReportingDescriptorReference::builder()
                .id(format!("vigie/skipped/{}", s.reason.as_str()))
                .build(),
        )
        .locations(vec![sarif::Location::builder()
            .physical_location(
                sarif::PhysicalLocation::builder()
                    .artifact_location(artifact(&s.file))
                    .build(),
            )
            .build()])
        .build()
}

fn log(report: &Report) -> sarif::Sarif {
    // Rules with results, in order of first appearance.
    let mut rule_ids: Vec<&str> = Vec::new();
    for f in &report.findings {
        if !rule_ids.contains(&f.rule_id.as_str()) {
            rule_ids.push(&f.rule_id);
        }
    }
    let rules: Vec<sarif::ReportingDescriptor> = rule_ids
        .iter()
        .filter_map(|id| report.rule(id))
        .map(|rule| {
            let m = &rule.meta;
            let mut props = BTreeMap::new();
            props.insert(
                "security-severity".to_string(),
                Value::from(m.severity.security_severity()),
            );
            props.insert("precision".to_string(), Value::from("high"));
            let builder = sarif::ReportingDescriptor::builder()
                .id(m.id.clone())
                .name(m.title.clone())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(m.title.clone())
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(m.description.clone())
                        .build(),
                )
                .help(
                    sarif::MultiformatMessageString::builder()
                        .text(m.remediation.clone())
                        .markdown(docs::render(rule))
                        .build(),
                )
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(json!(m.severity.sarif_level()))
                        .build(),
                )
                .properties(
                    sarif::PropertyBag::builder()
                        .tags(vec!["security".to_string(), rule.kind.as_str().to_string()])
                        .additional_properties(props)
                        .build(),
                );
            match m.references.first() {
                Some(uri) => builder.help_uri(uri.clone()).build(),
                None => builder.build(),
            }
        })
        .collect();
    let results: Vec<sarif::Result> = report
        .findings
        .iter()
        .map(|f| result(f, rule_ids.iter().position(|id| *id == f.rule_id)))
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("vigie")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let notifications: Vec<sarif::Notification> = report
        .problems
        .iter()
        .map(notification)
        .chain(report.skipped.iter().map(skipped_notification))
        .collect();
    let invocation = sarif::Invocation::builder()
        .execution_successful(!report.has_errors())
        .tool_execution_notifications(notifications)
        .build();
    let mut base_ids = BTreeMap::new();
    let root = format!(
        "file://{}/",
        encode_path(report.cwd.to_string_lossy().trim_end_matches('/'))
    );
    base_ids.insert(
        SRCROOT.to_string(),
        sarif::ArtifactLocation::builder().uri(root).build(),
    );
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(base_ids)
        .build();
    sarif::Sarif::builder()
        .version(json!("2.1.0"))
        .schema(sarif::SCHEMA_URL.to_string())
        .runs(vec![run])
        .build()
}

impl Emitter for Sarif {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &log(report))?;
        out.write_all(b"\n")
    }
}
