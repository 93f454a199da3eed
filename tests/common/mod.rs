//! Helpers for driving the real binary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The time reports show in tests (`SOURCE_DATE_EPOCH`): 2026-02-25 06:13 UTC.
pub const REPORT_TIME: &str = "1772000000";

/// Run `vigie ARGS` in `dir`, without colour, at [`REPORT_TIME`].
pub fn vigie(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = vigie_command(dir);
    cmd.args(args);
    run(&mut cmd)
}

/// The command [`vigie`] runs, for a test that sets more of its environment.
pub fn vigie_command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", REPORT_TIME);
    cmd
}

/// Run `cmd` to the end and keep what it printed.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("vigie runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A temporary directory with `files` (path, contents) written into it.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// (rule id, file, line) of the active findings in a JSON report.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub fn sarif_validator() -> jsonschema::Validator {
    // The official schema's `run.language` pattern has a stray `]`, which the meta-schema's regex
    // format check rejects; validate with the pattern it means.
    let text = std::fs::read_to_string(repo().join("tests/data/sarif-2.1.0.schema.json")).unwrap();
    let text = text.replace(
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

pub fn assert_valid_sarif(
    validator: &jsonschema::Validator,
    sarif: &serde_json::Value,
    what: &str,
) {
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF for {what} is invalid:\n{}",
        errors.join("\n")
    );
}
pub mod canary;
pub mod sshd;
