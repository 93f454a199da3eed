//! The binary end to end: exit codes, configuration, suppression, bad inputs, secrets, policies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice
)]

mod common;

use common::{findings, project, vigie};

const PRIVILEGED: &str =
    "services:\n  app:\n    image: nginx:1.27@sha256:aaaa\n    privileged: true\n";

#[test]
fn exit_codes_follow_fail_on() {
    let p = project(&[("compose.yaml", PRIVILEGED)]);
    assert_eq!(vigie(p.path(), &["scan"]).code, 1);
    assert_eq!(vigie(p.path(), &["scan", "--fail-on", "critical"]).code, 1);
    let clean = project(&[("compose.yaml", "services:\n  app:\n    image: busybox:1.36@sha256:aaaa\n    cap_drop: [ALL]\n    security_opt: [\"no-new-privileges:true\"]\n")]);
    let run = vigie(clean.path(), &["scan"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("No findings"), "{}", run.stdout);
    assert_eq!(vigie(p.path(), &["scan", "--fail-on", "none"]).code, 0);
    let bad_flag = vigie(p.path(), &["scan", "--fail-on", "severe"]);
    assert_eq!(bad_flag.code, 2);
    assert!(bad_flag.stderr.contains("severe"), "{}", bad_flag.stderr);
}

#[test]
fn findings_point_at_file_line_and_column() {
    let p = project(&[("deploy/compose.yaml", PRIVILEGED)]);
    let report = vigie(p.path(), &["scan", "--format", "json"]).json();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "compose.privileged")
        .unwrap();
    assert_eq!(f["file"], "deploy/compose.yaml");
    assert_eq!(f["line"], 4);
    assert_eq!(f["column"], 5);
    assert_eq!(f["snippet"], "    privileged: true");
}

#[test]
fn override_files_and_dotenv_are_applied() {
    let p = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: nginx:${TAG}\n    cap_drop: [ALL]\n",
        ),
        (
            "compose.override.yaml",
            "services:\n  web:\n    privileged: true\n",
        ),
        (".env", "TAG=latest\n"),
    ]);
    let report = vigie(p.path(), &["scan", "--format", "json"]).json();
    let got = findings(&report);
    assert!(
        got.contains(&(
            "compose.privileged".into(),
            "compose.override.yaml".into(),
            3
        )),
        "{got:?}"
    );
    assert!(
        got.contains(&("compose.image-not-pinned".into(), "compose.yaml".into(), 3)),
        "{got:?}"
    );
    assert_eq!(
        report["summary"]["documents"], 1,
        "the override is merged, not scanned alone"
    );
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_scanned() {
    let bomb = {
        let mut t = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let (prev, cur) = (w[0], w[1]);
            t.push_str(&format!("{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        t.push_str("services:\n  x:\n    image: *i\n");
        t
    };
    let p = project(&[
        ("good/compose.yaml", PRIVILEGED),
        (
            "invalid/compose.yaml",
            "services:\n  web:\n    image: [unclosed\n",
        ),
        ("bomb/compose.yaml", &bomb),
    ]);
    std::fs::create_dir_all(p.path().join("latin1")).unwrap();
    std::fs::write(
        p.path().join("latin1/compose.yaml"),
        b"services:\n  caf\xe9:\n    image: x\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.path().join("binary")).unwrap();
    std::fs::write(
        p.path().join("binary/docker-compose.yml"),
        b"\x7fELF\x00\x00\x01",
    )
    .unwrap();
    std::fs::create_dir_all(p.path().join("huge")).unwrap();
    let huge = std::fs::File::create(p.path().join("huge/compose.yaml")).unwrap();
    huge.set_len(50 * 1024 * 1024).unwrap();
    std::os::unix::fs::symlink("..", p.path().join("good/loop")).unwrap();

    let run = vigie(p.path(), &["scan", "--format", "json", "--fail-on", "none"]);
    assert_eq!(run.code, 3, "some inputs could not be read: {}", run.stderr);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    let error_for = |file: &str| {
        errors
            .iter()
            .find(|e| e["file"].as_str().unwrap().starts_with(file))
            .unwrap_or_else(|| panic!("no error for {file}: {errors:?}"))
    };
    assert_eq!(error_for("invalid/")["line"], 4);
    assert!(error_for("bomb/")["message"]
        .as_str()
        .unwrap()
        .contains("alias bomb"));
    assert_eq!(error_for("latin1/")["line"], 2);
    assert!(error_for("binary/")["message"]
        .as_str()
        .unwrap()
        .contains("binary"));
    assert!(error_for("huge/")["message"]
        .as_str()
        .unwrap()
        .contains("MiB"));
    assert!(error_for("good/loop")["message"]
        .as_str()
        .unwrap()
        .contains("loop"));
    assert!(findings(&report)
        .iter()
        .any(|(r, f, _)| r == "compose.privileged" && f == "good/compose.yaml"));
    // Findings at or above --fail-on win over exit code 3.
    assert_eq!(vigie(p.path(), &["scan"]).code, 1);
    // Human output names the file and line of the broken input.
    let human = vigie(p.path(), &["scan", "--fail-on", "none"]);
    assert!(
        human.stdout.contains("invalid/compose.yaml:4"),
        "{}",
        human.stdout
    );
}

#[test]
fn inline_comments_and_config_suppress() {
    let p = project(&[
        ("a/compose.yaml", "services:\n  app:\n    image: x:1@sha256:a\n    # vigie:ignore compose.privileged -- needs /dev/kvm\n    privileged: true\n"),
        ("b/compose.yaml", PRIVILEGED),
        ("vigie.toml", "[[ignore]]\npaths = [\"b/**\"]\nrules = [\"compose.privileged\"]\nreason = \"lab\"\n"),
    ]);
    let report = vigie(p.path(), &["scan", "--format", "json"]).json();
    let privileged: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "compose.privileged")
        .collect();
    assert_eq!(privileged.len(), 2);
    assert!(privileged.iter().all(|f| !f["suppressed"].is_null()));
    assert_eq!(privileged[0]["suppressed"]["reason"], "needs /dev/kvm");
    let sarif = vigie(p.path(), &["scan", "--format", "sarif"]).json();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let kinds: Vec<&str> = results
        .iter()
        .filter(|r| r["ruleId"] == "compose.privileged")
        .map(|r| r["suppressions"][0]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["inSource", "external"]);
    let human = vigie(p.path(), &["scan"]);
    assert!(
        !human.stdout.contains("runs privileged"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("2 suppressed"), "{}", human.stdout);
}

#[test]
fn config_turns_rules_off_and_regrades_them() {
    let p = project(&[
        ("compose.yaml", PRIVILEGED),
        (
            "vigie.toml",
            "[rules]\n\"compose.privileged\" = \"low\"\n\"compose.cap-drop-missing\" = \"off\"\n",
        ),
    ]);
    let report = vigie(p.path(), &["scan", "--format", "json", "--fail-on", "none"]).json();
    let f = report["findings"].as_array().unwrap();
    assert!(f
        .iter()
        .any(|f| f["rule_id"] == "compose.privileged" && f["severity"] == "low"));
    assert!(!f.iter().any(|f| f["rule_id"] == "compose.cap-drop-missing"));
    assert_eq!(
        vigie(
            p.path(),
            &["scan", "--fail-on", "medium", "--format", "json"]
        )
        .code,
        1,
        "other medium findings remain"
    );
}

#[test]
fn invalid_config_is_a_located_error() {
    let p = project(&[
        ("compose.yaml", PRIVILEGED),
        ("vigie.toml", "[rules]\n\"compose.nope\" = \"off\"\n"),
    ]);
    let run = vigie(p.path(), &["scan"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("compose.nope") && run.stderr.contains("vigie.toml:2"),
        "{}",
        run.stderr
    );
    let p = project(&[
        ("compose.yaml", PRIVILEGED),
        ("vigie.toml", "fail_on = \"severe\"\n"),
    ]);
    let run = vigie(p.path(), &["scan"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("severe"), "{}", run.stderr);
}

#[test]
fn secrets_never_leave_vigie() {
    let p = project(&[(
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: hunter2-s3cret\n  app:\n    image: app:1\n    environment:\n      - API_TOKEN=tok-abcdef123\n",
    )]);
    for format in ["human", "json", "sarif"] {
        let run = vigie(p.path(), &["scan", "--format", format]);
        assert_eq!(run.code, 1);
        for secret in ["hunter2-s3cret", "tok-abcdef123"] {
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "{format} output leaks {secret}:\n{}",
                run.stdout
            );
        }
        assert!(
            run.stdout.contains("****"),
            "{format}: the snippet shows the masked value:\n{}",
            run.stdout
        );
    }
}

/// Every output of a scan of a project with a secret in every place one can be (compose map,
/// list, `${X:-default}`, `.env`, tfvars, a variable default, a provider, a Traefik basic-auth
/// label, a Caddy `basic_auth`, a docker inspect `Env`, a restic error with a URL password, lines
/// next to parse errors): none of them in any format, the problems, stderr or the `-o` file, and
/// fingerprints that do not change with the secret's value.
#[test]
fn canary_secrets_appear_in_no_output() {
    let dir = tempfile::tempdir().unwrap();
    common::canary::write(dir.path());
    let out_file = dir.path().join("report.json");
    let mut outputs = Vec::new();
    for format in ["human", "json", "sarif", "html"] {
        let run = vigie(
            dir.path(),
            &["scan", ".", "--format", format, "--fail-on", "none"],
        );
        assert!(run.code == 0 || run.code == 3, "{format}: {}", run.stderr);
        outputs.push((format.to_string(), run.stdout, run.stderr));
    }
    let run = vigie(
        dir.path(),
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--fail-on",
            "none",
            "-o",
            "report.json",
        ],
    );
    let written = std::fs::read_to_string(&out_file).unwrap();
    outputs.push(("-o report.json".into(), written.clone(), run.stderr));
    for (what, stdout, stderr) in &outputs {
        for (place, secret) in common::canary::SECRETS {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{what} leaks the secret of the {place} ({secret}):\n{stdout}\n{stderr}"
            );
        }
    }

    // What the report holds: the planted findings, the problems (parse errors next to secrets,
    // the restic error), and snippets masked.
    let report: serde_json::Value = serde_json::from_str(&written).unwrap();
    let ids: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    for want in [
        "compose.secret-in-environment",
        "terraform.hardcoded-secret",
    ] {
        assert!(ids.iter().any(|i| i == want), "{want} not in {ids:?}");
    }
    let errors = report["errors"].as_array().unwrap();
    let messages: Vec<&str> = errors
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    for file in ["stack/.env", "stack/compose.yaml", "infra-broken/main.tf"] {
        assert!(
            errors.iter().any(|e| e["file"] == file),
            "no problem for {file}: {messages:?}"
        );
    }
    assert!(
        messages
            .iter()
            .any(|m| m.contains("rest:https://backup:****@10.0.0.5")),
        "the restic error is reported, its password masked: {messages:?}"
    );
    let human = &outputs[0].1;
    assert!(
        human.contains("MAIL_PASSWORD=****"),
        "the .env snippet around its broken line is masked:\n{human}"
    );
    let snippets: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "compose.secret-in-environment")
        .map(|f| f["snippet"].as_str().unwrap())
        .collect();
    assert!(
        snippets.contains(&"      POSTGRES_PASSWORD: ****"),
        "{snippets:?}"
    );
    assert!(
        snippets.contains(&"      MAIL_TOKEN: ${MAIL_TOKEN:-****}"),
        "a literal default is a secret: {snippets:?}"
    );

    // Fingerprints of secret findings do not depend on the value: a guess cannot be confirmed.
    let fingerprints = |report: &serde_json::Value| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["node_path"].to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = fingerprints(&report);
    for (rel, from, to) in [
        ("stack/compose.yaml", "canary-map-7f3a", "another-value-1"),
        ("stack/compose.yaml", "canary-list-9b8e", "another-value-2"),
        (
            "stack/compose.yaml",
            "canary-default-2c9d",
            "another-value-3",
        ),
        (
            "infra/terraform.tfvars",
            "canary-tfvars-3c4d",
            "another-value-4",
        ),
        ("infra/main.tf", "canary-provider-7a8b", "another-value-5"),
        ("infra/main.tf", "canary-tfdefault-5e6f", "another-value-6"),
    ] {
        let p = dir.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace(from, to)).unwrap();
    }
    let after = vigie(
        dir.path(),
        &["scan", ".", "--format", "json", "--fail-on", "none"],
    )
    .json();
    assert_eq!(
        before,
        fingerprints(&after),
        "fingerprints follow the secrets' values"
    );
}

/// A service called like a short secret keeps its name in messages.
#[test]
fn a_short_secret_does_not_mask_the_names_messages_quote() {
    let p = project(&[(
        "compose.yaml",
        "services:\n  tok:\n    image: app:1.0\n    environment:\n      - API_TOKEN=tok\n",
    )]);
    let run = vigie(p.path(), &["scan", "--format", "json", "--fail-on", "none"]);
    let report = run.json();
    let f = &report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "compose.secret-in-environment")
        .unwrap()
        .clone();
    assert_eq!(
        f["message"],
        "service \"tok\" sets API_TOKEN to a literal value"
    );
    assert_eq!(f["snippet"], "      - API_TOKEN=****");
}

#[test]
fn output_file_is_written_whole() {
    let p = project(&[("compose.yaml", PRIVILEGED)]);
    let run = vigie(
        p.path(),
        &["scan", "--format", "sarif", "--output", "out/report.sarif"],
    );
    assert_eq!(run.code, 2, "a missing directory is an error");
    std::fs::create_dir(p.path().join("out")).unwrap();
    let run = vigie(
        p.path(),
        &["scan", "--format", "sarif", "--output", "out/report.sarif"],
    );
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    let text = std::fs::read_to_string(p.path().join("out/report.sarif")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let leftovers: Vec<_> = std::fs::read_dir(p.path().join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left: {leftovers:?}"
    );
}

/// Regression: `--output` went through a predictable temporary name opened with `File::create`,
/// so a symlink planted there (or at the destination) redirected root's report onto any file,
/// and a private report came back world-readable.
#[test]
fn output_file_refuses_symlinks_and_keeps_permissions() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let p = project(&[("compose.yaml", PRIVILEGED), ("victim", "precious\n")]);
    let dir = p.path();
    // A new report is private.
    let run = vigie(dir, &["scan", "--format", "json", "--output", "new.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(mode(&dir.join("new.json")), 0o600);
    // An existing one keeps its mode.
    std::fs::set_permissions(dir.join("new.json"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let run = vigie(dir, &["scan", "--format", "json", "--output", "new.json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(mode(&dir.join("new.json")), 0o640);
    // A symlink is refused, before anything is scanned, naming the path.
    symlink(dir.join("victim"), dir.join("report.json")).unwrap();
    let run = vigie(
        dir,
        &["scan", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("report.json is a symbolic link")
            && run.stderr.contains("--follow-symlinks"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("victim")).unwrap(),
        "precious\n"
    );
    // ...unless asked: the file it points to is replaced, the link stays a link.
    let run = vigie(
        dir,
        &[
            "scan",
            "--format",
            "json",
            "--output",
            "report.json",
            "--follow-symlinks",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let written = std::fs::read_to_string(dir.join("victim")).unwrap();
    assert!(written.contains("compose.privileged"), "{written}");
    assert!(std::fs::symlink_metadata(dir.join("report.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["compose.yaml", "new.json", "report.json", "victim"]);
}

/// Control characters from the inputs (a value, a comment, a directory name, a host name, a
/// broken vigie.toml) reach the terminal as visible escapes, never as raw bytes that would
/// drive it; JSON and SARIF carry them encoded.
#[test]
fn control_characters_from_inputs_are_escaped() {
    let esc_dir = "ev\u{1b}[31mil";
    let compose = "services:\n  web:\n    image: \"nginx:latest\u{1b}[2J\u{1b}]0;pwned\u{7}\"\n    privileged: true  # \u{1b}[31mred \u{202e}txt\n";
    let path = format!("{esc_dir}/compose.yaml");
    let p = project(&[(path.as_str(), compose)]);
    let raw = |s: &str| s.contains('\u{1b}') || s.contains('\u{7}') || s.contains('\u{202e}');
    let run = vigie(p.path(), &["scan"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!raw(&run.stdout) && !raw(&run.stderr), "{}", run.stdout);
    assert!(
        run.stdout.contains("ev\\x1b[31mil/compose.yaml:4:5"),
        "{}",
        run.stdout
    );
    // The label is still under `privileged`, the line shown escaped.
    let snippet = "4 │     privileged: true  # \\x1b[31mred \\u{202e}txt";
    let block = run.stdout.find("\ncompose.privileged\n").unwrap();
    let at = block
        + run.stdout[block..]
            .find(snippet)
            .unwrap_or_else(|| panic!("{}", run.stdout));
    let mut lines = run.stdout[at - 1..].lines();
    let (line, label) = (lines.next().unwrap(), lines.next().unwrap());
    let column = |text: &str, pat: &str| text.find(pat).map(|c| text[..c].chars().count());
    assert_eq!(
        column(label, "─"),
        column(line, "privileged"),
        "{line}\n{label}"
    );
    let underline = label.chars().filter(|c| matches!(c, '─' | '┬')).count();
    assert_eq!(underline, "privileged".len(), "{label}");
    assert!(
        run.stdout.contains("\\x1b[2J\\x1b]0;pwned\\x07"),
        "{}",
        run.stdout
    );
    for format in ["json", "sarif"] {
        let run = vigie(p.path(), &["scan", "--format", format]);
        // C0 controls are encoded; other characters (a bidi override) are JSON's to carry.
        assert!(!run.stdout.contains(['\u{1b}', '\u{7}']), "{format}");
        assert!(run.stdout.contains("\\u001b"), "{format}: {}", run.stdout);
        run.json();
    }
    // A configuration error quoting the file.
    std::fs::write(p.path().join("vigie.toml"), "# \u{1b}[2J\nfail_on = 3\n").unwrap();
    let run = vigie(p.path(), &["scan"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        !raw(&run.stderr) && run.stderr.contains("\\x1b[2J"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(p.path().join("vigie.toml")).unwrap();
    // An inventory host's name, in the report of a host that could not be reached.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    std::fs::write(
        p.path().join("inv.toml"),
        format!("[[hosts]]\nname = \"web\\u001b[31m1\"\naddress = \"127.0.0.1\"\nport = {port}\nuser = \"u\"\n"),
    )
    .unwrap();
    std::fs::write(p.path().join("known"), "").unwrap();
    let run = vigie(
        p.path(),
        &[
            "audit",
            "--inventory",
            "inv.toml",
            "--known-hosts",
            "known",
            "--connect-timeout",
            "2",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert!(!raw(&run.stdout) && !raw(&run.stderr), "{}", run.stdout);
    assert!(run.stdout.contains("host web\\x1b[31m1"), "{}", run.stdout);
}

#[test]
fn discovery_by_name_content_gitignore_and_exclude() {
    let p = project(&[
        ("a/docker-compose.prod.yml", PRIVILEGED),
        ("b/stack.yaml", PRIVILEGED),
        ("c/values.yaml", "replicas: 2\nprivileged: true\n"),
        ("d/compose.yaml", PRIVILEGED),
        ("e/compose.yaml", PRIVILEGED),
        (".gitignore", "d/\n"),
        ("vigie.toml", "exclude = [\"e/**\"]\n"),
    ]);
    let report = vigie(p.path(), &["scan", "--format", "json"]).json();
    let files: std::collections::BTreeSet<String> =
        findings(&report).into_iter().map(|(_, f, _)| f).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["a/docker-compose.prod.yml", "b/stack.yaml"]
    );
    // A file named on the command line is scanned whatever its name says.
    let report = vigie(p.path(), &["scan", "--format", "json", "b/stack.yaml"]).json();
    assert_eq!(report["summary"]["documents"], 1);
}

#[test]
fn rules_explain_and_user_policies() {
    let repo = common::repo();
    let list = vigie(&repo, &["rules"]);
    assert_eq!(list.code, 0);
    assert!(list.stdout.contains("compose.privileged") && list.stdout.contains("critical"));
    let explain = vigie(&repo, &["explain", "compose.privileged"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.contains("## How to fix"));
    let unknown = vigie(&repo, &["explain", "compose.privilegd"]);
    assert_eq!(unknown.code, 2);

    let p = project(&[
        ("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    restart: always\n"),
        (
            "pol/restart.rego",
            "# METADATA\n# title: Restart policy is always\n# description: Prefer unless-stopped.\n# custom:\n#   id: compose.restart-always\n#   severity: info\n#   remediation: Use unless-stopped.\npackage vigie.rules.compose.restart_always\n\nimport rego.v1\n\ndeny contains {\"msg\": sprintf(\"%s restarts always\", [name]), \"path\": [\"services\", name, \"restart\"]} if {\n\tsome name, svc in input.doc.services\n\tsvc.restart == \"always\"\n}\n",
        ),
        ("pol/restart_test.rego", "package vigie.rules.compose.restart_always\n\nimport rego.v1\n\ntest_fires if {\n\tcount(deny) == 1 with input as {\"doc\": {\"services\": {\"a\": {\"restart\": \"always\"}}}}\n}\n\ntest_wrong if {\n\tcount(deny) == 2 with input as {\"doc\": {\"services\": {\"a\": {\"restart\": \"always\"}}}}\n}\n"),
        ("broken/x.rego", "package vigie.rules.compose.x\n\nimport rego.v1\n\ndeny contains 1 if { nosuch.fn(1) }\n"),
    ]);
    let report = vigie(
        p.path(),
        &[
            "scan",
            "--policy",
            "pol",
            "--format",
            "json",
            "compose.yaml",
        ],
    )
    .json();
    assert!(findings(&report).contains(&(
        "compose.restart-always".into(),
        "compose.yaml".into(),
        4
    )));
    let t = vigie(p.path(), &["policy", "test", "pol"]);
    assert_eq!(t.code, 1, "{}", t.stdout);
    assert!(
        t.stdout.contains("1 passed, 1 failed")
            && t.stdout
                .contains("FAIL vigie.rules.compose.restart_always.test_wrong"),
        "{}",
        t.stdout
    );
    // A stranger's policy cannot drive the terminal through its metadata.
    std::fs::create_dir_all(p.path().join("esc")).unwrap();
    std::fs::write(
        p.path().join("esc/e.rego"),
        "# METADATA\n# title: \"Evil \\e[2J title\"\n# description: \"D \\e]0;pwned\\a\"\n# custom:\n#   id: compose.esc\n#   severity: low\n#   remediation: R\npackage vigie.rules.compose.esc\n\nimport rego.v1\n\ndeny contains {\"msg\": \"m\"} if {\n\tinput.doc.nothing\n}\n",
    )
    .unwrap();
    for args in [
        &["rules", "--policy", "esc"][..],
        &["explain", "compose.esc", "--policy", "esc"],
        &["explain", "compose.\u{1b}[2J", "--policy", "esc"],
    ] {
        let run = vigie(p.path(), args);
        let out = format!("{}{}", run.stdout, run.stderr);
        assert!(!out.contains(['\u{1b}', '\u{7}']), "{args:?}: {out}");
        assert!(
            out.contains("\\x1b") || out.contains("\\u{1b}"),
            "{args:?}: {out}"
        );
    }
    let broken = vigie(p.path(), &["scan", "--policy", "broken", "compose.yaml"]);
    assert_eq!(broken.code, 2);
    assert!(broken.stderr.contains("METADATA"), "{}", broken.stderr);
    std::fs::write(
        p.path().join("broken/x.rego"),
        "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: compose.x\n#   severity: low\n#   remediation: R\npackage vigie.rules.compose.x\n\nimport rego.v1\n\ndeny contains {\"msg\": \"m\"} if {\n\tinput.doc.services\n\tnosuch.fn(1)\n}\n",
    )
    .unwrap();
    let broken = vigie(p.path(), &["scan", "--policy", "broken", "compose.yaml"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken.stderr.contains("nosuch.fn"),
        "an unknown function fails at load: {}",
        broken.stderr
    );
}

#[test]
fn terraform_modules_broken_files_and_hcl_comments() {
    let p = project(&[
        // One broken file does not hide the findings of the module's other files.
        ("infra/broken.tf", "resource \"a\" \"b\" {\n  x = \n}\n"),
        (
            "infra/main.tf",
            "provider \"proxmox\" {\n  pm_tls_insecure = true\n}\n\nprovider \"vault\" {\n  # vigie:ignore terraform.provider-tls-insecure -- lab CA not deployed yet\n  skip_tls_verify = true\n}\n\nprovider \"docker\" {\n  host = \"tcp://nas:2375\" // vigie:ignore terraform.provider-tls-insecure\n}\n",
        ),
        ("infra/terraform.tfvars", "pm_password = \"hunter2\"\n"),
        // A `.terraform` folder (downloaded modules) is hidden: never walked.
        (
            "infra/.terraform/modules/x/main.tf",
            "provider \"vault\" {\n  skip_tls_verify = true\n}\n",
        ),
    ]);
    let run = vigie(p.path(), &["scan", "--format", "json", "--fail-on", "none"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "infra/broken.tf");
    assert_eq!(errors[0]["line"], 2);
    let got = findings(&report);
    assert!(got.contains(&(
        "terraform.provider-tls-insecure".into(),
        "infra/main.tf".into(),
        2
    )));
    assert!(got.contains(&(
        "terraform.hardcoded-secret".into(),
        "infra/terraform.tfvars".into(),
        1
    )));
    assert!(
        !got.iter()
            .any(|(id, f, line)| id == "terraform.provider-tls-insecure"
                && (*line != 2 || f != "infra/main.tf")),
        "suppressed or hidden findings leaked: {got:?}"
    );
    assert!(!run.stdout.contains("hunter2"));
    let suppressed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .count();
    assert_eq!(suppressed, 2);
}

#[test]
fn policy_input_prints_what_rules_see() {
    let p = project(&[
        ("variables.tf", "variable \"port\" {\n  default = 22\n}\n"),
        (
            "main.tf",
            "resource \"hcloud_firewall\" \"fw\" {\n  rule {\n    port = var.port\n    source_ips = [aws_eip.x.public_ip]\n  }\n}\n",
        ),
    ]);
    let run = vigie(p.path(), &["policy", "input", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("raw, unmasked values"),
        "{}",
        run.stderr
    );
    let inputs = run.json();
    let doc = &inputs[0];
    assert_eq!(doc["kind"], "terraform");
    assert_eq!(doc["path"], ".");
    let rule = &doc["doc"]["resource"]["hcloud_firewall"]["fw"]["rule"][0];
    assert_eq!(rule["port"], 22);
    assert_eq!(rule["source_ips"][0]["unknown"], "aws_eip.x.public_ip");
    assert_eq!(
        doc["origins"]["resource/hcloud_firewall/fw/rule/0/port"],
        serde_json::json!({"from": "default", "name": "port"})
    );
}

#[test]
fn acl_policies_are_recognised_by_content_and_errors_are_located() {
    let p = project(&[
        ("package.json", "{\"name\": \"acls\", \"dependencies\": {}}\n"),
        (
            "headscale/policy.json",
            "{\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}\n  ]\n}\n",
        ),
        (
            "broken/acl.hujson",
            "{\n  \"acls\": [\n    {\"action\": \"accept\" \"src\": [\"*\"]}\n  ]\n}\n",
        ),
    ]);
    let run = vigie(p.path(), &["scan", "--format", "json", "--fail-on", "none"]);
    let report = run.json();
    assert_eq!(
        report["summary"]["documents"], 1,
        "package.json is not a policy: {report}"
    );
    assert_eq!(
        findings(&report),
        vec![(
            "headscale.acl-allow-all".to_string(),
            "headscale/policy.json".to_string(),
            3
        )]
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "broken/acl.hujson");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(run.code, 3);
}

#[test]
fn policy_data_tables_reach_rego_and_a_policy_dir_can_replace_one() {
    let p = common::project(&[
        (
            "pol/tables_test.rego",
            "package vigie.user.tables_test\n\nimport rego.v1\n\ntest_own_table if {\n\tdata.vigie.tables.my_ports.ssh == 22\n}\n\ntest_builtin_table if {\n\tdata.vigie.tables.terraform_aws_security_group.rules[\"ssh-tcp\"] == [22, 22, \"tcp\", \"SSH\"]\n}\n",
        ),
        ("pol/data/my-ports.json", "{\"ssh\": 22}"),
        (
            "newer/sg_test.rego",
            "package vigie.user.sg_test\n\nimport rego.v1\n\ntest_replaced if {\n\tdata.vigie.tables.terraform_aws_security_group.rules[\"custom-tcp\"][0] == 4444\n\tnot data.vigie.tables.terraform_aws_security_group.rules[\"ssh-tcp\"]\n}\n",
        ),
        (
            "newer/data/terraform-aws-security-group.json",
            "{\"rules\": {\"custom-tcp\": [4444, 4444, \"tcp\", \"Custom\"]}, \"groups\": {}}",
        ),
        ("bad/x.rego", "package vigie.user.x\n"),
        ("bad/data/broken.json", "{\"a\": "),
    ]);
    let t = vigie(p.path(), &["policy", "test", "pol"]);
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    assert!(t.stdout.contains("2 passed, 0 failed"), "{}", t.stdout);
    let t = vigie(p.path(), &["policy", "test", "newer"]);
    assert_eq!(t.code, 0, "{}{}", t.stdout, t.stderr);
    let t = vigie(p.path(), &["policy", "test", "bad"]);
    assert_eq!(t.code, 2, "{}{}", t.stdout, t.stderr);
    assert!(
        t.stderr.contains("broken.json") && t.stderr.contains("not a JSON data table"),
        "{}",
        t.stderr
    );
}

#[path = "cli/boundary.rs"]
mod boundary;

#[path = "cli/limits.rs"]
mod limits;
