//! Collecting containers from a Docker daemon with bollard: every container (running or not) is
//! listed, then inspected. The API version is negotiated with the daemon (real daemons speak 1.41
//! and older). vigie is synchronous: each collection runs on a small current-thread tokio runtime
//! of its own.
//!
//! A remote daemon is reached through an SSH session: one stream-local channel to its socket
//! (`direct-streamlocal@openssh.com`) carries one HTTP/1.1 connection for every request. When the
//! host forbids stream-local forwarding, `docker inspect` runs over an exec channel instead.

use std::io::{Read, Write};

use crate::source::host::channel::{read_bounded, ReadError};
use std::os::unix::net::UnixStream as StdUnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bollard::query_parameters::ListContainersOptionsBuilder;
use bollard::{BollardRequest, Docker};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// The socket a daemon listens on when nothing else is said.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// The API version vigie asks for before negotiating: the newest it knows; an older daemon
/// lowers it.
const CLIENT_VERSION: &bollard::ClientVersion = bollard::API_DEFAULT_VERSION;

/// Why a daemon's containers could not be collected.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("cannot use Docker endpoint {endpoint}: {why}")]
    Endpoint { endpoint: String, why: String },
    #[error("Docker API at {endpoint}: {source}")]
    Api {
        endpoint: String,
        #[source]
        source: bollard::errors::Error,
    },
    #[error("Docker at {endpoint} did not answer within {0:?}", .timeout)]
    Timeout { endpoint: String, timeout: Duration },
    #[error("cannot start the Docker client: {0}")]
    Runtime(#[from] std::io::Error),
    #[error("{0}")]
    Ssh(String),
    #[error("`docker inspect` on the host: {0}")]
    Exec(String),
    /// The socket cannot be reached and there is no `docker` command: no Docker on the host.
    #[error("no Docker on the host ({0})")]
    Absent(String),
    /// The daemon (or `docker inspect`) sent more than the limit: the host is not audited.
    #[error("{}", crate::source::host::channel::too_large("Docker", *.limit))]
    TooLarge { limit: usize },
}

/// The socket path `DOCKER_HOST` names (`unix:///path`), or the default socket. Another scheme
/// (`tcp://`, `ssh://`) is refused: vigie reaches remote daemons through its own SSH sessions.
pub fn local_socket() -> Result<String, DockerError> {
    match std::env::var("DOCKER_HOST") {
        Ok(host) if !host.is_empty() => host
            .strip_prefix("unix://")
            .map(str::to_string)
            .ok_or_else(|| DockerError::Endpoint {
                endpoint: host.clone(),
                why: "DOCKER_HOST must be a unix:// socket (audit remote daemons with --host)"
                    .into(),
            }),
        _ => Ok(DEFAULT_SOCKET.to_string()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, DockerError> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?)
}

/// Every container of the daemon listening on the unix socket `socket` (`None`: `DOCKER_HOST`,
/// else `/var/run/docker.sock`), inspected, oldest first. Gives up after `timeout`.
pub fn collect_local(socket: Option<&str>, timeout: Duration) -> Result<Vec<Value>, DockerError> {
    let socket = match socket {
        Some(s) => s.strip_prefix("unix://").unwrap_or(s).to_string(),
        None => local_socket()?,
    };
    let endpoint = format!("unix://{socket}");
    if !std::path::Path::new(&socket).exists() {
        return Err(DockerError::Endpoint {
            endpoint,
            why: "no such socket (is the Docker daemon running?)".into(),
        });
    }
    let secs = timeout.as_secs().max(1);
    let docker = Docker::connect_with_unix(&socket, secs, CLIENT_VERSION).map_err(|source| {
        DockerError::Api {
            endpoint: endpoint.clone(),
            source,
        }
    })?;
    runtime()?.block_on(async {
        tokio::time::timeout(timeout, inspect_all(docker, &endpoint))
            .await
            .unwrap_or_else(|_| {
                Err(DockerError::Timeout {
                    endpoint: endpoint.clone(),
                    timeout,
                })
            })
    })
}

/// Negotiate the API version, list every container and inspect each.
async fn inspect_all(docker: Docker, endpoint: &str) -> Result<Vec<Value>, DockerError> {
    let api = |source| DockerError::Api {
        endpoint: endpoint.to_string(),
        source,
    };
    let docker = docker.negotiate_version().await.map_err(api)?;
    let options = ListContainersOptionsBuilder::new().all(true).build();
    let mut list = docker.list_containers(Some(options)).await.map_err(api)?;
    list.sort_by_key(|c| c.created.unwrap_or_default());
    let mut out = Vec::with_capacity(list.len());
    for summary in list {
        let Some(id) = summary.id else { continue };
        match docker.inspect_container(&id, None).await {
            Ok(inspect) => {
                let mut value =
                    serde_json::to_value(inspect).map_err(|e| DockerError::Endpoint {
                        endpoint: endpoint.to_string(),
                        why: format!("container {id}: {e}"),
                    })?;
                restore_nulls(&mut value);
                out.push(value);
            }
            // Removed between the listing and the inspection: it no longer exists.
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => {}
            Err(e) => return Err(api(e)),
        }
    }
    Ok(out)
}

/// Keys every daemon sends in `HostConfig`, `null` when unset. bollard's model leaves out what
/// is `null`; putting them back makes the input read like `docker inspect` output, and a finding
/// about an unset `CapDrop` point at the `CapDrop` key rather than at `HostConfig`.
const HOST_CONFIG_KEYS: &[&str] = &["Binds", "CapAdd", "CapDrop"];

fn restore_nulls(container: &mut Value) {
    if let Some(Value::Object(hc)) = container.get_mut("HostConfig") {
        for key in HOST_CONFIG_KEYS {
            hc.entry(*key).or_insert(Value::Null);
        }
    }
}

/// How the containers of a remote host were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The Docker API through a stream-local channel to the socket.
    Socket,
    /// `docker inspect` over an exec channel: stream-local forwarding to the socket failed (the
    /// host forbids it, or the socket is elsewhere; the reason is kept).
    Exec { forwarding_refused: String },
}

/// The containers of a remote host and how they were read.
#[derive(Debug, Clone)]
pub struct Collected {
    pub containers: Vec<Value>,
    pub via: Via,
}

/// Every container of the Docker daemon on the other end of `session` (authenticated), through
/// its socket `socket_path`, or with `docker inspect` over an exec channel when the host forbids
/// stream-local forwarding. `timeout` bounds the whole collection, `max_output` the bytes the
/// host may send (every API answer together, or `docker inspect`'s output). The session is used
/// in non-blocking mode while the API is read and left as it was found.
pub fn collect_ssh(
    session: &ssh2::Session,
    socket_path: &str,
    timeout: Duration,
    max_output: usize,
) -> Result<Collected, DockerError> {
    let deadline = Instant::now() + timeout;
    let previous_timeout = session.timeout();
    session.set_timeout(
        u32::try_from(timeout.as_millis())
            .unwrap_or(u32::MAX)
            .max(1),
    );
    let opened = session.channel_direct_streamlocal(socket_path, None);
    session.set_timeout(previous_timeout);
    match opened {
        Ok(channel) => {
            let containers = through_channel(session, channel, socket_path, deadline, max_output)?;
            Ok(Collected {
                containers,
                via: Via::Socket,
            })
        }
        Err(refused) => {
            let containers =
                exec_inspect(session, socket_path, deadline, max_output).map_err(|e| match e {
                    DockerError::Exec(why) => DockerError::Exec(format!(
                        "{why} (after stream-local forwarding to {socket_path} failed: {refused})"
                    )),
                    DockerError::Absent(why) => {
                        DockerError::Absent(format!("{socket_path}: {refused}; {why}"))
                    }
                    other => other,
                })?;
            Ok(Collected {
                containers,
                via: Via::Exec {
                    forwarding_refused: refused.to_string(),
                },
            })
        }
    }
}

/// Bollard over one HTTP connection carried by `channel`: bollard's custom transport sends each
/// request on a hyper HTTP/1 connection over one end of a socket pair; a thread copies bytes
/// between the other end and the channel.
fn through_channel(
    session: &ssh2::Session,
    channel: ssh2::Channel,
    socket_path: &str,
    deadline: Instant,
    max_output: usize,
) -> Result<Vec<Value>, DockerError> {
    let endpoint = format!("ssh stream-local {socket_path}");
    let (ours, theirs) = StdUnixStream::pair()?;
    ours.set_nonblocking(true)?;
    theirs.set_nonblocking(true)?;
    let stop = AtomicBool::new(false);
    let was_blocking = session.is_blocking();
    session.set_blocking(false);
    let result = std::thread::scope(|scope| {
        let pump = scope.spawn(|| pump(channel, theirs, &stop, deadline, max_output));
        let result = run_over(ours, &endpoint, deadline);
        stop.store(true, Ordering::Relaxed);
        let pumped = pump.join();
        match (result, pumped) {
            // The answers stopped at the limit: whatever the client made of the cut, that is why.
            (_, Ok(Err(e))) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                Err(DockerError::TooLarge { limit: max_output })
            }
            (Ok(v), Ok(Ok(()))) => Ok(v),
            (Err(e), _) => Err(e),
            (Ok(_), Ok(Err(e))) => Err(DockerError::Ssh(format!(
                "SSH channel to {socket_path}: {e}"
            ))),
            (Ok(_), Err(_)) => Err(DockerError::Ssh("the SSH channel thread failed".into())),
        }
    });
    session.set_blocking(was_blocking);
    result
}

fn run_over(
    stream: StdUnixStream,
    endpoint: &str,
    deadline: Instant,
) -> Result<Vec<Value>, DockerError> {
    let timeout = deadline.saturating_duration_since(Instant::now());
    runtime()?.block_on(async move {
        let stream = tokio::net::UnixStream::from_std(stream)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
                .await
                .map_err(|source| DockerError::Api {
                    endpoint: endpoint.to_string(),
                    source: bollard::errors::Error::HyperResponseError { err: source },
                })?;
        let driver = tokio::spawn(connection);
        let sender = Arc::new(tokio::sync::Mutex::new(sender));
        let transport = move |req: BollardRequest| {
            let sender = Arc::clone(&sender);
            async move {
                let (mut parts, body) = req.into_parts();
                let bytes = body
                    .collect()
                    .await
                    .map_err(|e| bollard::errors::Error::IOError {
                        err: std::io::Error::other(e.to_string()),
                    })?
                    .to_bytes();
                // One connection to one daemon: the request line carries the path alone.
                if let Some(pq) = parts.uri.path_and_query() {
                    parts.uri = pq
                        .as_str()
                        .parse()
                        .map_err(|err| bollard::errors::Error::InvalidURIError { err })?;
                }
                parts.headers.insert(
                    hyper::header::HOST,
                    hyper::header::HeaderValue::from_static("docker"),
                );
                let mut sender = sender.lock().await;
                sender
                    .ready()
                    .await
                    .map_err(|err| bollard::errors::Error::HyperResponseError { err })?;
                sender
                    .send_request(hyper::Request::from_parts(parts, Full::new(bytes)))
                    .await
                    .map_err(|err| bollard::errors::Error::HyperResponseError { err })
            }
        };
        let secs = timeout.as_secs().max(1);
        let docker = Docker::connect_with_custom_transport(
            transport,
            Some("http://docker"),
            secs,
            CLIENT_VERSION,
        )
        .map_err(|source| DockerError::Api {
            endpoint: endpoint.to_string(),
            source,
        })?;
        let result = tokio::time::timeout(timeout, inspect_all(docker, endpoint))
            .await
            .unwrap_or_else(|_| {
                Err(DockerError::Timeout {
                    endpoint: endpoint.to_string(),
                    timeout,
                })
            });
        driver.abort();
        result
    })
}

/// Copy bytes both ways between the socket pair's end and the SSH channel until either side is
/// done, `stop` is set or the deadline passes; more than `limit` bytes from the host is an error
/// of kind `FileTooLarge`. The session is non-blocking: every call returns at once, and the loop
/// sleeps a little when nothing moved.
fn pump(
    mut channel: ssh2::Channel,
    mut local: StdUnixStream,
    stop: &AtomicBool,
    deadline: Instant,
    limit: usize,
) -> std::io::Result<()> {
    let mut received = 0usize;
    use std::io::ErrorKind::{Interrupted, WouldBlock};
    let mut to_remote: Vec<u8> = Vec::new();
    let mut to_local: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 32 * 1024];
    let mut local_eof = false;
    let mut idle = Duration::from_micros(50);
    let result = loop {
        if stop.load(Ordering::Relaxed) {
            break Ok(());
        }
        if Instant::now() >= deadline {
            break Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "deadline passed",
            ));
        }
        let mut moved = false;
        // Local → remote.
        if to_remote.is_empty() && !local_eof {
            match local.read(&mut buf) {
                Ok(0) => local_eof = true,
                Ok(n) => {
                    to_remote.extend_from_slice(buf.get(..n).unwrap_or_default());
                    moved = true;
                }
                Err(e) if matches!(e.kind(), WouldBlock | Interrupted) => {}
                Err(e) => break Err(e),
            }
        }
        if !to_remote.is_empty() {
            match channel.write(&to_remote) {
                Ok(n) => {
                    to_remote.drain(..n);
                    moved |= n > 0;
                }
                Err(e) if matches!(e.kind(), WouldBlock | Interrupted) => {}
                Err(e) => break Err(e),
            }
        }
        if local_eof && to_remote.is_empty() {
            // The HTTP client closed its side: nothing more will be asked.
            break Ok(());
        }
        // Remote → local.
        if to_local.is_empty() {
            match channel.read(&mut buf) {
                Ok(0) => {
                    if channel.eof() {
                        break Ok(());
                    }
                }
                Ok(n) => {
                    received = received.saturating_add(n);
                    if received > limit {
                        break Err(std::io::Error::new(
                            std::io::ErrorKind::FileTooLarge,
                            "the host sent more than the limit",
                        ));
                    }
                    to_local.extend_from_slice(buf.get(..n).unwrap_or_default());
                    moved = true;
                }
                Err(e) if matches!(e.kind(), WouldBlock | Interrupted) => {}
                Err(e) => break Err(e),
            }
        }
        if !to_local.is_empty() {
            match local.write(&to_local) {
                Ok(n) => {
                    to_local.drain(..n);
                    moved |= n > 0;
                }
                Err(e) if matches!(e.kind(), WouldBlock | Interrupted) => {}
                Err(e) => break Err(e),
            }
        }
        if moved {
            idle = Duration::from_micros(50);
        } else {
            std::thread::sleep(idle);
            idle = (idle * 2).min(Duration::from_millis(5));
        }
    };
    // Closing is best effort: the session may already be gone.
    let close_by = Instant::now() + Duration::from_millis(500);
    while Instant::now() < close_by {
        match channel.close() {
            Err(e) if e.code() == ssh2::ErrorCode::Session(-37) => {
                std::thread::sleep(Duration::from_millis(1));
            }
            _ => break,
        }
    }
    result
}

/// The script the exec fallback runs: the daemon's containers as `docker inspect` prints them,
/// `[]` when there are none; with `sudo -n` when the user cannot reach the socket. The default
/// socket is left to `docker` (and to `DOCKER_HOST` in the host's environment); another one is
/// set as `DOCKER_HOST`.
pub fn inspect_script(socket_path: &str) -> String {
    let host = if socket_path == DEFAULT_SOCKET {
        String::new()
    } else {
        format!(
            "DOCKER_HOST={}; export DOCKER_HOST; ",
            shell_quote(&format!("unix://{socket_path}"))
        )
    };
    format!(
        "{host}d=docker; \
if ! docker ps -q >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 \
&& sudo -n docker ${{DOCKER_HOST:+-H \"$DOCKER_HOST\"}} ps -q >/dev/null 2>&1; \
then d=\"sudo -n docker${{DOCKER_HOST:+ -H $DOCKER_HOST}}\"; fi; \
ids=$($d ps -aq --no-trunc) || exit $?; \
if [ -z \"$ids\" ]; then echo '[]'; else $d inspect $ids; fi"
    )
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `docker inspect` of every container over an exec channel.
fn exec_inspect(
    session: &ssh2::Session,
    socket_path: &str,
    deadline: Instant,
    max_output: usize,
) -> Result<Vec<Value>, DockerError> {
    let left = deadline.saturating_duration_since(Instant::now());
    let previous_timeout = session.timeout();
    session.set_timeout(u32::try_from(left.as_millis()).unwrap_or(u32::MAX).max(1));
    let result = (|| {
        let ssh = |what: &str, e: ssh2::Error| DockerError::Exec(format!("{what}: {e}"));
        let mut channel = session
            .channel_session()
            .map_err(|e| ssh("cannot open an exec channel", e))?;
        // Under `sh`, whatever the user's login shell.
        let command = format!("sh -c {}", shell_quote(&inspect_script(socket_path)));
        channel
            .exec(&command)
            .map_err(|e| ssh("cannot run docker", e))?;
        let printed = match read_bounded(session, &mut channel, deadline, max_output) {
            Ok(p) => p,
            Err(e) => {
                let _ = channel.close();
                return Err(match e {
                    ReadError::TooLarge { limit } => DockerError::TooLarge { limit },
                    ReadError::TimedOut => {
                        DockerError::Exec(format!("did not finish within {:?}", left))
                    }
                    ReadError::Io(e) => DockerError::Exec(format!("reading its output: {e}")),
                });
            }
        };
        let stdout = printed.stdout;
        let stderr = String::from_utf8_lossy(&printed.stderr);
        let _ = channel.wait_close();
        let status = channel.exit_status().unwrap_or(-1);
        if status == 127 {
            return Err(DockerError::Absent(stderr.trim().to_string()));
        }
        if status != 0 {
            let why = stderr.trim();
            return Err(DockerError::Exec(format!(
                "exited with status {status}{}{why}",
                if why.is_empty() { "" } else { ": " }
            )));
        }
        parse_inspect(&stdout).map_err(DockerError::Exec)
    })();
    session.set_timeout(previous_timeout);
    result
}

/// `docker inspect` output: a JSON array of container objects.
pub fn parse_inspect(bytes: &[u8]) -> Result<Vec<Value>, String> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Array(items)) if items.iter().all(Value::is_object) => Ok(items),
        Ok(_) => Err("its output is not a JSON array of containers".into()),
        Err(e) => Err(format!("its output is not JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_output_must_be_an_array_of_objects() {
        assert_eq!(parse_inspect(b"[]").unwrap(), Vec::<Value>::new());
        assert_eq!(parse_inspect(b"[{\"Id\":\"a\"}]").unwrap().len(), 1);
        assert!(parse_inspect(b"{}").is_err());
        assert!(parse_inspect(b"[1]").is_err());
        assert!(parse_inspect(b"Error: no such container").is_err());
    }
}
