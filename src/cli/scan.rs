//! `vigie scan`.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::{ExitStatus, OutputArgs};
use crate::scan::scan;
use crate::source::Context;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan (directories are walked, honouring .gitignore).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

pub fn run(args: ScanArgs, cwd: &Path) -> ExitStatus {
    let (settings, engine) = match args.out.prepare(cwd) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let ctx = Context {
        cwd: cwd.to_path_buf(),
    };
    let report = scan(&args.paths, &engine, &settings, &ctx);
    args.out.finish(&report, &settings)
}
