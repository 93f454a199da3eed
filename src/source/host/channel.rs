//! Reading what a command prints on an SSH exec channel, bounded in time and in size.
//!
//! Both streams are drained together, the session non-blocking: libssh2 keeps the data of a
//! stream nobody reads in memory and widens the window whenever the other is read, so reading
//! standard output to its end before standard error would let a host fill vigie's memory
//! through standard error. Whatever the host prints, at most `limit` bytes (and one read
//! buffer) are held, and a host printing more is given up on.

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

use ssh2::{Channel, Session};

/// Why a command's output was not read to its end.
#[derive(Debug)]
pub enum ReadError {
    /// The deadline passed first.
    TimedOut,
    /// The command printed more than the limit (standard output and error together).
    TooLarge {
        limit: usize,
    },
    Io(std::io::Error),
}

/// What one command printed.
#[derive(Debug, Default)]
pub struct Printed {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Read `channel`'s standard output and error until the command closes them, the deadline
/// passes or more than `limit` bytes came. The session is left blocking or not, as it was.
pub fn read_bounded(
    session: &Session,
    channel: &mut Channel,
    deadline: Instant,
    limit: usize,
) -> Result<Printed, ReadError> {
    let was_blocking = session.is_blocking();
    session.set_blocking(false);
    let result = drain(channel, deadline, limit);
    session.set_blocking(was_blocking);
    result
}

fn drain(channel: &mut Channel, deadline: Instant, limit: usize) -> Result<Printed, ReadError> {
    let mut printed = Printed::default();
    let mut buf = vec![0u8; 32 * 1024];
    let mut idle = Duration::from_micros(50);
    loop {
        if Instant::now() >= deadline {
            return Err(ReadError::TimedOut);
        }
        let mut moved = false;
        let mut ended = [false; 2];
        for (stream, ended) in ended.iter_mut().enumerate() {
            let read = if stream == 0 {
                channel.read(&mut buf)
            } else {
                channel.stderr().read(&mut buf)
            };
            match read {
                Ok(0) => *ended = channel.eof(),
                Ok(n) => {
                    let sink = if stream == 0 {
                        &mut printed.stdout
                    } else {
                        &mut printed.stderr
                    };
                    sink.extend_from_slice(buf.get(..n).unwrap_or_default());
                    moved = true;
                    if printed.stdout.len() + printed.stderr.len() > limit {
                        return Err(ReadError::TooLarge { limit });
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
        if ended == [true, true] {
            return Ok(printed);
        }
        if moved {
            idle = Duration::from_micros(50);
        } else {
            std::thread::sleep(idle);
            idle = (idle * 2).min(Duration::from_millis(5));
        }
    }
}

/// `bytes` for a message: `16 MiB`, `64 KiB`, `1000 bytes`.
pub fn size_text(bytes: usize) -> String {
    const UNITS: [(usize, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (scale, unit) in UNITS {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{} {unit}", bytes / scale);
        }
    }
    format!("{bytes} bytes")
}

/// The message of a host that printed too much.
pub fn too_large(what: &str, limit: usize) -> String {
    format!(
        "{what} printed more than {} (the limit set by `[audit] max_output`); the rest was not read",
        size_text(limit)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size_text(16 << 20), "16 MiB");
        assert_eq!(size_text(64 << 10), "64 KiB");
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(1500), "1500 bytes");
        assert!(too_large("the facts command", 1 << 20).contains("1 MiB"));
    }
}
