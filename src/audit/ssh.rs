//! The SSH transport (libssh2 through `ssh2`): connect with a timeout, check the host key
//! against `known_hosts` before anything is sent, authenticate with a key file or the agent, and
//! run one command over one exec channel with a deadline.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ssh2::{MethodType, Session};
use thiserror::Error;

use super::known_hosts::{self, KnownHosts, Verdict};
use crate::source::host::channel::{self, read_bounded, ReadError};
use crate::source::host::HostSpec;

/// How to reach hosts: the same for every host of a run.
#[derive(Debug, Clone)]
pub struct SshOptions {
    pub connect_timeout: Duration,
    pub command_timeout: Duration,
    /// Accept a host whose key is not in known_hosts (never one whose key changed).
    pub accept_unknown: bool,
    /// `$HOME`, for the default keys.
    pub home: Option<PathBuf>,
    /// Bytes a host may print on one channel (`[audit] max_output`).
    pub max_output: usize,
}

/// Why a host could not be audited.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SshError {
    /// No TCP connection or no SSH handshake within the timeout.
    #[error("{0}")]
    Unreachable(String),
    /// The host key is unknown, changed or revoked.
    #[error("{0}")]
    HostKey(String),
    /// The host refused every key.
    #[error("{0}")]
    Auth(String),
    /// The command failed or did not finish in time.
    #[error("{0}")]
    Command(String),
}

/// What one command printed.
#[derive(Debug, Clone)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub status: Option<i32>,
}

fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX).max(1)
}

/// An authenticated session with a host, and the tunnel it runs through when it was reached
/// through a jump host. Fields drop in order: the session first (closing the socket the tunnel
/// forwards, which ends the tunnel's thread), then the tunnel (joining that thread).
pub struct Connection {
    pub session: Session,
    _tunnel: Option<Tunnel>,
}

struct Tunnel {
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An authenticated session with `host` (through `jump` when given), every host key checked
/// against `known`.
pub fn connect(
    host: &HostSpec,
    jump: Option<&HostSpec>,
    known: &KnownHosts,
    opts: &SshOptions,
) -> Result<Connection, SshError> {
    let Some(jump) = jump else {
        let stream = tcp(host, opts)?;
        return Ok(Connection {
            session: establish(stream, host, known, opts)?,
            _tunnel: None,
        });
    };
    let via = |e: SshError| {
        let wrap = |m: String| format!("jump host {} ({}): {m}", jump.name, jump.address);
        match e {
            SshError::Unreachable(m) => SshError::Unreachable(wrap(m)),
            SshError::HostKey(m) => SshError::HostKey(wrap(m)),
            SshError::Auth(m) => SshError::Auth(wrap(m)),
            SshError::Command(m) => SshError::Command(wrap(m)),
        }
    };
    let jump_session = establish(tcp(jump, opts).map_err(via)?, jump, known, opts).map_err(via)?;
    let channel = jump_session
        .channel_direct_tcpip(&host.address, host.port, None)
        .map_err(|e| {
            via(SshError::Unreachable(format!(
                "cannot open a connection to {}: {}",
                known_hosts::host_string(&host.address, host.port),
                e.message()
            )))
        })?;
    let (local, remote) = std::os::unix::net::UnixStream::pair()
        .map_err(|e| SshError::Unreachable(format!("cannot make a socket pair: {e}")))?;
    let thread = std::thread::Builder::new()
        .name("vigie-jump".into())
        .stack_size(256 * 1024)
        .spawn(move || forward(jump_session, channel, remote))
        .map_err(|e| SshError::Unreachable(format!("cannot start the jump tunnel: {e}")))?;
    let tunnel = Tunnel {
        thread: Some(thread),
    };
    // On failure `local` is gone with the half-made session, and `tunnel` joins its thread.
    let session = establish(local, host, known, opts)?;
    Ok(Connection {
        session,
        _tunnel: Some(tunnel),
    })
}

/// Copy bytes both ways between a direct-tcpip channel of the jump host and the local end of
/// the target's session, until either side closes.
fn forward(jump: Session, mut channel: ssh2::Channel, mut local: std::os::unix::net::UnixStream) {
    use std::io::ErrorKind::WouldBlock;
    jump.set_blocking(false);
    if local.set_nonblocking(true).is_err() {
        return;
    }
    let mut buf = vec![0u8; 32 * 1024];
    let mut to_local: Vec<u8> = Vec::new();
    let mut to_channel: Vec<u8> = Vec::new();
    loop {
        let mut busy = false;
        if to_local.is_empty() {
            match channel.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => to_local.extend_from_slice(buf.get(..n).unwrap_or(&[])),
                Err(e) if e.kind() == WouldBlock => {}
                Err(_) => break,
            }
        }
        if !to_local.is_empty() {
            match local.write(&to_local) {
                Ok(n) => {
                    to_local.drain(..n.min(to_local.len()));
                    busy = true;
                }
                Err(e) if e.kind() == WouldBlock => {}
                Err(_) => break,
            }
        }
        if to_channel.is_empty() {
            match local.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => to_channel.extend_from_slice(buf.get(..n).unwrap_or(&[])),
                Err(e) if e.kind() == WouldBlock => {}
                Err(_) => break,
            }
        }
        if !to_channel.is_empty() {
            match channel.write(&to_channel) {
                Ok(n) => {
                    to_channel.drain(..n.min(to_channel.len()));
                    busy = true;
                }
                Err(e) if e.kind() == WouldBlock => {}
                Err(_) => break,
            }
        }
        if !busy {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    drop(local);
    jump.set_blocking(true);
    jump.set_timeout(1000);
    let _ = channel.close();
    close(&jump);
}

/// A TCP connection to `host` within the connect timeout.
fn tcp(host: &HostSpec, opts: &SshOptions) -> Result<TcpStream, SshError> {
    let addrs: Vec<SocketAddr> = (host.address.as_str(), host.port)
        .to_socket_addrs()
        .map_err(|e| SshError::Unreachable(format!("cannot resolve {}: {e}", host.address)))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, opts.connect_timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let stream = stream.ok_or_else(|| {
        SshError::Unreachable(match last {
            Some(e) if e.kind() == std::io::ErrorKind::TimedOut => format!(
                "no TCP connection to port {} within {:?}",
                host.port, opts.connect_timeout
            ),
            Some(e) => format!("cannot connect to port {}: {e}", host.port),
            None => format!("{} resolves to no address", host.address),
        })
    })?;
    // A peer that accepts TCP and never speaks SSH must not hold this host's worker: every
    // socket read is bounded, and so is every libssh2 call.
    let _ = stream.set_read_timeout(Some(opts.connect_timeout));
    let _ = stream.set_write_timeout(Some(opts.connect_timeout));
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// Handshake over `stream`, check the host key, authenticate.
fn establish<S: std::os::fd::AsRawFd + 'static>(
    stream: S,
    host: &HostSpec,
    known: &KnownHosts,
    opts: &SshOptions,
) -> Result<Session, SshError> {
    let mut session =
        Session::new().map_err(|e| SshError::Unreachable(format!("cannot start SSH: {e}")))?;
    session.set_timeout(millis(opts.connect_timeout));
    let types = known.key_types(&host.address, host.port);
    let algorithms: Vec<&str> = types
        .iter()
        .flat_map(|t| known_hosts::algorithms(t).iter().copied())
        .collect();
    if !algorithms.is_empty() {
        // Offer only the algorithms of the keys known for this host, so that the host presents
        // the key known_hosts can vouch for (OpenSSH does the same).
        let _ = session.method_pref(MethodType::HostKey, &algorithms.join(","));
    }
    session.set_tcp_stream(stream);
    session.handshake().map_err(|e| {
        SshError::Unreachable(format!(
            "no SSH handshake within {:?}: {}",
            opts.connect_timeout,
            e.message()
        ))
    })?;

    let (key, _) = session
        .host_key()
        .ok_or_else(|| SshError::HostKey("the host presented no host key".into()))?;
    let key = key.to_vec();
    let fp = known_hosts::fingerprint(&key);
    let kind = known_hosts::blob_type(&key)
        .unwrap_or("unknown")
        .to_string();
    match known.check(&host.address, host.port, &key) {
        Verdict::Known => {}
        Verdict::Revoked => {
            return Err(SshError::HostKey(format!(
                "host key {kind} {fp} is marked @revoked in known_hosts; refused"
            )))
        }
        Verdict::Changed => {
            return Err(SshError::HostKey(format!(
                "HOST KEY CHANGED: the host presented {kind} {fp}, which is not the key known_hosts has for {}; refused (someone may be intercepting the connection; if the host was reinstalled, update known_hosts)",
                known_hosts::host_string(&host.address, host.port)
            )))
        }
        Verdict::Unknown if opts.accept_unknown => {}
        Verdict::Unknown => {
            return Err(SshError::HostKey(format!(
                "host key {kind} {fp} is not in known_hosts; refused. Check the fingerprint out of band, then add this line to known_hosts: {}",
                known_hosts::line(&host.address, host.port, &key)
            )))
        }
    }

    authenticate(&session, host, opts)?;
    Ok(session)
}

fn authenticate(session: &Session, host: &HostSpec, opts: &SshOptions) -> Result<(), SshError> {
    let user = host.user.as_str();
    let keys: Vec<PathBuf> = match &host.identity {
        Some(p) => {
            if !p.is_file() {
                return Err(SshError::Auth(format!(
                    "identity file {} does not exist",
                    p.display()
                )));
            }
            vec![p.clone()]
        }
        None => opts
            .home
            .iter()
            .flat_map(|h| {
                ["id_ed25519", "id_ecdsa", "id_rsa"]
                    .into_iter()
                    .map(move |k| h.join(".ssh").join(k))
            })
            .filter(|p| p.is_file())
            .collect(),
    };
    let mut tried = Vec::new();
    for key in &keys {
        match session.userauth_pubkey_file(user, None, key, None) {
            Ok(()) if session.authenticated() => return Ok(()),
            Ok(()) => tried.push(format!("{} (refused)", key.display())),
            Err(e) if is_transport_error(&e) => {
                return Err(SshError::Auth(format!(
                    "the connection failed during authentication: {}",
                    e.message()
                )))
            }
            Err(e) => tried.push(format!("{} ({})", key.display(), e.message())),
        }
    }
    if std::env::var_os("SSH_AUTH_SOCK").is_some() {
        match session.userauth_agent(user) {
            Ok(()) if session.authenticated() => return Ok(()),
            Ok(()) => tried.push("ssh-agent (refused)".into()),
            Err(e) => tried.push(format!("ssh-agent ({})", e.message())),
        }
    } else {
        tried.push("ssh-agent (SSH_AUTH_SOCK not set)".into());
    }
    Err(SshError::Auth(format!(
        "authentication as {user} failed; tried {}",
        if tried.is_empty() {
            "nothing".to_string()
        } else {
            tried.join(", ")
        }
    )))
}

/// A timeout or a dropped connection: no other key can succeed.
fn is_transport_error(e: &ssh2::Error) -> bool {
    // LIBSSH2_ERROR_SOCKET_SEND, _TIMEOUT, _SOCKET_DISCONNECT, _SOCKET_RECV.
    matches!(e.code(), ssh2::ErrorCode::Session(-7 | -9 | -13 | -43))
}

/// Run `command` on one exec channel, writing `stdin` to it, within `timeout` in all; a command
/// printing more than `max_output` bytes (standard output and error together) is an error.
pub fn run(
    session: &Session,
    command: &str,
    stdin: &str,
    timeout: Duration,
    max_output: usize,
) -> Result<Output, SshError> {
    let deadline = Instant::now() + timeout;
    let remaining = || deadline.saturating_duration_since(Instant::now());
    let timed_out = || {
        SshError::Command(format!(
            "the facts command did not finish within {timeout:?}"
        ))
    };
    session.set_timeout(millis(remaining()));
    let mut channel = session
        .channel_session()
        .map_err(|e| SshError::Command(format!("cannot open a channel: {}", e.message())))?;
    channel
        .exec(command)
        .map_err(|e| SshError::Command(format!("cannot run a command: {}", e.message())))?;
    if !stdin.is_empty() {
        channel
            .write_all(stdin.as_bytes())
            .map_err(|e| SshError::Command(format!("cannot send the script: {e}")))?;
    }
    let _ = channel.send_eof();

    let printed = read_bounded(session, &mut channel, deadline, max_output).map_err(|e| match e {
        ReadError::TimedOut => timed_out(),
        ReadError::TooLarge { limit } => {
            SshError::Command(channel::too_large("the facts command", limit))
        }
        ReadError::Io(e) => SshError::Command(format!("reading the output: {e}")),
    });
    let printed = match printed {
        Ok(p) => p,
        Err(e) => {
            // Stop the command's output at the host; the session is closed by the caller.
            session.set_timeout(1000);
            let _ = channel.close();
            return Err(e);
        }
    };
    session.set_timeout(millis(remaining().min(Duration::from_secs(2))));
    let _ = channel.wait_close();
    let status = channel.exit_status().ok();
    Ok(Output {
        stdout: String::from_utf8_lossy(&printed.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&printed.stderr).into_owned(),
        status,
    })
}

/// End the session politely, without waiting long for a host that stopped answering.
pub fn close(session: &Session) {
    session.set_timeout(1000);
    let _ = session.disconnect(None, "vigie audit done", None);
}
