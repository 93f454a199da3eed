//! Traefik: static configuration (`traefik.yml`/`.yaml`/`.toml`, the `command` and `TRAEFIK_*`
//! environment of a compose service running Traefik), dynamic configuration from the file
//! provider (YAML and TOML; one file may hold both parts) and from Docker labels on compose
//! services, merged into one document per static configuration ([`setup`]) with Traefik's
//! semantics (provider-qualified names, implicit label services, middleware chains, entrypoint
//! defaults). Traefik v1 configuration is reported, not read ([`v1`]). Compose files are read
//! through the compose source, never parsed here. The input shape is documented in
//! `docs/traefik-input.md`.

mod model;
mod project;
pub use project::contribute;
mod setup;
mod tree;
mod v1;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::document::{Kind, Span};
use crate::problem::{Level, Problem};
use crate::source::{compose, normalize_path, read_source, yaml, Context, Loaded, Unit};
use crate::text::{SourceFile, TextRange};
use tree::Node;

pub use model::Container;

/// Whether a file name alone says "Traefik static configuration".
pub fn matches_name(name: &str) -> bool {
    matches!(name, "traefik.yml" | "traefik.yaml" | "traefik.toml")
}

/// Top-level keys of a dynamic configuration file.
const DYNAMIC_ROOTS: &[&str] = &["http", "tcp", "udp", "tls"];
/// What a dynamic file's sections hold.
const DYNAMIC_PARTS: &[&str] = &[
    "routers",
    "services",
    "middlewares",
    "options",
    "serverstransports",
    "certificates",
    "stores",
];

/// Whether a YAML file's beginning looks like Traefik configuration: a top-level `http`, `tcp`,
/// `udp` or `tls` key holding routers, services, middlewares or options (dynamic), or a
/// top-level `entryPoints` (static).
pub fn sniff_yaml(head: &str) -> bool {
    let mut root = false;
    let mut part = false;
    for line in head.lines() {
        let Some((key, _)) = line.split_once(':') else {
            continue;
        };
        let lower = key.trim_end().to_ascii_lowercase();
        if !line.starts_with([' ', '\t', '-', '#']) {
            if lower == "entrypoints" {
                return true;
            }
            root |= DYNAMIC_ROOTS.contains(&lower.as_str());
        } else if DYNAMIC_PARTS.contains(&lower.trim_start()) {
            part = true;
        }
        if root && part {
            return true;
        }
    }
    false
}

/// Whether a TOML file's beginning looks like Traefik configuration: `[http.routers...]`,
/// `[tls.options...]`, `[[tls.certificates]]`, `[entryPoints...]` and the like.
pub fn sniff_toml(head: &str) -> bool {
    head.lines().any(|line| {
        let l = line
            .trim_start()
            .trim_start_matches('[')
            .to_ascii_lowercase();
        if !line.trim_start().starts_with('[') {
            return false;
        }
        // Traefik v1's file provider (`[frontends.x]`, `[backends.x.servers.y]`): recognised
        // to be reported as not checked.
        let v1 =
            l.starts_with("frontends.") || (l.starts_with("backends.") && l.contains(".servers"));
        l.starts_with("entrypoints")
            || v1
            || DYNAMIC_ROOTS.iter().any(|r| {
                l.strip_prefix(r)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|rest| DYNAMIC_PARTS.iter().any(|p| rest.starts_with(p)))
            })
    })
}

/// Whether a compose file's text is worth reading for Traefik (labels, a Traefik service). A
/// substring search: cheap enough for every compose file of a scan.
fn mentions_traefik(text: &str) -> bool {
    text.contains("traefik")
}

/// Whether an image reference names Traefik (`traefik:v3.1`, `docker.io/library/traefik`).
pub fn is_traefik_image(image: &str) -> bool {
    let no_digest = image.split('@').next().unwrap_or_default();
    let last = no_digest.rsplit('/').next().unwrap_or_default();
    let repo = last.split(':').next().unwrap_or_default();
    repo.starts_with("traefik")
}

/// Whether a compose file's text shows a service running a Traefik image.
fn runs_traefik(text: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix("image:")
            .is_some_and(|v| is_traefik_image(v.trim().trim_matches(['"', '\''])))
    })
}

/// Read a file's first bytes for sniffing (a regular file only).
fn head(path: &Path) -> Option<String> {
    let buf = crate::fsio::read_head(path, crate::source::MAX_FILE_SIZE)?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Top-level keys (lowercased) of Traefik's static configuration.
const STATIC_ROOTS: &[&str] = &[
    "entrypoints",
    "api",
    "providers",
    "log",
    "accesslog",
    "certificatesresolvers",
    "global",
    "serverstransport",
    "tcpserverstransport",
    "metrics",
    "ping",
    "tracing",
    "experimental",
    "hostresolver",
    "core",
    "spiffe",
    "ocsp",
];

/// Whether a Traefik file's text shows static configuration (or Traefik v1's): a top-level
/// static key, as YAML `api:` or as TOML `[api]`, `[entryPoints.web]`, `logLevel = "INFO"`.
fn sniff_static(text: &str, toml: bool) -> bool {
    let is_root = |k: &str| {
        let k = k.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        STATIC_ROOTS.contains(&k.as_str()) || v1::V1_ROOTS.contains(&k.as_str())
    };
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        if toml {
            if let Some(header) = line.strip_prefix('[') {
                in_table = true;
                let header = header.trim_start_matches('[').trim_start();
                if is_root(header.split(['.', ']']).next().unwrap_or_default()) {
                    return true;
                }
            } else if !in_table {
                if let Some((k, _)) = line.split_once('=') {
                    if is_root(k.split('.').next().unwrap_or_default()) {
                        return true;
                    }
                }
            }
        } else if let Some((k, _)) = line.split_once(':') {
            if is_root(k) {
                return true;
            }
        }
    }
    false
}

/// Whether a file whose name starts with `traefik` (`traefik-dev.yml`, `traefik.prod.toml`)
/// holds Traefik static configuration (a top-level `api`, `providers`, `log`, …): such a file
/// is recognised without the `entryPoints` other files need.
pub fn sniff_named(name: &str, head: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("traefik") && sniff_static(head, lower.ends_with(".toml"))
}

/// Group Traefik files and the compose units that mention Traefik into units, each loaded
/// into one document per setup ([`setup`]). A directory holding a static configuration (a
/// Traefik file with static options, or a compose file running a Traefik image) anchors a
/// unit; every other file joins the unit of the nearest such directory at or above its own, or
/// else the unit of its own directory.
pub fn units(traefik_files: Vec<PathBuf>, compose_units: &[Unit]) -> Vec<Unit> {
    // (directory, files, anchors a unit)
    let mut entries: Vec<(PathBuf, Vec<PathBuf>, bool)> = traefik_files
        .into_par_iter()
        .map(|f| {
            let toml = f
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
            let root = head(&f).is_some_and(|t| sniff_static(&t, toml));
            (dir_of(&f), vec![f], root)
        })
        .collect();
    let sniffed: Vec<Option<(PathBuf, Vec<PathBuf>, bool)>> = compose_units
        .par_iter()
        .map(|u| {
            let mut mentioned = false;
            let mut root = false;
            for f in &u.files {
                if let Some(text) = head(f) {
                    if mentions_traefik(&text) {
                        mentioned = true;
                        root |= runs_traefik(&text);
                    }
                }
            }
            let first = u.files.first()?;
            mentioned.then(|| (dir_of(first), u.files.clone(), root))
        })
        .collect();
    entries.extend(sniffed.into_iter().flatten());
    if entries.is_empty() {
        return Vec::new();
    }
    let anchors: BTreeSet<PathBuf> = entries
        .iter()
        .filter(|e| e.2)
        .map(|e| e.0.clone())
        .collect();
    let mut groups: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for (dir, files, _) in entries {
        let target = dir
            .ancestors()
            .find(|a| anchors.contains(*a))
            .map_or(dir.clone(), Path::to_path_buf);
        groups.entry(target).or_default().extend(files);
    }
    groups
        .into_values()
        .map(|mut files| {
            files.sort();
            files.dedup();
            Unit {
                kind: Kind::Traefik,
                files,
            }
        })
        .collect()
}

fn dir_of(file: &Path) -> PathBuf {
    normalize_path(file.parent().unwrap_or(Path::new("")))
}

/// Whether a file of a Traefik unit is a compose file (read through the compose source): a
/// compose name, or YAML with a top-level `services` mapping whatever its name (a compose file
/// named `traefik.yml`).
pub fn is_compose_part(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(".toml") {
        return false;
    }
    compose::matches_name(name) || head(path).is_some_and(|t| compose::sniff(&t))
}

/// One Traefik file, split as Traefik reads it: its static part (every top-level key but
/// `http`, `tcp`, `udp`, `tls`) as a static configuration, its dynamic part as the file
/// provider reads it. A file may hold both (Traefik's own examples name the static file in
/// `providers.file.filename`).
pub(crate) struct Parsed {
    pub path: PathBuf,
    pub file: Arc<SourceFile>,
    pub static_: Option<Node>,
    pub dynamic: Option<Node>,
}

/// Load one unit: compose files through the compose source, Traefik files parsed here, and
/// one document per setup.
pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    let mut compose_files = Vec::new();
    let mut parsed = Vec::new();
    for path in &unit.files {
        if is_compose_part(path) {
            compose_files.push(path.clone());
        } else if let Some(p) = read_traefik_file(path, ctx, &mut loaded.problems) {
            parsed.push(p);
        }
    }
    // The compose source reports the compose files' own problems in its units.
    let mut compose_docs = Vec::new();
    for cu in compose::units(compose_files) {
        for doc in compose::load(&cu, ctx).documents {
            if doc.kind == Kind::Compose {
                loaded.problems.extend(v1::in_compose(&doc));
                compose_docs.push(doc);
            }
        }
    }
    let (documents, problems) = setup::documents(&parsed, &compose_docs);
    loaded.documents = documents;
    loaded.problems.extend(problems);
    for doc in &loaded.documents {
        file_provider_outside(doc, ctx, &mut loaded.problems);
    }
    loaded
}

/// `providers.file.filename`/`directory` are never followed: an absolute one is a path in
/// Traefik's container, which the setup maps through the bind mounts of its service. A relative
/// one that leads out of the scan roots (Traefik run beside its files) is worth a warning: the
/// scan does not cover it. Whether such a place exists is not asked, so the warning tells
/// nothing about the machine.
fn file_provider_outside(
    doc: &crate::document::Document,
    ctx: &Context,
    problems: &mut Vec<Problem>,
) {
    for key in ["filename", "directory"] {
        let path: Vec<String> = ["static", "providers", "file", key]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        let Some(named) = doc.value_at(&path).and_then(|v| v.as_str()) else {
            continue;
        };
        if Path::new(named).is_absolute() {
            continue;
        }
        let at = doc.locate(&path);
        let base = at.file.path.parent().unwrap_or(Path::new(""));
        if let Err(crate::fsio::ReadError::Outside(_)) = ctx.resolve_include(&base.join(named)) {
            problems.push(Problem::at(
                Level::Warning,
                at,
                format!("providers.file.{key} {named}: outside the scanned tree: not read"),
            ));
        }
    }
}

fn read_traefik_file(path: &Path, ctx: &Context, problems: &mut Vec<Problem>) -> Option<Parsed> {
    let file = match read_source(path, ctx) {
        Ok(f) => f,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let root = if is_toml {
        match tree::from_toml(&file) {
            Ok(n) => n,
            Err((msg, range)) => {
                problems.push(Problem::at(
                    Level::Error,
                    Span::new(file.clone(), range),
                    msg,
                ));
                return None;
            }
        }
    } else {
        match yaml::parse(&file) {
            Ok(l) => tree::from_yaml(&l, None, Span::new(file.clone(), TextRange::empty(0))),
            Err(e) => {
                problems.push(Problem::at(
                    Level::Error,
                    Span::new(file.clone(), e.range),
                    e.message,
                ));
                return None;
            }
        }
    };
    let entries = match root.value {
        tree::V::Map(entries) => entries,
        tree::V::Null => return None,
        _ => {
            problems.push(Problem::at(
                Level::Error,
                root.span.clone(),
                "a Traefik configuration file must be a mapping at the top level",
            ));
            return None;
        }
    };
    let whole = Node::new(root.span.clone(), tree::V::Map(entries));
    if let Some((span, what)) = v1::in_file(&whole) {
        problems.push(v1::problem(span, &what));
        return None;
    }
    let (dynamic, static_): (Vec<_>, Vec<_>) = whole
        .entries()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .partition(|(k, _)| DYNAMIC_ROOTS.contains(&k.as_str()));
    let part = |e: Vec<(String, Node)>| {
        (!e.is_empty()).then(|| Node::new(root.span.clone(), tree::V::Map(e.into_iter().collect())))
    };
    Some(Parsed {
        path: normalize_path(path),
        file,
        static_: part(static_),
        dynamic: part(dynamic),
    })
}

#[cfg(test)]
mod tests;
