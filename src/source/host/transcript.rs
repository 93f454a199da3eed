//! Reading a transcript (the fact script's output) back into one section per fact.

use std::collections::HashMap;

use super::script::FORMAT;

/// One fact's part of the transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub name: String,
    /// The command's output, exactly; `None` when the command is not installed.
    pub output: Option<String>,
    /// Its error output (without trailing newlines).
    pub stderr: String,
    /// Its exit status, when the transcript has one.
    pub status: Option<i32>,
    /// The byte range of the section's first marker line in the transcript (for what is
    /// missing: there is no output to point into).
    pub marker: (usize, usize),
}

impl Section {
    pub fn missing(&self) -> bool {
        self.output.is_none()
    }

    /// The command ran and exited 0 (a transcript without an exit line counts as success).
    pub fn succeeded(&self) -> bool {
        self.output.is_some() && self.status.is_none_or(|s| s == 0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    pub sections: Vec<Section>,
    /// The script reached its end (a cut transcript lacks the facts after the cut).
    pub complete: bool,
}

impl Transcript {
    pub fn get(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptError {
    #[error("no `{FORMAT} TOKEN` line: not the output of vigie's fact script")]
    NoHeader,
}

enum Block<'a> {
    Out(&'a str),
    Err(&'a str),
    Exit(i32, &'a str),
    Missing(&'a str),
    End,
    Unknown,
}

fn block(rest: &str) -> Block<'_> {
    let (word, arg) = rest.split_once(' ').unwrap_or((rest, ""));
    match word {
        "out" => Block::Out(arg),
        "err" => Block::Err(arg),
        "missing" => Block::Missing(arg),
        "end" => Block::End,
        "exit" => match arg.split_once(' ') {
            Some((n, name)) => n
                .parse()
                .map_or(Block::Unknown, |status| Block::Exit(status, name)),
            None => Block::Unknown,
        },
        _ => Block::Unknown,
    }
}

/// Split `text` into sections. Lines before the `vigie-facts 1 TOKEN` header are ignored.
pub fn parse(text: &str) -> Result<Transcript, TranscriptError> {
    // Line starts, and the header.
    let mut token = None;
    let mut pos = 0;
    let mut body_start = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim_end_matches(['\n', '\r']);
        pos += line.len();
        if let Some(t) = l.strip_prefix(FORMAT).and_then(|r| r.strip_prefix(' ')) {
            let t = t.trim();
            if !t.is_empty() && !t.contains(char::is_whitespace) {
                token = Some(t.to_string());
                body_start = pos;
                break;
            }
        }
    }
    let token = token.ok_or(TranscriptError::NoHeader)?;
    let prefix = format!("{token} ");

    // Marker lines: (line start, line end after '\n', rest of the marker).
    let mut markers: Vec<(usize, usize, &str)> = Vec::new();
    let mut at = body_start;
    for line in text
        .get(body_start..)
        .unwrap_or_default()
        .split_inclusive('\n')
    {
        let l = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = l.strip_prefix(&prefix) {
            markers.push((at, at + line.len(), rest));
        } else if l == token {
            markers.push((at, at + line.len(), ""));
        }
        at += line.len();
    }

    let mut sections: Vec<Section> = Vec::new();
    // Where each name's section is: a lookup per marker, not a search (a transcript with many
    // sections stays linear).
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut complete = false;
    let mut section = |sections: &mut Vec<Section>, name, marker: (usize, usize)| -> usize {
        match index.get(name) {
            Some(&i) => i,
            None => {
                index.insert(name, sections.len());
                sections.push(Section {
                    name: name.to_string(),
                    output: None,
                    stderr: String::new(),
                    status: None,
                    marker,
                });
                sections.len() - 1
            }
        }
    };
    for (i, &(start, end, rest)) in markers.iter().enumerate() {
        let head = text.get(..end).unwrap_or(text);
        let marker = (start, head.trim_end_matches(['\n', '\r']).len());
        // The block's text runs to the newline the script put before the next marker.
        let next = markers.get(i + 1).map_or(text.len(), |m| m.0);
        let content_end = if markers.get(i + 1).is_some() {
            next.saturating_sub(1).max(end)
        } else {
            text.len()
        };
        let content = text.get(end..content_end).unwrap_or("");
        match block(rest) {
            Block::Out(name) => {
                let s = section(&mut sections, name, marker);
                sections[s].output = Some(content.to_string());
            }
            Block::Err(name) => {
                let s = section(&mut sections, name, marker);
                sections[s].stderr = content.trim_end().to_string();
            }
            Block::Exit(status, name) => {
                let s = section(&mut sections, name, marker);
                sections[s].status = Some(status);
            }
            Block::Missing(name) => {
                section(&mut sections, name, marker);
            }
            Block::End => complete = true,
            Block::Unknown => {}
        }
    }
    Ok(Transcript { sections, complete })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_hold_exact_output() {
        let t = "junk\nvigie-facts 1 abc\n\nabc out a\nline1\nline2\n\nabc err a\nwarn\nabc exit 0 a\n\nabc out b\nno newline\nabc err b\n\nabc exit 3 b\n\nabc missing c\n\nabc end\n";
        let t = parse(t).unwrap();
        assert!(t.complete);
        let a = t.get("a").unwrap();
        assert_eq!(a.output.as_deref(), Some("line1\nline2\n"));
        assert_eq!(a.stderr, "warn");
        assert!(a.succeeded());
        let b = t.get("b").unwrap();
        assert_eq!(b.output.as_deref(), Some("no newline"));
        assert_eq!(b.status, Some(3));
        assert!(!b.succeeded());
        assert!(t.get("c").unwrap().missing());
    }

    #[test]
    fn output_cannot_fake_a_marker_without_the_token() {
        let t = "vigie-facts 1 tok\n\ntok out a\nother out b\nx exit 0 a\n\ntok exit 0 a\n";
        let t = parse(t).unwrap();
        assert!(!t.complete);
        assert_eq!(t.sections.len(), 1);
        assert_eq!(
            t.get("a").unwrap().output.as_deref(),
            Some("other out b\nx exit 0 a\n")
        );
    }

    #[test]
    fn many_sections_keep_their_order_and_join_their_parts() {
        // The shape the fuzzer found slow: thousands of sections (a lookup per marker, no search).
        let mut t = String::from("vigie-facts 1 k\n\n");
        for i in 0..20_000 {
            t.push_str(&format!("k out s{i}\n{i}\nk err s{i}\n\nk exit 0 s{i}\n\n"));
        }
        t.push_str("k exit 1 s7\n\n");
        let t = parse(&t).unwrap();
        assert_eq!(t.sections.len(), 20_000);
        assert_eq!(t.sections[19_999].name, "s19999");
        let s7 = t.get("s7").unwrap();
        assert_eq!(s7.output.as_deref(), Some("7"));
        assert_eq!(s7.status, Some(1));
    }

    #[test]
    fn empty_output_and_no_header() {
        let t = parse("vigie-facts 1 k\n\nk out a\n\nk exit 0 a\n").unwrap();
        assert_eq!(t.get("a").unwrap().output.as_deref(), Some(""));
        assert_eq!(parse("hello"), Err(TranscriptError::NoHeader));
    }
}
