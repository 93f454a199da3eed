//! Scan roots are a boundary: no include, link or walk reads a file outside them, only regular
//! files are opened, and no FIFO, device or `/dev/stdin` can hang or exhaust a run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{findings, vigie_command, Run};

/// What a file outside the scan root holds: none of it may appear in any output.
const CANARY: &str = "canary-q8z1v";

/// A Caddy site that, if it were read, would be a finding quoting the canary.
fn canary_caddy() -> String {
    format!("http://{CANARY}.example.com {{\n\trespond \"{CANARY}\"\n}}\n")
}

/// A compose file that, if it were read, would be a finding naming the canary.
fn canary_compose() -> String {
    format!("services:\n  {CANARY}:\n    image: nginx:1.27@sha256:aaaa\n    privileged: true\n    environment:\n      TOKEN: {CANARY}\n")
}

/// An in-tree file whose finding must survive whatever else the scan meets.
const IN_TREE_CADDY: &str = "http://inside.example.com {\n\trespond \"ok\"\n}\n";
const PRIVILEGED: &str =
    "services:\n  app:\n    image: nginx:1.27@sha256:aaaa\n    privileged: true\n";

/// A temporary directory holding `root/` (what is scanned) and `outside/` (the canaries).
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Self {
        let t = Tree {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(t.root()).unwrap();
        t.outside_file("canary.caddy", &canary_caddy());
        t.outside_file("compose.yaml", &canary_compose());
        t.outside_file("canary.env", &format!("TOKEN={CANARY}\n"));
        t.outside_file(
            "mod/main.tf",
            &format!("resource \"x\" \"{CANARY}\" {{\n  password = \"{CANARY}\"\n}}\n"),
        );
        t
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }

    fn file(&self, rel: &str, text: &str) -> PathBuf {
        write(&self.root().join(rel), text)
    }

    fn outside_file(&self, rel: &str, text: &str) -> PathBuf {
        write(&self.outside().join(rel), text)
    }

    fn link(&self, rel: &str, target: &Path) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }

    /// Scan `root` in every format (and with `-o`), assert the canary is nowhere, and return
    /// the JSON report.
    fn scan(&self, extra: &[&str]) -> serde_json::Value {
        let out = self.dir.path().join("report.out");
        for format in ["human", "json", "sarif", "html"] {
            let mut args = vec!["scan", "--fail-on", "none", "--format", format];
            args.extend(extra);
            let run = bounded(&self.root(), &args);
            assert_no_canary(&run, format);
            let mut args = vec!["scan", "--fail-on", "none", "--format", format, "-o"];
            let out_arg = out.to_string_lossy().into_owned();
            args.push(&out_arg);
            args.extend(extra);
            let run = bounded(&self.root(), &args);
            assert_no_canary(&run, format);
            let written = std::fs::read_to_string(&out).unwrap_or_default();
            assert!(!written.is_empty(), "{format}: no -o file: {}", run.stderr);
            assert!(
                !written.contains(CANARY),
                "{format}: -o file shows the canary"
            );
        }
        let mut args = vec!["scan", "--fail-on", "none", "--format", "json"];
        args.extend(extra);
        let policy_input = {
            let mut a = vec!["policy", "input"];
            a.extend(extra);
            bounded(&self.root(), &a)
        };
        assert_no_canary(&policy_input, "policy input");
        bounded(&self.root(), &args).json()
    }
}

fn write(p: &Path, text: &str) -> PathBuf {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
    p.to_path_buf()
}

fn assert_no_canary(run: &Run, what: &str) {
    assert!(
        !run.stdout.contains(CANARY) && !run.stderr.contains(CANARY),
        "{what} output shows the canary:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}

/// Run vigie in `dir` with a standard input held open and never written (a read of
/// `/dev/stdin` would block), killed after 20 s: a test safety net, not a figure.
fn bounded(dir: &Path, args: &[&str]) -> Run {
    let mut cmd: Command = vigie_command(dir);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let _stdin = child.stdin.take();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("vigie {args:?} did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// The problems of a JSON report as (level, file, line, message).
pub(crate) fn problems(report: &serde_json::Value) -> Vec<(String, String, Option<u64>, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["level"].as_str().unwrap_or_default().to_string(),
                e["file"].as_str().unwrap_or_default().to_string(),
                e["line"].as_u64(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Assert a problem at `file:line` whose message contains `text`.
#[track_caller]
pub(crate) fn assert_problem(
    report: &serde_json::Value,
    file: &str,
    line: Option<u64>,
    text: &str,
) {
    let all = problems(report);
    assert!(
        all.iter()
            .any(|(_, f, l, m)| f == file && *l == line && m.contains(text)),
        "no problem at {file}:{line:?} containing {text:?}: {all:#?}"
    );
}

#[track_caller]
pub(crate) fn assert_finding(report: &serde_json::Value, rule: &str, file: &str) {
    let all = findings(report);
    assert!(
        all.iter().any(|(r, f, _)| r == rule && f == file),
        "no {rule} in {file}: {all:?}"
    );
}

fn mkfifo(p: &Path) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let ok = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(ok.success(), "mkfifo {}", p.display());
}

#[test]
fn caddy_import_of_a_file_outside_the_tree_is_not_read() {
    let t = Tree::new();
    t.file(
        "Caddyfile",
        &format!("import ../outside/canary.caddy\n\n{IN_TREE_CADDY}"),
    );
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "Caddyfile",
        Some(1),
        "import ../outside/canary.caddy: outside the scanned tree: not read",
    );
    assert_finding(&report, "caddy.tls-disabled", "Caddyfile");
}

#[test]
fn caddy_import_glob_outside_the_tree_is_not_listed_or_read() {
    let t = Tree::new();
    t.file(
        "Caddyfile",
        &format!("{IN_TREE_CADDY}\nimport ../outside/*.caddy\n"),
    );
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "Caddyfile",
        Some(5),
        "outside the scanned tree: not read",
    );
    assert_finding(&report, "caddy.tls-disabled", "Caddyfile");
}

#[test]
fn caddy_import_of_an_absolute_path_outside_the_tree_is_not_read() {
    let t = Tree::new();
    let abs = t.outside().join("canary.caddy");
    t.file(
        "Caddyfile",
        &format!(
            "import {}\nimport /etc/shadow\n{IN_TREE_CADDY}",
            abs.display()
        ),
    );
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "Caddyfile",
        Some(1),
        "outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "Caddyfile",
        Some(2),
        "import /etc/shadow: outside the scanned tree: not read",
    );
    assert_finding(&report, "caddy.tls-disabled", "Caddyfile");
}

/// Whether a file exists outside the tree cannot be learnt either: a missing one is outside too.
/// The `.env` beside a Caddyfile that links out of the tree is a warning, not a silent skip.
#[test]
fn caddy_import_of_a_missing_file_outside_and_a_linked_env_are_warned_about() {
    let t = Tree::new();
    t.link(".env", &t.outside().join("canary.env"));
    t.file(
        "Caddyfile",
        "import /etc/no-such-file-q8z\nimport ../outside/missing.caddy\nhttp://inside.example.com {\n\trespond \"{$TOKEN}\"\n}\n",
    );
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "Caddyfile",
        Some(1),
        "import /etc/no-such-file-q8z: outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "Caddyfile",
        Some(2),
        "import ../outside/missing.caddy: outside the scanned tree: not read",
    );
    assert_problem(&report, ".env", None, "outside the scanned tree: not read");
    assert_finding(&report, "caddy.tls-disabled", "Caddyfile");
}

#[test]
fn caddy_import_glob_matching_a_link_out_of_the_tree_is_not_read() {
    let t = Tree::new();
    t.link("snippets/evil.caddy", &t.outside().join("canary.caddy"));
    t.file("snippets/ok.caddy", "header X-Ok 1\n");
    t.file(
        "Caddyfile",
        "http://inside.example.com {\n\timport snippets/*.caddy\n}\n",
    );
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "Caddyfile",
        Some(2),
        "snippets/evil.caddy: outside the scanned tree: not read",
    );
    assert_finding(&report, "caddy.tls-disabled", "Caddyfile");
}

#[test]
fn traefik_file_provider_paths_are_not_followed_out_of_the_tree() {
    let t = Tree::new();
    t.outside_file(
        "dynamic.yml",
        &format!(
            "http:\n  routers:\n    {CANARY}:\n      rule: Host(`{CANARY}`)\n      service: s\n"
        ),
    );
    let outside = t.outside();
    t.file(
        "traefik.yml",
        &format!(
            "entryPoints:\n  web:\n    address: \":80\"\napi:\n  insecure: true\nproviders:\n  file:\n    filename: ../outside/dynamic.yml\n    directory: {}\n",
            outside.display()
        ),
    );
    t.file(
        "compose.yaml",
        &format!(
            "services:\n  proxy:\n    image: traefik:v3.1\n    command:\n      - --providers.file.directory={}\n    environment:\n      TRAEFIK_PROVIDERS_FILE_FILENAME: {}\n",
            outside.display(),
            outside.join("dynamic.yml").display()
        ),
    );
    t.file(
        "dynamic/local.yml",
        "http:\n  routers:\n    local:\n      rule: Host(`local`)\n      service: s\n",
    );
    let report = t.scan(&[]);
    assert!(
        !findings(&report).is_empty(),
        "the in-tree Traefik configuration is still read"
    );
    let warnings: Vec<_> = problems(&report)
        .into_iter()
        .filter(|p| {
            p.3.contains("providers.file.") && p.3.contains("outside the scanned tree: not read")
        })
        .collect();
    // The relative path that leads out is named; the absolute ones are container paths.
    assert!(
        warnings.len() == 1 && warnings[0].3.contains("filename ../outside/dynamic.yml"),
        "{:#?}",
        problems(&report)
    );
    assert!(
        warnings.iter().all(|p| p.2.is_some()),
        "located: {warnings:#?}"
    );
}

#[test]
fn compose_env_file_extends_and_include_outside_the_tree_are_warned_about() {
    let t = Tree::new();
    t.file(
        "compose.yaml",
        "include:\n  - ../outside/compose.yaml\n  - path: ../outside/compose.yaml\n    env_file: ../outside/canary.env\nservices:\n  app:\n    image: nginx:1.27@sha256:aaaa\n    privileged: true\n    env_file:\n      - ../outside/canary.env\n      - path: ./local.env\n  other:\n    extends:\n      file: ../outside/compose.yaml\n      service: x\n",
    );
    t.file("local.env", "A=1\n");
    t.link(".env", &t.outside().join("canary.env"));
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "compose.yaml",
        Some(2),
        "include ../outside/compose.yaml: outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "compose.yaml",
        Some(3),
        "include ../outside/compose.yaml",
    );
    assert_problem(
        &report,
        "compose.yaml",
        Some(4),
        "include env_file ../outside/canary.env",
    );
    assert_problem(
        &report,
        "compose.yaml",
        Some(10),
        "env_file ../outside/canary.env: outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "compose.yaml",
        Some(14),
        "extends file ../outside/compose.yaml: outside the scanned tree: not read",
    );
    // The project `.env` is a link out of the tree: not read.
    assert_problem(&report, ".env", None, "outside the scanned tree: not read");
    assert!(
        !problems(&report).iter().any(|p| p.3.contains("local.env")),
        "an env_file inside the tree is fine"
    );
    assert_finding(&report, "compose.privileged", "compose.yaml");
}

#[test]
fn terraform_module_source_outside_the_tree_is_not_read() {
    let t = Tree::new();
    t.file(
        "main.tf",
        "module \"m\" {\n  source = \"../outside/mod\"\n}\n\nmodule \"inner\" {\n  source = \"./modules/inner\"\n}\n",
    );
    t.file("modules/inner/main.tf", "variable \"x\" {}\n");
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "main.tf",
        Some(2),
        "module source ../outside/mod: outside the scanned tree: not read",
    );
    assert!(!problems(&report)
        .iter()
        .any(|p| p.3.contains("./modules/inner")));
}

#[test]
fn a_linked_file_or_directory_leading_out_of_the_tree_is_not_read() {
    let t = Tree::new();
    t.link("Caddyfile", &t.outside().join("canary.caddy"));
    t.link("stack/compose.yaml", &t.outside().join("compose.yaml"));
    t.link("sniffed/app.yaml", &t.outside().join("compose.yaml"));
    t.link("linked", &t.outside());
    t.file("good/compose.yaml", PRIVILEGED);
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "Caddyfile",
        None,
        "outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "stack/compose.yaml",
        None,
        "outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "sniffed/app.yaml",
        None,
        "outside the scanned tree: not read",
    );
    assert_problem(
        &report,
        "linked",
        None,
        "outside the scanned tree: not read",
    );
    assert_finding(&report, "compose.privileged", "good/compose.yaml");
    // Named explicitly, a link is judged against the directory it is named in.
    let report = t.scan(&["Caddyfile", "good"]);
    assert_problem(
        &report,
        "Caddyfile",
        None,
        "outside the scanned tree: not read",
    );
    assert_finding(&report, "compose.privileged", "good/compose.yaml");
}

#[test]
fn caddy_import_of_dev_zero_dev_stdin_or_a_fifo_finishes_with_a_located_problem() {
    let t = Tree::new();
    mkfifo(&t.root().join("snippets/pipe.caddy"));
    t.file(
        "Caddyfile",
        &format!(
            "import /dev/zero\nimport /dev/stdin\nimport snippets/pipe.caddy\n{IN_TREE_CADDY}"
        ),
    );
    let report = t.scan(&[]);
    assert_problem(&report, "Caddyfile", Some(1), "import /dev/zero");
    assert_problem(&report, "Caddyfile", Some(2), "/dev/stdin");
    assert_problem(
        &report,
        "Caddyfile",
        Some(3),
        "not a regular file (a FIFO): not read",
    );
    assert_finding(&report, "caddy.tls-disabled", "Caddyfile");
    // With the root itself the scan root, /dev/zero is inside: still not read.
    let run = bounded(
        &t.root(),
        &["scan", "/dev/zero", "--format", "json", "--fail-on", "none"],
    );
    assert_problem(
        &run.json(),
        "/dev/zero",
        None,
        "not a regular file (a character device)",
    );
}

#[test]
fn a_fifo_or_a_device_named_explicitly_or_found_by_the_walk_is_not_read() {
    let t = Tree::new();
    mkfifo(&t.root().join("fifo/compose.yaml"));
    mkfifo(&t.root().join("fifo/app.yaml"));
    t.link("zero/compose.yaml", Path::new("/dev/zero"));
    t.file("good/compose.yaml", PRIVILEGED);
    // Found by the walk.
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "fifo/compose.yaml",
        None,
        "not a regular file (a FIFO): not read",
    );
    assert_problem(
        &report,
        "fifo/app.yaml",
        None,
        "not a regular file (a FIFO)",
    );
    assert_problem(
        &report,
        "zero/compose.yaml",
        None,
        "outside the scanned tree",
    );
    assert_finding(&report, "compose.privileged", "good/compose.yaml");
    // Named explicitly.
    let run = bounded(
        &t.root(),
        &[
            "scan",
            "fifo/compose.yaml",
            "zero/compose.yaml",
            "good/compose.yaml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    let report = run.json();
    assert_problem(
        &report,
        "fifo/compose.yaml",
        None,
        "not a regular file (a FIFO): not read",
    );
    assert_problem(
        &report,
        "zero/compose.yaml",
        None,
        "outside the scanned tree",
    );
    assert_finding(&report, "compose.privileged", "good/compose.yaml");
    // A link to /dev/zero whose target is inside the root (scanning /dev) is refused as a device.
    let run = bounded(
        &t.root(),
        &["scan", "/dev/zero", "--format", "json", "--fail-on", "none"],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
}

#[test]
fn user_inputs_that_are_fifos_or_devices_are_refused() {
    let t = Tree::new();
    t.file("compose.yaml", PRIVILEGED);
    mkfifo(&t.root().join("vigie-fifo.toml"));
    let run = bounded(&t.root(), &["scan", "--config", "vigie-fifo.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a regular file (a FIFO)"),
        "{}",
        run.stderr
    );
    let run = bounded(&t.root(), &["scan", "--config", "/dev/zero"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = bounded(
        &t.root(),
        &["scan", "--format", "html", "--previous", "/dev/zero"],
    );
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    mkfifo(&t.root().join("policies/p.rego"));
    let run = bounded(&t.root(), &["scan", "--policy", "policies"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a regular file (a FIFO)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_vigie_toml_linked_out_of_the_working_directory_is_not_read() {
    let t = Tree::new();
    t.file("compose.yaml", PRIVILEGED);
    t.outside_file("vigie.toml", &format!("[{CANARY}\n"));
    t.link("vigie.toml", &t.outside().join("vigie.toml"));
    let run = bounded(&t.root(), &["scan"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_no_canary(&run, "scan");
    assert!(
        run.stderr.contains("leads outside the working directory"),
        "{}",
        run.stderr
    );
    // Named explicitly, it is the user's choice.
    let run = bounded(&t.root(), &["scan", "--config", "vigie.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("vigie.toml"), "{}", run.stderr);
}

#[test]
fn a_fifo_ignore_file_does_not_hang_the_walk() {
    let t = Tree::new();
    t.file("good/compose.yaml", PRIVILEGED);
    mkfifo(&t.root().join("trap/.gitignore"));
    t.file("trap/compose.yaml", PRIVILEGED);
    t.link("leak/.gitignore", &t.outside().join("canary.env"));
    let report = t.scan(&[]);
    assert_problem(
        &report,
        "trap/.gitignore",
        None,
        "not a regular file (a FIFO): not read; this directory is not walked",
    );
    assert_problem(&report, "leak/.gitignore", None, "outside the scanned tree");
    assert_finding(&report, "compose.privileged", "good/compose.yaml");

    // Above the scanned directory: a FIFO, or a link (which could lead anywhere), is not read,
    // and then no ignore file is.
    let above = Tree::new();
    above.file("compose.yaml", PRIVILEGED);
    mkfifo(&above.dir.path().join(".gitignore"));
    let report = above.scan(&[]);
    assert!(
        problems(&report)
            .iter()
            .any(|p| p.3.contains("not a regular file (a FIFO)")
                && p.3
                    .contains("no .gitignore or .ignore file is honoured in this scan")),
        "{:#?}",
        problems(&report)
    );
    assert_finding(&report, "compose.privileged", "compose.yaml");
    std::fs::remove_file(above.dir.path().join(".gitignore")).unwrap();
    std::os::unix::fs::symlink(
        above.outside().join("canary.env"),
        above.dir.path().join(".gitignore"),
    )
    .unwrap();
    let report = above.scan(&[]);
    assert!(
        problems(&report)
            .iter()
            .any(|p| p.3.contains("a symbolic link above the scanned paths")),
        "{:#?}",
        problems(&report)
    );
}
