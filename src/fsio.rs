//! Opening files that strangers wrote: only regular files, checked on the opened handle, and
//! never more than a limit read from them. `open` itself must not block, so a FIFO, a socket
//! or a device named where a file is expected is refused instead of hanging the run, and a
//! file whose size the file system misreports (`/dev/zero` says 0) cannot grow memory.
//!
//! Where a path comes from a scanned file, it must also stay inside the scan roots: that check
//! is [`crate::source::Context::open_inside`], built on this module.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
    /// A FIFO, a socket, a device or a directory where a file was expected.
    #[error("not a regular file ({0}): not read")]
    NotRegular(&'static str),
    /// Larger than the limit: `size` is what the file system said, or `None` when the file held
    /// more than it said.
    #[error("{}", too_large(*.size, *.limit))]
    TooLarge { size: Option<u64>, limit: u64 },
    /// The path resolves (after following symbolic links) outside every scan root.
    #[error("it resolves to {}, outside the scanned tree: not read", .0.display())]
    Outside(PathBuf),
}

impl ReadError {
    /// The reason alone, for messages that already say "cannot read FILE".
    pub fn reason(&self) -> String {
        match self {
            ReadError::Io(e) => e.to_string(),
            other => other.to_string(),
        }
    }
}

/// Limits for the user's own inputs (generous: they are not strangers' files, but a typo
/// naming a device or a FIFO must not hang or exhaust the machine).
pub const MAX_SETTINGS_SIZE: u64 = 4 * 1024 * 1024;
/// A JSON report read back (`--previous`, `vigie merge`).
pub const MAX_REPORT_SIZE: u64 = 256 * 1024 * 1024;
/// One `.rego` file of a `--policy` directory.
pub const MAX_POLICY_SIZE: u64 = 4 * 1024 * 1024;
/// `known_hosts`.
pub const MAX_KNOWN_HOSTS_SIZE: u64 = 16 * 1024 * 1024;

fn too_large(size: Option<u64>, limit: u64) -> String {
    let mib = |n: u64| n as f64 / (1024.0 * 1024.0);
    match size {
        Some(s) => format!(
            "file is {:.1} MiB, larger than the {:.0} MiB limit; not read",
            mib(s),
            mib(limit)
        ),
        None => format!(
            "file holds more than the {:.0} MiB limit; not read",
            mib(limit)
        ),
    }
}

/// What a non-regular file is, for messages.
pub fn file_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Open `path` for reading without blocking, and keep the handle only if it is a regular file.
/// With `nofollow`, a symbolic link as the last component is refused (for paths that were
/// canonicalized just before, so that a link swapped in meanwhile is not followed).
pub fn open_regular(path: &Path, nofollow: bool) -> Result<File, ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if nofollow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        // ENXIO: a socket, or a FIFO no writer holds open for a write-only open.
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
            return Err(ReadError::NotRegular("a socket"))
        }
        // ELOOP with O_NOFOLLOW: the last component became a symbolic link.
        Err(e) if nofollow && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(ReadError::NotRegular("a symbolic link"))
        }
        Err(e) => return Err(e.into()),
    };
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(file_kind(meta.file_type())));
    }
    Ok(file)
}

/// Read at most `limit` bytes of an opened regular file: more is [`ReadError::TooLarge`],
/// whatever its metadata said.
pub fn read_file(mut file: File, limit: u64) -> Result<Vec<u8>, ReadError> {
    let said = file.metadata()?.len();
    if said > limit {
        return Err(ReadError::TooLarge {
            size: Some(said),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(said).unwrap_or(0));
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// Read a regular file of at most `limit` bytes (the user's own inputs: settings, inventory,
/// reports, policies).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_file(open_regular(path, false)?, limit)
}

/// [`read_limited`] as UTF-8 text.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes)
        .map_err(|e| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, e.utf8_error())))
}

/// The first `limit` bytes of a regular file (content sniffing, grouping files into units):
/// `None` for anything that is not a regular file or cannot be read.
pub fn read_head(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let file = open_regular(path, false).ok()?;
    let mut head = Vec::new();
    file.take(limit).read_to_end(&mut head).ok()?;
    Some(head)
}

/// The path the kernel has for an opened file (Linux `/proc/self/fd`), to check where a handle
/// really points after it was opened; `None` where that is not available.
pub fn handle_path(file: &File) -> Option<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "hello").unwrap();
        assert_eq!(read_limited(&p, 5).unwrap(), b"hello");
        assert!(matches!(
            read_limited(&p, 4),
            Err(ReadError::TooLarge { size: Some(5), .. })
        ));
        assert_eq!(read_head(&p, 2).unwrap(), b"he");
    }

    #[test]
    fn devices_directories_and_fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_limited(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(
            matches!(e, ReadError::NotRegular("a character device")),
            "{e}"
        );
        let e = read_limited(dir.path(), 10).unwrap_err();
        assert!(matches!(e, ReadError::NotRegular("a directory")), "{e}");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = read_limited(&fifo, 10).unwrap_err();
            assert_eq!(e.to_string(), "not a regular file (a FIFO): not read");
            assert!(read_head(&fifo, 10).is_none());
        }
    }

    #[test]
    fn nofollow_refuses_a_final_symbolic_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t");
        std::fs::write(&target, "x").unwrap();
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(open_regular(&link, false).is_ok());
        assert!(matches!(
            open_regular(&link, true),
            Err(ReadError::NotRegular("a symbolic link"))
        ));
    }
}
