//! Text from the inputs (file contents, file names, host and inventory names, messages quoting
//! them) reaches a terminal only with its control characters made visible: `\x1b` instead of an
//! ESC that would start an escape sequence, `\u{202e}` instead of a bidi override that would
//! reorder what the user reads. Tabs stay; newlines stay where the text is multi-line.
//!
//! JSON and SARIF need none of this (serde_json writes every control character as `\u00XX`);
//! HTML escapes markup and a browser shows no escape sequence.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How `c` is shown, when it must not be printed as it is.
fn visible(c: char) -> Option<String> {
    let code = u32::from(c);
    match c {
        '\t' => None,
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        // C0 controls and DEL.
        _ if code < 0x20 || code == 0x7f => Some(format!("\\x{code:02x}")),
        // C1 controls (U+0085 NEL, U+009B CSI...), bidi embeddings, overrides and isolates,
        // and the marks that flip a line's direction.
        '\u{80}'..='\u{9f}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Some(format!("\\u{{{code:x}}}")),
        _ => None,
    }
}

/// Whether `c` is shown as an escape by [`text`] (where newlines stay).
fn escaped_in_text(c: char) -> bool {
    c != '\n' && visible(c).is_some()
}

/// One line of output (a file or host name): every control character escaped, newlines too.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| visible(c).is_some()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match visible(c) {
            Some(v) => out.push_str(&v),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A message that may span lines: control characters escaped, newlines and tabs kept.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(escaped_in_text) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match visible(c).filter(|_| c != '\n') {
            Some(v) => out.push_str(&v),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A source text for a snippet: like [`text`], keeping a `\r` that ends a line (`\r\n`) for the
/// renderer; each byte offset in `offsets` is moved to the same place in the escaped text (an
/// offset at an escaped character lands at the start of its escape), so that labels stay on
/// the characters they underline.
pub fn source(s: &str, offsets: &mut [usize]) -> String {
    let keep = |i: usize, c: char| {
        c == '\n' || (c == '\r' && s.as_bytes().get(i + 1) == Some(&b'\n')) || visible(c).is_none()
    };
    if s.char_indices().all(|(i, c)| keep(i, c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut moved = vec![false; offsets.len()];
    for (i, c) in s.char_indices() {
        for (o, m) in offsets.iter_mut().zip(moved.iter_mut()) {
            if !*m && *o <= i {
                *o = out.len();
                *m = true;
            }
        }
        if keep(i, c) {
            out.push(c);
        } else if let Some(v) = visible(c) {
            let _ = write!(out, "{v}");
        }
    }
    for (o, m) in offsets.iter_mut().zip(moved) {
        if !m {
            *o = out.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(line("web\u{1b}[2J1"), "web\\x1b[2J1");
        assert_eq!(line("a\nb\rc\td\u{7f}"), "a\\nb\\rc\td\\x7f");
        assert_eq!(
            line("\u{9b}31m \u{202e}txt.exe"),
            "\\u{9b}31m \\u{202e}txt.exe"
        );
        assert!(matches!(line("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(
            text("one\ntwo\u{1b}]0;title\u{7}"),
            "one\ntwo\\x1b]0;title\\x07"
        );
        assert!(matches!(text("one\ntwo\tthree"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_offsets_follow_the_escapes() {
        let s = "a: \u{1b}[31mred\r\nb: ok\n";
        let start = s.find("red").unwrap();
        let b = s.find("b:").unwrap();
        let mut offsets = [start, start + 3, b, s.len()];
        let out = source(s, &mut offsets);
        assert_eq!(out, "a: \\x1b[31mred\r\nb: ok\n");
        assert_eq!(&out[offsets[0]..offsets[1]], "red");
        assert_eq!(&out[offsets[2]..offsets[2] + 2], "b:");
        assert_eq!(offsets[3], out.len());
        // An offset at the escaped character covers its whole escape.
        let esc = s.find('\u{1b}').unwrap();
        let mut offsets = [esc, esc + 1];
        let out = source(s, &mut offsets);
        assert_eq!(&out[offsets[0]..offsets[1]], "\\x1b");
        // A lone carriage return is escaped; a line's tab is kept.
        assert_eq!(source("x\ry\tz", &mut []), "x\\ry\tz");
        // Nothing to escape: the text as it is.
        let mut offsets = [2];
        assert_eq!(source("ab\ncd", &mut offsets), "ab\ncd");
        assert_eq!(offsets, [2]);
    }
}
