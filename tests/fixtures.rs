//! Every rule against its fixtures, through the real binary: each `# vigie-expect: <id>` line gets
//! exactly that finding, negatives get none, the SARIF is schema-valid, findings are snapshotted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice
)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{assert_valid_sarif, repo, sarif_validator, vigie};

const MARKER: &str = "# vigie-expect:";

/// Expectations of `rule` below `dir`: `(file, line)` pairs, with the fixture each one is
/// written in (`declared_in`).
fn marked_lines(
    dir: &Path,
    rule: &str,
    out: &mut BTreeSet<(String, u64)>,
    declared_in: &mut BTreeSet<String>,
) {
    let rel = |p: &Path| {
        p.strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    for entry in walk(dir) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        if entry.file_name().is_some_and(|n| n == "expected.txt") {
            // Formats without comments carry an `expected.txt` beside them: `line rule-id` pairs
            // for the one JSON file beside it, or `file:line rule-id` with the file as findings
            // name it (the virtual `ssh://host/fact` files of recorded host facts).
            let parent = entry.parent().unwrap();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let (at, id) = line.trim().rsplit_once(' ').unwrap_or_else(|| {
                    panic!("{}: `line rule-id` expected, got {line:?}", entry.display())
                });
                if id.trim() != rule {
                    continue;
                }
                declared_in.insert(rel(&entry));
                if let Ok(n) = at.trim().parse() {
                    let json: Vec<_> = walk(parent)
                        .into_iter()
                        .filter(|p| {
                            p.parent() == Some(parent)
                                && p.extension().is_some_and(|e| e == "json" || e == "hujson")
                        })
                        .collect();
                    assert_eq!(
                        json.len(),
                        1,
                        "{}: `line rule-id` needs exactly one JSON file beside it",
                        parent.display()
                    );
                    out.insert((rel(&json[0]), n));
                } else {
                    let (file, n) = at.trim().rsplit_once(':').unwrap_or_else(|| {
                        panic!(
                            "{}: `file:line rule-id` expected, got {line:?}",
                            entry.display()
                        )
                    });
                    out.insert((file.to_string(), n.parse().unwrap()));
                }
            }
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find(MARKER) {
                let ids = &line[pos + MARKER.len()..];
                if ids.split([',', ' ']).any(|id| id.trim() == rule) {
                    declared_in.insert(rel(&entry));
                    out.insert((rel(&entry), i as u64 + 1));
                }
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.is_file() {
            out.push(d);
            continue;
        }
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            stack.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn every_rule_fires_on_its_positives_and_not_on_its_negatives() {
    let root = repo();
    let rules = vigie(&root, &["rules", "--format", "json"]).json();
    let validator = sarif_validator();
    let mut failures = Vec::new();
    for rule in rules.as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let (kind, name) = id.split_once('.').unwrap();
        let dir = root.join("fixtures").join(kind).join(name);
        let entries: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{id}: no fixture folder {}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            entries.iter().any(|e| e.starts_with("positive-")),
            "{id}: no positive fixture"
        );
        assert!(
            entries.iter().any(|e| e.starts_with("negative-")),
            "{id}: no negative fixture"
        );
        assert!(
            entries
                .iter()
                .all(|e| e.starts_with("positive-") || e.starts_with("negative-")),
            "{id}: fixture names start with positive- or negative-: {entries:?}"
        );

        let rel = format!("fixtures/{kind}/{name}");
        // A project rule joins what all scanned files say: each fixture (a folder may hold a
        // Caddyfile and a compose file) is scanned on its own, so fixtures do not join.
        let targets: Vec<String> = if rule["input"] == "project" {
            let mut e = entries.clone();
            e.sort();
            e.iter().map(|e| format!("{rel}/{e}")).collect()
        } else {
            vec![rel.clone()]
        };
        let mut findings = Vec::new();
        for target in &targets {
            let run = vigie(
                &root,
                &["scan", target, "--format", "json", "--fail-on", "none"],
            );
            assert_eq!(
                run.code, 0,
                "{id}: scan of {target} failed:\n{}",
                run.stderr
            );
            let report = run.json();
            assert_eq!(
                report["errors"].as_array().unwrap().len(),
                0,
                "{id}: fixtures have errors: {}",
                report["errors"]
            );
            findings.extend(report["findings"].as_array().unwrap().iter().cloned());
        }
        let actual: BTreeSet<(String, u64)> = findings
            .iter()
            .filter(|f| f["rule_id"] == id)
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                )
            })
            .collect();
        let mut expected = BTreeSet::new();
        let mut declared_in = BTreeSet::new();
        marked_lines(&dir, id, &mut expected, &mut declared_in);
        assert!(
            declared_in.iter().all(|f| f.contains("/positive-")),
            "{id}: a negative fixture carries an expectation: {declared_in:?}"
        );
        if actual != expected {
            failures.push(format!(
                "{id}:\n  missing: {:?}\n  unexpected: {:?}",
                expected.difference(&actual).collect::<Vec<_>>(),
                actual.difference(&expected).collect::<Vec<_>>()
            ));
        }

        let lines: Vec<String> = findings
            .iter()
            .filter(|f| f["rule_id"] == id)
            .map(|f| {
                format!(
                    "{}:{}:{} {} {}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["column"],
                    f["severity"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect();
        insta::assert_snapshot!(format!("fixtures__{kind}__{name}"), lines.join("\n"));

        for target in &targets {
            let sarif = vigie(
                &root,
                &["scan", target, "--format", "sarif", "--fail-on", "none"],
            )
            .json();
            assert_valid_sarif(&validator, &sarif, id);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn builtin_policies_pass_the_load_checks() {
    // A run skips these checks for the built-in policies: they are made here.
    let set = vigie::policy::PolicySet::builtin().unwrap();
    let config = vigie::settings::Settings::default().config;
    if let Err(e) = vigie::policy::Engine::compile_checked(&set, &config, |_| true) {
        panic!("{}: {}", e.file, e.message);
    }
}

#[test]
fn every_rule_has_rego_tests_and_fresh_docs() {
    let root = repo();
    let set = vigie::policy::PolicySet::builtin().unwrap();
    assert!(!set.rules.is_empty());
    let mut rules: Vec<_> = set.rules.iter().map(AsRef::as_ref).collect();
    rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let docs = root.join("docs/rules");
    let mut stale = Vec::new();
    let mut check = |path: std::path::PathBuf, text: String| {
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    };
    for r in &rules {
        let (kind, name) = r.meta.id.split_once('.').unwrap();
        let file = r.file.trim_start_matches("builtin:");
        assert_eq!(
            file,
            format!("{kind}/{name}.rego"),
            "{}: the file is named after the id",
            r.meta.id
        );
        assert_eq!(
            r.package,
            format!("vigie.rules.{kind}.{}", name.replace('-', "_")),
            "{}: package",
            r.meta.id
        );
        let test = format!("builtin:{kind}/{name}_test.rego");
        assert!(
            set.files.iter().any(|f| f.name == test),
            "{}: no {test}",
            r.meta.id
        );
        check(
            docs.join(format!("{}.md", r.meta.id)),
            vigie::policy::docs::render(r),
        );
    }
    check(
        docs.join("README.md"),
        vigie::policy::docs::render_index(&rules),
    );
    assert!(
        stale.is_empty(),
        "generated docs are stale (run `UPDATE_DOCS=1 cargo test --test fixtures`): {stale:?}"
    );
}

#[test]
fn builtin_rego_unit_tests_pass() {
    let run = vigie(&repo(), &["policy", "test"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(" passed, 0 failed"), "{}", run.stdout);
}

/// The regression corpus of real-world Traefik shapes (`tests/data/traefik-corpus/<case>/`:
/// static and dynamic configuration in one file, a file provider naming its own file, several
/// setups in one directory, one setup per example folder, a compose file named `traefik.yml`,
/// Traefik v1 files and labels), each case scanned alone. Every `# vigie-expect: <rule>` line
/// gets exactly one finding of that rule (a setting is reported once, where it is written) and
/// no other Traefik finding appears; every `# vigie-expect-warning: traefik-v1` line gets
/// exactly one "Traefik v1 configuration: not checked" warning.
#[test]
fn traefik_corpus_settings_are_reported_once_where_written() {
    let root = repo();
    let corpus = root.join("tests/data/traefik-corpus");
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "cases under {}", corpus.display());
    let mut failures = Vec::new();
    for case in &cases {
        let rel = |p: &Path| {
            p.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        };
        let mut expected = Vec::new();
        let mut expected_warnings = Vec::new();
        for file in walk(case) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                let at = (rel(&file), i as u64 + 1);
                if line.contains("# vigie-expect-warning: traefik-v1") {
                    expected_warnings.push(at.clone());
                } else if let Some(pos) = line.find(MARKER) {
                    for id in line[pos + MARKER.len()..].split([',', ' ']) {
                        if !id.trim().is_empty() {
                            expected.push((at.0.clone(), at.1, id.trim().to_string()));
                        }
                    }
                }
            }
        }
        let run = vigie(
            &root,
            &["scan", &rel(case), "--format", "json", "--fail-on", "none"],
        );
        assert_eq!(run.code, 0, "{}: {}", rel(case), run.stderr);
        let report = run.json();
        let actual: Vec<(String, u64, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"].as_str().unwrap().starts_with("traefik."))
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["rule_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut warnings = Vec::new();
        for e in report["errors"].as_array().unwrap() {
            let msg = e["message"].as_str().unwrap();
            if msg.starts_with("Traefik v1 configuration: not checked") {
                warnings.push((
                    e["file"].as_str().unwrap().to_string(),
                    e["line"].as_u64().unwrap(),
                ));
                assert_eq!(e["level"], "warning", "{e}");
            } else {
                failures.push(format!("{}: unexpected problem {e}", rel(case)));
            }
        }
        // A compose file is a compose file whatever its name: the compose rules check it too.
        if case.ends_with("compose-named-traefik-yml") {
            let compose = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule_id"].as_str().unwrap().starts_with("compose."));
            if !compose {
                failures.push(format!("{}: no compose finding", rel(case)));
            }
        }
        differs(&mut failures, &rel(case), "findings", expected, actual);
        differs(
            &mut failures,
            &rel(case),
            "v1 warnings",
            expected_warnings,
            warnings,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The regression corpus of real-world Caddy shapes: every folder of `tests/data/caddy/` whose
/// files carry `# vigie-expect` markers (names Caddy recognises in any case, Caddyfiles found by
/// their content, templated files, Caddy 2.9+ syntax), each scanned alone. Every
/// `# vigie-expect: <rule>` line gets exactly one finding of that rule and no other finding
/// appears (`# vigie-expect: none` enrols a file that has none); every file marked
/// `# vigie-expect-skipped: <reason>` is reported as skipped for that reason, and no other file
/// is; no input problem is reported.
#[test]
fn caddy_corpus_files_are_read_or_reported_as_skipped() {
    const SKIPPED: &str = "# vigie-expect-skipped:";
    let root = repo();
    let corpus = root.join("tests/data/caddy");
    let rel = |p: &Path| {
        p.strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut cases: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            walk(p)
                .iter()
                .any(|f| std::fs::read_to_string(f).is_ok_and(|t| t.contains("# vigie-expect")))
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 3, "cases under {}", corpus.display());
    let mut failures = Vec::new();
    for case in &cases {
        let mut expected = Vec::new();
        let mut expected_skipped = Vec::new();
        for file in walk(case) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (i, line) in text.lines().enumerate() {
                if let Some(pos) = line.find(SKIPPED) {
                    let reason = line[pos + SKIPPED.len()..].trim().to_string();
                    expected_skipped.push((rel(&file), reason));
                } else if let Some(pos) = line.find(MARKER) {
                    for id in line[pos + MARKER.len()..].split([',', ' ']) {
                        let id = id.trim();
                        if !id.is_empty() && id != "none" {
                            expected.push((rel(&file), i as u64 + 1, id.to_string()));
                        }
                    }
                }
            }
        }
        let run = vigie(
            &root,
            &["scan", &rel(case), "--format", "json", "--fail-on", "none"],
        );
        assert_eq!(run.code, 0, "{}: {}", rel(case), run.stderr);
        let report = run.json();
        let actual: Vec<(String, u64, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["rule_id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let skipped: Vec<(String, String)> = report["skipped"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|s| {
                (
                    s["file"].as_str().unwrap().to_string(),
                    s["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for e in report["errors"].as_array().unwrap() {
            failures.push(format!("{}: unexpected problem {e}", rel(case)));
        }
        differs(&mut failures, &rel(case), "findings", expected, actual);
        differs(
            &mut failures,
            &rel(case),
            "skipped",
            expected_skipped,
            skipped,
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Record in `failures` that `what` of `case` is not what was expected (both compared sorted).
fn differs<T: Ord + std::fmt::Debug>(
    failures: &mut Vec<String>,
    case: &str,
    what: &str,
    mut expected: Vec<T>,
    mut actual: Vec<T>,
) {
    expected.sort();
    actual.sort();
    if actual != expected {
        failures.push(format!(
            "{case}: {what}\n  expected {expected:?}\n  actual   {actual:?}"
        ));
    }
}
