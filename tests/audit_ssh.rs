//! `vigie audit` against real sshd, each fake host a network namespace of its own
//! (`common::sshd`): the host-key policy (unknown and changed keys refused, the opt-in accepting
//! only unknown ones), a host that accepts TCP and never speaks SSH, a command that hangs, and
//! several hosts at once. Needs root, `ip netns` and openssh-server: skipped with a message
//! without them, a failure when `VIGIE_REQUIRE_TOOLS` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::sshd::{self, ClientKey, HostConfig, NetnsHost};
use common::Run;

/// Run `vigie audit ARGS` in `dir` with `dir` as $HOME (no agent): the tests' known_hosts and
/// keys are the only ones it sees.
fn audit(dir: &Path, args: &[&str]) -> Run {
    common::run(
        common::vigie_command(dir)
            .arg("audit")
            .args(args)
            .env("HOME", dir)
            .env("USER", "root")
            .env_remove("SSH_AUTH_SOCK"),
    )
}

fn hosts_by_status(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["hosts"]
        .as_array()
        .unwrap_or_else(|| panic!("no hosts in {report}"))
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn error_messages(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["file"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

struct Fleet {
    dir: tempfile::TempDir,
    key: ClientKey,
}

impl Fleet {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = sshd::client_key(dir.path());
        Fleet { dir, key }
    }

    fn host(&self, name: &str, extra: &[&str]) -> NetnsHost {
        let config = HostConfig {
            sshd_extra: extra.iter().map(|s| (*s).to_string()).collect(),
            ..HostConfig::default()
        };
        NetnsHost::start(name, &self.key, &config).unwrap_or_else(|e| panic!("host {name}: {e}"))
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir.path().join(name), text).unwrap();
    }

    fn inventory(&self, hosts: &[&NetnsHost]) {
        let text: String = hosts
            .iter()
            .map(|h| h.inventory(&self.key.private))
            .collect();
        self.write("inventory.toml", &text);
    }
}

#[test]
fn several_hosts_audited_at_once() {
    if !sshd::available("several_hosts_audited_at_once") {
        return;
    }
    let fleet = Fleet::new();
    let web = fleet.host("web1", &["PasswordAuthentication yes"]);
    let db = fleet.host("db1", &["PasswordAuthentication no"]);
    let ci = fleet.host("ci1", &["PasswordAuthentication no"]);
    fleet.inventory(&[&web, &db, &ci]);
    // known_hosts in ~/.ssh (the default), the user's own way.
    std::fs::create_dir_all(fleet.dir.path().join(".ssh")).unwrap();
    fleet.write(
        ".ssh/known_hosts",
        &format!(
            "# test fleet\n{}{}{}",
            web.known_hosts_line(),
            db.known_hosts_line(),
            ci.known_hosts_line()
        ),
    );
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    let report = run.json();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        hosts_by_status(&report),
        vec![
            ("ci1".into(), "reached".into()),
            ("db1".into(), "reached".into()),
            ("web1".into(), "reached".into())
        ],
        "{}",
        run.stderr
    );
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    assert_eq!(
        report["summary"]["documents"], 3,
        "one host document per host"
    );
    // Every finding of an audit points into a host's facts.
    for f in report["findings"].as_array().unwrap() {
        assert!(f["file"].as_str().unwrap().starts_with("ssh://"), "{f}");
    }
}

#[test]
fn host_keys_unknown_or_changed_are_refused() {
    if !sshd::available("host_keys_unknown_or_changed_are_refused") {
        return;
    }
    let fleet = Fleet::new();
    let host = fleet.host("web1", &[]);
    let other = fleet.host("other", &[]);
    fleet.inventory(&[&host]);

    // Unknown: an empty known_hosts.
    fleet.write("known_empty", "");
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_empty",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(
        hosts_by_status(&report),
        vec![("web1".into(), "refused".into())]
    );
    assert!(report["findings"].as_array().unwrap().is_empty());
    let errors = error_messages(&report);
    assert!(
        errors.len() == 1
            && errors[0].starts_with("ssh://web1: host web1 (root@")
            && errors[0].contains("not in known_hosts"),
        "{errors:?}"
    );

    // Changed: known_hosts holds another host's key for this address.
    let changed = format!("{} {}\n", host.address, other.host_key);
    fleet.write("known_changed", &changed);
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_changed",
            "--format",
            "sarif",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let sarif = run.json();
    common::assert_valid_sarif(&common::sarif_validator(), &sarif, "a refused host");
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let text = notes.to_string();
    assert!(
        text.contains("HOST KEY CHANGED") && text.contains("web1"),
        "{text}"
    );
    assert!(sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );

    // The opt-in accepts an unknown key, loudly...
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_empty",
            "--insecure-accept-unknown-host-keys",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        hosts_by_status(&run.json()),
        vec![("web1".into(), "reached".into())]
    );
    assert!(run.stderr.contains("insecure"), "{}", run.stderr);

    // ...and still refuses a changed one.
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_changed",
            "--insecure-accept-unknown-host-keys",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        hosts_by_status(&run.json()),
        vec![("web1".into(), "refused".into())]
    );

    // The right key, given as a hashed `[host]:port`-less entry, is accepted.
    let hashed = Command::new("ssh-keygen")
        .arg("-H")
        .arg("-f")
        .arg({
            fleet.write("known_hashed", &host.known_hosts_line());
            fleet.dir.path().join("known_hashed")
        })
        .output()
        .unwrap();
    assert!(hashed.status.success());
    let text = std::fs::read_to_string(fleet.dir.path().join("known_hashed")).unwrap();
    assert!(text.starts_with("|1|"), "{text}");
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_hashed",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[test]
fn silent_and_hanging_hosts_are_bounded() {
    if !sshd::available("silent_and_hanging_hosts_are_bounded") {
        return;
    }
    let fleet = Fleet::new();
    let good = fleet.host("good", &[]);
    let hang = fleet.host("hang", &["ForceCommand sleep 600"]);
    let silent = sshd::silent_listener();
    let port = silent.local_addr().unwrap().port();
    let mut inventory = good.inventory(&fleet.key.private);
    inventory.push_str(&hang.inventory(&fleet.key.private));
    inventory.push_str(&format!(
        "[[hosts]]\nname = \"silent\"\naddress = \"127.0.0.1\"\nport = {port}\nuser = \"root\"\n"
    ));
    fleet.write("inventory.toml", &inventory);
    fleet.write(
        "known_hosts",
        &format!("{}{}", good.known_hosts_line(), hang.known_hosts_line()),
    );
    fleet.write(
        "vigie.toml",
        "[audit]\nconnect_timeout = 1.5\ncommand_timeout = 2\nknown_hosts = \"known_hosts\"\n",
    );
    let started = Instant::now();
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    let took = started.elapsed();
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(
        hosts_by_status(&report),
        vec![
            ("good".into(), "reached".into()),
            ("hang".into(), "failed".into()),
            ("silent".into(), "unreachable".into())
        ],
        "{}",
        run.stderr
    );
    let errors = error_messages(&report).join("\n");
    assert!(
        errors.contains("ssh://hang: host hang") && errors.contains("did not finish within"),
        "{errors}"
    );
    assert!(
        errors.contains("ssh://silent: host silent") && errors.contains("handshake"),
        "{errors}"
    );
    // Hosts are audited at once: the run takes about the longest timeout, not their sum (a
    // generous bound; this is not a speed test).
    assert!(took < Duration::from_secs(30), "took {took:?}");
    drop(silent);
}

#[test]
fn bad_inventory_is_a_located_configuration_error() {
    let dir = common::project(&[(
        "inv.toml",
        "[[hosts]]\nname = \"web1\"\naddress = \"10.0.0.1\"\nport = 99999\n",
    )]);
    let run = audit(dir.path(), &["--inventory", "inv.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("port must be between 1 and 65535"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("inv.toml:4"), "{}", run.stderr);

    let run = audit(dir.path(), &["--host", "root@10.0.0.1:http"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("not between 1 and 65535"),
        "{}",
        run.stderr
    );

    let run = audit(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no hosts to audit"), "{}", run.stderr);
}

#[test]
fn jump_host_reaches_a_host_only_it_can_reach() {
    if !sshd::available("jump_host_reaches_a_host_only_it_can_reach") {
        return;
    }
    let fleet = Fleet::new();
    // The bastion's sshd also listens on its own loopback: only reachable through the bastion.
    let bastion = fleet.host("bastion", &["ListenAddress 127.0.0.1:2222"]);
    let mut inventory = bastion.inventory(&fleet.key.private);
    inventory.push_str(&format!(
        "[[hosts]]\nname = \"inner\"\naddress = \"127.0.0.1\"\nport = 2222\nuser = \"root\"\nidentity = \"{}\"\njump = \"bastion\"\n",
        fleet.key.private.display()
    ));
    fleet.write("inventory.toml", &inventory);
    fleet.write(
        "known_hosts",
        &format!(
            "{}[127.0.0.1]:2222 {}\n",
            bastion.known_hosts_line(),
            bastion.host_key
        ),
    );
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_hosts",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        hosts_by_status(&run.json()),
        vec![
            ("bastion".into(), "reached".into()),
            ("inner".into(), "reached".into())
        ]
    );

    // The target's key is checked too, through the tunnel.
    fleet.write("known_bastion_only", &bastion.known_hosts_line());
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_bastion_only",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        hosts_by_status(&run.json()),
        vec![
            ("bastion".into(), "reached".into()),
            ("inner".into(), "refused".into())
        ]
    );
}

/// The transport itself: the command's output and exit status come back whole, from the host's
/// own sshd settings and hostname.
#[test]
fn transport_runs_one_command_and_returns_its_output() {
    use vigie::audit::{ssh, KnownHosts, SshOptions};
    use vigie::source::host::HostSpec;

    if !sshd::available("transport_runs_one_command_and_returns_its_output") {
        return;
    }
    let fleet = Fleet::new();
    let host = fleet.host("web7", &["PasswordAuthentication yes"]);
    let spec = HostSpec {
        name: "web7".into(),
        address: host.address.clone(),
        port: 22,
        user: "root".into(),
        identity: Some(fleet.key.private.clone()),
        tags: Vec::new(),
        jump: None,
        backup: None,
    };
    let known = KnownHosts::parse(&host.known_hosts_line());
    let opts = SshOptions {
        connect_timeout: Duration::from_secs(5),
        command_timeout: Duration::from_secs(10),
        accept_unknown: false,
        home: None,
        max_output: 16 << 20,
    };
    let conn = ssh::connect(&spec, None, &known, &opts).unwrap();
    // More output than one channel window, and stderr beside it.
    let out = ssh::run(
        &conn.session,
        "sh -c 'hostname; /usr/sbin/sshd -T | grep -i ^passwordauthentication; head -c 3000000 /dev/zero | tr \"\\0\" x; echo; echo oops >&2; exit 7'",
        "",
        opts.command_timeout,
        opts.max_output,
    )
    .unwrap();
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("web7"));
    assert_eq!(lines.next(), Some("passwordauthentication yes"));
    assert_eq!(lines.next().map(str::len), Some(3_000_000));
    assert_eq!(out.stderr.trim(), "oops");
    assert_eq!(out.status, Some(7));
    // Past the limit, on either stream: an error naming it, the rest never read.
    for flood in [
        "head -c 3000000 /dev/zero",
        "head -c 3000000 /dev/zero >&2; echo small",
    ] {
        let err = ssh::run(
            &conn.session,
            &format!("sh -c '{flood}'"),
            "",
            opts.command_timeout,
            1 << 20,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("more than 1 MiB") && err.contains("max_output"),
            "{flood}: {err}"
        );
    }
    // The session is still usable after a command was cut off.
    let out = ssh::run(&conn.session, "echo again", "", opts.command_timeout, 1024).unwrap();
    assert_eq!(out.stdout, "again\n");
    ssh::close(&conn.session);
}

/// A host whose commands print more than `[audit] max_output` (on standard output, or on
/// standard error) fails, by name and with the limit in the message; the host beside it is
/// audited as usual.
#[test]
fn output_over_the_limit_fails_the_host() {
    if !sshd::available("output_over_the_limit_fails_the_host") {
        return;
    }
    let fleet = Fleet::new();
    let good = fleet.host("good", &[]);
    let loud = fleet.host("loud", &["ForceCommand head -c 400000 /dev/zero"]);
    let noisy = fleet.host(
        "noisy",
        &["ForceCommand sh -c 'head -c 400000 /dev/zero >&2; echo done'"],
    );
    fleet.inventory(&[&good, &loud, &noisy]);
    fleet.write(
        "known_hosts",
        &format!(
            "{}{}{}",
            good.known_hosts_line(),
            loud.known_hosts_line(),
            noisy.known_hosts_line()
        ),
    );
    fleet.write(
        "vigie.toml",
        "[audit]\nknown_hosts = \"known_hosts\"\nmax_output = \"128KiB\"\n",
    );
    let run = audit(
        fleet.dir.path(),
        &[
            "--inventory",
            "inventory.toml",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 3, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(
        hosts_by_status(&report),
        vec![
            ("good".into(), "reached".into()),
            ("loud".into(), "failed".into()),
            ("noisy".into(), "failed".into())
        ],
        "{}",
        run.stderr
    );
    let errors = error_messages(&report);
    for name in ["loud", "noisy"] {
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("ssh://{name}: host {name}"))
                    && e.contains("more than 128 KiB")
                    && e.contains("[audit] max_output")),
            "{errors:?}"
        );
    }
    // No findings from a host given up on; the good one has its own.
    for f in report["findings"].as_array().unwrap() {
        assert!(
            f["file"].as_str().unwrap().starts_with("ssh://good/"),
            "{f}"
        );
    }
    // A bad limit is a located configuration error.
    fleet.write("bad.toml", "[audit]\nmax_output = \"16 megs\"\n");
    let run = audit(
        fleet.dir.path(),
        &["--inventory", "inventory.toml", "--config", "bad.toml"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("audit.max_output") && run.stderr.contains("bad.toml:2"),
        "{}",
        run.stderr
    );
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Every file under `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Backup tools read on a host leave nothing behind there: no `~/.cache/borg`,
/// `~/.config/borg` (security, cache) or restic cache in the audit user's home, no temporary
/// directory; and their snapshots are read (a repokey, a keyfile repository, restic).
#[test]
fn backup_tools_leave_nothing_on_the_host() {
    if !sshd::available("backup_tools_leave_nothing_on_the_host") {
        return;
    }
    if !have("borg") || !have("restic") {
        assert!(
            std::env::var_os("VIGIE_REQUIRE_TOOLS").is_none(),
            "VIGIE_REQUIRE_TOOLS is set but borg or restic is missing (apt-get install borgbackup restic)"
        );
        eprintln!(
            "SKIPPED backup_tools_leave_nothing_on_the_host: apt-get install borgbackup restic"
        );
        return;
    }
    let fleet = Fleet::new();
    let d = fleet.dir.path();
    let mkdir = |name: &str| {
        let p = d.join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    };
    // The repositories, made with a scratch home so that this machine's is left alone.
    let scratch = mkdir("scratch");
    let data = mkdir("data");
    std::fs::write(data.join("f"), "x").unwrap();
    std::fs::write(d.join("pass"), "correct horse\n").unwrap();
    let tool = |program: &str, home: &Path, args: &[&str]| {
        let out = Command::new("timeout")
            .arg("120")
            .arg(program)
            .args(args)
            .current_dir(d)
            .env("HOME", home)
            .env_remove("XDG_CACHE_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env(
                "BORG_PASSCOMMAND",
                format!("cat {}", d.join("pass").display()),
            )
            .env("RESTIC_PASSWORD_FILE", d.join("pass"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    tool("borg", &scratch, &["init", "-e", "repokey", "borg-repokey"]);
    tool("borg", &scratch, &["create", "borg-repokey::a1", "data"]);
    // A keyfile repository's key lives in the audit user's home, where borg looks for it.
    let home_keyfile = mkdir("home-keyfile");
    tool(
        "borg",
        &home_keyfile,
        &["init", "-e", "keyfile", "borg-keyfile"],
    );
    tool(
        "borg",
        &home_keyfile,
        &["create", "borg-keyfile::a1", "data"],
    );
    // Only the key stays there: borg's cache and security records go.
    std::fs::remove_dir_all(home_keyfile.join(".cache")).unwrap();
    std::fs::remove_dir_all(home_keyfile.join(".config/borg/security")).unwrap();
    tool(
        "restic",
        &scratch,
        &["--no-cache", "-q", "-r", "restic-repo", "init"],
    );
    tool(
        "restic",
        &scratch,
        &["--no-cache", "-q", "-r", "restic-repo", "backup", "data"],
    );

    // Each host with a home (over /root) and a TMPDIR of its own, to look into afterwards.
    let host = |name: &str, home: &Path| {
        let tmp = mkdir(&format!("tmp-{name}"));
        let config = HostConfig {
            sshd_extra: vec![format!("SetEnv TMPDIR={}", tmp.display())],
            binds: vec![(home.to_path_buf(), "/root".into())],
        };
        let h = NetnsHost::start(name, &fleet.key, &config)
            .unwrap_or_else(|e| panic!("host {name}: {e}"));
        (h, tmp)
    };
    let home_repokey = mkdir("home-repokey");
    let home_restic = mkdir("home-restic");
    let (b1, tmp1) = host("borg1", &home_repokey);
    let (b2, tmp2) = host("borg2", &home_keyfile);
    let (r1, tmp3) = host("restic1", &home_restic);
    let pass = d.join("pass").display().to_string();
    let backup = |h: &NetnsHost, spec: String| {
        format!(
            "{}\nbackup = {spec}\n\n",
            h.inventory(&fleet.key.private).trim_end()
        )
    };
    let borg = |repo: &str| {
        format!(
            "{{ borg = {{ repository = \"{}\", passphrase_file = \"{pass}\" }} }}",
            d.join(repo).display()
        )
    };
    let inventory = [
        backup(&b1, borg("borg-repokey")),
        backup(&b2, borg("borg-keyfile")),
        backup(
            &r1,
            format!(
                "{{ restic = {{ repository = \"{}\", password_file = \"{pass}\" }} }}",
                d.join("restic-repo").display()
            ),
        ),
    ]
    .concat();
    fleet.write("inventory.toml", &inventory);
    fleet.write(
        "known_hosts",
        &format!(
            "{}{}{}",
            b1.known_hosts_line(),
            b2.known_hosts_line(),
            r1.known_hosts_line()
        ),
    );
    let run = audit(
        d,
        &[
            "--inventory",
            "inventory.toml",
            "--known-hosts",
            "known_hosts",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report = run.json();
    // Every backup was read: no unreadable fact, no missing or stale backup.
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(
        !rules.iter().any(|r| r.starts_with("host.backup-")),
        "{rules:?}"
    );
    // And nothing was left behind.
    assert_eq!(tree(&home_repokey), Vec::<String>::new());
    assert_eq!(tree(&home_restic), Vec::<String>::new());
    let keyfile_home = tree(&home_keyfile);
    assert!(
        keyfile_home
            .iter()
            .all(|p| p == ".config" || p == ".config/borg" || p.starts_with(".config/borg/keys")),
        "{keyfile_home:?}"
    );
    for tmp in [&tmp1, &tmp2, &tmp3] {
        assert_eq!(tree(tmp), Vec::<String>::new(), "{}", tmp.display());
    }
}
