//! Live hosts: what `vigie audit` knows of a host before it connects, the read-only script that
//! gathers its facts ([`script`]), and the host document made of the script's output
//! ([`document`]). A transcript saved with a small header is a *recorded facts* file
//! (`*.facts`) that `vigie scan` re-checks offline, through the same document and rules.

pub mod channel;
mod doc;
pub mod parse;
pub mod script;
pub mod transcript;

use std::path::PathBuf;

pub use doc::{document, fact_uri};
pub use script::script;

use crate::document::Kind;
use crate::problem::{Level, Problem};
use crate::source::{Context, Loaded, Unit};

/// One host to audit, from the inventory (`[[hosts]]`) or `--host USER@ADDR[:PORT]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpec {
    /// The name findings and reports use (the inventory's `name`, else the address).
    pub name: String,
    pub address: String,
    pub port: u16,
    pub user: String,
    /// A private key file; `None`: OpenSSH's default keys, then the agent.
    pub identity: Option<PathBuf>,
    pub tags: Vec<String>,
    /// Another inventory host (its name) or `user@addr[:port]` to connect through.
    pub jump: Option<String>,
    /// How this host's backups are found, when it has any.
    pub backup: Option<BackupSpec>,
}

/// Where a host's backups are, as read from the host itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupSpec {
    /// `restic snapshots --json` with this repository and password file (paths on the host).
    Restic {
        repository: String,
        password_file: String,
    },
    /// `borg list --json` of this repository, with an optional passphrase file on the host.
    Borg {
        repository: String,
        passphrase_file: Option<String>,
    },
    /// A file the backup job touches when it succeeds: its modification time is the newest
    /// backup.
    Marker { path: String },
}

/// Recorded facts files: `*.facts`.
pub fn matches_name(name: &str) -> bool {
    name.ends_with(".facts") && name.len() > ".facts".len()
}

pub fn units(files: Vec<PathBuf>) -> Vec<Unit> {
    super::unit_per_file(Kind::Host, files)
}

/// The text of a recorded facts file: a header naming the host, then the transcript.
pub fn record(spec: &HostSpec, transcript: &str) -> String {
    let mut out =
        String::from("# Facts vigie gathered from a host; `vigie scan` re-checks them offline.\n");
    let line = |out: &mut String, k: &str, v: &str| {
        out.push_str(k);
        out.push_str(": ");
        out.push_str(&v.replace(['\n', '\r'], " "));
        out.push('\n');
    };
    line(&mut out, "name", &spec.name);
    line(&mut out, "address", &spec.address);
    line(&mut out, "port", &spec.port.to_string());
    line(&mut out, "user", &spec.user);
    if !spec.tags.is_empty() {
        line(&mut out, "tags", &spec.tags.join(", "));
    }
    let body = transcript
        .find(script::FORMAT)
        .and_then(|i| transcript.get(i..))
        .unwrap_or(transcript);
    out.push_str(body);
    out
}

/// Read a recorded facts file's header: the host it was gathered from. `Err`: the line
/// (1-based) and what is wrong with it.
pub fn parse_header(text: &str, default_name: &str) -> Result<HostSpec, (usize, String)> {
    let mut spec = HostSpec {
        name: default_name.to_string(),
        address: String::new(),
        port: 22,
        user: String::new(),
        identity: None,
        tags: Vec::new(),
        jump: None,
        backup: None,
    };
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with(script::FORMAT) {
            break;
        }
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err((i + 1, format!("expected `key: value`, got {l:?}")));
        };
        let v = v.trim();
        match k.trim() {
            "name" => spec.name = v.to_string(),
            "address" => spec.address = v.to_string(),
            "user" => spec.user = v.to_string(),
            "port" => {
                spec.port = v
                    .parse()
                    .map_err(|_| (i + 1, format!("port {v:?} is not a port number")))?;
            }
            "tags" => {
                spec.tags = v
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            other => {
                return Err((
                    i + 1,
                    format!("unknown key {other:?} (name, address, port, user, tags)"),
                ))
            }
        }
    }
    if spec.name.is_empty() || spec.name.contains(['/', ' ']) {
        return Err((
            1,
            format!("host name {:?} is empty or holds `/` or spaces", spec.name),
        ));
    }
    if spec.address.is_empty() {
        spec.address = spec.name.clone();
    }
    Ok(spec)
}

/// Load recorded facts files.
pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    for path in &unit.files {
        let Some(file) = loaded.read(path, ctx) else {
            continue;
        };
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let spec = match parse_header(&file.text, stem) {
            Ok(s) => s,
            Err((line, msg)) => {
                let start = file.line_start(u32::try_from(line).unwrap_or(1));
                loaded.problems.push(Problem::at(
                    Level::Error,
                    crate::document::Span::new(file.clone(), crate::text::TextRange::empty(start)),
                    msg,
                ));
                continue;
            }
        };
        let text = file.text.clone();
        let l = doc::build(&spec, file, &text);
        loaded.documents.extend(l.documents);
        loaded.problems.extend(l.problems);
    }
    loaded
}
