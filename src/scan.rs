//! The pipeline: discover → load → evaluate → findings → suppress. Workers never print:
//! every result comes back to one collector.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::discover;
use crate::document::{Document, Kind};
use crate::finding::{fingerprint, Finding, Location, Severity};
use crate::limits::MAX_NESTING;
use crate::policy::{Denial, Engine, Rule};
use crate::problem::{Level, Problem};
use crate::project::{self, Parts};
use crate::secret;
use crate::settings::{RuleSetting, Settings};
use crate::source::skip::Skipped;
use crate::source::{self, Context, Unit};
use crate::suppress;
use crate::text::SourceFile;

/// The stack of every thread that loads and evaluates files (rayon's global pool, the audit's
/// host workers): every reader's depth limits must hold well inside it, and the fuzz targets run
/// the readers on a thread of this size.
pub const WORKER_STACK_SIZE: usize = 2 * 1024 * 1024;

/// Give rayon's global pool, where scans run, workers of [`WORKER_STACK_SIZE`]. Called once at
/// start; a pool already built (by an earlier call) is kept.
pub fn init_workers() {
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_SIZE)
        .build_global();
}

/// Everything a scan found.
#[derive(Debug, Default)]
pub struct Report {
    /// All findings, suppressed ones included, sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    /// Every rule that was evaluated.
    pub rules: Vec<Arc<Rule>>,
    /// Files read (documents and the files merged into them).
    pub files: usize,
    pub documents: usize,
    pub duration: Duration,
    /// The directory paths are relative to.
    pub cwd: PathBuf,
    /// The live hosts of an audit, in inventory order, with whether each was reached (empty for
    /// a scan of files).
    pub hosts: Vec<AuditedHost>,
    /// Every secret vigie knows of in each file (by display path, longest first): masked in
    /// everything shown about that file, findings and problems alike.
    pub secrets: HashMap<String, Vec<String>>,
    /// Files that looked like one vigie reads but were not scanned, by path.
    pub skipped: Vec<Skipped>,
}

/// What became of one host of an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostStatus {
    /// Connected, authenticated, facts gathered: its findings are in the report.
    Reached,
    /// Its host key is unknown, changed or revoked: nothing was sent to it.
    Refused,
    /// No TCP connection or no SSH handshake in time.
    Unreachable,
    /// Reached, but authentication or the facts command failed (or timed out).
    Failed,
}

impl HostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HostStatus::Reached => "reached",
            HostStatus::Refused => "refused",
            HostStatus::Unreachable => "unreachable",
            HostStatus::Failed => "failed",
        }
    }
}

/// One host of an audit. Its findings are those whose file is `ssh://<name>/...`.
#[derive(Debug, Clone)]
pub struct AuditedHost {
    pub name: String,
    pub address: String,
    pub port: u16,
    pub user: String,
    pub tags: Vec<String>,
    pub status: HostStatus,
    /// Why it was not reached.
    pub message: Option<String>,
    pub duration: Duration,
}

impl AuditedHost {
    /// The prefix of the virtual files of this host's findings and problems.
    pub fn uri(&self) -> String {
        host_uri(&self.name)
    }
}

/// `ssh://<host>`: the virtual location of a host's facts (`ssh://web1/sshd -T`).
pub fn host_uri(name: &str) -> String {
    format!("ssh://{name}")
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.level == Level::Error)
    }

    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_none())
    }

    pub fn rule(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    /// The active findings of an audited host: those in its virtual files (`ssh://<host>` and
    /// `ssh://<host>/<fact>`).
    pub fn host_findings<'a>(&'a self, host: &'a AuditedHost) -> impl Iterator<Item = &'a Finding> {
        let uri = host.uri();
        self.active().filter(move |f| {
            let file = f.location.file.display.as_str();
            file.strip_prefix(uri.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// What the run concludes with findings failing at or above `threshold` (none: findings
    /// never fail it). Failing findings win over unreadable inputs.
    pub fn verdict(&self, threshold: Option<Severity>) -> Verdict {
        if threshold.is_some_and(|t| self.active().any(|f| f.severity >= t)) {
            Verdict::Findings
        } else if self.has_errors() {
            Verdict::Incomplete
        } else {
            Verdict::Pass
        }
    }
}

/// The conclusion of a run, which the exit code reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing at or above the threshold, every input read.
    Pass,
    /// Findings at or above the threshold.
    Findings,
    /// No such findings, but some inputs could not be read or some hosts not reached.
    Incomplete,
}

struct UnitResult {
    findings: Vec<Finding>,
    problems: Vec<Problem>,
    files: usize,
    documents: usize,
    /// What the unit's documents contribute to the project view (only when a project rule is on).
    parts: Parts,
    skipped: Vec<Skipped>,
}

/// What [`plan`] found: the units to load, and what discovery reported.
#[derive(Debug, Default)]
pub struct Plan {
    pub units: Vec<Unit>,
    pub problems: Vec<Problem>,
    pub skipped: Vec<Skipped>,
}

/// Discover the files below `paths` and group them into the units sources load.
pub fn plan(paths: &[PathBuf], settings: &Settings, ctx: &Context) -> Plan {
    let found = discover::discover(paths, &settings.exclude, ctx);
    let mut by_kind: Vec<(Kind, Vec<PathBuf>)> = Vec::new();
    for (kind, path) in found.targets {
        match by_kind.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, v)) => v.push(path),
            None => by_kind.push((kind, vec![path])),
        }
    }
    // Traefik units also take the compose files that mention Traefik (labels, a Traefik
    // service's command).
    let traefik_files = by_kind
        .iter()
        .position(|(k, _)| *k == Kind::Traefik)
        .map(|i| by_kind.remove(i).1)
        .unwrap_or_default();
    // Recorded `docker inspect` dumps are compared with the scan's compose files
    // (`docker.container-drift`).
    let compose: Vec<PathBuf> = by_kind
        .iter()
        .filter(|(k, _)| *k == Kind::Compose)
        .flat_map(|(_, files)| files.iter().cloned())
        .collect();
    let mut units: Vec<Unit> = by_kind
        .into_iter()
        .flat_map(|(k, files)| match k {
            Kind::Docker => source::docker::units(files, &compose),
            _ => source::units(k, files, ctx),
        })
        .collect();
    let compose_units: Vec<Unit> = units
        .iter()
        .filter(|u| u.kind == Kind::Compose)
        .cloned()
        .collect();
    units.extend(source::traefik::units(traefik_files, &compose_units));
    Plan {
        units,
        problems: found.problems,
        skipped: found.skipped,
    }
}

/// Scan `paths` with a compiled engine.
pub fn scan(paths: &[PathBuf], engine: &Engine, settings: &Settings, ctx: &Context) -> Report {
    let started = Instant::now();
    let Plan {
        units,
        problems,
        skipped,
    } = plan(paths, settings, ctx);
    // The project view is gathered only when a rule reads it and some file of the scan can
    // bring a route to join: a corpus of compose files alone keeps nothing.
    let project = engine.rules().iter().any(|r| r.kind == Kind::Project)
        && units.iter().any(|u| source::contributes_routes(u.kind));

    let results: Vec<UnitResult> = units
        .par_iter()
        .map_init(
            || engine.clone(),
            |engine, unit| process_unit(unit, engine, settings, ctx, project),
        )
        .collect();

    let mut report = Report {
        problems,
        skipped,
        rules: engine.rules().to_vec(),
        cwd: ctx.cwd.clone(),
        ..Report::default()
    };
    let mut parts = Parts::default();
    for r in results {
        report.findings.extend(r.findings);
        report.problems.extend(r.problems);
        report.files += r.files;
        report.documents += r.documents;
        report.skipped.extend(r.skipped);
        parts.extend(r.parts);
    }
    if let Some(doc) = project::build(parts) {
        let (denials, errors) = engine.clone().evaluate(&doc);
        report
            .findings
            .extend(denials.into_iter().map(|d| to_finding(d, &doc, settings)));
        report.problems.extend(
            errors
                .into_iter()
                .map(|m| Problem::error(&doc.path, format!("project view: {m}"))),
        );
    }
    finish(&mut report, settings);
    report.duration = started.elapsed();
    report
}

/// Mask, suppress and sort what the workers found: the last step of a scan and of an audit.
pub(crate) fn finish(report: &mut Report, settings: &Settings) {
    mask_secrets(report);
    suppress::apply(&mut report.findings, settings);
    report.findings.sort_by(|a, b| {
        (
            &a.location.file.display,
            a.location.start,
            &a.rule_id,
            &a.message,
        )
            .cmp(&(
                &b.location.file.display,
                b.location.start,
                &b.rule_id,
                &b.message,
            ))
    });
    // The same finding from two documents (a file provider file joins every Traefik setup
    // that reads it) is reported once.
    report.findings.dedup_by(|a, b| {
        a.rule_id == b.rule_id
            && a.location.file.display == b.location.file.display
            && a.location.range == b.location.range
            && a.message == b.message
    });
    report
        .problems
        .sort_by(|a, b| (&a.file, a.line_col(), a.level).cmp(&(&b.file, b.line_col(), b.level)));
    // A file two sources read (a `.env` beside both a compose file and a Caddyfile) has its
    // problem reported once.
    report.problems.dedup_by(|a, b| {
        a.file == b.file
            && a.line_col() == b.line_col()
            && a.level == b.level
            && a.message == b.message
    });
    // A file of two units (a compose file read by a Traefik setup too) is reported once.
    report.skipped.sort();
    report.skipped.dedup_by(|a, b| a.file == b.file);
}

/// Evaluate every rule of a document's kind on it.
pub(crate) fn evaluate(
    doc: &Document,
    engine: &mut Engine,
    settings: &Settings,
) -> (Vec<Finding>, Vec<Problem>) {
    if let Some(path) = doc.too_deep(MAX_NESTING) {
        let problem = Problem::at(
            Level::Error,
            doc.locate(&path),
            format!("the document nests deeper than {MAX_NESTING} levels here: its rules are not evaluated"),
        );
        return (Vec::new(), vec![problem]);
    }
    let (denials, errors) = engine.evaluate(doc);
    (
        denials
            .into_iter()
            .map(|d| to_finding(d, doc, settings))
            .collect(),
        errors
            .into_iter()
            .map(|m| Problem::error(&doc.path, m))
            .collect(),
    )
}

fn process_unit(
    unit: &Unit,
    engine: &mut Engine,
    settings: &Settings,
    ctx: &Context,
    project: bool,
) -> UnitResult {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let loaded = source::load(unit, ctx);
        let mut findings = Vec::new();
        let mut problems = loaded.problems;
        let skipped = loaded.skipped;
        let mut parts = Parts::default();
        let documents = loaded.documents.len();
        for doc in &loaded.documents {
            let (f, p) = evaluate(doc, engine, settings);
            findings.extend(f);
            problems.extend(p);
            if project {
                source::contribute(doc, &mut parts);
            }
        }
        UnitResult {
            findings,
            problems,
            files: loaded.files,
            documents,
            parts,
            skipped,
        }
    }));
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let file = unit
            .files
            .first()
            .map(|p| ctx.display(p))
            .unwrap_or_default();
        UnitResult {
            findings: Vec::new(),
            problems: vec![Problem::error(
                file,
                format!("internal error while scanning this file (please report it): {what}"),
            )],
            files: source::content_files(unit),
            documents: 0,
            parts: Parts::default(),
            skipped: Vec::new(),
        }
    })
}

/// Every finding and problem of a file masks every secret vigie knows of in that file: those the
/// secret rules found, and those [`secret::harvest`] recognises in its text (a snippet's
/// neighbouring lines, a parse error's line, a tool's error output may hold one no rule reported).
/// A finding's message keeps the names its rule quotes (its node path): a service called like a
/// short secret stays readable.
fn mask_secrets(report: &mut Report) {
    let mut files: HashMap<String, std::sync::Arc<SourceFile>> = HashMap::new();
    let mut known: HashMap<String, Vec<String>> = HashMap::new();
    for f in &report.findings {
        let file = &f.location.file;
        files
            .entry(file.display.clone())
            .or_insert_with(|| file.clone());
        known
            .entry(file.display.clone())
            .or_default()
            .extend(f.secrets.iter().cloned());
    }
    for p in &report.problems {
        if let Some(span) = &p.span {
            files
                .entry(span.file.display.clone())
                .or_insert_with(|| span.file.clone());
        }
    }
    for (display, file) in &files {
        known
            .entry(display.clone())
            .or_default()
            .extend(secret::harvest(&file.text));
    }
    for all in known.values_mut() {
        all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        all.dedup();
    }
    // Messages are vigie's own words and quote no values; masking them is a backstop, for
    // secrets long enough not to be mistaken for the names messages quote.
    let for_messages = |all: &[String]| -> Vec<String> {
        all.iter()
            .filter(|s| s.chars().count() >= secret::MIN_IN_MESSAGES)
            .cloned()
            .collect()
    };
    for f in &mut report.findings {
        if let Some(all) = known.get(&f.location.file.display) {
            f.secrets.clone_from(all);
        }
        // A rule must not put a secret in its message; mask it all the same.
        f.message = secret::mask(&f.message, &for_messages(&f.secrets), &f.node_path, &mut []);
    }
    for p in &mut report.problems {
        let all = known
            .get(&p.file)
            .map(|a| for_messages(a))
            .unwrap_or_default();
        p.message = secret::mask(&p.message, &all, &[], &mut []);
    }
    for h in &mut report.hosts {
        if let Some(m) = &mut h.message {
            *m = secret::mask(m, &[], &[], &mut []);
        }
    }
    report.secrets = known;
}

fn to_finding(d: Denial, doc: &Document, settings: &Settings) -> Finding {
    let span = doc.locate(&d.path);
    let value = doc.value_at(&d.path);
    let secrets = if d.rule.meta.secret {
        value
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let severity = match settings.rule(d.rule.id()) {
        Some(RuleSetting::Severity(s)) => s,
        _ => d.severity.unwrap_or(d.rule.meta.severity),
    };
    let location = Location::new(span.file, span.range);
    // A project node is identified by its path with named items (a route's key): its value
    // holds indices into the project's lists, which move when unrelated files change.
    // A secret rule's value is the secret: it stays out of the fingerprint (see
    // [`fingerprint`]). Another rule's value is hashed with the secrets it holds masked.
    let masked;
    let value = if doc.kind == Kind::Project || d.rule.meta.secret {
        None
    } else {
        match value {
            Some(v) => {
                let text = v.to_string();
                let found = secret::harvest(&text);
                if found.is_empty() {
                    Some(v)
                } else {
                    masked = serde_json::Value::String(secret::mask(&text, &found, &[], &mut []));
                    Some(&masked)
                }
            }
            None => None,
        }
    };
    Finding {
        rule_id: d.rule.meta.id.clone(),
        severity,
        fingerprint: fingerprint(
            &d.rule.meta.id,
            &location.file.display,
            &doc.stable_path(&d.path),
            value,
        ),
        message: d.msg,
        location,
        node_path: d.path,
        secrets,
        suppression: None,
    }
}
