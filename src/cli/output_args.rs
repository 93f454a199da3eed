//! The flags `scan` and `audit` share: policies, settings, format, destination and exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::{
    load_policies, report_policy_error, report_settings_error, write_atomic, write_stdout,
    ExitStatus, FailOn, Format,
};
use crate::finding::Severity;
use crate::output::{Emitter, Human, Json, Sarif};
use crate::policy::Engine;
use crate::scan::Report;
use crate::settings::{RuleSetting, Settings};

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity [default: low, or `fail_on` in vigie.toml].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Also load the Rego policies in DIR (repeatable).
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// Read settings from FILE instead of ./vigie.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl OutputArgs {
    /// The settings and the compiled engine; on error the diagnostic is printed and the exit
    /// status returned.
    pub fn prepare(&self, cwd: &Path) -> Result<(Settings, Engine), ExitStatus> {
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

    /// Whether the report is for a person on a terminal (progress and colour are shown then).
    pub fn is_human(&self) -> bool {
        self.format == Format::Human
    }

    /// Write the report where asked, and the exit status it makes.
    pub fn finish(&self, report: &Report, settings: &Settings) -> ExitStatus {
        let color = self.output.is_none()
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let emitter: Box<dyn Emitter> = match self.format {
            Format::Human => Box::new(Human { color }),
            Format::Json => Box::new(Json),
            Format::Sarif => Box::new(Sarif),
        };
        let written = match &self.output {
            Some(path) => write_atomic(path, |w| emitter.emit(report, w))
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            None => write_stdout(|w| emitter.emit(report, w))
                .map_err(|e| format!("cannot write the report: {e}")),
        };
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitStatus::Error;
        }
        let threshold = match self.fail_on {
            Some(f) => f.threshold(),
            None => Some(settings.fail_on.unwrap_or(Severity::Low)),
        };
        if threshold.is_some_and(|t| report.active().any(|f| f.severity >= t)) {
            ExitStatus::Findings
        } else if report.has_errors() {
            ExitStatus::Incomplete
        } else {
            ExitStatus::Success
        }
    }
}
