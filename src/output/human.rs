//! Human output: each finding with its rule, severity and the source snippet, underlined.
//! This is the only module that uses miette's renderer for findings. Everything from the inputs
//! is escaped (`escape`) on its way to the terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource,
    Report as MReport,
};

use crate::finding::{mask, Finding, Severity};
use crate::output::{escape, Emitter};
use crate::problem::{Level, Problem};
use crate::scan::{HostStatus, Report};
use crate::source::skip;

pub struct Human {
    pub color: bool,
    /// List the files that looked like one vigie reads but were not scanned.
    pub verbose: bool,
}

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Critical | Severity::High => miette::Severity::Error,
        Severity::Medium => miette::Severity::Warning,
        Severity::Low | Severity::Info => miette::Severity::Advice,
    }
}

/// The file text with every secret of the file masked, and the label range moved to match.
fn masked_source(f: &Finding) -> (String, usize, usize) {
    let mut offsets = [
        f.location.range.start as usize,
        f.location.range.end as usize,
    ];
    let text = mask(&f.location.file.text, &f.secrets, &mut offsets);
    (text, offsets[0], offsets[1].saturating_sub(offsets[0]))
}

pub fn render_finding(f: &Finding, color: bool, help: Option<&str>) -> String {
    let (source, start, len) = masked_source(f);
    let mut at = [start, start + len];
    let source = escape::source(&source, &mut at);
    let mut diag = MietteDiagnostic::new(format!("{}: {}", f.severity, escape::text(&f.message)))
        .with_code(escape::line(&f.rule_id))
        .with_severity(miette_severity(f.severity))
        .with_label(LabeledSpan::at(at[0]..at[1].max(at[0]), "here"));
    if let Some(h) = help {
        diag = diag.with_help(escape::text(h));
    }
    let name = escape::line(&f.location.file.display).into_owned();
    let report = MReport::new(diag).with_source_code(NamedSource::new(name, source));
    let mut out = String::new();
    let _ = handler(color).render_report(&mut out, report.as_ref());
    out
}

pub fn render_problem(p: &Problem, color: bool, secrets: &[String]) -> String {
    let mut diag = MietteDiagnostic::new(escape::text(&p.message))
        .with_code(if p.level == Level::Error {
            "vigie::input"
        } else {
            "vigie::input-warning"
        })
        .with_severity(if p.level == Level::Error {
            miette::Severity::Error
        } else {
            miette::Severity::Warning
        });
    let report = match &p.span {
        Some(span) => {
            let mut offsets = [span.range.start as usize, span.range.end as usize];
            let text = mask(&span.file.text, secrets, &mut offsets);
            let text = escape::source(&text, &mut offsets);
            let [s, e] = offsets;
            diag = diag.with_label(LabeledSpan::at(s..e.max(s), "here"));
            let name = escape::line(&span.file.display).into_owned();
            MReport::new(diag).with_source_code(NamedSource::new(name, text))
        }
        None => MReport::new(diag.with_help(format!("in {}", escape::line(&p.file)))),
    };
    let mut out = String::new();
    let _ = handler(color).render_report(&mut out, report.as_ref());
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first paragraph of a remediation, as one line for the renderer to wrap, and where the rest is.
fn short_help(remediation: &str, id: &str) -> String {
    let end = [remediation.find("\n\n"), remediation.find("```")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(remediation.len());
    let first = remediation
        .get(..end)
        .unwrap_or(remediation)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let first = first.trim_end_matches(':');
    format!("{first}\nMore: vigie explain {id}")
}

impl Emitter for Human {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for f in report.active() {
            let help = report
                .rule(&f.rule_id)
                .map(|r| short_help(&r.meta.remediation, &f.rule_id));
            out.write_all(render_finding(f, self.color, help.as_deref()).as_bytes())?;
            out.write_all(b"\n")?;
        }
        for p in &report.problems {
            let secrets = p
                .span
                .as_ref()
                .and_then(|s| report.secrets.get(&s.file.display))
                .map_or(&[][..], Vec::as_slice);
            out.write_all(render_problem(p, self.color, secrets).as_bytes())?;
            out.write_all(b"\n")?;
        }
        if self.verbose {
            for s in &report.skipped {
                writeln!(
                    out,
                    "skipped {}: {}",
                    escape::line(&s.file),
                    escape::text(&s.message())
                )?;
            }
            if !report.skipped.is_empty() {
                out.write_all(b"\n")?;
            }
        }
        let active: Vec<&Finding> = report.active().collect();
        let suppressed = report.findings.len() - active.len();
        let mut summary = String::new();
        if active.is_empty() {
            summary.push_str("No findings");
        } else {
            let counts: Vec<String> = Severity::ALL
                .iter()
                .filter_map(|s| {
                    let n = active.iter().filter(|f| f.severity == *s).count();
                    (n > 0).then(|| format!("{n} {s}"))
                })
                .collect();
            let _ = write!(
                summary,
                "{} ({})",
                plural(active.len(), "finding", "findings"),
                counts.join(", ")
            );
        }
        if report.hosts.is_empty() {
            let _ = write!(
                summary,
                " in {}",
                plural(report.documents, "document", "documents")
            );
        } else {
            let _ = write!(
                summary,
                " on {}",
                plural(report.hosts.len(), "host", "hosts")
            );
            let statuses: Vec<String> = [
                HostStatus::Reached,
                HostStatus::Refused,
                HostStatus::Unreachable,
                HostStatus::Failed,
            ]
            .iter()
            .filter_map(|s| {
                let n = report.hosts.iter().filter(|h| h.status == *s).count();
                (n > 0).then(|| format!("{n} {}", s.as_str()))
            })
            .collect();
            let _ = write!(summary, " ({})", statuses.join(", "));
        }
        if suppressed > 0 {
            let _ = write!(summary, "; {suppressed} suppressed");
        }
        // A host not audited is counted with the hosts above, not as an unreadable input.
        let errors = report
            .problems
            .iter()
            .filter(|p| p.level == Level::Error)
            .filter(|p| {
                !report
                    .hosts
                    .iter()
                    .any(|h| h.status != HostStatus::Reached && p.file == h.uri())
            })
            .count();
        if errors > 0 {
            let _ = write!(
                summary,
                "; {} could not be read",
                plural(errors, "input", "inputs")
            );
        }
        for line in skip::summary(&report.skipped) {
            let _ = write!(summary, "; {line}");
        }
        if !report.skipped.is_empty() && !self.verbose {
            summary.push_str(" (--verbose lists them)");
        }
        writeln!(out, "{summary}.")
    }
}
