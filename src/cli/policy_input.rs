//! `vigie policy input`: the Rego `input` of every document vigie reads, then the project view
//! when there is something to join, for writing rules.

use std::path::{Path, PathBuf};

use clap::Args;
use rayon::prelude::*;
use serde_json::Value;

use crate::cli::{report_settings_error, write_stdout, ExitStatus};
use crate::output::escape;
use crate::problem::Level;
use crate::project::{self, Parts};
use crate::scan::{plan, Plan};
use crate::settings::Settings;
use crate::source::{self, Context};

#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files and directories to read (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Read settings from FILE instead of ./vigie.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: &InputArgs, cwd: &Path) -> ExitStatus {
    let settings = match Settings::discover(args.config.as_deref(), cwd) {
        Ok(s) => s,
        Err(e) => {
            report_settings_error(&e);
            return ExitStatus::Error;
        }
    };
    let ctx = Context::with_roots(cwd, &args.paths);
    let Plan {
        units,
        mut problems,
        mut skipped,
    } = plan(&args.paths, &settings, &ctx);
    let loaded: Vec<_> = units.par_iter().map(|u| source::load(u, &ctx)).collect();
    let mut inputs = Vec::new();
    let mut parts = Parts::default();
    for l in loaded {
        for doc in &l.documents {
            inputs.push(doc.input());
            source::contribute(doc, &mut parts);
        }
        problems.extend(l.problems);
        skipped.extend(l.skipped);
    }
    // The project view last, as rules with `custom.input: project` see it.
    if let Some(doc) = project::build(parts) {
        inputs.push(doc.input());
    }
    let written = write_stdout(|w| {
        serde_json::to_writer_pretty(&mut *w, &Value::Array(inputs))?;
        w.write_all(b"\n")
    });
    if let Err(e) = written {
        eprintln!("error: cannot write: {e}");
        return ExitStatus::Error;
    }
    // Rules need the values as written: this is the one output vigie does not mask.
    eprintln!(
        "warning: this output holds the raw, unmasked values of the files (passwords, tokens, keys included): do not share or commit it"
    );
    skipped.sort();
    skipped.dedup_by(|a, b| a.file == b.file);
    for s in &skipped {
        eprintln!(
            "{}: skipped: {}",
            escape::line(&s.file),
            escape::text(&s.message())
        );
    }
    let mut failed = false;
    for p in &problems {
        let at = p
            .line_col()
            .map(|lc| format!(":{}:{}", lc.line, lc.column))
            .unwrap_or_default();
        eprintln!(
            "{}{at}: {}: {}",
            escape::line(&p.file),
            p.level.as_str(),
            escape::text(&p.message)
        );
        failed |= p.level == Level::Error;
    }
    if failed {
        ExitStatus::Incomplete
    } else {
        ExitStatus::Success
    }
}
