//! `vigie scan`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::{
    load_policies, report_policy_error, report_settings_error, write_atomic, write_stdout,
    ExitStatus, FailOn, Format,
};
use crate::output::{Emitter, Human, Json, Sarif};
use crate::policy::Engine;
use crate::scan::scan;
use crate::settings::{RuleSetting, Settings};
use crate::source::Context;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity [default: low, or `fail_on` in vigie.toml].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Also load the Rego policies in DIR (repeatable).
    #[arg(long, value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// Read settings from FILE instead of ./vigie.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: ScanArgs, cwd: &Path) -> ExitStatus {
    let settings = match Settings::discover(args.config.as_deref(), cwd) {
        Ok(s) => s,
        Err(e) => {
            report_settings_error(&e);
            return ExitStatus::Error;
        }
    };
    let policies = match load_policies(&args.policy) {
        Ok(p) => p,
        Err(e) => {
            report_policy_error(&e);
            return ExitStatus::Error;
        }
    };
    if let Err(e) = settings.check_rule_ids(|id| policies.rule(id).is_some()) {
        report_settings_error(&e);
        return ExitStatus::Error;
    }
    let engine = match Engine::compile(&policies, &settings.config, |r| {
        settings.rule(r.id()) != Some(RuleSetting::Off)
    }) {
        Ok(e) => e,
        Err(e) => {
            report_policy_error(&e);
            return ExitStatus::Error;
        }
    };
    let ctx = Context {
        cwd: cwd.to_path_buf(),
    };
    let report = scan(&args.paths, &engine, &settings, &ctx);

    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let emitter: Box<dyn Emitter> = match args.format {
        Format::Human => Box::new(Human { color }),
        Format::Json => Box::new(Json),
        Format::Sarif => Box::new(Sarif),
    };
    let written = match &args.output {
        Some(path) => write_atomic(path, |w| emitter.emit(&report, w))
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => write_stdout(|w| emitter.emit(&report, w))
            .map_err(|e| format!("cannot write the report: {e}")),
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return ExitStatus::Error;
    }

    let threshold = match args.fail_on {
        Some(f) => f.threshold(),
        None => Some(settings.fail_on.unwrap_or(crate::finding::Severity::Low)),
    };
    if threshold.is_some_and(|t| report.active().any(|f| f.severity >= t)) {
        ExitStatus::Findings
    } else if report.has_errors() {
        ExitStatus::Incomplete
    } else {
        ExitStatus::Success
    }
}
