//! One input rendered in every format, snapshotted; the SARIF is validated against the schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_valid_sarif, repo, sarif_validator, vigie};

fn dir() -> std::path::PathBuf {
    repo().join("tests/data/formats")
}

#[test]
fn human() {
    let run = vigie(&dir(), &["scan"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn json() {
    let run = vigie(&dir(), &["scan", "--format", "json"]);
    insta::assert_json_snapshot!(run.json());
}

#[test]
fn sarif() {
    let run = vigie(&dir(), &["scan", "--format", "sarif"]);
    let mut sarif = run.json();
    assert_valid_sarif(&sarif_validator(), &sarif, "the formats input");
    let root = &mut sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    let uri = root.as_str().unwrap().to_string();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/tests/data/formats/"),
        "{uri}"
    );
    *root = "file:///[SRCROOT]/".into();
    insta::assert_json_snapshot!(sarif);
}

#[test]
fn json_matches_its_documented_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schema/vigie-report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for dir in [dir(), repo().join("examples/homelab")] {
        let report = vigie(&dir, &["scan", "--format", "json"]).json();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {}",
            dir.display(),
            errors.join("\n")
        );
    }
}
