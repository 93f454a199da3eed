//! The hosts `vigie audit` reaches: `[[hosts]]` in `vigie.toml` or an `--inventory` file,
//! `--host USER@ADDR[:PORT]` on the command line, and the `[audit]` settings.
//!
//! Defaults are OpenSSH's: user `$USER`, port 22, `~` from `$HOME`.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::SettingsError;
use crate::source::host::{BackupSpec, HostSpec};

/// Hosts audited at once when `[audit] concurrency` does not say: enough for a fleet of about a
/// hundred hosts to be all in flight.
pub const DEFAULT_CONCURRENCY: usize = 100;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// The most a host may print on one channel (the facts script, `docker inspect`, the Docker
/// API's answers) when `[audit] max_output` does not say: far above a real host's facts, far
/// below what would strain vigie's memory with a hundred hosts in flight.
pub const DEFAULT_MAX_OUTPUT: usize = 16 * 1024 * 1024;
/// The bounds of `[audit] max_output`.
const MAX_OUTPUT_RANGE: std::ops::RangeInclusive<u64> = 1024..=1024 * 1024 * 1024;

/// The environment defaults come from (`$USER`, `$HOME`), passed in so that tests choose it.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub user: Option<String>,
    pub home: Option<PathBuf>,
}

impl Env {
    pub fn from_process() -> Self {
        Self {
            user: std::env::var("USER")
                .ok()
                .or_else(|| std::env::var("LOGNAME").ok())
                .filter(|u| !u.is_empty()),
            home: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
        }
    }

    /// `~/rest` with `$HOME`; other paths as they are, relative ones below `base`.
    pub fn expand(&self, path: &str, base: Option<&Path>) -> Option<PathBuf> {
        if path == "~" {
            return self.home.clone();
        }
        if let Some(rest) = path.strip_prefix("~/") {
            return self.home.as_ref().map(|h| h.join(rest));
        }
        let p = PathBuf::from(path);
        Some(match base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p,
        })
    }
}

/// `[audit]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSettings {
    pub connect_timeout: Duration,
    pub command_timeout: Duration,
    pub concurrency: usize,
    /// `None`: `~/.ssh/known_hosts`.
    pub known_hosts: Option<PathBuf>,
    /// Bytes a host may print on one channel before it is given up on.
    pub max_output: usize,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            concurrency: DEFAULT_CONCURRENCY,
            known_hosts: None,
            max_output: DEFAULT_MAX_OUTPUT,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudit {
    connect_timeout: Option<toml::Spanned<toml::Value>>,
    command_timeout: Option<toml::Spanned<toml::Value>>,
    concurrency: Option<toml::Spanned<i64>>,
    known_hosts: Option<String>,
    max_output: Option<toml::Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHost {
    name: Option<toml::Spanned<String>>,
    address: toml::Spanned<String>,
    port: Option<toml::Spanned<i64>>,
    user: Option<String>,
    identity: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    jump: Option<String>,
    backup: Option<toml::Spanned<RawBackup>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackup {
    restic: Option<RawRestic>,
    borg: Option<RawBorg>,
    marker: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRestic {
    repository: String,
    password_file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBorg {
    repository: String,
    passphrase_file: Option<String>,
}

/// An `--inventory` file: `[[hosts]]` tables only.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventory {
    #[serde(default)]
    hosts: Vec<toml::Spanned<RawHost>>,
}

type Err<'a> = dyn Fn(Option<Range<usize>>, String) -> SettingsError + 'a;

/// A size as `vigie.toml` writes it: a number of bytes, or a string of a whole number and a
/// binary unit (`"512KiB"`, `"16MiB"`).
fn size(v: &toml::Value) -> Option<u64> {
    match v {
        toml::Value::Integer(i) => u64::try_from(*i).ok(),
        toml::Value::String(s) => {
            let s = s.trim();
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            let (n, unit) = s.split_at(digits);
            let scale: u64 = match unit.trim_start() {
                "" | "B" => 1,
                "KiB" => 1 << 10,
                "MiB" => 1 << 20,
                "GiB" => 1 << 30,
                _ => return None,
            };
            n.parse::<u64>().ok()?.checked_mul(scale)
        }
        _ => None,
    }
}

fn seconds(
    v: &toml::Spanned<toml::Value>,
    what: &str,
    err: &Err,
) -> Result<Duration, SettingsError> {
    let secs = match v.get_ref() {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        _ => f64::NAN,
    };
    if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(err(
            Some(v.span()),
            format!("audit.{what} must be a number of seconds, more than 0 and at most 86400"),
        ))
    }
}

pub(super) fn audit_settings(
    raw: Option<RawAudit>,
    env: &Env,
    base: Option<&Path>,
    err: &Err,
) -> Result<AuditSettings, SettingsError> {
    let mut s = AuditSettings::default();
    let Some(raw) = raw else {
        return Ok(s);
    };
    if let Some(v) = &raw.connect_timeout {
        s.connect_timeout = seconds(v, "connect_timeout", err)?;
    }
    if let Some(v) = &raw.command_timeout {
        s.command_timeout = seconds(v, "command_timeout", err)?;
    }
    if let Some(c) = &raw.concurrency {
        s.concurrency = usize::try_from(*c.get_ref())
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| {
                err(
                    Some(c.span()),
                    "audit.concurrency must be between 1 and 10000".into(),
                )
            })?;
    }
    if let Some(v) = &raw.max_output {
        s.max_output = size(v.get_ref())
            .filter(|n| MAX_OUTPUT_RANGE.contains(n))
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                err(
                    Some(v.span()),
                    "audit.max_output must be a size between 1KiB and 1GiB: a number of bytes, \
                     or a whole number and B, KiB, MiB or GiB (\"16MiB\")"
                        .into(),
                )
            })?;
    }
    s.known_hosts = raw.known_hosts.and_then(|k| env.expand(&k, base));
    Ok(s)
}

pub(super) fn hosts(
    raw: Vec<toml::Spanned<RawHost>>,
    env: &Env,
    base: Option<&Path>,
    err: &Err,
) -> Result<Vec<HostSpec>, SettingsError> {
    let mut out: Vec<HostSpec> = Vec::new();
    for spanned in raw {
        let span = spanned.span();
        let h = spanned.into_inner();
        let address = h.address.get_ref().trim().to_string();
        if address.is_empty() || address.contains(char::is_whitespace) {
            return Err(err(
                Some(h.address.span()),
                "a host's address must be a host name or an IP address".into(),
            ));
        }
        let address = address
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .map_or(address.clone(), str::to_string);
        let port = match &h.port {
            Some(p) => u16::try_from(*p.get_ref())
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| err(Some(p.span()), "port must be between 1 and 65535".into()))?,
            None => 22,
        };
        let name = match &h.name {
            Some(n) if n.get_ref().trim().is_empty() || n.get_ref().contains(['/', ' ']) => {
                return Err(err(
                    Some(n.span()),
                    "a host's name must be non-empty, without spaces or '/'".into(),
                ))
            }
            Some(n) => n.get_ref().clone(),
            None => default_name(&address, port),
        };
        if out.iter().any(|o| o.name == name) {
            let at = h
                .name
                .as_ref()
                .map_or(h.address.span(), toml::Spanned::span);
            return Err(err(
                Some(at),
                format!("two hosts are named {name:?}; give each host its own `name`"),
            ));
        }
        let user = match h.user.or_else(|| env.user.clone()) {
            Some(u) => u,
            None => {
                return Err(err(
                    Some(span),
                    format!("host {name}: no `user`, and $USER is not set"),
                ))
            }
        };
        let identity = match &h.identity {
            Some(i) => Some(env.expand(i, base).ok_or_else(|| {
                err(
                    Some(span.clone()),
                    format!("host {name}: identity {i:?} starts with ~ but $HOME is not set"),
                )
            })?),
            None => None,
        };
        let backup = match h.backup {
            Some(b) => {
                let bspan = b.span();
                let b = b.into_inner();
                match (b.restic, b.borg, b.marker) {
                    (Some(r), None, None) => Some(BackupSpec::Restic {
                        repository: r.repository,
                        password_file: r.password_file,
                    }),
                    (None, Some(b), None) => Some(BackupSpec::Borg {
                        repository: b.repository,
                        passphrase_file: b.passphrase_file,
                    }),
                    (None, None, Some(path)) => Some(BackupSpec::Marker { path }),
                    _ => {
                        return Err(err(
                            Some(bspan),
                            "backup takes exactly one of `restic = {repository, password_file}`, `borg = {repository}` or `marker = \"path\"`".into(),
                        ))
                    }
                }
            }
            None => None,
        };
        out.push(HostSpec {
            name,
            address,
            port,
            user,
            identity,
            tags: h.tags,
            jump: h.jump,
            backup,
        });
    }
    Ok(out)
}

fn default_name(address: &str, port: u16) -> String {
    if port == 22 {
        address.to_string()
    } else if address.contains(':') {
        format!("[{address}]:{port}")
    } else {
        format!("{address}:{port}")
    }
}

/// Read an `--inventory` file (`[[hosts]]` tables, the same as in `vigie.toml`).
pub fn load_inventory(path: &Path, env: &Env) -> Result<Vec<HostSpec>, SettingsError> {
    let text = crate::fsio::read_text(path, crate::fsio::MAX_SETTINGS_SIZE).map_err(|e| {
        SettingsError {
            path: path.to_path_buf(),
            text: None,
            span: None,
            message: format!(
                "cannot read the inventory {}: {}",
                path.display(),
                e.reason()
            ),
        }
    })?;
    parse_inventory(path, &text, env)
}

pub fn parse_inventory(path: &Path, text: &str, env: &Env) -> Result<Vec<HostSpec>, SettingsError> {
    let err = |span: Option<Range<usize>>, message: String| SettingsError {
        path: path.to_path_buf(),
        text: Some(text.to_string()),
        span,
        message,
    };
    let raw: RawInventory =
        toml::from_str(text).map_err(|e| err(e.span(), e.message().to_string()))?;
    hosts(raw.hosts, env, path.parent(), &err)
}

/// `--host [USER@]ADDR[:PORT]`, `[IPV6]:PORT` or a bare IPv6 address.
pub fn parse_host_arg(arg: &str, env: &Env) -> Result<HostSpec, String> {
    let (user, rest) = match arg.rsplit_once('@') {
        Some((u, r)) if !u.is_empty() => (Some(u.to_string()), r),
        Some(_) => return Err(format!("{arg:?}: empty user before '@'")),
        None => (None, arg),
    };
    let (address, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (addr, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("{arg:?}: missing ']' after the IPv6 address"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| format!("{arg:?}: expected ':PORT' after ']'"))?,
            ),
        };
        (addr.to_string(), port)
    } else if rest.matches(':').count() > 1 {
        (rest.to_string(), None)
    } else {
        match rest.split_once(':') {
            Some((a, p)) => (a.to_string(), Some(p)),
            None => (rest.to_string(), None),
        }
    };
    if address.is_empty() || address.contains(char::is_whitespace) {
        return Err(format!("{arg:?}: expected USER@ADDRESS[:PORT]"));
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("{arg:?}: port {p:?} is not between 1 and 65535"))?,
        None => 22,
    };
    let user = user
        .or_else(|| env.user.clone())
        .ok_or_else(|| format!("{arg:?}: no user given and $USER is not set"))?;
    Ok(HostSpec {
        name: default_name(&address, port),
        address,
        port,
        user,
        identity: None,
        tags: Vec::new(),
        jump: None,
        backup: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn env() -> Env {
        Env {
            user: Some("ops".into()),
            home: Some("/home/ops".into()),
        }
    }

    #[test]
    fn host_arguments() {
        let h = parse_host_arg("root@10.0.0.1:2222", &env()).unwrap();
        assert_eq!(
            (h.user.as_str(), h.address.as_str(), h.port),
            ("root", "10.0.0.1", 2222)
        );
        assert_eq!(h.name, "10.0.0.1:2222");
        let h = parse_host_arg("web1", &env()).unwrap();
        assert_eq!(
            (h.user.as_str(), h.address.as_str(), h.port),
            ("ops", "web1", 22)
        );
        let h = parse_host_arg("a@[fd00::1]:2200", &env()).unwrap();
        assert_eq!((h.address.as_str(), h.port), ("fd00::1", 2200));
        assert_eq!(h.name, "[fd00::1]:2200");
        let h = parse_host_arg("fd00::1", &env()).unwrap();
        assert_eq!((h.address.as_str(), h.port), ("fd00::1", 22));
        assert!(parse_host_arg("a@h:0", &env()).is_err());
        assert!(parse_host_arg("a@h:x", &env()).is_err());
        assert!(parse_host_arg("@h", &env()).is_err());
        assert!(parse_host_arg("[::1", &env()).is_err());
        assert!(parse_host_arg("h", &Env::default()).is_err());
    }

    #[test]
    fn inventory_with_defaults() {
        let text = r#"
[[hosts]]
name = "web1"
address = "10.0.0.1"
identity = "~/.ssh/web"
tags = ["prod"]
backup = { restic = { repository = "/srv/restic", password_file = "/root/pw" } }

[[hosts]]
address = "10.0.0.2"
port = 2222
user = "admin"
jump = "web1"
backup = { marker = "/var/backups/done" }
"#;
        let hosts = parse_inventory(Path::new("/etc/vigie/inv.toml"), text, &env()).unwrap();
        assert_eq!(hosts[0].user, "ops");
        assert_eq!(hosts[0].port, 22);
        assert_eq!(hosts[0].identity, Some(PathBuf::from("/home/ops/.ssh/web")));
        assert!(matches!(hosts[0].backup, Some(BackupSpec::Restic { .. })));
        assert_eq!(hosts[1].name, "10.0.0.2:2222");
        assert_eq!(hosts[1].jump.as_deref(), Some("web1"));
        assert_eq!(
            hosts[1].backup,
            Some(BackupSpec::Marker {
                path: "/var/backups/done".into()
            })
        );
    }

    #[test]
    fn inventory_errors_point_into_the_file() {
        let check = |text: &str, at: &str, msg: &str| {
            let e = parse_inventory(Path::new("inv.toml"), text, &env()).unwrap_err();
            assert!(e.message.contains(msg), "{}", e.message);
            let span = e.span.unwrap();
            assert!(text[span].contains(at), "{text}");
        };
        check(
            "[[hosts]]\naddress = \"a\"\nport = 70000\n",
            "70000",
            "port",
        );
        check(
            "[[hosts]]\naddress = \"a\"\nprot = 1\n",
            "prot",
            "unknown field",
        );
        check(
            "[[hosts]]\nname = \"x\"\naddress = \"a\"\n[[hosts]]\nname = \"x\"\naddress = \"b\"\n",
            "\"x\"",
            "two hosts",
        );
        check(
            "[[hosts]]\naddress = \"a\"\nbackup = { marker = \"m\", borg = { repository = \"r\" } }\n",
            "marker",
            "exactly one",
        );
        check("[[hosts]]\nname = \"x\"\n", "hosts", "address");
    }

    #[test]
    fn audit_settings_in_vigie_toml() {
        let s = Settings::parse_with(
            Path::new("/srv/vigie.toml"),
            "[audit]\nconnect_timeout = 2.5\ncommand_timeout = 30\nconcurrency = 8\nknown_hosts = \"kh\"\n[[hosts]]\naddress = \"h\"\n",
            &env(),
        )
        .unwrap();
        assert_eq!(s.audit.connect_timeout, Duration::from_millis(2500));
        assert_eq!(s.audit.concurrency, 8);
        assert_eq!(s.audit.known_hosts, Some(PathBuf::from("/srv/kh")));
        assert_eq!(s.audit.max_output, DEFAULT_MAX_OUTPUT);
        assert_eq!(s.hosts[0].user, "ops");
        let e =
            Settings::parse_with(Path::new("v"), "[audit]\nconcurrency = 0\n", &env()).unwrap_err();
        assert!(e.message.contains("concurrency"));
        let e = Settings::parse_with(
            Path::new("v"),
            "[audit]\ncommand_timeout = \"1m\"\n",
            &env(),
        )
        .unwrap_err();
        assert_eq!(e.span.map(|s| s.start), Some(26));
    }

    #[test]
    fn max_output_takes_bytes_or_a_binary_unit() {
        let parse = |v: &str| {
            Settings::parse_with(
                Path::new("v"),
                &format!("[audit]\nmax_output = {v}\n"),
                &env(),
            )
        };
        assert_eq!(parse("\"16MiB\"").unwrap().audit.max_output, 16 << 20);
        assert_eq!(parse("\"512 KiB\"").unwrap().audit.max_output, 512 << 10);
        assert_eq!(parse("65536").unwrap().audit.max_output, 65536);
        assert_eq!(parse("\"1GiB\"").unwrap().audit.max_output, 1 << 30);
        for bad in [
            "\"16MB\"", "\"lots\"", "0", "-1", "100", "\"2GiB\"", "1.5", "\"MiB\"",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(
                e.message.contains("audit.max_output"),
                "{bad}: {}",
                e.message
            );
            // The span is the value, on line 2.
            assert_eq!(e.span.map(|s| s.start), Some(21), "{bad}");
        }
    }
}
