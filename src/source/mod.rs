//! Sources: the only code that knows a file format. A source recognises its files (by name
//! first, by content second), groups them into units and loads each unit into documents.

pub mod caddy;
pub mod compose;
pub mod docker;
pub mod headscale;
pub mod host;
pub mod skip;
pub mod terraform;
pub mod traefik;
pub mod yaml;

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::document::{Document, Kind};
use crate::fsio::{self, ReadError};
use crate::problem::{Level, Problem};
use crate::project::Parts;
use crate::text::SourceFile;
use skip::{SkipReason, Skipped};

/// Files larger than this are reported, not read.
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;
/// How much of a file content sniffing reads.
const SNIFF_BYTES: u64 = 64 * 1024;

/// What loading needs to know about the run.
#[derive(Debug, Clone)]
pub struct Context {
    /// Paths are shown relative to this directory.
    pub cwd: PathBuf,
    /// The scan roots, canonical: nothing outside them is read.
    roots: Arc<[PathBuf]>,
}

impl Context {
    /// A context whose only root is `cwd` (a scan of the working directory).
    pub fn new(cwd: impl Into<PathBuf>) -> Self {
        let cwd = cwd.into();
        let roots = Self::roots_of(&cwd, std::slice::from_ref(&cwd));
        Self { cwd, roots }
    }

    /// A context for a run over `paths` (as given on the command line, relative to `cwd`): each
    /// directory is a root, and a file's root is the directory it is named in, so that the
    /// files beside it (`.env`, an override, an imported snippet) can be read, but nothing
    /// above it.
    pub fn with_roots(cwd: impl Into<PathBuf>, paths: &[PathBuf]) -> Self {
        let cwd = cwd.into();
        let roots = Self::roots_of(&cwd, paths);
        Self { cwd, roots }
    }

    fn roots_of(cwd: &Path, paths: &[PathBuf]) -> Arc<[PathBuf]> {
        let mut roots: Vec<PathBuf> = paths
            .iter()
            .filter_map(|p| {
                let p = cwd.join(p);
                let dir = if fs::metadata(&p).is_ok_and(|m| m.is_dir()) {
                    p
                } else {
                    normalize_path(&p).parent()?.to_path_buf()
                };
                fs::canonicalize(dir).ok()
            })
            .collect();
        roots.sort();
        roots.dedup();
        roots.into()
    }

    /// The canonical scan roots.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Whether a canonical path is inside a scan root.
    fn inside(&self, canonical: &Path) -> bool {
        self.roots.iter().any(|r| canonical.starts_with(r))
    }

    /// Where `path` leads after following every symbolic link, when that is inside the scan
    /// roots: the one check every include (Caddy `import`, compose `env_file`, a Terraform
    /// module `source`, ...) and every file read goes through. Outside is
    /// [`ReadError::Outside`], and nothing is opened.
    ///
    /// A path that does not exist is judged by where it would be, so that whether a file exists
    /// outside the roots can never be learnt from the message: outside is outside, found or not.
    pub fn resolve_include(&self, path: &Path) -> Result<PathBuf, ReadError> {
        match fs::canonicalize(path) {
            Ok(canonical) if self.inside(&canonical) => Ok(canonical),
            Ok(canonical) => Err(ReadError::Outside(canonical)),
            Err(e) => match self.would_be(path) {
                Some(place) if !self.inside(&place) => Err(ReadError::Outside(place)),
                _ => Err(e.into()),
            },
        }
    }

    /// Where a path that cannot be resolved would lead: its deepest ancestor that resolves,
    /// followed by the rest of the path, normalized as written.
    fn would_be(&self, path: &Path) -> Option<PathBuf> {
        let path = self.cwd.join(path);
        let mut rest = Vec::new();
        let mut base = path.as_path();
        loop {
            if let Ok(canonical) = fs::canonicalize(base) {
                let mut place = canonical;
                for c in rest.iter().rev() {
                    place.push(c);
                }
                return Some(normalize_path(&place));
            }
            rest.push(
                base.file_name()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| "..".into()),
            );
            base = base.parent()?;
        }
    }

    /// Read a file inside the scan roots: resolved with [`Context::resolve_include`], opened
    /// without following a link swapped in since and without blocking, refused unless the
    /// handle is a regular file inside the roots, and read up to `limit` bytes.
    pub fn open_inside(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let canonical = self.resolve_include(path)?;
        let file = fsio::open_regular(&canonical, true)?;
        if let Some(real) = fsio::handle_path(&file) {
            if !self.inside(&real) {
                return Err(ReadError::Outside(real));
            }
        }
        fsio::read_file(file, limit)
    }

    /// The path shown to users: relative to the working directory when below it, `/`-separated.
    pub fn display(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.cwd).unwrap_or(path);
        let rel = rel.strip_prefix(".").unwrap_or(rel);
        let s = rel.to_string_lossy().replace('\\', "/");
        if s.is_empty() {
            ".".to_string()
        } else {
            s
        }
    }
}

/// Files a source loads together (a compose file and its override).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub kind: Kind,
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
    /// Files of the unit that looked like its kind but were not scanned.
    pub skipped: Vec<Skipped>,
    /// How many files were read as the unit's content ([`content_files`] of what was loaded).
    pub files: usize,
}

impl Loaded {
    /// Read `path` as a source file; when it cannot be read, the problem is recorded and `None`
    /// returned, so the caller goes on with the unit's other files or stops.
    pub fn read(&mut self, path: &Path, ctx: &Context) -> Option<Arc<SourceFile>> {
        read_source(path, ctx)
            .map_err(|p| self.problems.push(p))
            .ok()
    }
}

/// One unit per file, for sources whose files stand alone.
pub fn unit_per_file(kind: Kind, files: Vec<PathBuf>) -> Vec<Unit> {
    files
        .into_iter()
        .map(|f| Unit {
            kind,
            files: vec![f],
        })
        .collect()
}

/// Recognise a file by its name alone.
pub fn classify_by_name(name: &str) -> Option<Kind> {
    if compose::matches_name(name) {
        Some(Kind::Compose)
    } else if terraform::matches_name(name) {
        Some(Kind::Terraform)
    } else if headscale::matches_name(name) {
        Some(Kind::Headscale)
    } else if caddy::matches_name(name) {
        Some(Kind::Caddy)
    } else if traefik::matches_name(name) && !sniffable_yaml(name) {
        // `traefik.yml` may be a compose file: the content decides.
        Some(Kind::Traefik)
    } else if host::matches_name(name) {
        Some(Kind::Host)
    } else if docker::matches_name(name) {
        Some(Kind::Docker)
    } else {
        None
    }
}

fn sniffable_yaml(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml")
}

/// Whether a file's name makes it worth sniffing its content: a YAML, JSON or TOML file, or a
/// file with no extension (a Caddyfile under another name).
pub fn sniffable(name: &str) -> bool {
    matches!(
        extension(name).as_deref(),
        Some("yml" | "yaml" | "json" | "toml")
    ) || no_extension(name)
}

/// A name's extension, in lower case (`Docker-Compose.YML` is YAML).
fn extension(name: &str) -> Option<String> {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Whether vigie looks at a file of this name only because it has no extension (to sniff a
/// Caddyfile): such a file that is a link out of the scan roots or not a regular file is passed
/// over in silence, as most of them (`LICENSE`, `Makefile`, programs) are nothing vigie reads.
pub fn only_sniffed_for_caddy(name: &str) -> bool {
    no_extension(name) && classify_by_name(name).is_none() && named_like(name).is_none()
}

/// `caddy-config`, `proxy` (not `.env`, `a.b`).
fn no_extension(name: &str) -> bool {
    !name.is_empty() && !name.contains('.')
}

/// How much of a file with no extension is read to recognise a Caddyfile: such files are many
/// (scripts, licences, Makefiles), and a Caddyfile shows itself in its first lines.
const SNIFF_BYTES_NO_EXTENSION: u64 = 8 * 1024;

/// Recognise a file by its content (only the first bytes of a regular file are read).
pub fn classify_by_content(path: &Path) -> Option<Kind> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if no_extension(name) {
        let head = fsio::read_head(path, SNIFF_BYTES_NO_EXTENSION)?;
        let text = std::str::from_utf8(&head)
            .or_else(|e| std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default()))
            .ok()?;
        return caddy::sniff_caddyfile(text).then_some(Kind::Caddy);
    }
    let head = fsio::read_head(path, SNIFF_BYTES)?;
    let text = String::from_utf8_lossy(&head);
    match extension(name).as_deref() {
        Some("json") if docker::sniff(&text) => Some(Kind::Docker),
        Some("json") if caddy::sniff(&text) => Some(Kind::Caddy),
        Some("json") => headscale::sniff(&text).then_some(Kind::Headscale),
        Some("toml") => (traefik::sniff_toml(&text) || traefik::sniff_named(name, &text))
            .then_some(Kind::Traefik),
        // A top-level `services:` mapping makes a compose file, whatever its name.
        _ if compose::sniff(&text) => Some(Kind::Compose),
        _ if traefik::matches_name(name) => Some(Kind::Traefik),
        _ => (traefik::sniff_yaml(&text) || traefik::sniff_named(name, &text))
            .then_some(Kind::Traefik),
    }
}

/// The kind whose known name `name` is in another case (`Traefik.yml`, `Docker-Compose.yml`,
/// `MAIN.TF`): such a file is reported as skipped when it is not recognised otherwise.
pub fn named_like(name: &str) -> Option<Kind> {
    let lower = name.to_ascii_lowercase();
    if lower == name {
        return None;
    }
    classify_by_name(&lower).or_else(|| traefik::matches_name(&lower).then_some(Kind::Traefik))
}

/// Group the discovered files of one kind into units. Recorded `docker inspect` dumps are
/// compared with no compose file here: see [`docker::units`].
pub fn units(kind: Kind, files: Vec<PathBuf>, ctx: &Context) -> Vec<Unit> {
    match kind {
        Kind::Compose => compose::units(files),
        Kind::Terraform => terraform::units(files),
        Kind::Headscale => headscale::units(files),
        Kind::Caddy => caddy::units(files, ctx),
        Kind::Traefik => traefik::units(files, &[]),
        Kind::Project => Vec::new(),
        Kind::Host => host::units(files),
        Kind::Docker => docker::units(files, &[]),
    }
}

/// Load a unit, leaving out (and reporting) the files that hold templates where its format has
/// none.
pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let (unit, skipped) = untemplated(unit, ctx);
    let mut loaded = load_kind(&unit, ctx);
    loaded.skipped.extend(skipped);
    loaded.files = content_files(&unit);
    loaded
}

/// `unit` without its templated files, and those files. Only a file's head is looked at (what
/// content sniffing reads): a template's actions start early.
fn untemplated(unit: &Unit, ctx: &Context) -> (Unit, Vec<Skipped>) {
    let mut kept = unit.clone();
    let mut skipped = Vec::new();
    if !skip::templates_foreign(unit.kind) {
        return (kept, skipped);
    }
    kept.files.retain(|path| {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            return true;
        }
        let Some(head) = fsio::read_head(path, SNIFF_BYTES) else {
            return true;
        };
        let caddyfile = unit.kind == Kind::Caddy;
        match skip::template_action(&String::from_utf8_lossy(&head), caddyfile) {
            Some(detail) => {
                // A compose file of a Traefik unit is reported as a compose file.
                let kind = if unit.kind == Kind::Traefik && traefik::is_compose_part(path) {
                    Kind::Compose
                } else {
                    unit.kind
                };
                skipped.push(Skipped {
                    file: ctx.display(path),
                    kind,
                    reason: SkipReason::Templated,
                    detail,
                });
                false
            }
            None => true,
        }
    });
    (kept, skipped)
}

fn load_kind(unit: &Unit, ctx: &Context) -> Loaded {
    match unit.kind {
        Kind::Compose => compose::load(unit, ctx),
        Kind::Terraform => terraform::load(unit, ctx),
        Kind::Headscale => headscale::load(unit, ctx),
        Kind::Caddy => caddy::load(unit, ctx),
        Kind::Traefik => traefik::load(unit, ctx),
        Kind::Project => Loaded::default(),
        Kind::Host => host::load(unit, ctx),
        Kind::Docker => docker::load(unit, ctx),
    }
}

/// How many files of a unit are read as its content (a docker unit's compose files are read
/// only for comparison, and counted by their own units).
pub fn content_files(unit: &Unit) -> usize {
    match unit.kind {
        Kind::Docker => unit.files.len().min(1),
        // A Traefik unit also reads the compose files that mention Traefik, which their
        // compose units count.
        Kind::Traefik => unit
            .files
            .iter()
            .filter(|f| !traefik::is_compose_part(f))
            .count(),
        _ => unit.files.len(),
    }
}

/// Whether documents of `kind` may bring routes to the project view. A scan with no unit of
/// such a kind has nothing to join, and its units contribute nothing (a 10,000-file compose
/// corpus keeps no project parts in memory). A source that contributes routes lists its kind.
pub fn contributes_routes(kind: Kind) -> bool {
    matches!(kind, Kind::Caddy | Kind::Traefik)
}

/// What `doc` says that the project view joins ([`crate::project`]): every source adds the
/// services or routes it finds in the documents it understands, its own kind's or another's
/// (Traefik reads compose labels). Called while the unit is processed, so only these compact
/// parts outlive the document.
pub fn contribute(doc: &Document, parts: &mut Parts) {
    parts
        .documents
        .push(serde_json::json!({"kind": doc.kind.as_str(), "path": doc.path}));
    compose::contribute(doc, parts);
    caddy::contribute(doc, parts);
    traefik::contribute(doc, parts);
}

/// `dir/./a/../b` as `dir/b`, without touching the file system.
pub fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Read a text file for parsing, refusing what is outside the scan roots, not a regular file,
/// too large, binary or not UTF-8. Outside the roots is a warning (the file is not part of
/// the scan); the others are errors.
pub fn read_source(path: &Path, ctx: &Context) -> Result<Arc<SourceFile>, Problem> {
    let display = ctx.display(path);
    let mut bytes = ctx.open_inside(path, MAX_FILE_SIZE).map_err(|e| {
        let mut p = Problem::error(&display, e.to_string());
        if matches!(e, ReadError::Outside(_)) {
            p.level = Level::Warning;
        }
        p
    })?;
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(Problem::error(
            &display,
            format!("binary file (NUL byte at offset {pos}); not scanned"),
        ));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = e.as_bytes().get(..valid).unwrap_or(&[]);
        let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = prefix.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        let mut p = Problem::error(
            &display,
            format!("not valid UTF-8 at line {line}, column {col} (byte {valid}); not scanned"),
        );
        p.pos = Some(crate::text::LineCol {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(col).unwrap_or(u32::MAX),
        });
        p
    })?;
    Ok(SourceFile::new(path.to_path_buf(), display, text))
}

/// Write `files` (`(relative path, text)` pairs) to a temporary directory, and load the units of
/// `kind` that the files it recognises by name make up, as a scan would.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn load_written(kind: Kind, files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let by_content = || sniffable(name) && classify_by_content(&p) == Some(kind);
        if classify_by_name(name) == Some(kind)
            || (classify_by_name(name).is_none() && by_content())
        {
            paths.push(p);
        }
    }
    let ctx = Context::new(dir.path());
    let mut loaded = Loaded::default();
    for unit in units(kind, paths, &ctx) {
        let l = load(&unit, &ctx);
        loaded.documents.extend(l.documents);
        loaded.problems.extend(l.problems);
    }
    (dir, loaded)
}

#[cfg(test)]
mod boundary_tests {
    use super::*;

    /// `root/` (the scan root, with `inside.txt`, a link to it, a link out and a linked
    /// directory out) beside `outside/secret.txt`.
    fn tree() -> (tempfile::TempDir, Context) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let outside = dir.path().join("outside");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("inside.txt"), "in").unwrap();
        fs::write(outside.join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(root.join("inside.txt"), root.join("sub/ok-link")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("out-link")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("out-dir")).unwrap();
        let ctx = Context::with_roots(dir.path(), &[PathBuf::from("root")]);
        (dir, ctx)
    }

    #[test]
    fn inside_after_following_links() {
        let (dir, ctx) = tree();
        let root = dir.path().join("root");
        assert!(ctx.resolve_include(&root.join("inside.txt")).is_ok());
        assert!(ctx.resolve_include(&root.join("sub/ok-link")).is_ok());
        assert!(ctx.resolve_include(&root.join("sub/../inside.txt")).is_ok());
        assert_eq!(
            ctx.open_inside(&root.join("sub/ok-link"), 10).unwrap(),
            b"in"
        );
    }

    #[test]
    fn outside_by_dotdot_absolute_or_link_is_refused_unopened() {
        let (dir, ctx) = tree();
        let root = dir.path().join("root");
        for p in [
            root.join("../outside/secret.txt"),
            root.join("sub/../../outside/secret.txt"),
            dir.path().join("outside/secret.txt"),
            root.join("out-link"),
            root.join("out-dir/secret.txt"),
            root.join("out-dir"),
            PathBuf::from("/etc/passwd"),
        ] {
            assert!(
                matches!(ctx.resolve_include(&p), Err(ReadError::Outside(_))),
                "{}",
                p.display()
            );
            assert!(matches!(
                ctx.open_inside(&p, 100),
                Err(ReadError::Outside(_))
            ));
        }
        // A file's root is the directory it is named in, not the directory above.
        let file_ctx = Context::with_roots(dir.path(), &[PathBuf::from("root/inside.txt")]);
        assert!(file_ctx.resolve_include(&root.join("sub/ok-link")).is_ok());
        assert!(matches!(
            file_ctx.resolve_include(&dir.path().join("outside/secret.txt")),
            Err(ReadError::Outside(_))
        ));
        // A link named explicitly is judged against the directory it is named in.
        let link_ctx = Context::with_roots(dir.path(), &[PathBuf::from("root/out-link")]);
        assert_eq!(link_ctx.roots(), &[fs::canonicalize(&root).unwrap()]);
        assert!(read_source(&root.join("out-link"), &link_ctx).is_err());
    }

    #[test]
    fn a_missing_path_outside_is_outside_not_missing() {
        let (dir, ctx) = tree();
        let root = dir.path().join("root");
        for p in [
            PathBuf::from("/etc/no-such-file-here"),
            PathBuf::from("/no-such-dir/x"),
            root.join("../outside/missing.txt"),
            root.join("missing/../../outside/secret.txt"),
            root.join("out-dir/missing.txt"),
        ] {
            assert!(
                matches!(ctx.resolve_include(&p), Err(ReadError::Outside(_))),
                "{}",
                p.display()
            );
        }
        // Missing inside stays missing.
        assert!(matches!(
            ctx.resolve_include(&root.join("missing/x.txt")),
            Err(ReadError::Io(_))
        ));
    }

    #[test]
    fn a_prefix_of_a_name_is_not_inside() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("app")).unwrap();
        fs::write(dir.path().join("app-secrets"), "x").unwrap();
        let ctx = Context::with_roots(dir.path(), &[PathBuf::from("app")]);
        assert!(matches!(
            ctx.resolve_include(&dir.path().join("app-secrets")),
            Err(ReadError::Outside(_))
        ));
    }

    #[test]
    fn read_source_refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::new("/");
        let p = read_source(Path::new("/dev/zero"), &ctx).unwrap_err();
        assert_eq!(
            p.message,
            "not a regular file (a character device): not read"
        );
        assert_eq!(p.level, Level::Error);
        let fifo = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let p = read_source(&fifo, &ctx).unwrap_err();
            assert_eq!(p.message, "not a regular file (a FIFO): not read");
            assert!(classify_by_content(&fifo).is_none());
        }
        let outside = read_source(Path::new("/etc/passwd"), &Context::new(dir.path())).unwrap_err();
        assert_eq!(outside.level, Level::Warning);
        assert!(
            outside.message.contains("outside the scanned tree"),
            "{}",
            outside.message
        );
    }
}
