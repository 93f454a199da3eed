//! Every file vigie writes (a report with `--output`, later a baseline or a fixed file) goes
//! through [`write_atomic`]: a temporary file with an unpredictable name, created exclusively
//! (`O_EXCL`, never through a planted symlink) beside the destination, filled, flushed to disk
//! and renamed over it. Readers see the old file or the new one, never a part; on any error the
//! temporary file is removed and the destination is untouched.
//!
//! The destination keeps its permissions (not set-id bits); a new file gets the mode the caller
//! asks for (reports: 0600, since they name paths and hosts). The new file belongs to whoever
//! writes it, never to the owner of the file it replaces. A destination
//! that is a symbolic link is refused unless the caller follows it: then the file it points to is
//! replaced, atomically as well (the temporary file is made beside that file).

use std::fs::{self, File, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The mode of a new report file: only its owner may read it.
pub const REPORT_MODE: u32 = 0o600;

/// Symbolic links followed, at most, when resolving a destination (Linux's own limit).
const MAX_LINKS: usize = 40;

/// How to write one file.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    /// Replace the file a symbolic link points to, instead of refusing the link.
    pub follow_symlinks: bool,
    /// The permissions of a file that does not exist yet.
    pub new_mode: u32,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self {
            follow_symlinks: false,
            new_mode: REPORT_MODE,
        }
    }
}

/// Why a file was not written. Each names the path the user gave.
#[derive(Debug, Error)]
pub enum WriteError {
    #[error(
        "{path} is a symbolic link (to {target}); refusing to write through it (pass \
         --follow-symlinks to replace the file it points to)",
        path = .path.display(),
        target = .target.display()
    )]
    Symlink { path: PathBuf, target: PathBuf },
    #[error(
        "{path} is not a regular file ({what}); give the path of a file to write (without \
         --output the report goes to standard output)",
        path = .path.display()
    )]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("{path}: more than {MAX_LINKS} symbolic links to follow", path = .path.display())]
    TooManyLinks { path: PathBuf },
    #[error("cannot write {path}: {source}", path = .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What the destination is now.
struct Destination {
    /// The file to replace: `path`, or the file its links lead to.
    file: PathBuf,
    /// Its metadata, when it exists.
    existing: Option<fs::Metadata>,
}

fn kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// The file `path` names, its links followed when `follow` (else a link is an error).
fn resolve(path: &Path, follow: bool) -> Result<Destination, WriteError> {
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        let meta = match fs::symlink_metadata(&file) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Destination {
                    file,
                    existing: None,
                })
            }
            Err(e) => return Err(io_err(e)),
        };
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&file).map_err(io_err)?;
            if !follow {
                return Err(WriteError::Symlink {
                    path: path.to_path_buf(),
                    target,
                });
            }
            file = match file.parent() {
                Some(dir) if target.is_relative() => dir.join(target),
                _ => target,
            };
            continue;
        }
        if !meta.is_file() {
            return Err(WriteError::NotAFile {
                path: path.to_path_buf(),
                what: kind(&meta),
            });
        }
        return Ok(Destination {
            file,
            existing: Some(meta),
        });
    }
    Err(WriteError::TooManyLinks {
        path: path.to_path_buf(),
    })
}

/// Refuse early what [`write_atomic`] would refuse about the destination itself (a symbolic
/// link, a directory), so that a long scan or audit is not run for nothing.
pub fn check_destination(path: &Path, opts: &WriteOptions) -> Result<(), WriteError> {
    resolve(path, opts.follow_symlinks).map(|_| ())
}

/// Write `path` atomically with what `write` produces (see the module docs).
pub fn write_atomic(
    path: &Path,
    opts: &WriteOptions,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), WriteError> {
    let dest = resolve(path, opts.follow_symlinks)?;
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match dest.file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = dest
        .file
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    // Room for the random part and the suffix within a file name's 255 bytes.
    let name: String = name
        .chars()
        .scan(0, |len, c| {
            *len += c.len_utf8();
            (*len <= 100).then_some(c)
        })
        .collect();
    // O_CREAT | O_EXCL with a random name: nothing planted beforehand can be opened instead.
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    // From here on, dropping `tmp` (any early return) removes the temporary file.
    let mode = dest
        .existing
        .as_ref()
        .map_or(opts.new_mode, |m| m.permissions().mode() & 0o777);
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode))
        .map_err(io_err)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        write(&mut w).map_err(io_err)?;
        w.flush().map_err(io_err)?;
    }
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(&dest.file).map_err(|e| io_err(e.error))?;
    // The rename itself reaches the disk with the directory; best effort (not every filesystem
    // lets a directory be synced).
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn put(text: &'static str) -> impl FnOnce(&mut dyn Write) -> io::Result<()> {
        move |w| w.write_all(text.as_bytes())
    }

    #[test]
    fn new_file_is_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.json");
        write_atomic(&out, &WriteOptions::default(), put("{}")).unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "{}");
        assert_eq!(mode(&out), 0o600);
        assert_eq!(names(dir.path()), ["report.json"]);
    }

    #[test]
    fn existing_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.sarif");
        fs::write(&out, "old").unwrap();
        fs::set_permissions(&out, Permissions::from_mode(0o640)).unwrap();
        write_atomic(&out, &WriteOptions::default(), put("new")).unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "new");
        assert_eq!(mode(&out), 0o640);
        // A world-readable report stays so: the user chose it.
        fs::set_permissions(&out, Permissions::from_mode(0o644)).unwrap();
        write_atomic(&out, &WriteOptions::default(), put("newer")).unwrap();
        assert_eq!(mode(&out), 0o644);
    }

    #[test]
    fn symlink_is_refused_and_nothing_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("report.json");
        symlink(&victim, &link).unwrap();
        let e = write_atomic(&link, &WriteOptions::default(), put("{}")).unwrap_err();
        assert!(matches!(e, WriteError::Symlink { .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains(&link.display().to_string()) && msg.contains("--follow-symlinks"),
            "{msg}"
        );
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(names(dir.path()), ["report.json", "victim"]);
        assert!(check_destination(&link, &WriteOptions::default()).is_err());
        // A dangling link is refused all the same (it would create its target).
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(write_atomic(&dangling, &WriteOptions::default(), put("{}")).is_err());
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn symlink_followed_on_request_replaces_its_target_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("reports");
        let links = dir.path().join("links");
        fs::create_dir_all(&reports).unwrap();
        fs::create_dir_all(&links).unwrap();
        let target = reports.join("latest.json");
        fs::write(&target, "old").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        // Relative links, two of them, resolved from the link's own directory.
        symlink("../reports/latest.json", links.join("a")).unwrap();
        symlink("a", links.join("report.json")).unwrap();
        let opts = WriteOptions {
            follow_symlinks: true,
            ..WriteOptions::default()
        };
        write_atomic(&links.join("report.json"), &opts, put("new")).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(mode(&target), 0o640);
        assert!(fs::symlink_metadata(links.join("report.json"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(names(&reports), ["latest.json"]);
        assert_eq!(names(&links), ["a", "report.json"]);
        // A link to a file not there yet creates it, private.
        symlink("../reports/new.json", links.join("fresh")).unwrap();
        write_atomic(&links.join("fresh"), &opts, put("x")).unwrap();
        assert_eq!(mode(&reports.join("new.json")), 0o600);
        // A loop ends.
        symlink("loop", links.join("loop")).unwrap();
        let e = write_atomic(&links.join("loop"), &opts, put("x")).unwrap_err();
        assert!(matches!(e, WriteError::TooManyLinks { .. }), "{e}");
    }

    #[test]
    fn failed_write_leaves_neither_temp_file_nor_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report.json");
        // Half a report, then an error: no file appears.
        let e = write_atomic(&out, &WriteOptions::default(), |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("disk full"), "{e}");
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        // Over an existing file: it keeps its old content.
        fs::write(&out, "old").unwrap();
        let e = write_atomic(&out, &WriteOptions::default(), |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("broken"))
        });
        assert!(e.is_err());
        assert_eq!(fs::read_to_string(&out).unwrap(), "old");
        assert_eq!(names(dir.path()), ["report.json"]);
    }

    #[test]
    fn a_directory_or_device_is_not_a_destination() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(dir.path(), &WriteOptions::default(), put("x")).unwrap_err();
        assert!(matches!(e, WriteError::NotAFile { .. }), "{e}");
        // A named pipe (like /dev/null, a device) is never replaced by a regular file, even
        // reached through a followed link. (A pipe of our own: a test must not bet /dev/null.)
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let link = dir.path().join("link");
        symlink(&fifo, &link).unwrap();
        let opts = WriteOptions {
            follow_symlinks: true,
            ..WriteOptions::default()
        };
        let e = write_atomic(&link, &opts, put("x")).unwrap_err();
        assert!(e.to_string().contains("a named pipe"), "{e}");
        assert!(check_destination(&fifo, &WriteOptions::default()).is_err());
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        // A missing directory is an error naming the path, not a panic.
        let e = write_atomic(
            &dir.path().join("no/such/dir/r.json"),
            &WriteOptions::default(),
            put("x"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no/such/dir/r.json"), "{e}");
    }
}
