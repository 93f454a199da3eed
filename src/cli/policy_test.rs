//! `vigie policy test`.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;

use crate::cli::{
    load_policies, report_policy_error, report_settings_error, write_stdout, ExitStatus,
};
use crate::output::escape;
use crate::policy::test_runner::{self, Outcome};
use crate::settings::Settings;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Directories of policies and their tests; without one, the built-in policies are tested.
    dirs: Vec<PathBuf>,
    /// Only run tests whose name or package contains this text.
    #[arg(long, value_name = "TEXT")]
    run: Option<String>,
    /// Read settings from FILE instead of ./vigie.toml (its [config] is data.vigie.config).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print every test, not only failures.
    #[arg(long, short)]
    verbose: bool,
}

pub fn run(args: &TestArgs) -> ExitStatus {
    let cwd = std::env::current_dir().unwrap_or_default();
    let settings = match Settings::discover(args.config.as_deref(), &cwd) {
        Ok(s) => s,
        Err(e) => {
            report_settings_error(&e);
            return ExitStatus::Error;
        }
    };
    let set = match load_policies(&args.dirs) {
        Ok(s) => s,
        Err(e) => {
            report_policy_error(&e);
            return ExitStatus::Error;
        }
    };
    let results = match test_runner::run(&set, &settings.config, args.run.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            report_policy_error(&e);
            return ExitStatus::Error;
        }
    };
    // With directories, only their tests count; without, the built-in ones.
    let results: Vec<_> = results
        .into_iter()
        .filter(|r| {
            if args.dirs.is_empty() {
                r.file.starts_with("builtin:")
            } else {
                !r.file.starts_with("builtin:")
            }
        })
        .collect();
    let mut out = String::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    for r in &results {
        let label = match &r.outcome {
            Outcome::Pass => {
                passed += 1;
                if !args.verbose {
                    continue;
                }
                "PASS".to_string()
            }
            Outcome::Fail => {
                failed += 1;
                "FAIL".to_string()
            }
            Outcome::Error(e) => {
                failed += 1;
                format!("ERROR: {e}")
            }
        };
        let _ = writeln!(
            out,
            "{label} {}.{} ({}, {:.1?})",
            r.package, r.name, r.file, r.duration
        );
    }
    if results.is_empty() {
        let _ = writeln!(out, "no test_ rules found");
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    // Names and errors come from policy files, which may be a stranger's.
    let out = escape::text(&out);
    if write_stdout(|w| w.write_all(out.as_bytes())).is_err() {
        return ExitStatus::Error;
    }
    if failed > 0 || results.is_empty() {
        ExitStatus::Findings
    } else {
        ExitStatus::Success
    }
}
