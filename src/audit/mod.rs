//! `vigie audit`: live hosts over SSH. Hosts are audited concurrently by a bounded pool of
//! workers (connect → check the host key → authenticate → run the facts script on one exec
//! channel); the calling thread turns each host's facts into documents, evaluates them with the
//! compiled engine and collects findings as hosts finish. A host that cannot be reached gives a
//! problem naming it, never a stall of the others.

pub mod known_hosts;
pub mod ssh;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use crate::document::Kind;
use crate::policy::Engine;
use crate::problem::{Level, Problem};
use crate::scan::{self, host_uri, AuditedHost, HostStatus, Report};
use crate::settings::Settings;
use crate::source::host::HostSpec;
use crate::source::{self, docker, Context, Loaded};

pub use known_hosts::KnownHosts;
pub use ssh::{SshError, SshOptions};

/// How a run reaches its hosts.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub ssh: SshOptions,
    /// Hosts in flight at once.
    pub concurrency: usize,
    pub known_hosts: KnownHosts,
}

/// The files an audit reads beside the hosts: compose files under the PATHs given, which
/// `docker.container-drift` compares running containers against.
#[derive(Debug, Default)]
pub struct Compose {
    /// Compose files as discovered (override files included).
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked (reported with the audit).
    pub problems: Vec<Problem>,
}

/// Find the compose files under `paths` (other kinds of files are not audited).
pub fn find_compose(paths: &[PathBuf], settings: &Settings, ctx: &Context) -> Compose {
    if paths.is_empty() {
        return Compose::default();
    }
    let scan::Plan {
        units, problems, ..
    } = scan::plan(paths, settings, ctx);
    Compose {
        files: units
            .into_iter()
            .filter(|u| u.kind == Kind::Compose)
            .flat_map(|u| u.files)
            .collect(),
        problems,
    }
}

/// What a worker brings back from one host.
struct Collected {
    status: HostStatus,
    message: Option<String>,
    loaded: Loaded,
}

/// The shell command the facts script runs under: `sh -c '<script>'`, whatever the user's login
/// shell; standard input is empty.
fn shell_command(script: &str) -> String {
    format!("sh -c '{}'", script.replace('\'', "'\\''"))
}

/// The host `host.jump` names: another inventory host, else `[USER@]ADDR[:PORT]`.
fn jump_host(host: &HostSpec, hosts: &[HostSpec]) -> Result<Option<HostSpec>, String> {
    let Some(jump) = &host.jump else {
        return Ok(None);
    };
    let spec = match hosts.iter().find(|h| &h.name == jump) {
        Some(h) => h.clone(),
        None => {
            crate::settings::inventory::parse_host_arg(jump, &crate::settings::Env::from_process())
                .map_err(|e| format!("invalid jump host {e}"))?
        }
    };
    if spec.jump.is_some() {
        return Err(format!(
            "jump host {} has a jump host itself; chained jumps are not supported",
            spec.name
        ));
    }
    Ok(Some(spec))
}

fn collect(
    host: &HostSpec,
    hosts: &[HostSpec],
    compose: &docker::drift::ComposeFiles,
    ctx: &Context,
    opts: &AuditOptions,
) -> Collected {
    let known = &opts.known_hosts;
    let failed = |status: HostStatus, e: SshError| Collected {
        status,
        message: Some(e.to_string()),
        loaded: Loaded::default(),
    };
    let jump = match jump_host(host, hosts) {
        Ok(j) => j,
        Err(m) => return failed(HostStatus::Failed, SshError::Unreachable(m)),
    };
    let conn = match ssh::connect(host, jump.as_ref(), known, &opts.ssh) {
        Ok(s) => s,
        Err(e @ SshError::HostKey(_)) => return failed(HostStatus::Refused, e),
        Err(e @ SshError::Unreachable(_)) => return failed(HostStatus::Unreachable, e),
        Err(e) => return failed(HostStatus::Failed, e),
    };
    let script = source::host::script(host);
    let out = ssh::run(
        &conn.session,
        &shell_command(&script),
        "",
        opts.ssh.command_timeout,
        opts.ssh.max_output,
    );
    let mut loaded = match out {
        Ok(out) => source::host::document(host, &out.stdout),
        Err(e) => {
            ssh::close(&conn.session);
            return failed(HostStatus::Failed, e);
        }
    };
    let docker = docker_containers(&conn.session, host, compose, ctx, opts, &mut loaded);
    ssh::close(&conn.session);
    if let Err(e) = docker {
        return failed(HostStatus::Failed, e);
    }
    Collected {
        status: HostStatus::Reached,
        message: None,
        loaded,
    }
}

/// The `docker` document of the host's containers, when it runs Docker; a warning when they
/// could not be read. A daemon that sends more than `[audit] max_output` fails the host, as its
/// facts command would.
fn docker_containers(
    session: &ssh2::Session,
    host: &HostSpec,
    compose: &docker::drift::ComposeFiles,
    ctx: &Context,
    opts: &AuditOptions,
    loaded: &mut Loaded,
) -> Result<(), SshError> {
    let timeout = opts.ssh.command_timeout;
    let limit = opts.ssh.max_output;
    // Only a host with a daemon on the default socket is asked for its containers.
    let probe = format!("test -S {}", docker::DEFAULT_SOCKET);
    match ssh::run(session, &probe, "", timeout, limit) {
        Ok(out) if out.status == Some(0) => {}
        // No Docker here (or the probe itself failed: the host's facts are reported anyway).
        _ => return Ok(()),
    }
    match docker::collect_ssh(session, docker::DEFAULT_SOCKET, timeout, limit) {
        Ok(c) => {
            let l = docker::document(
                &host.name,
                &docker::ssh_display(&host.name),
                &c.containers,
                compose,
                ctx,
            );
            loaded.documents.extend(l.documents);
            loaded.problems.extend(l.problems);
        }
        Err(e @ docker::DockerError::TooLarge { .. }) => {
            return Err(SshError::Command(e.to_string()))
        }
        // Like a fact that could not be read: a warning, the host's other facts still count.
        Err(e) => loaded.problems.push(Problem {
            level: Level::Warning,
            ..Problem::error(
                docker::ssh_display(&host.name),
                format!(
                    "host {}: Docker containers could not be read: {e}",
                    host.name
                ),
            )
        }),
    }
    Ok(())
}

/// Audit `hosts`: every host's facts evaluated by `engine`. `on_host` is called (on this
/// thread) as each host finishes, for progress.
pub fn audit(
    hosts: &[HostSpec],
    compose: Compose,
    engine: &Engine,
    settings: &Settings,
    ctx: &Context,
    opts: &AuditOptions,
    mut on_host: impl FnMut(&AuditedHost),
) -> Report {
    let started = Instant::now();
    let mut report = Report {
        rules: engine.rules().to_vec(),
        cwd: ctx.cwd.clone(),
        files: compose.files.len(),
        ..Report::default()
    };
    let mut engine = engine.clone();
    let mut audited: Vec<Option<AuditedHost>> = vec![None; hosts.len()];
    let compose_files = docker::drift::ComposeFiles::new(compose.files.clone(), None);
    let compose_files = &compose_files;
    let next = AtomicUsize::new(0);
    let workers = opts.concurrency.clamp(1, hosts.len().max(1));
    let (tx, rx) = mpsc::channel::<(usize, Collected, std::time::Duration)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            let spawned = std::thread::Builder::new()
                .name("vigie-audit".into())
                .stack_size(crate::scan::WORKER_STACK_SIZE)
                .spawn_scoped(s, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(host) = hosts.get(i) else { break };
                    let t = Instant::now();
                    let c = catch_unwind(AssertUnwindSafe(|| {
                        collect(host, hosts, compose_files, ctx, opts)
                    }))
                    .unwrap_or_else(|_| Collected {
                        status: HostStatus::Failed,
                        message: Some(
                            "internal error while auditing this host (please report it)".into(),
                        ),
                        loaded: Loaded::default(),
                    });
                    if tx.send((i, c, t.elapsed())).is_err() {
                        break;
                    }
                });
            if spawned.is_err() {
                // Fewer workers than asked for: the others take the hosts.
                break;
            }
        }
        drop(tx);
        for (i, c, duration) in rx {
            let Some(host) = hosts.get(i) else { continue };
            let entry = AuditedHost {
                name: host.name.clone(),
                address: host.address.clone(),
                port: host.port,
                user: host.user.clone(),
                tags: host.tags.clone(),
                status: c.status,
                message: c.message.clone(),
                duration,
            };
            if let Some(msg) = &c.message {
                report.problems.push(Problem::error(
                    host_uri(&host.name),
                    format!(
                        "host {} ({}@{}): {} ({})",
                        host.name,
                        host.user,
                        known_hosts::host_string(&host.address, host.port),
                        msg,
                        c.status.as_str()
                    ),
                ));
            }
            report.problems.extend(c.loaded.problems);
            for doc in &c.loaded.documents {
                let (f, p) = scan::evaluate(doc, &mut engine, settings);
                report.findings.extend(f);
                report.problems.extend(p);
            }
            report.documents += c.loaded.documents.len();
            on_host(&entry);
            if let Some(slot) = audited.get_mut(i) {
                *slot = Some(entry);
            }
        }
    });
    report.hosts = audited
        .into_iter()
        .zip(hosts)
        .map(|(a, host)| {
            a.unwrap_or_else(|| AuditedHost {
                name: host.name.clone(),
                address: host.address.clone(),
                port: host.port,
                user: host.user.clone(),
                tags: host.tags.clone(),
                status: HostStatus::Failed,
                message: Some("not audited: no worker thread could be started".into()),
                duration: std::time::Duration::ZERO,
            })
        })
        .collect();
    // Compose documents are read for the docker rules, not reported on by an audit.
    report.problems.extend(compose.problems);
    scan::finish(&mut report, settings);
    report.duration = started.elapsed();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_is_quoted_for_sh() {
        assert_eq!(shell_command("echo 'a'"), "sh -c 'echo '\\''a'\\'''");
    }
}
