//! The one read-only `sh` script that gathers a host's facts over a single exec channel.
//!
//! Its output (the *transcript*) is framed by marker lines that carry a random token chosen for
//! this run, so nothing a command prints can pass for a marker:
//!
//! ```text
//! vigie-facts 1 TOKEN
//!
//! TOKEN out sshd -T
//! port 22
//! ...
//! TOKEN err sshd -T
//! TOKEN exit 0 sshd -T
//!
//! TOKEN missing ufw status verbose
//! TOKEN end
//! ```
//!
//! Every marker line is preceded by a newline the script adds, so a section's text is exactly
//! the command's output (with or without its final newline): everything between the line after
//! `TOKEN out FACT` and the newline before the next marker.

use std::fmt::Write as _;

use super::{BackupSpec, HostSpec};

/// The transcript format's version, on its first line.
pub const FORMAT: &str = "vigie-facts 1";

/// Fact names: the virtual file `ssh://<host>/<fact>` holding each output.
pub mod fact {
    pub const UID: &str = "id -u";
    pub const HOSTNAME: &str = "hostname";
    pub const DATE: &str = "date +%s %z";
    pub const SUDO: &str = "sudo -n true";
    pub const SSHD: &str = "sshd -T";
    pub const UFW: &str = "ufw status verbose";
    pub const NFT: &str = "nft -j list ruleset";
    pub const IPTABLES: &str = "iptables-save";
    pub const IP6TABLES: &str = "ip6tables-save";
    pub const SS: &str = "ss -tlnupH";
    pub const OS_RELEASE: &str = "etc/os-release";
    pub const APT_PERIODIC: &str = "apt-config dump APT::Periodic";
    pub const UNATTENDED_PACKAGE: &str = "dpkg-query -W unattended-upgrades";
    pub const RESTIC: &str = "restic snapshots --json";
    pub const BORG: &str = "borg list --json";
    pub const MARKER: &str = "stat -c %Y";
}

/// `value` as one single-quoted `sh` word: nothing inside is expanded.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A fresh token for one run: 128 bits from the OS, hex-encoded.
pub fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if from_os.is_err() {
        // No /dev/urandom (not Unix): std's randomly keyed hasher, fed the time.
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default(),
            );
            for (b, v) in chunk.iter_mut().zip(h.finish().to_le_bytes()) {
                *b = v;
            }
        }
    }
    bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The fact-gathering script for `spec`, with a fresh token.
pub fn script(spec: &HostSpec) -> String {
    script_with_token(spec, &new_token())
}

/// The script with a given token (tests, and callers that want to choose it).
pub fn script_with_token(spec: &HostSpec, token: &str) -> String {
    let mut s = String::with_capacity(4096);
    s.push_str(PRELUDE.trim_start());
    let _ = writeln!(s, "T={}", quote(token));
    s.push_str(FUNCTIONS);
    let q = quote;
    let f = |s: &mut String, name: &str, root: bool, needs: &str, cmd: &str| {
        let _ = writeln!(
            s,
            "fact {} {} {} {cmd}",
            q(name),
            if root { "root" } else { "user" },
            q(needs)
        );
    };
    use fact::*;
    f(&mut s, UID, false, "id", "id -u");
    f(&mut s, HOSTNAME, false, "hostname", "hostname");
    f(&mut s, DATE, false, "date", "date '+%s %z'");
    f(&mut s, SUDO, false, "sudo", "sudo -n true");
    f(&mut s, SSHD, true, "sshd", "sshd -T");
    f(&mut s, UFW, true, "ufw", "ufw status verbose");
    f(&mut s, NFT, true, "nft", "nft -j list ruleset");
    f(&mut s, IPTABLES, true, "iptables-save", "iptables-save");
    f(&mut s, IP6TABLES, true, "ip6tables-save", "ip6tables-save");
    f(&mut s, SS, true, "ss", "ss -tlnupH");
    f(
        &mut s,
        OS_RELEASE,
        false,
        "cat",
        "sh -c 'if [ -r /etc/os-release ]; then cat /etc/os-release; else cat /usr/lib/os-release; fi'",
    );
    f(
        &mut s,
        APT_PERIODIC,
        false,
        "apt-config",
        "apt-config dump APT::Periodic",
    );
    f(
        &mut s,
        UNATTENDED_PACKAGE,
        false,
        "dpkg-query",
        "dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\\n' unattended-upgrades",
    );
    match &spec.backup {
        Some(BackupSpec::Restic {
            repository,
            password_file,
        }) => f(
            &mut s,
            RESTIC,
            true,
            "restic",
            &format!(
                "restic --no-lock --no-cache -r {} --password-file {} snapshots --json",
                q(repository),
                q(password_file)
            ),
        ),
        Some(BackupSpec::Borg {
            repository,
            passphrase_file,
        }) => {
            let pass = match passphrase_file {
                // borg splits BORG_PASSCOMMAND as a shell would: the path is quoted inside.
                Some(p) => format!("BORG_PASSCOMMAND={} ", q(&format!("cat -- {}", q(p)))),
                None => String::new(),
            };
            f(
                &mut s,
                BORG,
                true,
                "borg",
                &format!(
                    "env {pass}sh -c {} sh {}",
                    q(BORG_LIST.trim()),
                    q(repository)
                ),
            );
        }
        Some(BackupSpec::Marker { path }) => {
            f(
                &mut s,
                MARKER,
                true,
                "stat",
                &format!("stat -c %Y -- {}", q(path)),
            );
        }
        None => {}
    }
    s.push_str("printf '\\n%s end\\n' \"$T\"\n");
    s
}

/// `borg list --json` of the repository `$1`, leaving nothing on the host: borg writes a cache
/// and a security directory (and creates its config directory) even to list, so all of them
/// point into a directory made for this run and removed when it ends, however it ends. Keys of
/// `keyfile` repositories are read from the user's own keys directory when there is one. With
/// no memory of earlier runs every repository is one borg has not seen: an unencrypted one is
/// listed all the same (listing writes nothing a swapped repository could read), and none can
/// have been relocated. `--bypass-lock`: no lock is written into the repository either.
const BORG_LIST: &str = r#"
d=$(mktemp -d) || exit 125
trap 'rm -rf -- "$d"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
k=${XDG_CONFIG_HOME:-$HOME/.config}/borg/keys
[ -d "$k" ] || k=$d/keys
BORG_BASE_DIR=$d BORG_CONFIG_DIR=$d/config BORG_CACHE_DIR=$d/cache BORG_SECURITY_DIR=$d/security
BORG_KEYS_DIR=$k BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=no
export BORG_BASE_DIR BORG_CONFIG_DIR BORG_CACHE_DIR BORG_SECURITY_DIR BORG_KEYS_DIR
export BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK BORG_RELOCATED_REPO_ACCESS_IS_OK
borg list --json --bypass-lock -- "$1"
"#;

const PRELUDE: &str = r#"
# vigie: gather facts, read-only. Each command's output, error output and exit status is printed
# between marker lines that carry this run's token.
export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH
exec 3>&1 </dev/null
"#;

const FUNCTIONS: &str = r#"printf 'vigie-facts 1 %s\n' "$T"
uid=$(id -u 2>/dev/null)
sudo=
if [ "$uid" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  sudo='sudo -n'
fi
# fact NAME root|user NEEDS COMMAND...: run COMMAND (through sudo -n for root facts when not
# root and sudo allows it), or say that NEEDS is not installed.
fact() {
  name=$1 as=$2 needs=$3
  shift 3
  if ! command -v "$needs" >/dev/null 2>&1; then
    printf '\n%s missing %s\n' "$T" "$name"
    return 0
  fi
  printf '\n%s out %s\n' "$T" "$name"
  if [ "$as" = root ] && [ -n "$sudo" ]; then
    err=$( { $sudo "$@" 3>&-; } 2>&1 1>&3 )
  else
    err=$( { "$@" 3>&-; } 2>&1 1>&3 )
  fi
  st=$?
  printf '\n%s err %s\n%s' "$T" "$name" "$err"
  printf '\n%s exit %s %s\n' "$T" "$st" "$name"
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_survives_every_shell_character() {
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
    }

    fn spec(backup: BackupSpec) -> HostSpec {
        HostSpec {
            name: "h".into(),
            address: "h".into(),
            port: 22,
            user: "u".into(),
            identity: None,
            tags: Vec::new(),
            jump: None,
            backup: Some(backup),
        }
    }

    #[test]
    fn configured_values_cannot_inject_commands() {
        let dir = tempfile::tempdir().unwrap();
        let pwned = dir.path().join("pwned");
        let p = pwned.display();
        let evil = [
            format!("'; touch {p}; echo '"),
            format!("$(touch {p})"),
            format!("`touch {p}`"),
            format!("x\ntouch {p}\n"),
            format!("\"; touch {p}; \""),
            format!("--; touch {p}"),
        ];
        for value in &evil {
            for backup in [
                BackupSpec::Marker {
                    path: value.clone(),
                },
                BackupSpec::Restic {
                    repository: value.clone(),
                    password_file: value.clone(),
                },
                BackupSpec::Borg {
                    repository: value.clone(),
                    passphrase_file: Some(value.clone()),
                },
            ] {
                let script = script(&spec(backup));
                let out = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(&script)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                assert!(!pwned.exists(), "injected through {value:?}");
                let text = String::from_utf8_lossy(&out.stdout);
                let t = super::super::transcript::parse(&text).unwrap();
                assert!(t.complete);
            }
        }
        // The marker's path reaches stat as one word.
        let script = script(&spec(BackupSpec::Marker {
            path: evil[0].clone(),
        }));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        let t = super::super::transcript::parse(&String::from_utf8_lossy(&out.stdout)).unwrap();
        let marker = t.get(fact::MARKER).unwrap();
        assert_eq!(marker.status, Some(1));
        assert!(marker.stderr.contains(&evil[0]), "{}", marker.stderr);
    }

    #[test]
    fn token_is_fresh_hex() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
