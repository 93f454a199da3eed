//! Sources: the only code that knows a file format. A source recognises its files (by name
//! first, by content second), groups them into units and loads each unit into documents.

pub mod caddy;
pub mod compose;
pub mod docker;
pub mod headscale;
pub mod host;
pub mod terraform;
pub mod traefik;
pub mod yaml;

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::document::{Document, Kind};
use crate::problem::Problem;
use crate::project::Parts;
use crate::text::SourceFile;

/// Files larger than this are reported, not read.
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;
/// How much of a file content sniffing reads.
const SNIFF_BYTES: usize = 64 * 1024;

/// What loading needs to know about the run.
#[derive(Debug, Clone)]
pub struct Context {
    /// Paths are shown relative to this directory.
    pub cwd: PathBuf,
}

impl Context {
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

/// Whether a file's name makes it worth sniffing its content.
pub fn sniffable(name: &str) -> bool {
    name.ends_with(".yml")
        || name.ends_with(".yaml")
        || name.ends_with(".json")
        || name.ends_with(".toml")
}

/// Recognise a file by its content (only the first bytes are read).
pub fn classify_by_content(path: &Path) -> Option<Kind> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let file = fs::File::open(path).ok()?;
    file.take(SNIFF_BYTES as u64).read_to_end(&mut head).ok()?;
    let text = String::from_utf8_lossy(&head);
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    match path.extension().and_then(|e| e.to_str()) {
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

/// Group the discovered files of one kind into units. Recorded `docker inspect` dumps are
/// compared with no compose file here: see [`docker::units`].
pub fn units(kind: Kind, files: Vec<PathBuf>) -> Vec<Unit> {
    match kind {
        Kind::Compose => compose::units(files),
        Kind::Terraform => terraform::units(files),
        Kind::Headscale => headscale::units(files),
        Kind::Caddy => caddy::units(files),
        Kind::Traefik => traefik::units(files, &[]),
        Kind::Project => Vec::new(),
        Kind::Host => host::units(files),
        Kind::Docker => docker::units(files, &[]),
    }
}

pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
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

/// Read a text file for parsing, refusing what is too large, binary or not UTF-8.
pub fn read_source(path: &Path, ctx: &Context) -> Result<Arc<SourceFile>, Problem> {
    let display = ctx.display(path);
    let meta =
        fs::metadata(path).map_err(|e| Problem::error(&display, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(Problem::error(
            &display,
            format!(
                "file is {:.1} MiB, larger than the {} MiB limit for configuration files; not scanned",
                meta.len() as f64 / (1024.0 * 1024.0),
                MAX_FILE_SIZE / (1024 * 1024)
            ),
        ));
    }
    let mut bytes =
        fs::read(path).map_err(|e| Problem::error(&display, format!("cannot read: {e}")))?;
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
    let ctx = Context {
        cwd: dir.path().to_path_buf(),
    };
    let mut loaded = Loaded::default();
    for unit in units(kind, paths) {
        let l = load(&unit, &ctx);
        loaded.documents.extend(l.documents);
        loaded.problems.extend(l.problems);
    }
    (dir, loaded)
}
