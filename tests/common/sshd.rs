//! Fake live hosts for audit tests: each one a network namespace with a veth pair to the root
//! namespace (its own /30 under 10.203.0.0/16), its own `/etc/ssh` and hostname, running a real
//! sshd. Everything is stopped by PID and deleted in `Drop`, also when a test fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Why live-host tests cannot run here, if they cannot: root, `ip netns`, sshd, ssh-keygen.
pub fn missing_tools() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("live-host tests need root (network namespaces)".into());
    }
    for tool in ["/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/unshare"] {
        if !Path::new(tool).exists() {
            return Some(format!(
                "{tool} is missing (apt-get install openssh-server util-linux)"
            ));
        }
    }
    let ok = Command::new("ip")
        .args(["netns", "list"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return Some("`ip netns` does not work (apt-get install iproute2)".into());
    }
    None
}

/// True when the test may run; false (after saying why) when it must be skipped. Panics when
/// `VIGIE_REQUIRE_TOOLS` is set and something is missing.
pub fn available(test: &str) -> bool {
    match missing_tools() {
        None => true,
        Some(why) => {
            assert!(
                std::env::var_os("VIGIE_REQUIRE_TOOLS").is_none(),
                "VIGIE_REQUIRE_TOOLS is set but {why} (see the README's test command)"
            );
            eprintln!("SKIPPED {test}: {why}; set VIGIE_REQUIRE_TOOLS=1 to make this a failure");
            false
        }
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn ip(args: &[&str]) -> Result<(), String> {
    run(Command::new("ip").args(args))
}

/// A client key pair for the tests to log in with (root's authorized key on every host).
pub struct ClientKey {
    pub private: PathBuf,
    pub public: String,
}

pub fn client_key(dir: &Path) -> ClientKey {
    let private = dir.join("id_ed25519");
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "vigie-test", "-f"])
        .arg(&private))
    .unwrap();
    let public = std::fs::read_to_string(private.with_extension("pub")).unwrap();
    ClientKey { private, public }
}

/// How to set a fake host up.
#[derive(Default, Clone)]
pub struct HostConfig {
    /// Extra sshd_config lines (e.g. `PasswordAuthentication yes`, `ForceCommand sleep 600`).
    pub sshd_extra: Vec<String>,
    /// Directories bind-mounted in the host's own view before sshd starts: (what, where), e.g.
    /// a fresh directory over `/root`, for a home of the host's own.
    pub binds: Vec<(PathBuf, String)>,
}

pub struct NetnsHost {
    pub name: String,
    pub address: String,
    netns: String,
    veth_root: String,
    pub dir: tempfile::TempDir,
    /// `ssh-ed25519 AAAA...` (the host's public key).
    pub host_key: String,
    pub sshd_config: PathBuf,
    sshd: Option<Child>,
}

impl NetnsHost {
    /// A host running sshd on port 22 of its own address, root logging in with `client`.
    pub fn start(name: &str, client: &ClientKey, config: &HostConfig) -> Result<Self, String> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let pid = std::process::id();
        // 16384 /30 blocks in 10.203.0.0/16; the pid spreads test processes apart.
        let block = (pid.wrapping_mul(131) + n) % 16384;
        let base = block * 4;
        let (hi, lo) = (base / 256, base % 256);
        let tag = format!("{}{}", pid % 100_000, n);
        let mut host = NetnsHost {
            name: name.to_string(),
            address: format!("10.203.{hi}.{}", lo + 2),
            netns: format!("vigie-t{tag}"),
            veth_root: format!("vr{tag}"),
            dir: tempfile::tempdir().map_err(|e| e.to_string())?,
            host_key: String::new(),
            sshd_config: PathBuf::new(),
            sshd: None,
        };
        let veth_host = format!("vh{tag}");
        let root_ip = format!("10.203.{hi}.{}/30", lo + 1);
        let host_ip = format!("{}/30", host.address);
        ip(&["netns", "add", &host.netns])?;
        ip(&[
            "link",
            "add",
            &host.veth_root,
            "type",
            "veth",
            "peer",
            "name",
            &veth_host,
        ])?;
        ip(&["link", "set", &veth_host, "netns", &host.netns])?;
        ip(&["addr", "add", &root_ip, "dev", &host.veth_root])?;
        ip(&["link", "set", &host.veth_root, "up"])?;
        let ns = host.netns.clone();
        ip(&["-n", &ns, "addr", "add", &host_ip, "dev", &veth_host])?;
        ip(&["-n", &ns, "link", "set", &veth_host, "up"])?;
        ip(&["-n", &ns, "link", "set", "lo", "up"])?;

        let etc = host.dir.path().join("etc-ssh");
        std::fs::create_dir_all(&etc).map_err(|e| e.to_string())?;
        let key = etc.join("ssh_host_ed25519_key");
        run(Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key))?;
        let pubkey =
            std::fs::read_to_string(key.with_extension("pub")).map_err(|e| e.to_string())?;
        host.host_key = pubkey
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let auth = etc.join("authorized_keys");
        std::fs::write(&auth, &client.public).map_err(|e| e.to_string())?;
        let mut conf = format!(
            "Port 22\nListenAddress {addr}\nHostKey {key}\nPidFile {dir}/sshd.pid\nAuthorizedKeysFile {auth}\nStrictModes no\nUsePAM no\nMaxStartups 200\nMaxSessions 50\n",
            addr = host.address,
            key = key.display(),
            dir = host.dir.path().display(),
            auth = auth.display(),
        );
        for line in &config.sshd_extra {
            conf.push_str(line);
            conf.push('\n');
        }
        host.sshd_config = etc.join("sshd_config");
        std::fs::write(&host.sshd_config, conf).map_err(|e| e.to_string())?;
        std::fs::create_dir_all("/run/sshd").map_err(|e| e.to_string())?;
        // Own hostname and own /etc/ssh: `sshd -T` run over SSH shows this host's settings.
        let binds: String = config
            .binds
            .iter()
            .map(|(what, at)| format!("mount --bind '{}' '{at}' && ", what.display()))
            .collect();
        let script = format!(
            "hostname {name} && mount --bind {etc} /etc/ssh && {binds}exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config",
            etc = etc.display()
        );
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                &ns,
                "unshare",
                "--uts",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                &script,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(host.dir.path().join("sshd.log"))
                    .map_err(|e| e.to_string())?,
            )
            .spawn()
            .map_err(|e| format!("cannot start sshd: {e}"))?;
        host.sshd = Some(child);
        host.wait_listening()?;
        Ok(host)
    }

    fn wait_listening(&mut self) -> Result<(), String> {
        let addr: std::net::SocketAddr = format!("{}:22", self.address).parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.sshd.as_mut().map(Child::try_wait) {
                return Err(format!("sshd exited ({status}): {}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("sshd did not listen within 10 s: {}", self.log()))
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// This host's `known_hosts` line.
    pub fn known_hosts_line(&self) -> String {
        format!("{} {}\n", self.address, self.host_key)
    }

    /// An inventory entry for this host.
    pub fn inventory(&self, identity: &Path) -> String {
        format!(
            "[[hosts]]\nname = \"{}\"\naddress = \"{}\"\nuser = \"root\"\nidentity = \"{}\"\n\n",
            self.name,
            self.address,
            identity.display()
        )
    }
}

impl Drop for NetnsHost {
    fn drop(&mut self) {
        let pids = || -> Vec<String> {
            Command::new("ip")
                .args(["netns", "pids", &self.netns])
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .split_whitespace()
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        // Every process left in the namespace (sshd's per-connection children too), by PID;
        // the namespace is deleted once they are gone (a process still in it keeps it busy).
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let left = pids();
            if left.is_empty() || Instant::now() > deadline {
                break;
            }
            for pid in left {
                let _ = Command::new("kill")
                    .args(["-9", &pid])
                    .stderr(Stdio::null())
                    .status();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Some(mut child) = self.sshd.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = Command::new("ip")
            .args(["link", "del", &self.veth_root])
            .stderr(Stdio::null())
            .status();
        let _ = Command::new("ip")
            .args(["netns", "del", &self.netns])
            .status();
    }
}

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes the handshake) and
/// never says anything: an SSH server that hangs before its banner.
pub fn silent_listener() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap()
}
