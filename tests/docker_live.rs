//! Docker collection against a real daemon: a private `dockerd` (its own socket, data root and
//! exec root in a temporary directory, no networking of its own: `--iptables=false
//! --ip6tables=false --ip-forward=false --bridge=none`) with containers created from a busybox
//! image imported from a rootfs, and by docker-compose v1 for real `com.docker.compose.*` labels.
//!
//! Checked: collection over the local socket (dockerd 20.10 speaks API 1.41: a client that did not
//! negotiate would be refused), the findings of the docker rules at the right lines of the
//! collected inspect JSON, drift against a later revision of the compose file, a recorded dump of
//! the same containers through `vigie scan`, the exec fallback's script, and the remote paths
//! through a loopback sshd: stream-local forwarding to the daemon's socket, and `docker inspect`
//! over exec when the sshd forbids forwarding.
//!
//! Needs root, `dockerd`, `docker`, `docker-compose`, `busybox` and `sshd` (apt-get install
//! docker.io docker-compose busybox-static openssh-server). Without them the test is skipped with
//! a message, unless `VIGIE_REQUIRE_TOOLS` is set, when that is a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use vigie::source::docker::{self, drift::ComposeFiles, Via};
use vigie::source::Context;

use common::vigie;

/// `[audit] max_output`'s default: what `vigie audit` allows a host.
const LIMIT: usize = 16 << 20;

const TOOLS: &[&str] = &[
    "dockerd",
    "docker",
    "docker-compose",
    "busybox",
    "sshd",
    "ssh-keygen",
];

fn on_path(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<String> {
    if !is_root() {
        return Some("it must run as root (dockerd)".into());
    }
    let absent: Vec<&str> = TOOLS.iter().copied().filter(|t| !on_path(t)).collect();
    (!absent.is_empty()).then(|| format!("{} not on PATH", absent.join(", ")))
}

/// Run a command with a bound on its time (coreutils `timeout`).
fn run(cmd: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let out = Command::new("timeout")
        .arg("120")
        .arg(cmd)
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A private dockerd, stopped (its containers removed first) when dropped.
struct Dockerd {
    child: Child,
    dir: tempfile::TempDir,
}

impl Dockerd {
    fn start() -> Self {
        let dir = tempfile::Builder::new().prefix("vd").tempdir().unwrap();
        let d = dir.path();
        let log = std::fs::File::create(d.join("dockerd.log")).unwrap();
        let child = Command::new("dockerd")
            .arg("--host")
            .arg(format!("unix://{}", d.join("docker.sock").display()))
            .arg("--data-root")
            .arg(d.join("data"))
            .arg("--exec-root")
            .arg(d.join("exec"))
            .arg("--pidfile")
            .arg(d.join("docker.pid"))
            .args([
                "--iptables=false",
                "--ip6tables=false",
                "--ip-forward=false",
                "--bridge=none",
            ])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let daemon = Self { child, dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = Command::new("timeout")
                .args(["10", "docker", "version"])
                .env("DOCKER_HOST", daemon.host())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "dockerd did not start: {}",
                std::fs::read_to_string(daemon.dir.path().join("dockerd.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        daemon
    }

    fn socket(&self) -> PathBuf {
        self.dir.path().join("docker.sock")
    }

    fn host(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    fn docker(&self, args: &[&str]) -> String {
        let host = self.host();
        let out = run("docker", args, self.dir.path(), &[("DOCKER_HOST", &host)]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The busybox image the containers run, imported from a rootfs (no registry is reachable).
    fn import_busybox(&self) {
        let rootfs = self.dir.path().join("rootfs/bin");
        std::fs::create_dir_all(&rootfs).unwrap();
        let busybox = Command::new("sh")
            .args(["-c", "command -v busybox"])
            .output()
            .unwrap();
        let busybox = String::from_utf8_lossy(&busybox.stdout).trim().to_string();
        std::fs::copy(&busybox, rootfs.join("busybox")).unwrap();
        for applet in ["sh", "sleep"] {
            std::os::unix::fs::symlink("busybox", rootfs.join(applet)).unwrap();
        }
        let host = self.host();
        run(
            "sh",
            &[
                "-c",
                "tar -C rootfs -c . | docker import - local/busybox:1 && docker tag local/busybox:1 local/busybox:latest",
            ],
            self.dir.path(),
            &[("DOCKER_HOST", &host)],
        );
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        let host = self.host();
        let _ = Command::new("timeout")
            .args([
                "60",
                "sh",
                "-c",
                "ids=$(docker ps -aq); [ -z \"$ids\" ] || docker rm -f $ids",
            ])
            .env("DOCKER_HOST", &host)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private sshd on a loopback port, key authentication only, stopped when dropped.
struct Sshd {
    child: Child,
    port: u16,
    key: PathBuf,
    _dir: tempfile::TempDir,
}

impl Sshd {
    /// `extra`: more sshd_config lines.
    fn start(extra: &str) -> Self {
        let dir = tempfile::Builder::new().prefix("vs").tempdir().unwrap();
        let d = dir.path();
        let keygen = |file: &str| {
            run(
                "ssh-keygen",
                &["-q", "-t", "ed25519", "-N", "", "-f", file],
                d,
                &[],
            );
        };
        keygen("host_key");
        keygen("user_key");
        std::fs::copy(d.join("user_key.pub"), d.join("authorized_keys")).unwrap();
        std::fs::create_dir_all("/run/sshd").unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/sshd.pid\n\
             AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nUsePAM no\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             PermitRootLogin prohibit-password\n{extra}\n",
            d = d.display()
        );
        std::fs::write(d.join("sshd_config"), config).unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("sshd.log")).unwrap())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "sshd did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            port,
            key: d.join("user_key"),
            _dir: dir,
        }
    }

    fn session(&self) -> ssh2::Session {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut session = ssh2::Session::new().unwrap();
        session.set_timeout(20_000);
        session.set_tcp_stream(tcp);
        session.handshake().unwrap();
        session
            .userauth_pubkey_file("root", None, &self.key, None)
            .unwrap();
        assert!(session.authenticated());
        session
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const COMPOSE_DEPLOYED: &str = "\
version: \"3.8\"
services:
  web:
    image: local/busybox:1
    command: [\"sleep\", \"300\"]
    network_mode: none
    cap_drop: [ALL]
    volumes:
      - ./data:/data:ro
";

/// A later revision of the same file, not yet deployed: another image, one capability more.
const COMPOSE_IN_GIT: &str = "\
services:
  web:
    image: local/busybox:2
    command: [\"sleep\", \"300\"]
    network_mode: none
    cap_drop: [ALL]
    cap_add: [NET_ADMIN]
    volumes:
      - ./data:/data:ro
";

fn names(containers: &[Value]) -> BTreeSet<String> {
    containers
        .iter()
        .map(|c| {
            c["Name"]
                .as_str()
                .unwrap()
                .trim_start_matches('/')
                .to_string()
        })
        .collect()
}

/// `(rule id, container name, the trimmed line the finding points at)` for every finding.
fn findings(loaded: &vigie::source::Loaded) -> BTreeSet<(String, String, String)> {
    let set = vigie::policy::PolicySet::builtin().unwrap();
    let config = vigie::settings::Settings::default().config;
    let mut engine = vigie::policy::Engine::compile(&set, &config, |_| true).unwrap();
    let doc = &loaded.documents[0];
    let (denials, errors) = engine.evaluate(doc);
    assert!(errors.is_empty(), "{errors:?}");
    denials
        .into_iter()
        .map(|d| {
            let span = doc.locate(&d.path);
            let line = span.file.line_col(span.range.start).line as usize;
            let text = span.file.text.lines().nth(line - 1).unwrap().trim();
            let container = doc
                .value_at(&d.path[..2.min(d.path.len())])
                .and_then(|c| c["Name"].as_str())
                .unwrap_or("")
                .trim_start_matches('/')
                .to_string();
            (d.rule.meta.id.clone(), container, text.to_string())
        })
        .collect()
}

fn has(set: &BTreeSet<(String, String, String)>, rule: &str, container: &str, line: &str) {
    assert!(
        set.iter()
            .any(|(r, c, l)| r == rule && c == container && l.starts_with(line)),
        "no {rule} on {container} at a line starting {line:?} in {set:#?}"
    );
}

#[test]
fn docker_containers_are_collected_and_audited() {
    if let Some(why) = missing() {
        assert!(
            std::env::var_os("VIGIE_REQUIRE_TOOLS").is_none(),
            "VIGIE_REQUIRE_TOOLS is set but {why} (apt-get install docker.io docker-compose busybox-static openssh-server)"
        );
        eprintln!(
            "SKIPPED docker_live: {why}; install the tools (apt-get install docker.io \
             docker-compose busybox-static openssh-server) and run as root, or set \
             VIGIE_REQUIRE_TOOLS=1 to make this a failure"
        );
        return;
    }
    let daemon = Dockerd::start();
    daemon.import_busybox();
    let sock = daemon.socket().display().to_string();
    daemon.docker(&[
        "create",
        "--name",
        "vpn",
        "--privileged",
        "--restart",
        "unless-stopped",
        "--network",
        "none",
        "local/busybox:1",
        "sleep",
        "300",
    ]);
    daemon.docker(&[
        "run",
        "-d",
        "--name",
        "worker",
        "--network",
        "none",
        "local/busybox:latest",
        "sleep",
        "300",
    ]);
    let mount = format!("{sock}:/var/run/docker.sock");
    daemon.docker(&[
        "run",
        "-d",
        "--name",
        "portainer",
        "--cap-drop",
        "ALL",
        "-v",
        &mount,
        "--network",
        "none",
        "local/busybox:1",
        "sleep",
        "300",
    ]);
    // docker-compose v1 creates `app_web_1` from the deployed revision.
    let deployed = daemon.dir.path().join("srv/app");
    std::fs::create_dir_all(deployed.join("data")).unwrap();
    std::fs::write(deployed.join("docker-compose.yml"), COMPOSE_DEPLOYED).unwrap();
    let host = daemon.host();
    run(
        "docker-compose",
        &["up", "-d"],
        &deployed,
        &[("DOCKER_HOST", &host)],
    );
    // The scanned tree holds the compose file as it is in git now.
    let tree = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tree.path().join("deploy/app")).unwrap();
    let in_git = tree.path().join("deploy/app/docker-compose.yml");
    std::fs::write(&in_git, COMPOSE_IN_GIT).unwrap();

    let err = docker::collect_local(Some("/nonexistent/docker.sock"), Duration::from_secs(5))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no such socket"), "{err}");
    let unreadable = docker::audit_local(
        Some("/nonexistent/docker.sock"),
        Duration::from_secs(5),
        &ComposeFiles::default(),
        &Context::new(PathBuf::from("/")),
    );
    assert!(unreadable.documents.is_empty());
    assert_eq!(unreadable.problems[0].file, "docker://local/docker inspect");

    // The local socket, API version negotiated (the daemon refuses the client's default 1.53).
    let containers = docker::collect_local(Some(&sock), Duration::from_secs(60)).unwrap();
    let expected: BTreeSet<String> = ["vpn", "worker", "portainer", "app_web_1"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    assert_eq!(names(&containers), expected);
    let vpn = containers.iter().find(|c| c["Name"] == "/vpn").unwrap();
    assert_eq!(vpn["State"]["Status"], "created");
    assert_eq!(vpn["HostConfig"]["Privileged"], true);

    let ctx = Context::new(tree.path().to_path_buf());
    let compose = ComposeFiles::new(vec![in_git.clone()], None);
    let loaded = docker::document(
        docker::LOCAL_HOST,
        &docker::local_display(),
        &containers,
        &compose,
        &ctx,
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.documents[0].path, "docker://local/docker inspect");
    let found = findings(&loaded);
    has(
        &found,
        "docker.container-privileged",
        "vpn",
        "\"Privileged\": true",
    );
    has(
        &found,
        "docker.container-cap-drop-missing",
        "worker",
        "\"CapDrop\": null",
    );
    has(
        &found,
        "docker.container-cap-drop-missing",
        "vpn",
        "\"CapDrop\": null",
    );
    has(
        &found,
        "docker.container-socket-mounted",
        "portainer",
        &format!("\"Source\": \"{sock}\""),
    );
    has(
        &found,
        "docker.container-image-not-pinned",
        "worker",
        "\"Image\": \"local/busybox:latest\"",
    );
    has(
        &found,
        "docker.container-drift",
        "app_web_1",
        "\"Image\": \"local/busybox:1\"",
    );
    has(
        &found,
        "docker.container-drift",
        "app_web_1",
        "\"CapAdd\": null",
    );
    // Nothing else: the compose container drops every capability and mounts no socket.
    let rules_on_web: BTreeSet<&str> = found
        .iter()
        .filter(|(_, c, _)| c == "app_web_1")
        .map(|(r, _, _)| r.as_str())
        .collect();
    assert_eq!(rules_on_web, BTreeSet::from(["docker.container-drift"]));
    // The same file as deployed: no drift.
    let same = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(same.path().join("app")).unwrap();
    std::fs::write(same.path().join("app/docker-compose.yml"), COMPOSE_DEPLOYED).unwrap();
    let loaded = docker::document(
        docker::LOCAL_HOST,
        &docker::local_display(),
        &containers,
        &ComposeFiles::new(vec![same.path().join("app/docker-compose.yml")], None),
        &Context::new(same.path().to_path_buf()),
    );
    assert!(!findings(&loaded)
        .iter()
        .any(|(r, _, _)| r == "docker.container-drift"));

    // A recorded dump of the same containers, through the real binary beside the compose file.
    std::fs::write(
        tree.path().join("deploy/web1.docker-inspect.json"),
        serde_json::to_string_pretty(&containers).unwrap(),
    )
    .unwrap();
    let report = vigie(
        tree.path(),
        &["scan", "deploy", "--format", "json", "--fail-on", "none"],
    )
    .json();
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let dump_rules: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "deploy/web1.docker-inspect.json")
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        dump_rules,
        BTreeSet::from([
            "docker.container-cap-drop-missing",
            "docker.container-drift",
            "docker.container-image-not-pinned",
            "docker.container-privileged",
            "docker.container-socket-mounted",
        ])
    );

    // The exec fallback's script, run locally: the same containers as `docker inspect` has them.
    let out = run(
        "sh",
        &["-c", &docker::inspect_script(&sock)],
        daemon.dir.path(),
        &[("DOCKER_HOST", &host)],
    );
    let inspected = docker::parse_inspect(&out.stdout).unwrap();
    assert_eq!(names(&inspected), expected);

    // A remote host: the daemon's socket through an SSH stream-local channel.
    let sshd = Sshd::start("AllowStreamLocalForwarding yes");
    let session = sshd.session();
    let remote = docker::collect_ssh(&session, &sock, Duration::from_secs(60), LIMIT).unwrap();
    assert_eq!(remote.via, Via::Socket);
    assert_eq!(names(&remote.containers), expected);
    assert!(session.is_blocking(), "the session is left as it was found");
    // A daemon answering more than the limit: given up on, by name of the limit.
    let err = docker::collect_ssh(&session, &sock, Duration::from_secs(60), 1024).unwrap_err();
    assert!(
        matches!(err, docker::DockerError::TooLarge { limit: 1024 }),
        "{err}"
    );
    assert!(err.to_string().contains("max_output"), "{err}");
    assert!(session.is_blocking(), "the session is left as it was found");
    // The session still works for the caller afterwards.
    let mut channel = session.channel_session().unwrap();
    channel.exec("echo still here").unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut channel, &mut text).unwrap();
    assert_eq!(text.trim(), "still here");
    channel.wait_close().unwrap();
    let loaded = docker::audit_ssh(
        &session,
        "web1",
        &sock,
        Duration::from_secs(60),
        LIMIT,
        &compose,
        &ctx,
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.documents[0].path, "ssh://web1/docker inspect");
    has(
        &findings(&loaded),
        "docker.container-privileged",
        "vpn",
        "\"Privileged\": true",
    );
    // No daemon behind the path: forwarding fails, so does `docker` over exec; an error, quickly.
    let started = Instant::now();
    let err = docker::collect_ssh(
        &session,
        "/nonexistent/docker.sock",
        Duration::from_secs(20),
        LIMIT,
    )
    .unwrap_err()
    .to_string();
    assert!(started.elapsed() < Duration::from_secs(20), "{err}");
    assert!(err.contains("docker inspect"), "{err}");

    drop(session);
    drop(sshd);

    // A host that forbids stream-local forwarding: `docker inspect` over exec.
    let sshd = Sshd::start("AllowStreamLocalForwarding no");
    let session = sshd.session();
    let remote = docker::collect_ssh(&session, &sock, Duration::from_secs(60), LIMIT).unwrap();
    assert!(matches!(remote.via, Via::Exec { .. }), "{:?}", remote.via);
    assert_eq!(names(&remote.containers), expected);
    // `docker inspect` printing more than the limit: the same.
    let err = docker::collect_ssh(&session, &sock, Duration::from_secs(60), 1024).unwrap_err();
    assert!(
        matches!(err, docker::DockerError::TooLarge { limit: 1024 }),
        "{err}"
    );
    drop(session);
    drop(sshd);

    // A host without Docker (no socket, no `docker` command): nothing to audit, no error.
    let sshd = Sshd::start("SetEnv PATH=/nonexistent");
    let session = sshd.session();
    let err = docker::collect_ssh(
        &session,
        "/nonexistent/docker.sock",
        Duration::from_secs(20),
        LIMIT,
    )
    .unwrap_err();
    assert!(matches!(err, docker::DockerError::Absent(_)), "{err}");
    let loaded = docker::audit_ssh(
        &session,
        "bare",
        "/nonexistent/docker.sock",
        Duration::from_secs(20),
        LIMIT,
        &compose,
        &ctx,
    );
    assert!(loaded.documents.is_empty() && loaded.problems.is_empty());
}
