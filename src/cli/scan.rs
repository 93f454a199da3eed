//! `vigie scan`.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::{
    load_policies, report_policy_error, report_settings_error, ExitStatus, OutputArgs,
};
use crate::policy::Engine;
use crate::scan::scan;
use crate::settings::{RuleSetting, Settings};
use crate::source::Context;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    /// Also load the Rego policies in DIR (repeatable).
    #[arg(long, value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// Read settings from FILE instead of ./vigie.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: ScanArgs, cwd: &Path) -> ExitStatus {
    let output = match args.output.prepare() {
        Ok(o) => o,
        Err(status) => return status,
    };
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
    let targets: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    output.finish(&report, &settings, "scan", &targets)
}
