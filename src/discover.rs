//! Walk the paths given on the command line in parallel and keep the files a source recognises.

use std::path::PathBuf;
use std::sync::Mutex;

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use crate::document::Kind;
use crate::problem::Problem;
use crate::source::{self, Context};

#[derive(Debug, Default)]
pub struct Discovered {
    pub targets: Vec<(Kind, PathBuf)>,
    pub problems: Vec<Problem>,
}

fn classify(path: &std::path::Path) -> Option<Kind> {
    let name = path.file_name()?.to_str()?;
    source::classify_by_name(name).or_else(|| {
        if source::sniffable(name) {
            source::classify_by_content(path)
        } else {
            None
        }
    })
}

/// Walk `roots` (honouring `.gitignore` and the `exclude` globs) and classify every file.
/// A path named explicitly is classified even if an ignore file would skip it.
pub fn discover(roots: &[PathBuf], exclude: &GlobSet, ctx: &Context) -> Discovered {
    let out = Mutex::new(Discovered::default());
    let push_problem = |p: Problem| {
        if let Ok(mut o) = out.lock() {
            o.problems.push(p);
        }
    };
    let mut dirs = Vec::new();
    for root in roots {
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => dirs.push(root.clone()),
            Ok(_) => {
                if let Some(kind) = classify(root) {
                    if let Ok(mut o) = out.lock() {
                        o.targets.push((kind, root.clone()));
                    }
                }
            }
            Err(e) => push_problem(Problem::error(
                ctx.display(root),
                format!("cannot read: {e}"),
            )),
        }
    }
    if let Some((first, rest)) = dirs.split_first() {
        let mut builder = WalkBuilder::new(first);
        for d in rest {
            builder.add(d);
        }
        builder
            .follow_links(true)
            .require_git(false)
            .git_ignore(true)
            .git_exclude(true);
        let excluded =
            |path: &std::path::Path| !exclude.is_empty() && exclude.is_match(ctx.display(path));
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let path = entry.path();
                        if excluded(path) {
                            return if entry.file_type().is_some_and(|t| t.is_dir()) {
                                WalkState::Skip
                            } else {
                                WalkState::Continue
                            };
                        }
                        if entry.file_type().is_some_and(|t| t.is_file()) {
                            if let Some(kind) = classify(path) {
                                if let Ok(mut o) = out.lock() {
                                    o.targets.push((kind, path.to_path_buf()));
                                }
                            }
                        }
                    }
                    Err(err) => push_problem(walk_problem(&err, ctx)),
                }
                WalkState::Continue
            })
        });
    }
    let mut d = out.into_inner().unwrap_or_default();
    d.targets.sort();
    d.targets.dedup();
    d.problems.sort_by(|a, b| a.file.cmp(&b.file));
    d
}

fn walk_problem(err: &ignore::Error, ctx: &Context) -> Problem {
    fn inner(err: &ignore::Error, ctx: &Context) -> Option<Problem> {
        match err {
            ignore::Error::WithPath { path, err } => {
                let msg = match inner(err, ctx) {
                    Some(p) => p.message,
                    None => err.to_string(),
                };
                Some(Problem::error(ctx.display(path), msg))
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner(err, ctx)
            }
            ignore::Error::Loop { ancestor, child } => Some(Problem::error(
                ctx.display(child),
                format!(
                    "symbolic link loop: it leads back to {}; not followed",
                    ctx.display(ancestor)
                ),
            )),
            _ => None,
        }
    }
    inner(err, ctx).unwrap_or_else(|| Problem::error(".", err.to_string()))
}
