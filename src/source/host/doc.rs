//! A transcript as a `host` document: one virtual file per fact (`ssh://<host>/<fact>`) holding
//! exactly that command's output, and every fact node's span in it.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::parse::{self, Spans};
use super::script::fact;
use super::transcript::{self, Section};
use super::HostSpec;
use crate::document::{Document, Kind, Span};
use crate::problem::{Level, Problem};
use crate::source::Loaded;
use crate::text::{SourceFile, TextRange};

/// The virtual file name of a host's fact.
pub fn fact_uri(host: &str, fact: &str) -> String {
    format!("ssh://{host}/{fact}")
}

struct Builder<'a> {
    spec: &'a HostSpec,
    doc_spans: Vec<(Vec<String>, Span)>,
    problems: Vec<Problem>,
    facts: Map<String, Value>,
    unread: Map<String, Value>,
    missing: Vec<Value>,
}

fn first_line(text: &str) -> TextRange {
    let end = text.find('\n').unwrap_or(text.len());
    TextRange::new(0, u32::try_from(end).unwrap_or(u32::MAX))
}

fn path(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_string()).collect()
}

impl Builder<'_> {
    fn file(&self, section: &Section) -> Arc<SourceFile> {
        let uri = fact_uri(&self.spec.name, &section.name);
        SourceFile::new(
            PathBuf::from(&uri),
            uri,
            section.output.clone().unwrap_or_default(),
        )
    }

    fn warn(&mut self, file: &Arc<SourceFile>, message: String) {
        self.problems.push(Problem::at(
            Level::Warning,
            Span::new(file.clone(), TextRange::empty(0)),
            message,
        ));
    }

    /// The section's output when the command ran and succeeded; else notes why not.
    fn output<'s>(&mut self, section: &'s Section) -> Option<(&'s str, Arc<SourceFile>)> {
        let file = self.file(section);
        if section.missing() {
            self.missing.push(section.name.clone().into());
            return None;
        }
        if !section.succeeded() {
            let why = failure(section);
            self.warn(
                &file,
                format!(
                    "{}: `{}` could not be read: {why}",
                    self.spec.name, section.name
                ),
            );
            self.unread.insert(section.name.clone(), why.into());
            return None;
        }
        section.output.as_deref().map(|o| (o, file))
    }

    /// Put a parsed fact at `at` (under the input's root), with its spans.
    fn put(&mut self, at: &[&str], file: &Arc<SourceFile>, value: Value, spans: Spans) {
        let base = path(at);
        self.doc_spans.push((
            base.clone(),
            Span::new(file.clone(), first_line(&file.text)),
        ));
        for (rel, range) in spans {
            let mut full = base.clone();
            full.extend(rel);
            self.doc_spans.push((full, Span::new(file.clone(), range)));
        }
        insert_at(&mut self.facts, at.get(1..).unwrap_or_default(), value);
    }

    fn parsed(
        &mut self,
        section: &Section,
        at: &[&str],
        parse: impl FnOnce(&str) -> parse::Parsed,
    ) {
        let Some((text, file)) = self.output(section) else {
            return;
        };
        match parse(text) {
            Ok((value, spans)) => self.put(at, &file, value, spans),
            Err(e) => {
                self.warn(
                    &file,
                    format!(
                        "{}: cannot read the output of `{}`: {e}",
                        self.spec.name, section.name
                    ),
                );
                self.unread.insert(section.name.clone(), e.into());
            }
        }
    }
}

/// Why a command failed, from its error output and status.
fn failure(section: &Section) -> String {
    let status = section
        .status
        .map_or_else(|| "failed".to_string(), |s| format!("exit status {s}"));
    let err = section.stderr.lines().rev().find(|l| !l.trim().is_empty());
    match err {
        Some(e) => format!("{} ({status})", e.trim()),
        None => status,
    }
}

/// Set `value` at `at` in `m`, creating objects on the way.
fn insert_at(m: &mut Map<String, Value>, at: &[&str], value: Value) {
    match at {
        [] => {}
        [last] => {
            m.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = m
                .entry((*first).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// The host document of `spec` from the script's `transcript`, findings pointing into virtual
/// files `ssh://<host>/<fact>`.
pub fn document(spec: &HostSpec, transcript: &str) -> Loaded {
    let uri = format!("ssh://{}", spec.name);
    let main = SourceFile::new(PathBuf::from(&uri), uri, transcript.to_string());
    build(spec, main, transcript)
}

/// The host document, `main` being the file a finding without a fact's span points at (the
/// transcript itself, or the recorded `.facts` file), `transcript` its transcript part.
pub fn build(spec: &HostSpec, main: Arc<SourceFile>, transcript: &str) -> Loaded {
    let mut loaded = Loaded::default();
    let t = match transcript::parse(transcript) {
        Ok(t) => t,
        Err(e) => {
            loaded
                .problems
                .push(Problem::error(&main.display, format!("{}: {e}", spec.name)));
            return loaded;
        }
    };
    let mut b = Builder {
        spec,
        doc_spans: Vec::new(),
        problems: Vec::new(),
        facts: Map::new(),
        unread: Map::new(),
        missing: Vec::new(),
    };
    if !t.complete {
        b.problems.push(Problem::at(
            Level::Warning,
            Span::new(main.clone(), TextRange::empty(0)),
            format!(
                "{}: the fact script's output ends early; the facts after the cut are missing",
                spec.name
            ),
        ));
    }
    let mut offset = 0;
    for section in &t.sections {
        match section.name.as_str() {
            fact::UID => b.parsed(section, &["facts", "uid"], |t| {
                let (range, line) = parse::lines(t).next().ok_or("empty")?;
                let uid: u64 = line.trim().parse().map_err(|_| format!("{line:?}"))?;
                Ok((uid.into(), vec![(Vec::new(), range)]))
            }),
            fact::HOSTNAME => b.parsed(section, &["facts", "hostname"], |t| {
                Ok((t.trim().into(), Vec::new()))
            }),
            fact::SUDO => {
                if section.missing() {
                    b.missing.push(section.name.clone().into());
                } else {
                    let file = b.file(section);
                    b.put(
                        &["facts", "sudo"],
                        &file,
                        section.succeeded().into(),
                        Vec::new(),
                    );
                }
            }
            fact::DATE => {
                let Some((text, file)) = b.output(section) else {
                    continue;
                };
                match parse::date(text) {
                    Ok((now, off, range)) => {
                        offset = off;
                        b.put(&["facts", "now_unix"], &file, now.into(), Vec::new());
                        b.doc_spans
                            .push((path(&["facts", "now_unix"]), Span::new(file.clone(), range)));
                        b.put(&["facts", "utc_offset"], &file, off.into(), Vec::new());
                    }
                    Err(e) => {
                        b.warn(
                            &file,
                            format!(
                                "{}: cannot read the output of `{}`: {e}",
                                spec.name, section.name
                            ),
                        );
                        b.unread.insert(section.name.clone(), e.into());
                    }
                }
            }
            fact::SSHD => b.parsed(section, &["facts", "sshd"], parse::sshd),
            fact::UFW => b.parsed(section, &["facts", "firewall", "ufw"], parse::ufw),
            fact::NFT => b.parsed(section, &["facts", "firewall", "nft"], parse::nft),
            fact::IPTABLES => b.parsed(section, &["facts", "firewall", "iptables"], |t| {
                parse::iptables(t, "ip")
            }),
            fact::IP6TABLES => b.parsed(section, &["facts", "firewall", "ip6tables"], |t| {
                parse::iptables(t, "ip6")
            }),
            fact::SS => b.parsed(section, &["facts", "listening"], parse::ss),
            fact::OS_RELEASE => b.parsed(section, &["facts", "os"], parse::os_release),
            fact::APT_PERIODIC => {
                b.parsed(
                    section,
                    &["facts", "upgrades", "periodic"],
                    parse::apt_periodic,
                );
            }
            fact::UNATTENDED_PACKAGE => {
                // Exit status 1 and "no packages found": not installed, not a failure.
                if section.status == Some(1) && !section.missing() {
                    let file = b.file(section);
                    b.put(
                        &["facts", "upgrades", "package"],
                        &file,
                        json!({"installed": false, "status": null, "version": null}),
                        Vec::new(),
                    );
                } else {
                    b.parsed(
                        section,
                        &["facts", "upgrades", "package"],
                        parse::dpkg_package,
                    );
                }
            }
            name @ (fact::RESTIC | fact::BORG | fact::MARKER) => {
                let tool = match name {
                    fact::RESTIC => "restic",
                    fact::BORG => "borg",
                    _ => "marker",
                };
                backup(&mut b, section, tool, offset);
            }
            _ => {}
        }
    }
    // What is missing points at its marker line in the transcript.
    let marker_span = |section: &Section| {
        let (a, z) = section.marker;
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span::new(main.clone(), TextRange::new(at(a), at(z)))
    };
    for section in &t.sections {
        let key = match section.name.as_str() {
            fact::SSHD => Some(path(&["facts", "sshd"])),
            fact::UFW => Some(path(&["facts", "firewall", "ufw"])),
            fact::SS => Some(path(&["facts", "listening"])),
            fact::OS_RELEASE => Some(path(&["facts", "os"])),
            fact::RESTIC | fact::BORG | fact::MARKER => Some(path(&["facts", "backup"])),
            _ => None,
        };
        if let Some(key) = key.filter(|_| section.missing()) {
            b.doc_spans.push((key, marker_span(section)));
        }
    }
    if let Some(first) = t.sections.iter().find(|s| {
        [fact::UFW, fact::NFT, fact::IPTABLES, fact::IP6TABLES].contains(&s.name.as_str())
    }) {
        b.doc_spans
            .insert(0, (path(&["facts", "firewall"]), marker_span(first)));
    }
    if !b.unread.is_empty() {
        b.facts
            .insert("unread".into(), Value::Object(b.unread.clone()));
    }
    b.facts
        .insert("missing".into(), Value::Array(b.missing.clone()));
    // Firewall facts gathered, even if no firewall tool is installed: `firewall` is there.
    if t.sections
        .iter()
        .any(|s| [fact::UFW, fact::NFT, fact::IPTABLES, fact::IP6TABLES].contains(&s.name.as_str()))
    {
        b.facts
            .entry("firewall")
            .or_insert_with(|| Value::Object(Map::new()));
    }

    let mut input = Map::new();
    input.insert(
        "host".into(),
        json!({
            "name": spec.name,
            "address": spec.address,
            "port": spec.port,
            "user": spec.user,
            "tags": spec.tags,
        }),
    );
    input.insert("facts".into(), Value::Object(b.facts));
    let mut document = Document::flat(
        Kind::Host,
        format!("ssh://{}", spec.name),
        main.clone(),
        input,
    );
    for (p, span) in b.doc_spans {
        document.record_span(&p, span);
    }
    loaded.documents.push(document);
    loaded.problems.extend(b.problems);
    loaded
}

/// Whether a failed backup command says there is no backup (no repository, no marker file), as
/// opposed to not being allowed to look.
fn backup_absent(section: &Section) -> bool {
    let err = section.stderr.to_lowercase();
    let denied = [
        "permission denied",
        "must be root",
        "password is required",
        "operation not permitted",
        "wrong password",
        "passphrase supplied",
        "is incorrect",
    ];
    !denied.iter().any(|d| err.contains(d))
}

/// The backup fact: snapshots found (none when the tool failed or the marker is absent).
fn backup(b: &mut Builder<'_>, section: &Section, tool: &str, offset: i64) {
    let at = ["facts", "backup"];
    let file = b.file(section);
    let empty = |error: String| json!({"tool": tool, "snapshots": [], "error": error});
    if section.missing() {
        b.missing.push(section.name.clone().into());
        let v = empty(format!("{tool} is not installed"));
        b.put(&at, &file, v, Vec::new());
        return;
    }
    if !section.succeeded() {
        let why = failure(section);
        if !backup_absent(section) {
            // Not allowed to look (or a wrong password): the backup may well be there.
            b.warn(
                &file,
                format!(
                    "{}: `{}` could not be read: {why}",
                    b.spec.name, section.name
                ),
            );
            b.unread.insert(section.name.clone(), why.into());
            return;
        }
        let absent_marker = tool == "marker";
        if !absent_marker {
            b.warn(
                &file,
                format!(
                    "{}: `{}` could not be read: {why}",
                    b.spec.name, section.name
                ),
            );
        }
        b.put(&at, &file, empty(why), Vec::new());
        return;
    }
    let text = section.output.as_deref().unwrap_or_default();
    let parsed = match tool {
        "restic" => parse::restic(text),
        "borg" => parse::borg(text, offset),
        _ => parse::marker(text),
    };
    match parsed {
        Ok((v, spans)) => b.put(&at, &file, v, spans),
        Err(e) => {
            b.warn(
                &file,
                format!(
                    "{}: cannot read the output of `{}`: {e}",
                    b.spec.name, section.name
                ),
            );
            b.unread.insert(section.name.clone(), e.clone().into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::host::BackupSpec;

    pub(crate) fn spec() -> HostSpec {
        HostSpec {
            name: "web1".into(),
            address: "203.0.113.10".into(),
            port: 22,
            user: "admin".into(),
            identity: None,
            tags: vec!["web".into()],
            jump: None,
            backup: Some(BackupSpec::Marker {
                path: "/var/backups/ok".into(),
            }),
        }
    }

    /// A transcript as the script prints it.
    pub(crate) fn transcript(sections: &[(&str, Option<&str>, &str, i32)]) -> String {
        let mut t = String::from("vigie-facts 1 k\n");
        for (name, out, err, status) in sections {
            match out {
                Some(o) => t.push_str(&format!(
                    "\nk out {name}\n{o}\nk err {name}\n{err}\nk exit {status} {name}\n"
                )),
                None => t.push_str(&format!("\nk missing {name}\n")),
            }
        }
        t.push_str("\nk end\n");
        t
    }

    fn located(loaded: &Loaded, path: &[&str]) -> (String, String) {
        let doc = &loaded.documents[0];
        let p: Vec<String> = path.iter().map(|s| (*s).to_string()).collect();
        let span = doc.locate(&p);
        let lc = span.file.line_col(span.range.start);
        (
            format!("{}:{}", span.file.display, lc.line),
            span.file.line_text(lc.line).to_string(),
        )
    }

    #[test]
    fn facts_point_into_their_virtual_files() {
        let t = transcript(&[
            ("date +%s %z", Some("1768500000 +0000\n"), "", 0),
            (
                "sshd -T",
                Some("port 22\npasswordauthentication yes\n"),
                "",
                0,
            ),
            ("ufw status verbose", None, "", 0),
            (
                "ss -tlnupH",
                Some("tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=1,fd=3))\n"),
                "",
                0,
            ),
            ("stat -c %Y", Some("1768446000\n"), "", 0),
        ]);
        let loaded = document(&spec(), &t);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let input = loaded.documents[0].input();
        assert_eq!(input["kind"], "host");
        assert_eq!(input["host"]["name"], "web1");
        assert_eq!(input["facts"]["sshd"]["passwordauthentication"], "yes");
        assert_eq!(input["facts"]["now_unix"], 1_768_500_000);
        assert_eq!(input["facts"]["backup"]["newest_unix"], 1_768_446_000);
        assert_eq!(input["facts"]["missing"], json!(["ufw status verbose"]));
        assert_eq!(
            located(&loaded, &["facts", "sshd", "passwordauthentication"]),
            (
                "ssh://web1/sshd -T:2".into(),
                "passwordauthentication yes".into()
            )
        );
        // A missing key points at its fact's first line.
        assert_eq!(
            located(&loaded, &["facts", "sshd", "permitrootlogin"]).0,
            "ssh://web1/sshd -T:1"
        );
        assert_eq!(
            located(&loaded, &["facts", "listening", "0"]).0,
            "ssh://web1/ss -tlnupH:1"
        );
        assert_eq!(
            located(&loaded, &["facts", "backup", "newest_unix"]).0,
            "ssh://web1/stat -c %Y:1"
        );
    }

    #[test]
    fn unreadable_and_unparsable_facts_are_warnings_and_the_rest_works() {
        let t = transcript(&[
            ("sshd -T", Some(""), "sudo: a password is required", 1),
            ("ufw status verbose", Some("garbage\n"), "", 0),
            ("etc/os-release", Some("ID=debian\n"), "", 0),
            (
                "dpkg-query -W unattended-upgrades",
                Some(""),
                "dpkg-query: no packages found matching unattended-upgrades",
                1,
            ),
            (
                "stat -c %Y",
                Some(""),
                "stat: cannot statx '/var/backups/ok': No such file or directory",
                1,
            ),
        ]);
        let loaded = document(&spec(), &t);
        let msgs: Vec<_> = loaded
            .problems
            .iter()
            .map(|p| format!("{} {} {}", p.level.as_str(), p.file, p.message))
            .collect();
        assert_eq!(
            msgs,
            [
                "warning ssh://web1/sshd -T web1: `sshd -T` could not be read: sudo: a password is required (exit status 1)",
                "warning ssh://web1/ufw status verbose web1: cannot read the output of `ufw status verbose`: no `Status:` line",
            ]
        );
        let input = loaded.documents[0].input();
        assert_eq!(input["facts"]["os"]["id"], "debian");
        assert_eq!(input["facts"]["upgrades"]["package"]["installed"], false);
        assert_eq!(input["facts"]["backup"]["snapshots"], json!([]));
        assert!(input["facts"]["unread"]["sshd -T"].is_string());
        assert!(input["facts"].get("sshd").is_none());
    }

    #[test]
    fn cut_transcript_and_no_transcript() {
        let t = transcript(&[("etc/os-release", Some("ID=debian\n"), "", 0)]);
        let cut = t.replace("\nk end\n", "");
        let loaded = document(&spec(), &cut);
        assert_eq!(loaded.documents.len(), 1);
        assert!(loaded.problems[0].message.contains("ends early"));
        let loaded = document(&spec(), "Permission denied\n");
        assert!(loaded.documents.is_empty());
        assert_eq!(loaded.problems[0].level, Level::Error);
    }

    #[test]
    fn recorded_facts_files_load_like_live_ones() {
        let t = transcript(&[("sshd -T", Some("permitrootlogin yes\n"), "", 0)]);
        let text = super::super::record(&spec(), &t);
        let (_dir, loaded) =
            crate::source::load_written(Kind::Host, &[("hosts/web1.facts", &text)]);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let input = loaded.documents[0].input();
        assert_eq!(input["host"]["address"], "203.0.113.10");
        assert_eq!(input["host"]["tags"], json!(["web"]));
        assert_eq!(
            located(&loaded, &["facts", "sshd", "permitrootlogin"]).0,
            "ssh://web1/sshd -T:1"
        );
        let (_dir, loaded) = crate::source::load_written(
            Kind::Host,
            &[("x.facts", "name: web1\nport: none\nvigie-facts 1 k\n")],
        );
        assert_eq!(loaded.problems[0].level, Level::Error);
        assert!(loaded.problems[0].message.contains("port"));
    }
}
