//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`; not part of vigie's
//! interface). Each runs readers the way a scan does and lets every panic through, where a scan
//! would turn it into a problem. The targets call them on a thread of [`WORKER_STACK_SIZE`], the
//! stack of a scan's workers, so that a stack overflow in production is one in fuzzing.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::project::{self, Parts};
use crate::scan;
use crate::secret;
use crate::settings::Settings;
use crate::source::{self, yaml, Context};
use crate::text::SourceFile;

pub use crate::scan::WORKER_STACK_SIZE;

/// Parse `text` as the YAML reader every YAML and JSON source shares.
pub fn yaml(text: &str) {
    let file = SourceFile::new(
        PathBuf::from("fuzz.yaml"),
        "fuzz.yaml".into(),
        text.to_string(),
    );
    let _ = yaml::parse(&file);
}

/// The directory the files of one input are written to: one per process, emptied for each
/// input (a target's inputs are run one at a time).
fn workdir() -> io::Result<&'static Mutex<PathBuf>> {
    static DIR: OnceLock<Result<(tempfile::TempDir, Mutex<PathBuf>), String>> = OnceLock::new();
    let made = DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("vigie-fuzz-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let path = dir.path().canonicalize().map_err(|e| e.to_string())?;
        Ok((dir, Mutex::new(path)))
    });
    made.as_ref()
        .map(|(_, p)| p)
        .map_err(|e| io::Error::other(e.clone()))
}

/// Write `files` (`(relative path, content)`) to an empty directory, and scan it as
/// `vigie scan DIR` does, up to the documents: discovery, classification by name and content,
/// units, every unit's load (includes, `.env`, overrides, the compose files Traefik reads), the
/// project view, and the secrets recognised in every file read. No policy is evaluated.
pub fn scan_files(files: &[(&str, &[u8])]) -> io::Result<()> {
    let lock = workdir()?;
    let dir = lock.lock().map_err(|_| io::Error::other("poisoned"))?;
    empty(&dir)?;
    for (rel, bytes) in files {
        let rel = Path::new(rel);
        if rel.is_absolute() || rel.components().any(|c| c.as_os_str() == "..") {
            return Err(io::Error::other(
                "files are relative to the scanned directory",
            ));
        }
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    scan_dir(&dir);
    Ok(())
}

fn empty(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(path)?;
        } else {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

fn scan_dir(root: &Path) {
    let paths = [root.to_path_buf()];
    let ctx = Context::with_roots(root, &paths);
    let settings = Settings::default();
    let units = scan::plan(&paths, &settings, &ctx).units;
    let mut parts = Parts::default();
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    for unit in &units {
        let loaded = source::load(unit, &ctx);
        for doc in &loaded.documents {
            source::contribute(doc, &mut parts);
            files.push(doc.file.clone());
        }
        for p in &loaded.problems {
            if let Some(span) = &p.span {
                files.push(span.file.clone());
            }
        }
    }
    let _ = project::build(parts);
    files.sort_by(|a, b| a.display.cmp(&b.display));
    files.dedup_by(|a, b| a.display == b.display);
    for f in &files {
        let found = secret::harvest(&f.text);
        let _ = secret::mask(&f.text, &found, &[], &mut []);
    }
}
