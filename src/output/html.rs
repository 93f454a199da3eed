//! HTML output: one self-contained page (inline CSS; no script, font, image or link to fetch)
//! for a person reading the nightly audit or a scan: the verdict and totals, a summary per host or
//! file, the findings by severity with their source lines and remediation, what changed since a
//! previous report, inputs that could not be read, and suppressed findings apart.
//!
//! Every piece of text that comes from outside (file names, messages, source lines, rule
//! metadata) goes through [`esc`]; only `http(s)` references become links. The page is a pure
//! function of the report and [`HtmlContext`]: the time it shows is given, never read here.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::{mask, Finding, Severity, SuppressionKind};
use crate::output::previous::{Changes, Previous};
use crate::output::Emitter;
use crate::problem::{Level, Problem};
use crate::scan::{HostStatus, Report, Verdict};

/// What the page says about the run besides the report itself.
#[derive(Debug, Clone, Default)]
pub struct HtmlContext {
    /// The subcommand, e.g. `scan` or `audit`.
    pub command: String,
    /// What was scanned or audited, as the user named it (paths, hosts).
    pub targets: Vec<String>,
    /// When the report was made, already formatted (see [`timestamp`]); none: not shown.
    pub generated: Option<String>,
    /// `--fail-on`: the severity at or above which findings fail the run.
    pub fail_on: Option<Severity>,
}

pub struct Html {
    pub context: HtmlContext,
    pub previous: Option<Previous>,
}

/// The time to print in a report: `SOURCE_DATE_EPOCH` when set (reproducible output), else now;
/// in UTC, to the minute.
pub fn timestamp() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    format_utc(secs)
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since the Unix epoch.
fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// `text` safe to put in HTML text or a quoted attribute.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A finding's place: a live host's fact (`ssh://web1/sshd -T`) or a file.
struct Place<'a> {
    /// The host, or the file.
    group: &'a str,
    /// For a host: the fact (`sshd -T`).
    fact: Option<&'a str>,
    host: bool,
}

fn place(display: &str) -> Place<'_> {
    if let Some((_scheme, rest)) = display.split_once("://") {
        let (host, fact) = match rest.split_once('/') {
            Some((h, f)) => (h, Some(f).filter(|f| !f.is_empty())),
            None => (rest, None),
        };
        if !host.is_empty() {
            return Place {
                group: host,
                fact,
                host: true,
            };
        }
    }
    Place {
        group: display,
        fact: None,
        host: false,
    }
}

fn sev_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// One row of the summary: a host or a file.
#[derive(Default)]
struct Group<'a> {
    host: bool,
    counts: [usize; 5],
    new: usize,
    suppressed: usize,
    errors: Vec<&'a Problem>,
    warnings: usize,
}

impl Group<'_> {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A rule's remediation (Markdown) as HTML: paragraphs, bullet lists, fenced code blocks and
/// inline code; anything else stays text.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |out: &mut String, para: &mut Vec<&str>, list: &mut Vec<String>| {
        if !para.is_empty() {
            let _ = write!(out, "<p>{}</p>", inline(&para.join(" ")));
            para.clear();
        }
        if !list.is_empty() {
            out.push_str("<ul>");
            for item in list.drain(..) {
                let _ = write!(out, "<li>{}</li>", inline(&item));
            }
            out.push_str("</ul>");
        }
    };
    for line in text.lines() {
        if let Some(block) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                let _ = write!(out, "<pre class=\"code\">{}</pre>", esc(&block.join("\n")));
                code = None;
            } else {
                block.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut out, &mut para, &mut list);
            code = Some(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut out, &mut para, &mut list);
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !para.is_empty() {
                let keep = std::mem::take(&mut list);
                flush(&mut out, &mut para, &mut Vec::new());
                list = keep;
            }
            list.push(item.to_string());
        } else if !list.is_empty() && line.starts_with("  ") {
            if let Some(last) = list.last_mut() {
                last.push(' ');
                last.push_str(trimmed);
            }
        } else {
            if !list.is_empty() {
                flush(&mut out, &mut Vec::new(), &mut list);
            }
            para.push(trimmed);
        }
    }
    if let Some(block) = code {
        let _ = write!(out, "<pre class=\"code\">{}</pre>", esc(&block.join("\n")));
    }
    flush(&mut out, &mut para, &mut list);
    out
}

/// Inline Markdown: `code` spans; the rest escaped.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

/// Where a finding is, for people: `web1 · sshd -T, line 12` or `compose.yaml:16:7`.
fn location(f: &Finding) -> String {
    let p = place(&f.location.file.display);
    let (line, col) = (f.location.start.line, f.location.start.column);
    match (p.host, p.fact) {
        (true, Some(fact)) => format!(
            "<span class=\"host\">{}</span> · {}, line {line}",
            esc(p.group),
            esc(fact)
        ),
        (true, None) => format!("<span class=\"host\">{}</span>", esc(p.group)),
        _ => format!("{}:{line}:{col}", esc(p.group)),
    }
}

/// The finding's line with one line of context either side, secrets masked, the offending range
/// marked.
fn snippet(f: &Finding) -> String {
    let file = &f.location.file;
    if file.text.is_empty() {
        return String::new();
    }
    let line = f.location.start.line;
    let first = line.saturating_sub(1).max(1);
    let last = (line + 1).min(file.line_count().max(line));
    let base = file.line_start(first);
    let end = file.line_start(last + 1);
    let Some(slice) = file.text.get(base as usize..end as usize) else {
        return String::new();
    };
    let mut offsets = [
        f.location.range.start.saturating_sub(base) as usize,
        f.location.range.end.saturating_sub(base) as usize,
    ];
    let text = mask(slice, &f.secrets, &mut offsets);
    let [mark_start, mark_end] = offsets;
    let mut out = String::from("<pre class=\"snippet\">");
    let mut at = 0usize;
    for (n, l) in (first..).zip(text.split_inclusive('\n')) {
        let content = l.trim_end_matches(['\n', '\r']);
        let (s, e) = (at, at + content.len());
        let hit = n == line;
        let _ = write!(
            out,
            "<span class=\"{}\"><span class=\"ln\">{n}</span>",
            if hit { "line hit" } else { "line" }
        );
        if hit && mark_end > mark_start && mark_start >= s && mark_start < e {
            let me = mark_end.min(e);
            let _ = write!(
                out,
                "{}<mark>{}</mark>{}",
                esc(content.get(..mark_start - s).unwrap_or("")),
                esc(content.get(mark_start - s..me - s).unwrap_or("")),
                esc(content.get(me - s..).unwrap_or(""))
            );
        } else {
            out.push_str(&esc(content));
        }
        out.push_str("</span>");
        at += l.len();
    }
    out.push_str("</pre>");
    out
}

const CSS: &str = r#"
:root { color-scheme: light; --critical: #8b0000; --high: #c2410c; --medium: #a16207; --low: #1d4ed8; --info: #4b5563;
  --critical-bg: #fde2e2; --high-bg: #ffedd5; --medium-bg: #fef9c3; --low-bg: #dbeafe; --info-bg: #f3f4f6;
  --line: #d1d5db; --muted: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; color: #111827; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 0; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .88em; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.verdict { padding: .75rem 1rem; border-radius: 6px; font-weight: 600; font-size: 1.1rem; margin: 1rem 0; border-left: 8px solid; }
.verdict.fail { background: var(--critical-bg); border-color: var(--critical); color: var(--critical); }
.verdict.incomplete { background: var(--high-bg); border-color: var(--high); color: #7c2d12; }
.verdict.pass { background: #dcfce7; border-color: #15803d; color: #14532d; }
.verdict small { display: block; font-weight: 400; font-size: .85rem; color: #374151; }
.tiles { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
.tile { flex: 1 1 7rem; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; border-top: 6px solid var(--line); }
.tile b { display: block; font-size: 1.75rem; line-height: 1.1; }
.tile span { color: #374151; font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; }
.tile.zero { opacity: .55; }
a.tile { color: inherit; text-decoration: none; }
.tile.critical { border-top-color: var(--critical); } .tile.critical b { color: var(--critical); }
.tile.high { border-top-color: var(--high); } .tile.high b { color: var(--high); }
.tile.medium { border-top-color: var(--medium); } .tile.medium b { color: var(--medium); }
.tile.low { border-top-color: var(--low); } .tile.low b { color: var(--low); }
.tile.info { border-top-color: var(--info); } .tile.info b { color: var(--info); }
.tile.problems { border-top-color: #7c2d12; } .tile.problems b { color: #7c2d12; }
.changes { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; background: #f9fafb; }
.changes b.new { color: var(--critical); } .changes b.fixed { color: #15803d; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f4f6; font-size: .85rem; }
td.n, th.n { text-align: center; width: 5.5rem; }
td.n.zero { color: #c0c4cc; }
td.n.new { font-weight: 700; }
td code { white-space: nowrap; }
td.n.critical { background: var(--critical-bg); color: var(--critical); font-weight: 700; }
td.n.high { background: var(--high-bg); color: var(--high); font-weight: 700; }
td.n.medium { background: var(--medium-bg); color: var(--medium); font-weight: 700; }
td.n.low { background: var(--low-bg); color: var(--low); font-weight: 700; }
td.n.info { background: var(--info-bg); color: var(--info); font-weight: 700; }
.status { font-weight: 600; white-space: nowrap; }
.status.bad { color: var(--critical); } .status.warn { color: var(--high); } .status.ok { color: #15803d; }
.problems-box { border: 2px solid var(--critical); background: var(--critical-bg); border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
.problems-box h2 { border: 0; margin: .25rem 0 .5rem; color: var(--critical); }
.problems-box.warnings { border-color: var(--medium); background: var(--medium-bg); }
.problems-box.warnings h2 { color: #713f12; }
.problems-box ul { margin: 0; padding-left: 1.2rem; }
.problems-box li { margin: .25rem 0; }
.sev { display: inline-block; min-width: 4.8rem; text-align: center; padding: .05rem .4rem; border-radius: 4px; font-size: .75rem; font-weight: 700; text-transform: uppercase; color: #fff; }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.medium { background: var(--medium); }
.sev.low { background: var(--low); } .sev.info { background: var(--info); }
.badge { display: inline-block; padding: 0 .35rem; border-radius: 4px; font-size: .75rem; font-weight: 700; text-transform: uppercase; }
.badge.new { background: #111827; color: #fff; }
.badge.error { background: var(--critical); color: #fff; } .badge.warning { background: var(--medium); color: #fff; }
section.severity > h2 { display: flex; align-items: center; gap: .5rem; }
section.severity.critical > h2 { border-color: var(--critical); } section.severity.high > h2 { border-color: var(--high); }
section.severity.medium > h2 { border-color: var(--medium); } section.severity.low > h2 { border-color: var(--low); }
section.severity.info > h2 { border-color: var(--info); }
.rule { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; margin: .75rem 0; padding: .6rem .9rem; break-inside: avoid-page; }
.rule.critical { border-left-color: var(--critical); } .rule.high { border-left-color: var(--high); }
.rule.medium { border-left-color: var(--medium); } .rule.low { border-left-color: var(--low); } .rule.info { border-left-color: var(--info); }
.rule h3 code { font-size: .95rem; }
.rule h3 .title { font-weight: 600; }
.rule ol { list-style: none; margin: .5rem 0; padding: 0; }
.finding { border-top: 1px dashed var(--line); padding: .5rem 0; break-inside: avoid; }
.finding .where { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .85rem; color: #374151; }
.finding .msg { margin: .2rem 0 .3rem; font-weight: 500; }
.host { font-weight: 700; color: #111827; }
pre { margin: .25rem 0; padding: .4rem .6rem; background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
pre.snippet .line { display: block; }
pre.snippet .hit { background: #fff3c4; }
pre.snippet .ln { display: inline-block; min-width: 2.5rem; padding-right: .6rem; color: var(--muted); text-align: right; user-select: none; }
mark { background: #fcd34d; color: inherit; border-radius: 2px; }
.fix { margin-top: .4rem; background: #f0fdf4; border: 1px solid #bbf7d0; border-radius: 4px; padding: .1rem .8rem; }
.fix > b { display: block; margin-top: .4rem; color: #166534; font-size: .85rem; text-transform: uppercase; }
.fix p { margin: .4rem 0; }
.refs { font-size: .85rem; color: var(--muted); margin: .4rem 0 0; }
.refs a { color: var(--low); }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); padding-top: .5rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  pre { white-space: pre-wrap; }
  a { color: inherit; }
}
"#;

struct Page<'a> {
    report: &'a Report,
    cx: &'a HtmlContext,
    previous: Option<&'a Previous>,
    changes: Option<Changes<'a>>,
    out: String,
}

impl Emitter for Html {
    fn emit(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut page = Page {
            report,
            cx: &self.context,
            previous: self.previous.as_ref(),
            changes: self.previous.as_ref().map(|p| Changes::compute(report, p)),
            out: String::new(),
        };
        page.render();
        out.write_all(page.out.as_bytes())
    }
}

impl Page<'_> {
    fn counts(&self) -> [usize; 5] {
        let mut c = [0; 5];
        for f in self.report.active() {
            if let Some(n) = c.get_mut(sev_index(f.severity)) {
                *n += 1;
            }
        }
        c
    }

    fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.report
            .problems
            .iter()
            .filter(|p| p.level == Level::Error)
    }

    fn what(&self) -> String {
        if self.cx.targets.is_empty() {
            ".".to_string()
        } else {
            self.cx.targets.join(", ")
        }
    }

    fn render(&mut self) {
        let counts = self.counts();
        let summary: Vec<String> = Severity::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let title = format!(
            "vigie {}: {} — {}",
            self.cx.command,
            if summary.is_empty() {
                "no findings".to_string()
            } else {
                summary.join(", ")
            },
            self.what()
        );
        let _ = write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"vigie {}\">\n<title>{}</title>\n<style>{CSS}</style>\n\
             </head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            esc(&title)
        );
        self.header(counts);
        self.problems();
        self.summary_table();
        self.findings();
        self.fixed();
        self.suppressed();
        let _ = write!(
            self.out,
            "<footer>Generated by vigie {}. Rule documentation: <code>vigie explain RULE-ID</code>. \
             Fingerprints identify findings across runs; compare two nights with \
             <code>--previous OLD.json</code>.</footer>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
    }

    fn header(&mut self, counts: [usize; 5]) {
        let _ = write!(
            self.out,
            "<header>\n<h1>vigie {} report</h1>\n<p class=\"meta\">{}<span class=\"mono\">{}</span>{} · vigie {}{}</p>\n",
            esc(&self.cx.command),
            if self.cx.command == "audit" {
                "Audited "
            } else {
                "Scanned "
            },
            esc(&self.what()),
            self.cx
                .generated
                .as_deref()
                .map(|g| format!(" · {}", esc(g)))
                .unwrap_or_default(),
            env!("CARGO_PKG_VERSION"),
            self.cx
                .fail_on
                .map(|s| format!(" · fails on {s} and above"))
                .unwrap_or_else(|| " · findings never fail the run".to_string()),
        );
        let errors = self.errors().count();
        let verdict = self.report.verdict(self.cx.fail_on);
        let failing = self.cx.fail_on.map_or(0, |t| {
            self.report.active().filter(|f| f.severity >= t).count()
        });
        let (class, head, detail) = match verdict {
            Verdict::Findings => (
                "fail",
                format!(
                    "FAIL — {} at or above {}",
                    plural(failing, "finding", "findings"),
                    self.cx.fail_on.map_or("", Severity::as_str)
                ),
                "exit code 1".to_string(),
            ),
            Verdict::Incomplete => (
                "incomplete",
                format!(
                    "INCOMPLETE — {} could not be read or reached",
                    plural(errors, "input", "inputs")
                ),
                "exit code 3: no failing findings in what was read".to_string(),
            ),
            Verdict::Pass => (
                "pass",
                if self.cx.fail_on.is_some() {
                    "PASS — nothing at or above the threshold".to_string()
                } else {
                    "PASS — findings do not fail this run (--fail-on none)".to_string()
                },
                "exit code 0".to_string(),
            ),
        };
        let mut detail = detail;
        if verdict == Verdict::Findings && errors > 0 {
            let _ = write!(
                detail,
                "; also {} could not be read or reached",
                plural(errors, "input", "inputs")
            );
        }
        let _ = writeln!(
            self.out,
            "<div class=\"verdict {class}\" id=\"verdict\">{}<small>{}</small></div>",
            esc(&head),
            esc(&detail)
        );
        self.out.push_str("<div class=\"tiles\" id=\"totals\">\n");
        for (s, n) in Severity::ALL.iter().zip(counts) {
            let _ = writeln!(
                self.out,
                "{}<b>{n}</b><span>{s}</span>{}",
                if n == 0 {
                    format!("<div class=\"tile {s} zero\">")
                } else {
                    format!("<a class=\"tile {s}\" href=\"#sev-{s}\">")
                },
                if n == 0 { "</div>" } else { "</a>" }
            );
        }
        let suppressed = self.report.findings.len() - counts.iter().sum::<usize>();
        let _ = writeln!(
            self.out,
            "<div class=\"tile{}\"><b>{suppressed}</b><span>suppressed</span></div>",
            if suppressed == 0 { " zero" } else { "" }
        );
        let _ = writeln!(
            self.out,
            "<div class=\"tile problems{}\"><b>{errors}</b><span>not read</span></div>\n</div>",
            if errors == 0 { " zero" } else { "" }
        );
        if let (Some(c), Some(p)) = (&self.changes, self.previous) {
            let _ = writeln!(
                self.out,
                "<p class=\"changes\" id=\"changes\">Since the previous report (<span class=\"mono\">{}</span>, vigie {}): \
                 <b class=\"new\">{} new</b>, <b class=\"fixed\">{} fixed</b>, {} unchanged.</p>",
                esc(&p.path),
                esc(&p.tool_version),
                c.new_count,
                c.fixed.len(),
                c.unchanged_count
            );
        }
        self.out.push_str("</header>\n");
    }

    fn problems(&mut self) {
        let problems = &self.report.problems;
        if problems.is_empty() {
            return;
        }
        let errors = self.errors().count();
        let _ = writeln!(
            self.out,
            "<section class=\"problems-box{}\" id=\"problems\">\n<h2>{}{}</h2>\n<ul>",
            if errors == 0 { " warnings" } else { "" },
            if errors > 0 {
                format!(
                    "{} could not be read or reached",
                    plural(errors, "input", "inputs")
                )
            } else {
                "Warnings about inputs".to_string()
            },
            match problems.len() - errors {
                0 => String::new(),
                w if errors > 0 => format!(" · {}", plural(w, "warning", "warnings")),
                _ => String::new(),
            }
        );
        for p in problems {
            let pl = place(&p.file);
            let at = match (pl.host, p.line_col()) {
                (true, _) => format!(
                    "<span class=\"host\">{}</span>{}",
                    esc(pl.group),
                    pl.fact
                        .map(|f| format!(" · {}", esc(f)))
                        .unwrap_or_default()
                ),
                (false, Some(lc)) => {
                    format!(
                        "<span class=\"mono\">{}:{}:{}</span>",
                        esc(&p.file),
                        lc.line,
                        lc.column
                    )
                }
                (false, None) => format!("<span class=\"mono\">{}</span>", esc(&p.file)),
            };
            let _ = writeln!(
                self.out,
                "<li><span class=\"badge {0}\">{0}</span> {at}: {1}</li>",
                p.level.as_str(),
                esc(&p.message)
            );
        }
        self.out.push_str("</ul>\n</section>\n");
    }

    fn summary_table(&mut self) {
        let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
        // An audit lists every host it tried, those without findings too.
        for h in &self.report.hosts {
            groups.entry(h.name.as_str()).or_default().host = true;
        }
        for (i, f) in self.report.findings.iter().enumerate() {
            let p = place(&f.location.file.display);
            let g = groups.entry(p.group).or_default();
            g.host |= p.host;
            if f.suppression.is_some() {
                g.suppressed += 1;
            } else {
                if let Some(n) = g.counts.get_mut(sev_index(f.severity)) {
                    *n += 1;
                }
                if self.changes.as_ref().is_some_and(|c| c.is_new(i)) {
                    g.new += 1;
                }
            }
        }
        for p in &self.report.problems {
            let pl = place(&p.file);
            let g = groups.entry(pl.group).or_default();
            g.host |= pl.host;
            match p.level {
                Level::Error => g.errors.push(p),
                Level::Warning => g.warnings += 1,
            }
        }
        let hosts = groups.values().any(|g| g.host);
        let mut rows: Vec<(&str, Group)> = groups.into_iter().collect();
        // Worst first: by the counts from critical down, then unreadable, then name.
        rows.sort_by(|(an, a), (bn, b)| {
            b.counts
                .cmp(&a.counts)
                .then_with(|| b.errors.len().cmp(&a.errors.len()))
                .then_with(|| an.cmp(bn))
        });
        let label = match (hosts, rows.iter().all(|(_, g)| g.host)) {
            (true, true) => "Host",
            (true, false) => "Host or file",
            _ => "File",
        };
        let _ = writeln!(
            self.out,
            "<section id=\"summary\">\n<h2>By {}</h2>",
            label.to_lowercase()
        );
        if rows.is_empty() {
            self.out
                .push_str("<p class=\"empty\">Nothing was found to report on.</p>\n</section>\n");
            return;
        }
        let _ = write!(
            self.out,
            "<table>\n<thead><tr><th>{label}</th><th>Status</th>"
        );
        for s in Severity::ALL {
            let _ = write!(self.out, "<th class=\"n\">{s}</th>");
        }
        if self.changes.is_some() {
            self.out.push_str("<th class=\"n\">new</th>");
        }
        self.out
            .push_str("<th class=\"n\">suppressed</th></tr></thead>\n<tbody>\n");
        for (name, g) in &rows {
            let status = if !g.errors.is_empty() {
                let audited = self
                    .report
                    .hosts
                    .iter()
                    .find(|h| h.name == *name && h.status != HostStatus::Reached);
                let what = match audited {
                    Some(h) => h.status.as_str(),
                    None if g.host => "unreachable",
                    None => "not read",
                };
                format!(
                    "<span class=\"status bad\" title=\"{}\">{what}</span>",
                    esc(&g
                        .errors
                        .iter()
                        .map(|p| p.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; "))
                )
            } else if g.total() > 0 {
                let worst = Severity::ALL
                    .iter()
                    .zip(g.counts)
                    .find(|(_, n)| *n > 0)
                    .map_or("", |(s, _)| s.as_str());
                format!("<span class=\"status warn\">worst: {worst}</span>")
            } else if g.warnings > 0 {
                "<span class=\"status warn\">warnings</span>".to_string()
            } else {
                "<span class=\"status ok\">clean</span>".to_string()
            };
            let _ = write!(
                self.out,
                "<tr class=\"group\"><td class=\"{}\">{}</td><td>{status}</td>",
                if g.host { "host" } else { "mono" },
                esc(name)
            );
            for (s, n) in Severity::ALL.iter().zip(g.counts) {
                let _ = write!(
                    self.out,
                    "<td class=\"n {}\">{n}</td>",
                    if n == 0 { "zero" } else { s.as_str() }
                );
            }
            if self.changes.is_some() {
                let _ = write!(
                    self.out,
                    "<td class=\"n{}\">{}</td>",
                    if g.new == 0 { " zero" } else { " new" },
                    g.new
                );
            }
            let _ = writeln!(
                self.out,
                "<td class=\"n{}\">{}</td></tr>",
                if g.suppressed == 0 { " zero" } else { "" },
                g.suppressed
            );
        }
        self.out.push_str("</tbody>\n</table>\n</section>\n");
    }

    fn findings(&mut self) {
        let report = self.report;
        let counts = self.counts();
        if counts.iter().sum::<usize>() == 0 {
            self.out.push_str(
                "<section id=\"findings\">\n<h2>Findings</h2>\n<p class=\"empty\">No active findings.</p>\n</section>\n",
            );
            return;
        }
        for (s, n) in Severity::ALL.iter().zip(counts) {
            if n == 0 {
                continue;
            }
            // Rules in id order, each with its findings in report order.
            let mut by_rule: BTreeMap<&str, Vec<(usize, &Finding)>> = BTreeMap::new();
            for (i, f) in report.findings.iter().enumerate() {
                if f.suppression.is_none() && f.severity == *s {
                    by_rule.entry(&f.rule_id).or_default().push((i, f));
                }
            }
            let _ = writeln!(
                self.out,
                "<section class=\"severity {s}\" id=\"sev-{s}\">\n<h2><span class=\"sev {s}\">{s}</span> {}</h2>",
                plural(n, "finding", "findings")
            );
            for (id, list) in by_rule {
                let rule = report.rule(id);
                let _ = write!(
                    self.out,
                    "<article class=\"rule {s}\" id=\"rule-{s}-{}\">\n<h3><code>{}</code> <span class=\"title\">{}</span> <span class=\"count\">({})</span></h3>\n<ol>\n",
                    esc(id),
                    esc(id),
                    esc(rule.map_or("", |r| r.meta.title.as_str())),
                    list.len()
                );
                for (i, f) in list {
                    let new = self.changes.as_ref().is_some_and(|c| c.is_new(i));
                    let _ = writeln!(
                        self.out,
                        "<li class=\"finding\" id=\"f-{}\"><div class=\"where\">{}{}</div><p class=\"msg\">{}</p>{}</li>",
                        esc(&f.fingerprint),
                        if new {
                            "<span class=\"badge new\">new</span> "
                        } else {
                            ""
                        },
                        location(f),
                        esc(&f.message),
                        snippet(f)
                    );
                }
                self.out.push_str("</ol>\n");
                if let Some(r) = rule {
                    if !r.meta.remediation.trim().is_empty() {
                        let _ = writeln!(
                            self.out,
                            "<div class=\"fix\"><b>How to fix</b>{}</div>",
                            markdown(&r.meta.remediation)
                        );
                    }
                    let links: Vec<String> = r
                        .meta
                        .references
                        .iter()
                        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                        .map(|u| format!("<a href=\"{0}\">{0}</a>", esc(u)))
                        .collect();
                    let _ = writeln!(
                        self.out,
                        "<p class=\"refs\">Docs: <code>vigie explain {}</code>{}</p>",
                        esc(id),
                        if links.is_empty() {
                            String::new()
                        } else {
                            format!(" · {}", links.join(" · "))
                        }
                    );
                }
                self.out.push_str("</article>\n");
            }
            self.out.push_str("</section>\n");
        }
    }

    fn fixed(&mut self) {
        let Some(changes) = &self.changes else {
            return;
        };
        let _ = writeln!(
            self.out,
            "<section id=\"fixed\">\n<h2>Fixed since the previous report ({})</h2>",
            changes.fixed.len()
        );
        if changes.fixed.is_empty() {
            self.out.push_str(
                "<p class=\"empty\">No finding of the previous report is gone.</p>\n</section>\n",
            );
            return;
        }
        self.out.push_str(
            "<table>\n<thead><tr><th>Severity</th><th>Rule</th><th>Where it was</th><th>Message</th></tr></thead>\n<tbody>\n",
        );
        let suppressed_prints: std::collections::HashSet<&str> = self
            .report
            .findings
            .iter()
            .filter(|c| c.suppression.is_some())
            .map(|c| c.fingerprint.as_str())
            .collect();
        for f in &changes.fixed {
            let p = place(&f.file);
            let at = if p.host {
                format!(
                    "<span class=\"host\">{}</span>{}",
                    esc(p.group),
                    p.fact.map(|x| format!(" · {}", esc(x))).unwrap_or_default()
                )
            } else {
                format!(
                    "<span class=\"mono\">{}:{}:{}</span>",
                    esc(&f.file),
                    f.line,
                    f.column
                )
            };
            let suppressed_now = suppressed_prints.contains(f.fingerprint.as_str());
            let _ = writeln!(
                self.out,
                "<tr class=\"fixed\"><td><span class=\"sev {0}\">{0}</span></td><td><code>{1}</code></td><td>{at}</td><td>{2}{3}</td></tr>",
                f.severity,
                esc(&f.rule_id),
                esc(&f.message),
                if suppressed_now { " <i>(now suppressed)</i>" } else { "" }
            );
        }
        self.out.push_str("</tbody>\n</table>\n</section>\n");
    }

    fn suppressed(&mut self) {
        let list: Vec<&Finding> = self
            .report
            .findings
            .iter()
            .filter(|f| f.suppression.is_some())
            .collect();
        if list.is_empty() {
            return;
        }
        let _ = writeln!(
            self.out,
            "<section id=\"suppressed\">\n<h2>Suppressed ({})</h2>\n<table>\n<thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th><th>Suppressed by</th></tr></thead>\n<tbody>",
            list.len()
        );
        for f in list {
            let (kind, reason) = f.suppression.as_ref().map_or(("", None), |s| {
                (
                    match s.kind {
                        SuppressionKind::InSource => "inline comment",
                        SuppressionKind::Config => "vigie.toml",
                    },
                    s.reason.as_deref(),
                )
            });
            let _ = writeln!(
                self.out,
                "<tr class=\"suppressed\"><td><span class=\"sev {0}\">{0}</span></td><td><code>{1}</code></td><td class=\"mono\">{2}</td><td>{3}</td><td>{kind}{4}</td></tr>",
                f.severity,
                esc(&f.rule_id),
                location(f),
                esc(&f.message),
                reason
                    .map(|r| format!(": {}", esc(&f.mask(r))))
                    .unwrap_or_default()
            );
        }
        self.out.push_str("</tbody>\n</table>\n</section>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Location;
    use crate::text::{SourceFile, TextRange};

    fn finding(file: &str, text: &str, line: u32, sev: Severity, msg: &str) -> Finding {
        let src = SourceFile::new(file.into(), file.into(), text.into());
        let start = src.line_start(line);
        let end = start + u32::try_from(src.line_text(line).len()).unwrap();
        Finding {
            rule_id: "host.x".into(),
            severity: sev,
            message: msg.into(),
            location: Location::new(src, TextRange::new(start, end)),
            node_path: vec![],
            fingerprint: format!("{line:032x}"),
            secrets: vec!["hunter2".into()],
            suppression: None,
        }
    }

    fn render(report: &Report, previous: Option<Previous>) -> String {
        let mut out = Vec::new();
        Html {
            context: HtmlContext {
                command: "audit".into(),
                fail_on: Some(Severity::Low),
                ..HtmlContext::default()
            },
            previous,
        }
        .emit(report, &mut out)
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn places() {
        let p = place("ssh://web1/sshd -T");
        assert_eq!((p.group, p.fact, p.host), ("web1", Some("sshd -T"), true));
        let p = place("docker://local/docker inspect");
        assert_eq!(
            (p.group, p.fact, p.host),
            ("local", Some("docker inspect"), true)
        );
        let p = place("ssh://cache1");
        assert_eq!((p.group, p.fact, p.host), ("cache1", None, true));
        let p = place("deploy/compose.yaml");
        assert_eq!(
            (p.group, p.fact, p.host),
            ("deploy/compose.yaml", None, false)
        );
    }

    #[test]
    fn dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_772_000_000), "2026-02-25 06:13 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn hosts_come_from_virtual_files_and_problems() {
        let text = "port 22\npasswordauthentication yes hunter2\npermitrootlogin yes\n";
        let report = Report {
            findings: vec![
                finding(
                    "ssh://web1/sshd -T",
                    text,
                    2,
                    Severity::High,
                    "password auth",
                ),
                finding(
                    "ssh://web1/sshd -T",
                    text,
                    3,
                    Severity::Medium,
                    "root login",
                ),
                finding("ssh://db1/sshd -T", text, 3, Severity::Medium, "root login"),
            ],
            problems: vec![Problem::error("ssh://cache1", "connection refused")],
            ..Report::default()
        };
        let html = render(&report, None);
        assert!(html.contains("<th>Host</th>"), "{html}");
        let rows: Vec<&str> = html
            .lines()
            .filter(|l| l.starts_with("<tr class=\"group\">"))
            .collect();
        assert_eq!(rows.len(), 3);
        assert!(rows[0].contains(">web1<") && rows[0].contains("worst: high"));
        assert!(rows[1].contains(">db1<"));
        assert!(rows[2].contains(">cache1<") && rows[2].contains("unreachable"));
        assert!(html.contains("<span class=\"host\">web1</span> · sshd -T, line 2"));
        assert!(!html.contains("hunter2") && html.contains("****"));
        assert!(html.contains("INCOMPLETE") || html.contains("FAIL"));
    }

    #[test]
    fn snippet_marks_the_range_and_masks() {
        let f = finding(
            "a.yaml",
            "a: 1\nb: hunter2 <x>\nc: 3\n",
            2,
            Severity::High,
            "m",
        );
        let s = snippet(&f);
        assert!(s.contains("<span class=\"ln\">1</span>a: 1"), "{s}");
        assert!(s.contains("<mark>b: **** &lt;x&gt;</mark>"), "{s}");
        assert!(s.contains("<span class=\"ln\">3</span>c: 3"), "{s}");
    }

    #[test]
    fn markdown_blocks() {
        let h = markdown("Do `this`:\n\n- one\n- two\n  more\n\n```yaml\na: <b>\n```\nafter");
        assert_eq!(
            h,
            "<p>Do <code>this</code>:</p><ul><li>one</li><li>two more</li></ul>\
             <pre class=\"code\">a: &lt;b&gt;</pre><p>after</p>"
        );
    }
}
