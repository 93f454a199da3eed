//! The fact script and the host document against real commands: each fake host is a network
//! namespace with its own `/etc/ssh` (a running sshd), `/etc/ufw` state, listeners and restic
//! repository. The script runs there through `sh` exactly as it would over SSH; its transcript
//! goes through `document` (the facts) and, saved as a recorded `.facts` file, through
//! `vigie scan` (the findings and where they point).
//!
//! Needs root, `ip`, `unshare`, `sshd`, `ufw`, `restic`, `python3` (Debian: `apt-get install
//! openssh-server ufw restic iproute2 util-linux python3`). Without them the test is skipped with
//! a message, unless `VIGIE_REQUIRE_TOOLS` is set, when that is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use vigie::source::host::{self, BackupSpec, HostSpec};

use common::vigie;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Why this machine cannot run the test, if it cannot.
fn missing_requirements() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("needs root (network namespaces, bind mounts)".into());
    }
    let tools = [
        "ip",
        "unshare",
        "sshd",
        "ssh-keygen",
        "ufw",
        "restic",
        "python3",
        "timeout",
    ];
    let missing: Vec<_> = tools.iter().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        None
    } else {
        Some(format!(
            "missing {missing:?} (apt-get install openssh-server ufw restic iproute2 util-linux python3, as in .ci/test.sh)"
        ))
    }
}

/// A network namespace; deleted, with every process the test started in it, when dropped.
struct Netns {
    name: String,
    pid_files: Vec<PathBuf>,
}

impl Netns {
    fn new() -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "vigie-hf-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let ok = Command::new("ip")
            .args(["netns", "add", &name])
            .status()
            .unwrap()
            .success();
        assert!(ok, "ip netns add {name}");
        let ns = Self {
            name,
            pid_files: Vec::new(),
        };
        ns.exec(&["ip", "link", "set", "lo", "up"]);
        ns
    }

    fn exec(&self, args: &[&str]) -> std::process::Output {
        Command::new("timeout")
            .arg("60")
            .args(["ip", "netns", "exec", &self.name])
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for f in &self.pid_files {
            if let Ok(pid) = std::fs::read_to_string(f) {
                let pid = pid.trim();
                if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
                    let _ = Command::new("kill").args(["-9", pid]).status();
                }
            }
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
    }
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A restic repository in `dir` with one snapshot taken `age` seconds ago.
fn restic_repo(dir: &Path, age: u64) -> (String, String) {
    let repo = dir.join("restic");
    let pass = dir.join("restic.pass");
    std::fs::write(&pass, "correct horse\n").unwrap();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("f"), "x").unwrap();
    let restic = |args: &[&str]| {
        let mut c = Command::new("timeout");
        c.arg("60")
            .arg("restic")
            .args(["--no-cache", "-q", "-r"])
            .arg(&repo)
            .arg("--password-file")
            .arg(&pass)
            .args(args)
            .env("TZ", "UTC");
        c
    };
    run(&mut restic(&["init"]));
    let time = run(Command::new("date")
        .env("TZ", "UTC")
        .arg("-d")
        .arg(format!("@{}", now() - age))
        .arg("+%Y-%m-%d %H:%M:%S"));
    run(restic(&["backup", "--host", "h", "--time", time.trim()]).arg(&data));
    (repo.display().to_string(), pass.display().to_string())
}

struct FakeHost<'a> {
    sshd_config: &'a str,
    /// ufw commands after `ufw --force enable`; `None`: ufw stays inactive.
    ufw: Option<&'a [&'a str]>,
    /// `ADDR PORT` for a Python listener.
    listener: &'a str,
    backup_age: u64,
}

/// Set up a fake host in a fresh namespace, run the fact script there, return its transcript.
fn gather(name: &str, fake: &FakeHost<'_>, dir: &Path) -> (HostSpec, String) {
    let mut ns = Netns::new();
    let etc_ssh = dir.join("etc-ssh");
    std::fs::create_dir_all(&etc_ssh).unwrap();
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(etc_ssh.join("host_key")));
    let sshd_pid = dir.join("sshd.pid");
    let listener_pid = dir.join("listener.pid");
    ns.pid_files.push(sshd_pid.clone());
    ns.pid_files.push(listener_pid.clone());
    std::fs::write(
        etc_ssh.join("sshd_config"),
        format!(
            "HostKey {}\nPidFile {}\nStrictModes no\n{}",
            etc_ssh.join("host_key").display(),
            sshd_pid.display(),
            fake.sshd_config
        ),
    )
    .unwrap();
    let ufw_etc = dir.join("ufw");
    let ufw_default = dir.join("ufw.default");
    run(Command::new("cp").arg("-a").arg("/etc/ufw").arg(&ufw_etc));
    run(Command::new("cp").arg("/etc/default/ufw").arg(&ufw_default));
    let (repository, password_file) = restic_repo(dir, fake.backup_age);
    let spec = HostSpec {
        name: name.into(),
        address: "203.0.113.7".into(),
        port: 22,
        user: "root".into(),
        identity: None,
        tags: vec!["test".into()],
        jump: None,
        backup: Some(BackupSpec::Restic {
            repository,
            password_file,
        }),
    };
    let script_file = dir.join("facts.sh");
    std::fs::write(&script_file, host::script(&spec)).unwrap();
    let transcript = dir.join("transcript");
    let ufw = match fake.ufw {
        Some(cmds) => {
            let mut s = String::from("ufw --force enable >/dev/null\n");
            for c in cmds {
                s.push_str(c);
                s.push_str(" >/dev/null\n");
            }
            s
        }
        None => String::new(),
    };
    let (addr, port) = fake.listener.split_once(' ').unwrap();
    let setup = format!(
        r#"set -e
mount --bind '{etc_ssh}' /etc/ssh
mount --bind '{ufw_etc}' /etc/ufw
mount --bind '{ufw_default}' /etc/default/ufw
mkdir -p /run/sshd
{ufw}/usr/sbin/sshd
python3 -c 'import socket,time; s=socket.socket(socket.AF_INET6 if ":" in "{addr}" else socket.AF_INET); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("{addr}", {port})); s.listen(); time.sleep(120)' &
echo $! > '{listener_pid}'
i=0
until ss -tlnH | grep -q ':{port} ' && [ -s '{sshd_pid}' ]; do
  i=$((i+1)); [ $i -lt 100 ] || {{ echo 'listeners did not start' >&2; exit 1; }}
  sleep 0.1
done
set +e
sh '{script}' > '{transcript}'
kill "$(cat '{sshd_pid}')" "$(cat '{listener_pid}')"
"#,
        etc_ssh = etc_ssh.display(),
        ufw_etc = ufw_etc.display(),
        ufw_default = ufw_default.display(),
        listener_pid = listener_pid.display(),
        sshd_pid = sshd_pid.display(),
        script = script_file.display(),
        transcript = transcript.display(),
    );
    let out = ns.exec(&[
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        &setup,
    ]);
    assert!(
        out.status.success(),
        "setting up {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (spec, std::fs::read_to_string(&transcript).unwrap())
}

fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
                f["snippet"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn script_and_document_agree_with_real_commands() {
    if let Some(why) = missing_requirements() {
        assert!(
            std::env::var_os("VIGIE_REQUIRE_TOOLS").is_none(),
            "VIGIE_REQUIRE_TOOLS is set but this test cannot run: {why}"
        );
        eprintln!("SKIPPED host_facts: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();

    // An open host: passwords and root over SSH, no firewall, PostgreSQL's port on every
    // interface, the last backup five days old.
    let open_dir = tmp.path().join("open");
    std::fs::create_dir_all(&open_dir).unwrap();
    let (open_spec, open_t) = gather(
        "open",
        &FakeHost {
            sshd_config: "PasswordAuthentication yes\nPermitRootLogin yes\nUsePAM no\n",
            ufw: None,
            listener: "0.0.0.0 5432",
            backup_age: 5 * 86_400,
        },
        &open_dir,
    );
    // A hardened host: keys only, ufw admitting SSH from the VPN, the database on loopback, a
    // backup an hour old.
    let safe_dir = tmp.path().join("safe");
    std::fs::create_dir_all(&safe_dir).unwrap();
    let (safe_spec, safe_t) = gather(
        "safe",
        &FakeHost {
            sshd_config: "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nUsePAM no\n",
            ufw: Some(&[
                "ufw default deny incoming",
                "ufw allow from 100.64.0.0/10 to any port 22 proto tcp",
            ]),
            listener: "127.0.0.1 5432",
            backup_age: 3600,
        },
        &safe_dir,
    );

    // The facts.
    let open = host::document(&open_spec, &open_t);
    assert!(open.problems.is_empty(), "{:?}\n{open_t}", open.problems);
    let open_in = open.documents[0].input();
    let f = &open_in["facts"];
    assert_eq!(f["uid"], 0);
    assert_eq!(f["sshd"]["passwordauthentication"], "yes", "{open_t}");
    assert_eq!(f["sshd"]["permitrootlogin"], "yes");
    assert_eq!(f["firewall"]["ufw"]["active"], false);
    let listening = f["listening"].as_array().unwrap();
    assert!(
        listening
            .iter()
            .any(|l| l["process"] == "sshd" && l["port"] == 22 && l["address"] == "0.0.0.0"),
        "{listening:?}"
    );
    assert!(listening
        .iter()
        .any(|l| l["process"] == "python3" && l["port"] == 5432));
    let age = f["now_unix"].as_i64().unwrap() - f["backup"]["newest_unix"].as_i64().unwrap();
    assert!((5 * 86_400..5 * 86_400 + 120).contains(&age), "{age}");

    let safe = host::document(&safe_spec, &safe_t);
    assert!(safe.problems.is_empty(), "{:?}\n{safe_t}", safe.problems);
    let safe_in = safe.documents[0].input();
    let f = &safe_in["facts"];
    assert_eq!(f["sshd"]["passwordauthentication"], "no");
    assert_eq!(f["firewall"]["ufw"]["active"], true, "{safe_t}");
    assert_eq!(f["firewall"]["ufw"]["default_incoming"], "deny");
    let rules = f["firewall"]["ufw"]["rules"].as_array().unwrap();
    assert_eq!(rules[0]["from_address"], "100.64.0.0/10", "{rules:?}");
    assert_eq!(rules[0]["ports"], serde_json::json!([[22, 22]]));

    // The findings, through recorded facts files and the real binary.
    let scan_dir = tmp.path().join("recorded");
    std::fs::create_dir_all(&scan_dir).unwrap();
    std::fs::write(
        scan_dir.join("open.facts"),
        host::record(&open_spec, &open_t),
    )
    .unwrap();
    std::fs::write(
        scan_dir.join("safe.facts"),
        host::record(&safe_spec, &safe_t),
    )
    .unwrap();
    let run = vigie(
        &scan_dir,
        &["scan", ".", "--format", "json", "--fail-on", "none"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["errors"], serde_json::json!([]));
    let found = findings(&report);
    let has = |rule: &str, file: &str, snippet: &str| {
        found
            .iter()
            .any(|(r, f, s)| r == rule && f.starts_with(file) && s.contains(snippet))
    };
    for (rule, file, snippet) in [
        (
            "host.ssh-password-auth",
            "ssh://open/sshd -T:",
            "passwordauthentication yes",
        ),
        (
            "host.ssh-root-login",
            "ssh://open/sshd -T:",
            "permitrootlogin yes",
        ),
        (
            "host.firewall-inactive",
            "ssh://open/ufw status verbose:1",
            "Status: inactive",
        ),
        (
            "host.ssh-not-vpn-only",
            "ssh://open/ss -tlnupH:",
            "\"sshd\"",
        ),
        (
            "host.service-exposed",
            "ssh://open/ss -tlnupH:",
            "0.0.0.0:5432",
        ),
        (
            "host.backup-stale",
            "ssh://open/restic snapshots --json:1",
            "\"time\"",
        ),
    ] {
        assert!(
            has(rule, file, snippet),
            "no {rule} at {file} ({snippet}): {found:#?}"
        );
    }
    let safe_findings: Vec<_> = found
        .iter()
        .filter(|(r, f, _)| {
            f.starts_with("ssh://safe/") && r != "host.unattended-upgrades-disabled"
        })
        .collect();
    assert!(safe_findings.is_empty(), "{safe_findings:#?}");
}

/// As a user who may not read root's facts (and has no sudo): those facts are reported as
/// unreadable, and no rule guesses from their absence.
#[test]
fn unreadable_facts_are_warnings_not_findings() {
    if let Some(why) = missing_requirements().or_else(|| {
        (!have("setpriv")).then(|| "missing setpriv (apt-get install util-linux)".to_string())
    }) {
        assert!(
            std::env::var_os("VIGIE_REQUIRE_TOOLS").is_none(),
            "VIGIE_REQUIRE_TOOLS is set but this test cannot run: {why}"
        );
        eprintln!("SKIPPED host_facts: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // A repository only root can read.
    let (repository, password_file) = restic_repo(tmp.path(), 3600);
    run(Command::new("chmod").args(["700", &repository]));
    let spec = HostSpec {
        name: "nobody".into(),
        address: "203.0.113.8".into(),
        port: 22,
        user: "nobody".into(),
        identity: None,
        tags: Vec::new(),
        jump: None,
        backup: Some(BackupSpec::Restic {
            repository,
            password_file,
        }),
    };
    let script = tmp.path().join("facts.sh");
    std::fs::write(&script, host::script(&spec)).unwrap();
    run(Command::new("chmod").args(["755"]).arg(tmp.path()));
    run(Command::new("chmod").args(["644"]).arg(&script));
    let transcript = run(Command::new("timeout")
        .args([
            "60",
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "sh",
        ])
        .arg(&script));
    let loaded = host::document(&spec, &transcript);
    let warned: Vec<&str> = loaded.problems.iter().map(|p| p.file.as_str()).collect();
    for fact in [
        "ssh://nobody/ufw status verbose",
        "ssh://nobody/nft -j list ruleset",
        "ssh://nobody/restic snapshots --json",
    ] {
        assert!(
            warned.contains(&fact),
            "no warning for {fact}: {:?}",
            loaded.problems
        );
    }
    let input = loaded.documents[0].input();
    let f = &input["facts"];
    assert!(f["unread"]["ufw status verbose"].is_string(), "{f}");
    assert!(f.get("backup").is_none());

    let dir = tmp.path().join("recorded");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("nobody.facts"), host::record(&spec, &transcript)).unwrap();
    let run = vigie(
        &dir,
        &["scan", ".", "--format", "json", "--fail-on", "none"],
    );
    let report = run.json();
    let rules: Vec<_> = findings(&report).into_iter().map(|(r, _, _)| r).collect();
    for rule in [
        "host.firewall-inactive",
        "host.ssh-not-vpn-only",
        "host.backup-missing",
        "host.backup-stale",
        "host.ssh-password-auth",
    ] {
        assert!(
            !rules.iter().any(|r| r == rule),
            "{rule} from unread facts: {rules:?}"
        );
    }
    assert!(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["level"] == "warning"),
        "{}",
        report["errors"]
    );
}
