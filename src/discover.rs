//! Walk the paths given on the command line in parallel and keep the files a source recognises.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::GlobSet;
use ignore::{WalkBuilder, WalkState};

use crate::document::Kind;
use crate::fsio::{self, ReadError};
use crate::problem::{Level, Problem};
use crate::source::skip::{SkipReason, Skipped};
use crate::source::{self, Context};

#[derive(Debug, Default)]
pub struct Discovered {
    pub targets: Vec<(Kind, PathBuf)>,
    pub problems: Vec<Problem>,
    /// Files that looked like a kind by their name but were not recognised as it.
    pub skipped: Vec<Skipped>,
}

/// What a file is to vigie.
enum Class {
    Read(Kind),
    /// Named like this kind in another case, and not recognised otherwise.
    NamedLike(Kind),
}

fn classify(path: &Path) -> Option<Class> {
    let name = path.file_name()?.to_str()?;
    source::classify_by_name(name)
        .or_else(|| {
            if source::sniffable(name) {
                source::classify_by_content(path)
            } else {
                None
            }
        })
        .map(Class::Read)
        .or_else(|| source::named_like(name).map(Class::NamedLike))
}

/// Whether a file's name makes it one vigie would read (by name or by content), or report.
fn wanted(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        source::classify_by_name(n).is_some()
            || source::sniffable(n)
            || source::named_like(n).is_some()
    })
}

/// The problem with a path that leads outside the scan roots, if it does. Nothing is read
/// from such a path, not even for sniffing.
fn outside(path: &Path, ctx: &Context) -> Option<Problem> {
    match ctx.resolve_include(path) {
        Err(e @ ReadError::Outside(_)) => Some(Problem {
            level: Level::Warning,
            ..Problem::error(ctx.display(path), e.to_string())
        }),
        _ => None,
    }
}

/// Ignore files the walker reads on entering a directory (`.git/info/exclude` is not read: a
/// `.git` file may point anywhere).
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore"];

/// An ignore file of `dir` that must not be read: not a regular file (a FIFO would block the
/// walk, `/dev/zero` would never end), too large, or a link leading outside the scan roots
/// (with `ctx`; without, for the directories above the roots, any link). The walker has no hook
/// to skip one file, so the directory is not walked (or, above the roots, no ignore file is
/// read at all).
fn bad_ignore_file(dir: &Path, ctx: Option<&Context>) -> Option<(PathBuf, String)> {
    for name in IGNORE_FILES {
        let p = dir.join(name);
        let Ok(link) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if link.file_type().is_symlink() {
            match ctx {
                Some(ctx) => {
                    if let Err(e @ ReadError::Outside(_)) = ctx.resolve_include(&p) {
                        return Some((p, e.to_string()));
                    }
                }
                // Above the roots, only a file that is really there is honoured: a link could
                // lead anywhere.
                None => return Some((p, "a symbolic link above the scanned paths".to_string())),
            }
        }
        match std::fs::metadata(&p) {
            Ok(m) if !m.is_file() => {
                return Some((
                    p,
                    ReadError::NotRegular(fsio::file_kind(m.file_type())).to_string(),
                ))
            }
            Ok(m) if m.len() > source::MAX_FILE_SIZE => {
                let e = ReadError::TooLarge {
                    size: Some(m.len()),
                    limit: source::MAX_FILE_SIZE,
                };
                return Some((p, e.to_string()));
            }
            _ => {}
        }
    }
    None
}

/// Walk `roots` (honouring `.gitignore` and the `exclude` globs) and classify every file.
/// A path named explicitly is classified even if an ignore file would skip it. Symbolic links
/// are followed, but never out of the scan roots; what is not a regular file is not read.
pub fn discover(roots: &[PathBuf], exclude: &GlobSet, ctx: &Context) -> Discovered {
    let out = Arc::new(Mutex::new(Discovered::default()));
    let push_problem = |p: Problem| {
        if let Ok(mut o) = out.lock() {
            o.problems.push(p);
        }
    };
    let push_target = |class: Class, path: &Path| {
        if let Ok(mut o) = out.lock() {
            match class {
                Class::Read(kind) => o.targets.push((kind, path.to_path_buf())),
                Class::NamedLike(kind) => o.skipped.push(Skipped {
                    file: ctx.display(path),
                    kind,
                    reason: SkipReason::NameOnly,
                    detail: String::new(),
                }),
            }
        }
    };
    let mut dirs = Vec::new();
    let mut honour_ignores = true;
    for root in roots {
        if let Some(p) = outside(root, ctx) {
            push_problem(p);
            continue;
        }
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => {
                if let Some((file, why)) = bad_ignore_file(root, Some(ctx)) {
                    push_problem(not_walked(&file, &why, ctx));
                    continue;
                }
                // The walker reads the ignore files of every directory above a root (whatever
                // its `parents` option says): when one is not safe to read, none is read.
                if let Ok(canonical) = std::fs::canonicalize(root) {
                    for above in canonical.ancestors().skip(1) {
                        if let Some((file, why)) = bad_ignore_file(above, None) {
                            push_problem(Problem {
                                level: Level::Warning,
                                ..Problem::error(
                                    ctx.display(&file),
                                    format!("{why}; no .gitignore or .ignore file is honoured in this scan"),
                                )
                            });
                            honour_ignores = false;
                        }
                    }
                }
                dirs.push(root.clone());
            }
            Ok(m) if m.is_file() => {
                if let Some(class) = classify(root) {
                    push_target(class, root);
                }
            }
            Ok(m) => push_problem(Problem::error(
                ctx.display(root),
                ReadError::NotRegular(fsio::file_kind(m.file_type())).to_string(),
            )),
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
        let filter_ctx = ctx.clone();
        let filter_out = Arc::clone(&out);
        builder
            .follow_links(true)
            .require_git(false)
            .git_ignore(honour_ignores)
            .ignore(honour_ignores)
            .parents(honour_ignores)
            .git_exclude(false)
            // Checked before the walker enters a directory and reads its ignore files.
            .filter_entry(move |entry| {
                if !entry.file_type().is_some_and(|t| t.is_dir()) || entry.depth() == 0 {
                    return true;
                }
                let problem = if entry.path_is_symlink() {
                    outside(entry.path(), &filter_ctx)
                } else {
                    None
                }
                .or_else(|| {
                    bad_ignore_file(entry.path(), Some(&filter_ctx))
                        .map(|(file, why)| not_walked(&file, &why, &filter_ctx))
                });
                match problem {
                    Some(p) => {
                        if let Ok(mut o) = filter_out.lock() {
                            o.problems.push(p);
                        }
                        false
                    }
                    None => true,
                }
            });
        let excluded = |path: &Path| !exclude.is_empty() && exclude.is_match(ctx.display(path));
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let path = entry.path();
                        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                        if excluded(path) {
                            return if is_dir {
                                WalkState::Skip
                            } else {
                                WalkState::Continue
                            };
                        }
                        if is_dir || !wanted(path) {
                            return WalkState::Continue;
                        }
                        let quiet = path
                            .file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(source::only_sniffed_for_caddy);
                        if entry.path_is_symlink() {
                            if let Some(p) = outside(path, ctx) {
                                if !quiet {
                                    push_problem(p);
                                }
                                return WalkState::Continue;
                            }
                        }
                        match entry.file_type() {
                            Some(t) if t.is_file() => {
                                if let Some(class) = classify(path) {
                                    push_target(class, path);
                                }
                            }
                            Some(_) if quiet => {}
                            Some(t) => push_problem(Problem::error(
                                ctx.display(path),
                                ReadError::NotRegular(fsio::file_kind(t)).to_string(),
                            )),
                            None => {}
                        }
                    }
                    Err(err) => push_problem(walk_problem(&err, ctx)),
                }
                WalkState::Continue
            })
        });
    }
    let mut d = out
        .lock()
        .map(|mut o| std::mem::take(&mut *o))
        .unwrap_or_default();
    d.targets.sort();
    d.targets.dedup();
    d.problems.sort_by(|a, b| a.file.cmp(&b.file));
    d.skipped.sort();
    d
}

fn not_walked(file: &Path, why: &str, ctx: &Context) -> Problem {
    Problem {
        level: Level::Warning,
        ..Problem::error(
            ctx.display(file),
            format!("{why}; this directory is not walked"),
        )
    }
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
