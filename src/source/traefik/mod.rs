//! Traefik: static configuration (`traefik.yml`/`.yaml`/`.toml`, the `command` and `TRAEFIK_*`
//! environment of a compose service running Traefik), dynamic configuration from the file
//! provider (YAML and TOML) and from Docker labels on compose services, merged into one document
//! per Traefik setup with Traefik's semantics (provider-qualified names, implicit label services,
//! middleware chains, entrypoint defaults). Compose files are read through the compose source,
//! never parsed here. The input shape is documented in `docs/traefik-input.md`.

mod model;
mod project;
pub use project::contribute;
mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::document::{Kind, Span};
use crate::problem::{Level, Problem};
use crate::source::{compose, normalize_path, read_source, yaml, Context, Loaded, Unit};
use crate::text::TextRange;

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
        l.starts_with("entrypoints")
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

/// Group Traefik files and the compose units that mention Traefik into Traefik units. A
/// directory holding a static configuration (a `traefik.*` file or a compose file running a
/// Traefik image) anchors a unit; every other file joins the unit of the nearest such directory
/// at or above its own, or else the unit of its own directory.
pub fn units(traefik_files: Vec<PathBuf>, compose_units: &[Unit]) -> Vec<Unit> {
    // (directory, files, anchors a unit)
    let mut entries: Vec<(PathBuf, Vec<PathBuf>, bool)> = traefik_files
        .into_iter()
        .map(|f| {
            let root = f
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(matches_name);
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

/// What a file of a Traefik unit is.
enum Part {
    Compose,
    Traefik,
}

fn part_of(path: &Path) -> Part {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if matches_name(name) || name.ends_with(".toml") {
        return Part::Traefik;
    }
    if compose::matches_name(name) {
        return Part::Compose;
    }
    match head(path) {
        Some(text) if compose::sniff(&text) => Part::Compose,
        _ => Part::Traefik,
    }
}

/// Load one unit: compose files through the compose source, Traefik files parsed here, merged
/// into one document.
pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    let mut compose_files = Vec::new();
    let mut b = model::Builder::default();
    for path in &unit.files {
        match part_of(path) {
            Part::Compose => compose_files.push(path.clone()),
            Part::Traefik => read_traefik_file(path, ctx, &mut b, &mut loaded.problems),
        }
    }
    // The compose source reports the compose files' own problems in its units.
    for cu in compose::units(compose_files) {
        let l = compose::load(&cu, ctx);
        for doc in &l.documents {
            b.add_compose(doc);
        }
    }
    if let Some(doc) = b.finish() {
        file_provider_outside(&doc, ctx, &mut loaded.problems);
        loaded.documents.push(doc);
    }
    loaded
}

/// `providers.file.filename`/`directory` are never followed (they are container paths), but
/// one that names an existing place outside the scan roots on this machine (Traefik run
/// outside a container) is worth a warning: the scan does not cover it.
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

fn read_traefik_file(
    path: &Path,
    ctx: &Context,
    b: &mut model::Builder,
    problems: &mut Vec<Problem>,
) {
    let file = match read_source(path, ctx) {
        Ok(f) => f,
        Err(p) => {
            problems.push(p);
            return;
        }
    };
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let root = if is_toml {
        match tree::from_toml(&file) {
            Ok(n) => n,
            Err((msg, range)) => {
                problems.push(Problem::at(
                    Level::Error,
                    Span::new(file.clone(), range),
                    msg,
                ));
                return;
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
                return;
            }
        }
    };
    match &root.value {
        tree::V::Map(_) => b.add_file(file, root),
        tree::V::Null => {}
        _ => problems.push(Problem::at(
            Level::Error,
            root.span.clone(),
            "a Traefik configuration file must be a mapping at the top level",
        )),
    }
}

#[cfg(test)]
mod tests;
