//! `vigie audit`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::audit::{self, AuditOptions, KnownHosts, SshOptions};
use crate::cli::{report_settings_error, ExitStatus, Format, OutputArgs};
use crate::output::escape;
use crate::scan::HostStatus;
use crate::settings::inventory::{load_inventory, parse_host_arg};
use crate::settings::Env;
use crate::source::host::HostSpec;
use crate::source::Context;

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Directories or files holding the compose files the running containers are compared
    /// against (docker.container-drift). Nothing else in them is reported.
    paths: Vec<PathBuf>,
    /// Audit the `[[hosts]]` of FILE (same format as in vigie.toml) instead of vigie.toml's.
    #[arg(long, value_name = "FILE")]
    inventory: Option<PathBuf>,
    /// Audit this host (repeatable): [USER@]ADDRESS[:PORT], `[IPV6]:PORT` for IPv6. User
    /// defaults to $USER, port to 22. With --host, vigie.toml's [[hosts]] are not audited.
    #[arg(long = "host", value_name = "USER@HOST[:PORT]")]
    hosts: Vec<String>,
    /// Check host keys against FILE [default: `[audit] known_hosts`, else ~/.ssh/known_hosts].
    #[arg(long, value_name = "FILE")]
    known_hosts: Option<PathBuf>,
    /// DANGEROUS: connect to hosts whose key is not in known_hosts (trust on first use, without
    /// recording it). A changed or revoked key is refused all the same.
    #[arg(long)]
    insecure_accept_unknown_host_keys: bool,
    /// Hosts audited at once [default: `[audit] concurrency`, else 100].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10000))]
    concurrency: Option<u32>,
    /// Seconds to wait for a TCP connection, the SSH handshake and authentication [default:
    /// `[audit] connect_timeout`, else 10].
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    connect_timeout: Option<Duration>,
    /// Seconds the facts command may run on a host [default: `[audit] command_timeout`, else 60].
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    command_timeout: Option<Duration>,
    #[command(flatten)]
    out: OutputArgs,
}

fn parse_secs(s: &str) -> Result<Duration, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v <= 86_400.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| format!("{s:?} is not a number of seconds between 0 and 86400"))
}

pub fn run(args: AuditArgs, cwd: &Path) -> ExitStatus {
    let output = match args.out.prepare() {
        Ok(o) => o,
        Err(status) => return status,
    };
    let (settings, engine) = match args.out.engine(cwd) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let env = Env::from_process();
    let mut hosts: Vec<HostSpec> = Vec::new();
    for arg in &args.hosts {
        match parse_host_arg(arg, &env) {
            Ok(h) => hosts.push(h),
            Err(e) => {
                eprintln!("error: invalid --host {}", escape::line(&e.to_string()));
                return ExitStatus::Error;
            }
        }
    }
    if let Some(file) = &args.inventory {
        match load_inventory(&cwd.join(file), &env) {
            Ok(h) => hosts.extend(h),
            Err(e) => {
                report_settings_error(&e);
                return ExitStatus::Error;
            }
        }
    }
    if args.hosts.is_empty() && args.inventory.is_none() {
        hosts.clone_from(&settings.hosts);
    }
    if hosts.is_empty() {
        eprintln!(
            "error: no hosts to audit: give --host USER@HOST[:PORT], --inventory FILE, or [[hosts]] in vigie.toml"
        );
        return ExitStatus::Error;
    }
    let mut seen = std::collections::HashSet::new();
    for h in &hosts {
        if !seen.insert(h.name.as_str()) {
            eprintln!("error: host {} is given twice", escape::line(&h.name));
            return ExitStatus::Error;
        }
    }

    let known_path = match args
        .known_hosts
        .as_ref()
        .map(|p| cwd.join(p))
        .or_else(|| settings.audit.known_hosts.clone())
        .or_else(|| {
            env.home
                .as_ref()
                .map(|h| h.join(".ssh").join("known_hosts"))
        }) {
        Some(p) => p,
        None => {
            eprintln!("error: $HOME is not set: give --known-hosts FILE");
            return ExitStatus::Error;
        }
    };
    let known = match KnownHosts::load(&known_path) {
        Ok(k) => k,
        Err(e) => {
            eprintln!(
                "error: cannot read {}: {e}",
                escape::line(&known_path.display().to_string())
            );
            return ExitStatus::Error;
        }
    };
    if args.insecure_accept_unknown_host_keys {
        eprintln!(
            "warning: --insecure-accept-unknown-host-keys: hosts whose key is not in {} are trusted without verification",
            known_path.display()
        );
    }
    let opts = AuditOptions {
        ssh: SshOptions {
            connect_timeout: args
                .connect_timeout
                .unwrap_or(settings.audit.connect_timeout),
            command_timeout: args
                .command_timeout
                .unwrap_or(settings.audit.command_timeout),
            accept_unknown: args.insecure_accept_unknown_host_keys,
            home: env.home.clone(),
            max_output: settings.audit.max_output,
        },
        concurrency: args
            .concurrency
            .map_or(settings.audit.concurrency, |c| c as usize),
        known_hosts: known,
    };
    let ctx = Context::with_roots(cwd, &args.paths);
    let compose = audit::find_compose(&args.paths, &settings, &ctx);

    let progress = if args.out.format == Format::Human && std::io::stderr().is_terminal() {
        let bar =
            ProgressBar::with_draw_target(Some(hosts.len() as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} auditing {pos}/{len} hosts [{bar:30}] {elapsed} {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = audit::audit(&hosts, compose, &engine, &settings, &ctx, &opts, |h| {
        if h.status != HostStatus::Reached {
            progress.println(format!("{}: {}", escape::line(&h.name), h.status.as_str()));
        }
        progress.set_message(escape::line(&h.name).into_owned());
        progress.inc(1);
    });
    progress.finish_and_clear();
    let targets: Vec<String> = hosts.iter().map(|h| h.name.clone()).collect();
    output.finish(&report, &settings, "audit", &targets)
}
