//! Which files make one Traefik: every static configuration (a file with static options, a
//! compose file running Traefik 2+) is a setup of its own and becomes one document. A file's
//! dynamic part joins the setups whose `providers.file.filename|directory` names it (in a file,
//! a flag or an environment variable; through the Traefik service's bind mounts when it has
//! some), and its own setup; a file no setup names joins every setup of the nearest directory
//! at or above it that has one. Compose labels join the compose file's own setup and every
//! setup of the nearest such directory. What joins no setup makes one document of its own.

use std::path::{Component, Path, PathBuf};

use serde_json::Value as J;

use super::model::Builder;
use super::tree::Node;
use super::Parsed;
use crate::document::Document;
use crate::problem::Problem;
use crate::source::normalize_path;

/// What a setup's file provider names: `(container path, is a directory)`, and the bind
/// mounts of its Traefik service (`(container path, host path)`).
#[derive(Default)]
struct FileProvider {
    named: Vec<(String, bool)>,
    mounts: Vec<(PathBuf, PathBuf)>,
}

struct Setup {
    dir: PathBuf,
    builder: Builder,
    own_file: Option<usize>,
    own_compose: Option<usize>,
    provider: FileProvider,
}

fn dir_of(path: &Path) -> PathBuf {
    normalize_path(path.parent().unwrap_or(Path::new("")))
}

fn file_provider(static_: Option<&Node>) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (key, is_dir) in [("filename", false), ("directory", true)] {
        if let Some(v) = static_
            .and_then(|s| s.at(&["providers", "file", key]))
            .and_then(Node::text)
        {
            if !v.trim().is_empty() {
                out.push((v.trim().to_string(), is_dir));
            }
        }
    }
    out
}

/// The bind mounts of a compose document's Traefik services, host paths made relative to the
/// compose file's directory.
fn mounts(doc: &Document) -> Vec<(PathBuf, PathBuf)> {
    let base = dir_of(&doc.file.path);
    let mut out = Vec::new();
    let Some(services) = doc.doc.get("services").and_then(J::as_object) else {
        return out;
    };
    for svc in services.values() {
        let traefik = svc
            .get("image")
            .and_then(J::as_str)
            .is_some_and(super::is_traefik_image);
        if !traefik {
            continue;
        }
        for v in svc
            .get("volumes")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(source), Some(target)) = (
                v.get("source").and_then(J::as_str),
                v.get("target").and_then(J::as_str),
            ) else {
                continue;
            };
            if v.get("type").and_then(J::as_str) != Some("bind") || source.starts_with('~') {
                continue;
            }
            out.push((
                normalize_path(Path::new(target)),
                normalize_path(&base.join(source)),
            ));
        }
    }
    out
}

/// The path's normal components (no root, no `.`).
fn parts(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect()
}

/// How many trailing components of `a` and `b` agree.
fn common_suffix(a: &[String], b: &[String]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// How well `named` (a container path, or one relative to Traefik's working directory) names
/// `file` for a setup in `dir`: `usize::MAX` when a bind mount or the setup's directory makes
/// it exact, else how many trailing path components agree (0: not named).
fn score(
    named: &str,
    is_dir: bool,
    file: &Path,
    dir: &Path,
    mounts: &[(PathBuf, PathBuf)],
) -> usize {
    let named_path = normalize_path(Path::new(named));
    let mut exact: Vec<PathBuf> = mounts
        .iter()
        .filter_map(|(target, host)| {
            named_path
                .strip_prefix(target)
                .ok()
                .map(|rest| normalize_path(&host.join(rest)))
        })
        .collect();
    if named_path.is_relative() {
        exact.push(normalize_path(&dir.join(&named_path)));
    }
    let hit = |p: &PathBuf| {
        if is_dir {
            file.starts_with(p)
        } else {
            file == p
        }
    };
    if exact.iter().any(hit) {
        return usize::MAX;
    }
    let want = parts(&named_path);
    if is_dir {
        file.ancestors()
            .skip(1)
            .map(|a| common_suffix(&want, &parts(a)))
            .max()
            .unwrap_or(0)
    } else {
        common_suffix(&want, &parts(file))
    }
}

/// Whether a setup's static configuration enables the Docker or Swarm provider.
fn reads_labels(b: &Builder) -> bool {
    ["docker", "swarm"].iter().any(|p| {
        b.static_config()
            .and_then(|s| s.at(&["providers", p]))
            .is_some_and(|n| !matches!(n.value, super::tree::V::Bool(false)))
    })
}

/// The setups of the nearest directory at or above `path`'s that has any.
fn nearest(setups: &[Setup], path: &Path) -> Vec<usize> {
    for a in dir_of(path).ancestors() {
        let here: Vec<usize> = setups
            .iter()
            .enumerate()
            .filter(|(_, s)| s.dir == a)
            .map(|(k, _)| k)
            .collect();
        if !here.is_empty() {
            return here;
        }
    }
    Vec::new()
}

/// One document per setup (and one for what joins none), and the problems of labels and flags
/// that could not be read (each once, though a compose file may feed several setups).
pub fn documents(parsed: &[Parsed], compose_docs: &[Document]) -> (Vec<Document>, Vec<Problem>) {
    let mut setups: Vec<Setup> = Vec::new();
    for (i, p) in parsed.iter().enumerate() {
        let Some(s) = &p.static_ else { continue };
        let mut builder = Builder::default();
        builder.add_static(p.file.clone(), s.clone());
        setups.push(Setup {
            dir: dir_of(&p.path),
            provider: FileProvider {
                named: file_provider(builder.static_config()),
                mounts: Vec::new(),
            },
            builder,
            own_file: Some(i),
            own_compose: None,
        });
    }
    let file_dirs: Vec<PathBuf> = setups.iter().map(|s| s.dir.clone()).collect();
    // A static file beside a compose file running Traefik is usually mounted into it: the
    // Traefik service's bind mounts tell where the container paths it names are.
    for s in &mut setups {
        for doc in compose_docs {
            if dir_of(&doc.file.path) == s.dir {
                s.provider.mounts.extend(mounts(doc));
            }
        }
    }
    for (j, doc) in compose_docs.iter().enumerate() {
        if !super::v1::runs_traefik_v2(doc) {
            continue;
        }
        let mut builder = Builder::default();
        builder.add_compose(doc, true);
        let dir = dir_of(&doc.file.path);
        // A Traefik service with no flags of its own reads a static file: beside one, the
        // compose file only brings labels.
        if builder.static_config().is_none() && file_dirs.contains(&dir) {
            continue;
        }
        setups.push(Setup {
            dir,
            provider: FileProvider {
                named: file_provider(builder.static_config()),
                mounts: mounts(doc),
            },
            builder,
            own_file: None,
            own_compose: Some(j),
        });
    }

    // Files each setup names: per named path, the files that match it best.
    let mut named_by: Vec<Vec<usize>> = vec![Vec::new(); setups.len()];
    for (k, s) in setups.iter().enumerate() {
        for (named, is_dir) in &s.provider.named {
            let scores: Vec<(usize, usize)> = parsed
                .iter()
                .enumerate()
                .filter(|(_, p)| p.dynamic.is_some())
                .map(|(i, p)| {
                    (
                        i,
                        score(named, *is_dir, &p.path, &s.dir, &s.provider.mounts),
                    )
                })
                .filter(|(_, sc)| *sc > 0)
                .collect();
            let best = scores.iter().map(|(_, sc)| *sc).max().unwrap_or(0);
            named_by[k].extend(scores.iter().filter(|(_, sc)| *sc == best).map(|(i, _)| *i));
        }
    }

    let mut orphan = Builder::default();
    let mut orphan_used = false;
    for (i, p) in parsed.iter().enumerate() {
        let Some(dynamic) = &p.dynamic else { continue };
        let mut targets: Vec<usize> = (0..setups.len())
            .filter(|k| named_by[*k].contains(&i) || setups[*k].own_file == Some(i))
            .collect();
        if targets.is_empty() {
            targets = nearest(&setups, &p.path);
        }
        if targets.is_empty() {
            orphan.add_dynamic_file(&p.file, dynamic.clone());
            orphan_used = true;
        }
        for k in targets {
            if let Some(s) = setups.get_mut(k) {
                s.builder.add_dynamic_file(&p.file, dynamic.clone());
            }
        }
    }
    for (j, doc) in compose_docs.iter().enumerate() {
        let mut targets = nearest(&setups, &doc.file.path);
        // Labels reach the setups that run a Docker (or Swarm) provider, when some do.
        let docker: Vec<usize> = targets
            .iter()
            .copied()
            .filter(|k| setups.get(*k).is_some_and(|s| reads_labels(&s.builder)))
            .collect();
        if !docker.is_empty() {
            targets = docker;
        }
        targets.retain(|k| setups.get(*k).is_some_and(|s| s.own_compose != Some(j)));
        let own = setups.iter().any(|s| s.own_compose == Some(j));
        if targets.is_empty() && !own {
            orphan.add_compose(doc, false);
            orphan_used = true;
        }
        for k in targets {
            if let Some(s) = setups.get_mut(k) {
                s.builder.add_compose(doc, false);
            }
        }
    }
    let mut out: Vec<Document> = Vec::new();
    let mut problems: Vec<Problem> = Vec::new();
    let builders = setups.into_iter().map(|s| s.builder);
    for builder in builders.chain(orphan_used.then_some(orphan)) {
        let (doc, found) = builder.finish();
        out.extend(doc);
        for p in found {
            let seen = problems.iter().any(|q| {
                q.message == p.message
                    && q.span.as_ref().map(|s| s.range) == p.span.as_ref().map(|s| s.range)
                    && q.file == p.file
            });
            if !seen {
                problems.push(p);
            }
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_paths_match_files() {
        let f = Path::new("/r/edge/traefik/dynamic.yml");
        let dir = Path::new("/r/edge/traefik");
        assert_eq!(score("/etc/traefik/dynamic.yml", false, f, dir, &[]), 2);
        assert_eq!(score("dynamic.yml", false, f, dir, &[]), usize::MAX);
        assert_eq!(score("/etc/traefik/other.yml", false, f, dir, &[]), 0);
        let f = Path::new("/r/edge/config/dyn/a.yml");
        let mounts = [(PathBuf::from("/dynamic"), PathBuf::from("/r/edge/config"))];
        assert_eq!(score("/dynamic", true, f, dir, &mounts), usize::MAX);
        assert_eq!(score("/etc/x/dyn", true, f, dir, &[]), 1);
        assert_eq!(score("/etc/x/none", true, f, dir, &[]), 0);
    }
}
