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
    output: OutputArgs,
}

pub fn run(args: ScanArgs, cwd: &Path) -> ExitStatus {
    let output = match args.output.prepare() {
        Ok(o) => o,
        Err(status) => return status,
    };
    let (settings, engine) = match args.output.engine(cwd) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let ctx = Context::with_roots(cwd, &args.paths);
    let report = scan(&args.paths, &engine, &settings, &ctx);
    let targets: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    output.finish(&report, &settings, "scan", &targets)
}
