//! The command line: one definition per flag (clap derive), one file per subcommand.

mod audit;
mod policy_input;
mod policy_test;
mod rules;
mod scan;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use miette::{LabeledSpan, MietteDiagnostic, NamedSource, Report as MReport};

use crate::finding::Severity;
use crate::output::previous::{Previous, PreviousError};
use crate::output::{escape, timestamp, Emitter, Html, HtmlContext, Human, Json, Sarif};
use crate::policy::{Engine, PolicyError, PolicySet};
use crate::scan::{Report, Verdict};
use crate::settings::{RuleSetting, Settings, SettingsError};
use crate::write::{write_atomic, WriteOptions};

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above `--fail-on`.
    Success = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage or configuration error.
    Error = 2,
    /// No such findings, but some inputs could not be read.
    Incomplete = 3,
}

#[derive(Debug, Parser)]
#[command(
    name = "vigie",
    version,
    about = "Policy-as-code hardening auditor for self-hosted infrastructure"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files and directories (Docker Compose, Terraform, Caddy, Headscale ACLs) against the policies.
    Scan(scan::ScanArgs),
    /// Audit live hosts over SSH (inventory in vigie.toml, --inventory or --host), read-only.
    Audit(audit::AuditArgs),
    /// List every rule with its severity and title.
    Rules(rules::RulesArgs),
    /// Print a rule's documentation.
    Explain(rules::ExplainArgs),
    /// Work with Rego policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Run the Rego unit tests (`test_*` rules) of the built-in policies or of DIR.
    Test(policy_test::TestArgs),
    /// Print the Rego `input` of every document read from PATH (to write and debug rules).
    Input(policy_input::InputArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Html,
}

/// The output flags of every command that produces a findings report (`scan`, `audit`).
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of standard output: atomically (a private temporary
    /// file beside it, renamed over it), keeping an existing file's permissions, else 0600.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --output: when FILE is a symbolic link, replace the file it points to (still
    /// atomically) instead of refusing to write.
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Exit with 1 when a finding is at or above this severity [default: low, or `fail_on` in vigie.toml].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// With `--format html`: show what changed since OLD.json, an earlier `--format json` report
    /// (new, fixed and unchanged findings, matched by fingerprint).
    #[arg(long, value_name = "OLD.json")]
    pub previous: Option<PathBuf>,
    /// Also load the Rego policies in DIR (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Read settings from FILE instead of ./vigie.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// List every file that looked like one vigie reads but was not scanned, and why (a
    /// templated file, a known name in another case, a file that sniffed as a Caddyfile but does
    /// not parse). The summary line always counts them; JSON and SARIF always list them.
    #[arg(long, short)]
    pub verbose: bool,
}

/// The output flags, checked, with what they name read: done before any scanning, so that a
/// mistake costs nothing.
pub struct Output<'a> {
    args: &'a OutputArgs,
    previous: Option<Previous>,
}

impl OutputArgs {
    /// Check the flags (exit 2 on a mistake) and read the previous report.
    pub fn prepare(&self) -> Result<Output<'_>, ExitStatus> {
        if let Some(path) = &self.output {
            if let Err(e) = crate::write::check_destination(path, &self.write_options()) {
                eprintln!("error: {}", escape::line(&e.to_string()));
                return Err(ExitStatus::Error);
            }
        }
        let previous = match &self.previous {
            None => None,
            Some(_) if self.format != Format::Html => {
                eprintln!(
                    "error: --previous only applies to --format html (the JSON and SARIF reports \
                     carry fingerprints for tools to compare; see the README)"
                );
                return Err(ExitStatus::Error);
            }
            Some(path) => match Previous::load(path) {
                Ok(p) => Some(p),
                Err(e) => {
                    report_previous_error(&e);
                    return Err(ExitStatus::Error);
                }
            },
        };
        Ok(Output {
            args: self,
            previous,
        })
    }

    /// How `--output` is written.
    pub fn write_options(&self) -> WriteOptions {
        WriteOptions {
            follow_symlinks: self.follow_symlinks,
            new_mode: crate::write::REPORT_MODE,
        }
    }

    /// The settings (`--config`, else ./vigie.toml) and the engine compiled from the built-in
    /// policies and `--policy` ones; on error the diagnostic is printed and exit 2 returned.
    pub fn engine(&self, cwd: &Path) -> Result<(Settings, Engine), ExitStatus> {
        let settings = Settings::discover(self.config.as_deref(), cwd).map_err(|e| {
            report_settings_error(&e);
            ExitStatus::Error
        })?;
        let policies = load_policies(&self.policy).map_err(|e| {
            report_policy_error(&e);
            ExitStatus::Error
        })?;
        if let Err(e) = settings.check_rule_ids(|id| policies.rule(id).is_some()) {
            report_settings_error(&e);
            return Err(ExitStatus::Error);
        }
        let engine = Engine::compile(&policies, &settings.config, |r| {
            settings.rule(r.id()) != Some(RuleSetting::Off)
        })
        .map_err(|e| {
            report_policy_error(&e);
            ExitStatus::Error
        })?;
        Ok((settings, engine))
    }
}

impl Output<'_> {
    /// The severity at or above which findings fail the run.
    pub fn threshold(&self, settings: &Settings) -> Option<Severity> {
        match self.args.fail_on {
            Some(f) => f.threshold(),
            None => Some(settings.fail_on.unwrap_or(Severity::Low)),
        }
    }

    /// Write the report in the chosen format and give the exit status it concludes with.
    /// `command` and `targets` (what was scanned or audited) head the HTML report.
    pub fn finish(
        self,
        report: &Report,
        settings: &Settings,
        command: &str,
        targets: &[String],
    ) -> ExitStatus {
        let threshold = self.threshold(settings);
        let args = self.args;
        let color = args.output.is_none()
            && io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let emitter: Box<dyn Emitter> = match args.format {
            Format::Human => Box::new(Human {
                color,
                verbose: args.verbose,
            }),
            Format::Json => Box::new(Json),
            Format::Sarif => Box::new(Sarif),
            Format::Html => Box::new(Html {
                context: HtmlContext {
                    command: command.to_string(),
                    targets: targets.to_vec(),
                    generated: Some(timestamp()),
                    fail_on: threshold,
                },
                previous: self.previous,
            }),
        };
        let written = match &args.output {
            Some(path) => write_atomic(path, &args.write_options(), |w| emitter.emit(report, w))
                .map_err(|e| e.to_string()),
            None => write_stdout(|w| emitter.emit(report, w))
                .map_err(|e| format!("cannot write the report: {e}")),
        };
        if let Err(e) = written {
            eprintln!("error: {}", escape::line(&e));
            return ExitStatus::Error;
        }
        match report.verdict(threshold) {
            Verdict::Findings => ExitStatus::Findings,
            Verdict::Incomplete => ExitStatus::Incomplete,
            Verdict::Pass => ExitStatus::Success,
        }
    }
}

fn report_previous_error(e: &PreviousError) {
    let diag = MietteDiagnostic::new(format!(
        "invalid previous report: {}",
        escape::text(&e.to_string())
    ))
    .with_code("vigie::previous")
    .with_help("--previous takes a report written by `vigie scan --format json`");
    match (&e.text, e.offset()) {
        (Some(text), Some(at)) => {
            let mut at = [at, at];
            let text = escape::source(text, &mut at);
            print_report(
                MReport::new(diag.with_label(LabeledSpan::at(at[0]..at[1], "here")))
                    .with_source_code(NamedSource::new(
                        escape::line(&e.path.display().to_string()),
                        text,
                    )),
            );
        }
        _ => print_report(MReport::new(diag)),
    }
}

/// `--fail-on`: a severity, or `none` to never fail on findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    None,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::None => None,
        }
    }
}

pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot read the working directory: {e}");
            return ExitStatus::Error;
        }
    };
    crate::scan::init_workers();
    match cli.command {
        Command::Scan(args) => scan::run(args, &cwd),
        Command::Audit(args) => audit::run(args, &cwd),
        Command::Rules(args) => rules::list(&args),
        Command::Explain(args) => rules::explain(&args),
        Command::Policy(PolicyCommand::Test(args)) => policy_test::run(&args),
        Command::Policy(PolicyCommand::Input(args)) => policy_input::run(&args, &cwd),
    }
}

fn stderr_color() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_report(report: MReport) {
    let theme = if stderr_color() {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    let _ =
        miette::GraphicalReportHandler::new_themed(theme).render_report(&mut out, report.as_ref());
    let _ = io::stderr().write_all(out.as_bytes());
}

pub(crate) fn report_settings_error(e: &SettingsError) {
    let mut diag = MietteDiagnostic::new(format!(
        "invalid configuration: {}",
        escape::text(&e.message)
    ))
    .with_code("vigie::config");
    let path = escape::line(&e.path.display().to_string()).into_owned();
    match (&e.text, &e.span) {
        (Some(text), Some(span)) => {
            let mut at = [span.start, span.end];
            let text = escape::source(text, &mut at);
            diag = diag.with_label(LabeledSpan::at(at[0]..at[1].max(at[0]), "here"));
            print_report(MReport::new(diag).with_source_code(NamedSource::new(path, text)));
        }
        _ => print_report(MReport::new(diag.with_help(format!("in {path}")))),
    }
}

pub(crate) fn report_policy_error(e: &PolicyError) {
    let diag = MietteDiagnostic::new(format!(
        "policy error in {}: {}",
        escape::line(&e.file),
        escape::text(&e.message)
    ))
    .with_code("vigie::policy");
    print_report(MReport::new(diag));
}

/// The built-in policies plus every `--policy DIR`.
pub(crate) fn load_policies(dirs: &[PathBuf]) -> Result<PolicySet, PolicyError> {
    let mut set = PolicySet::builtin()?;
    for d in dirs {
        set.add_dir(d)?;
    }
    Ok(set)
}

/// Write to stdout through a buffer; a closed pipe (`vigie ... | head`) is not an error.
pub(crate) fn write_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
