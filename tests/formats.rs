//! One input rendered in every format, snapshotted; the SARIF is validated against the schema.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice
)]

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
fn html() {
    let run = vigie(&dir(), &["scan", "--format", "html"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("<!DOCTYPE html>"),
        "HTML goes to stdout"
    );
    insta::assert_snapshot!(run.stdout);
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

/// `reports/examples/` holds what a scan of the bundled example prints, for readers who have not
/// installed vigie (the HTML one compared with `reports/examples/previous/homelab.json`);
/// regenerate with `UPDATE_REPORTS=1 cargo test --test formats`.
#[test]
fn example_reports_are_fresh() {
    let root = repo();
    let mut stale = Vec::new();
    for (format, name) in [
        ("human", "homelab.txt"),
        ("json", "homelab.json"),
        ("sarif", "homelab.sarif"),
        ("html", "homelab.html"),
    ] {
        let mut args = vec!["scan", "examples/homelab", "--format", format];
        if format == "html" {
            // The page shows what changed since an earlier night's report (hand-edited).
            args.extend(["--previous", "reports/examples/previous/homelab.json"]);
        }
        let run = vigie(&root, &args);
        assert_eq!(run.code, 1, "the example has findings: {}", run.stderr);
        // The one absolute path in a report (SARIF's %SRCROOT%) differs per checkout.
        let text = if format == "sarif" {
            let mut v = run.json();
            v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] =
                "file:///path/to/checkout/".into();
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap())
        } else {
            run.stdout
        };
        let path = root.join("reports/examples").join(name);
        if std::env::var_os("UPDATE_REPORTS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "stale example reports (run `UPDATE_REPORTS=1 cargo test --test formats`): {stale:?}"
    );
}

/// Files that looked like one vigie reads but were not scanned, in every format: counted in the
/// human summary and listed with `--verbose`, a `skipped` array in JSON (valid against the
/// documented schema), `note` notifications in valid SARIF; never an error.
#[test]
fn skipped_files_are_reported_in_every_format() {
    let dir = repo().join("tests/data/caddy/templated");
    let human = vigie(&dir, &["scan"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    let summary = human.stdout.lines().last().unwrap_or_default();
    for part in [
        "1 file looked like a Docker Compose file but holds templates: not scanned",
        "1 file looked like a Caddyfile but holds templates: not scanned",
        "1 file looked like Traefik configuration but holds templates: not scanned",
        "(--verbose lists them)",
    ] {
        assert!(summary.contains(part), "{summary}");
    }
    assert!(
        !human.stdout.contains("skipped Caddyfile.j2"),
        "{}",
        human.stdout
    );
    let verbose = vigie(&dir, &["scan", "--verbose"]);
    assert!(
        verbose.stdout.contains(
            "skipped Caddyfile.j2: looked like a Caddyfile but holds templates \
             (line 2: {{ caddy_domain }}): not scanned"
        ),
        "{}",
        verbose.stdout
    );
    assert!(verbose.stdout.contains("skipped traefik/dynamic.yml: "));
    assert!(
        !verbose.stdout.contains("traefik/traefik.yml"),
        "{}",
        verbose.stdout
    );

    let json = vigie(&dir, &["scan", "--format", "json"]).json();
    assert_eq!(json["summary"]["skipped"], 3, "{json}");
    assert_eq!(json["summary"]["errors"], 0, "{json}");
    let first = &json["skipped"][0];
    assert_eq!(first["file"], "Caddyfile.j2");
    assert_eq!(first["looked_like"], "caddy");
    assert_eq!(first["reason"], "templated");
    assert_eq!(first["detail"], "line 2: {{ caddy_domain }}");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schema/vigie-report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    let sarif = vigie(&dir, &["scan", "--format", "sarif"]).json();
    assert_valid_sarif(&sarif_validator(), &sarif, "skipped files");
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes
        .iter()
        .all(|n| n["level"] == "note" && n["descriptor"]["id"] == "vigie/skipped/templated"));
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}
