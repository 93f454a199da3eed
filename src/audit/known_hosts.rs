//! OpenSSH's `known_hosts`: plain and hashed (`|1|salt|hash`) host patterns, `[host]:port`
//! entries, wildcards and negations, and the `@revoked` / `@cert-authority` markers.
//!
//! The file is read once per run; every host is checked against the same parsed entries.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    None,
    Revoked,
    CertAuthority,
}

#[derive(Debug, Clone)]
enum Pattern {
    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, host))`.
    Hashed {
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    Plain {
        glob: String,
        negated: bool,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    marker: Marker,
    patterns: Vec<Pattern>,
    key_type: String,
    key: Vec<u8>,
}

/// What the known hosts say of the key a host presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The key is known for this host.
    Known,
    /// The host has known keys, and this is not one of them.
    Changed,
    /// The key is marked `@revoked`.
    Revoked,
    /// Nothing is known of this host.
    Unknown,
}

#[derive(Debug, Clone, Default)]
pub struct KnownHosts {
    entries: Vec<Entry>,
}

impl KnownHosts {
    /// Read `path`; a missing file knows no host (every key is then unknown).
    pub fn load(path: &Path) -> std::io::Result<Self> {
        match crate::fsio::read_text(path, crate::fsio::MAX_KNOWN_HOSTS_SIZE) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(crate::fsio::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Self::default())
            }
            Err(crate::fsio::ReadError::Io(e)) => Err(e),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }

    /// Lines that cannot be read are skipped, as OpenSSH does.
    pub fn parse(text: &str) -> Self {
        let entries = text.lines().filter_map(parse_line).collect();
        Self { entries }
    }

    fn matching(&self, address: &str, port: u16) -> impl Iterator<Item = &Entry> {
        let host = host_string(address, port);
        self.entries
            .iter()
            .filter(move |e| e.marker != Marker::CertAuthority && matches(&e.patterns, &host))
    }

    /// The key types known for this host, in file order, without duplicates (revoked keys
    /// left out): the host-key algorithms to offer.
    pub fn key_types(&self, address: &str, port: u16) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self.matching(address, port) {
            if e.marker == Marker::None && !out.contains(&e.key_type) {
                out.push(e.key_type.clone());
            }
        }
        out
    }

    /// Check the key blob a host presented.
    pub fn check(&self, address: &str, port: u16, key: &[u8]) -> Verdict {
        let revoked = self
            .entries
            .iter()
            .any(|e| e.marker == Marker::Revoked && e.key == key);
        if revoked {
            return Verdict::Revoked;
        }
        let mut any = false;
        for e in self.matching(address, port) {
            if e.marker != Marker::None {
                continue;
            }
            any = true;
            if e.key == key {
                return Verdict::Known;
            }
        }
        if any {
            Verdict::Changed
        } else {
            Verdict::Unknown
        }
    }
}

/// How OpenSSH names a host in `known_hosts`: the address for port 22, else `[address]:port`.
pub fn host_string(address: &str, port: u16) -> String {
    if port == 22 {
        address.to_string()
    } else {
        format!("[{address}]:{port}")
    }
}

/// The host-key algorithms (libssh2 method names) that can present a key of `key_type`.
pub fn algorithms(key_type: &str) -> &'static [&'static str] {
    match key_type {
        "ssh-ed25519" => &["ssh-ed25519"],
        "ecdsa-sha2-nistp256" => &["ecdsa-sha2-nistp256"],
        "ecdsa-sha2-nistp384" => &["ecdsa-sha2-nistp384"],
        "ecdsa-sha2-nistp521" => &["ecdsa-sha2-nistp521"],
        "ssh-rsa" => &["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
        "ssh-dss" => &["ssh-dss"],
        _ => &[],
    }
}

/// The type name inside a key blob (its first SSH string), e.g. `ssh-ed25519`.
pub fn blob_type(key: &[u8]) -> Option<&str> {
    let len = u32::from_be_bytes(key.get(..4)?.try_into().ok()?) as usize;
    std::str::from_utf8(key.get(4..4 + len)?).ok()
}

/// OpenSSH's fingerprint of a key blob: `SHA256:` and the unpadded base64 digest.
pub fn fingerprint(key: &[u8]) -> String {
    let digest = Sha256::digest(key);
    let b64 = B64.encode(digest);
    format!("SHA256:{}", b64.trim_end_matches('='))
}

/// A `known_hosts` line for this host and key (what `--insecure-accept-unknown-host-keys`
/// tells the user to check and add).
pub fn line(address: &str, port: u16, key: &[u8]) -> String {
    format!(
        "{} {} {}",
        host_string(address, port),
        blob_type(key).unwrap_or("unknown"),
        B64.encode(key)
    )
}

fn parse_line(line: &str) -> Option<Entry> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut fields = line.split_whitespace();
    let mut first = fields.next()?;
    let marker = match first {
        "@revoked" => Marker::Revoked,
        "@cert-authority" => Marker::CertAuthority,
        m if m.starts_with('@') => return None,
        _ => Marker::None,
    };
    if marker != Marker::None {
        first = fields.next()?;
    }
    let key_type = fields.next()?.to_string();
    let key = B64.decode(fields.next()?).ok()?;
    let patterns = first.split(',').filter_map(parse_pattern).collect();
    Some(Entry {
        marker,
        patterns,
        key_type,
        key,
    })
}

fn parse_pattern(p: &str) -> Option<Pattern> {
    if let Some(rest) = p.strip_prefix("|1|") {
        let (salt, hash) = rest.split_once('|')?;
        return Some(Pattern::Hashed {
            salt: B64.decode(salt).ok()?,
            hash: B64.decode(hash).ok()?,
        });
    }
    if p.is_empty() {
        return None;
    }
    Some(match p.strip_prefix('!') {
        Some(g) => Pattern::Plain {
            glob: g.to_ascii_lowercase(),
            negated: true,
        },
        None => Pattern::Plain {
            glob: p.to_ascii_lowercase(),
            negated: false,
        },
    })
}

/// A host matches when one pattern matches it and no negated pattern does.
fn matches(patterns: &[Pattern], host: &str) -> bool {
    let host_lc = host.to_ascii_lowercase();
    let mut hit = false;
    for p in patterns {
        match p {
            Pattern::Hashed { salt, hash } => {
                let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(salt) else {
                    continue;
                };
                mac.update(host.as_bytes());
                if mac.verify_slice(hash).is_ok() {
                    hit = true;
                }
            }
            Pattern::Plain { glob, negated } => {
                if wildcard(glob.as_bytes(), host_lc.as_bytes()) {
                    if *negated {
                        return false;
                    }
                    hit = true;
                }
            }
        }
    }
    hit
}

/// `*` and `?` wildcards, as in OpenSSH's `match_pattern`.
fn wildcard(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while i < s.len() {
        match pat.get(p) {
            Some(b'*') => {
                star = Some(p);
                mark = i;
                p += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == s.get(i) => {
                p += 1;
                i += 1;
            }
            _ => match star {
                Some(sp) => {
                    p = sp + 1;
                    mark += 1;
                    i = mark;
                }
                None => return false,
            },
        }
    }
    pat.get(p..).unwrap_or(&[]).iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut v = (kind.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind.as_bytes());
        v.extend_from_slice(body);
        v
    }

    fn hashed(host: &str, salt: &[u8]) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(salt).unwrap();
        mac.update(host.as_bytes());
        format!(
            "|1|{}|{}",
            B64.encode(salt),
            B64.encode(mac.finalize().into_bytes())
        )
    }

    #[test]
    fn plain_hashed_and_port_entries() {
        let a = blob("ssh-ed25519", b"a");
        let b = blob("ssh-ed25519", b"b");
        let r = blob("ssh-rsa", b"r");
        let text = format!(
            "# comment\n10.0.0.1,web1 ssh-ed25519 {}\n{} ssh-rsa {}\n[10.0.0.3]:2222 ssh-ed25519 {}\ngarbage\n",
            B64.encode(&a),
            hashed("[10.0.0.2]:2200", b"0123456789abcdefghij"),
            B64.encode(&r),
            B64.encode(&b),
        );
        let kh = KnownHosts::parse(&text);
        assert_eq!(kh.check("10.0.0.1", 22, &a), Verdict::Known);
        assert_eq!(kh.check("10.0.0.1", 22, &b), Verdict::Changed);
        assert_eq!(kh.check("10.0.0.1", 2222, &a), Verdict::Unknown);
        assert_eq!(kh.check("10.0.0.2", 2200, &r), Verdict::Known);
        assert_eq!(kh.check("10.0.0.2", 22, &r), Verdict::Unknown);
        assert_eq!(kh.check("10.0.0.3", 2222, &b), Verdict::Known);
        assert_eq!(kh.key_types("10.0.0.2", 2200), vec!["ssh-rsa".to_string()]);
        assert_eq!(kh.key_types("10.9.9.9", 22), Vec::<String>::new());
    }

    #[test]
    fn markers_wildcards_and_negation() {
        let a = blob("ssh-ed25519", b"a");
        let ca = blob("ssh-ed25519", b"ca");
        let text = format!(
            "*.lan,!bad.lan ssh-ed25519 {k}\n@revoked * ssh-ed25519 {k}\n@cert-authority * ssh-ed25519 {c}\n",
            k = B64.encode(&a),
            c = B64.encode(&ca),
        );
        let kh = KnownHosts::parse(&text);
        assert_eq!(kh.check("web.lan", 22, &a), Verdict::Revoked);
        assert_eq!(kh.check("bad.lan", 22, &ca), Verdict::Unknown);
        assert_eq!(kh.key_types("web.lan", 22), vec!["ssh-ed25519".to_string()]);
        assert!(wildcard(b"10.0.*.?", b"10.0.12.3"));
        assert!(!wildcard(b"10.0.*.?", b"10.0.12.34"));
    }

    #[test]
    fn blob_helpers() {
        let a = blob("ssh-ed25519", b"a");
        assert_eq!(blob_type(&a), Some("ssh-ed25519"));
        assert!(fingerprint(&a).starts_with("SHA256:"));
        assert!(line("::1", 2222, &a).starts_with("[::1]:2222 ssh-ed25519 "));
        assert_eq!(algorithms("ssh-rsa").len(), 3);
    }
}
