//! The Caddyfile lexer: whitespace-separated tokens with their byte ranges, as Caddy's
//! `caddyfile.Tokenize` reads them (Caddy 2.7+, which added heredocs).
//!
//! - `"quoted"` tokens, where `\"` is the only escape (any other backslash is kept);
//! - `` `backtick` `` tokens, with no escapes at all;
//! - heredocs, `<<MARKER` at the end of a line up to the next `MARKER`, the closing marker's
//!   indentation stripped from every line (`\<<` escapes it);
//! - `#` starts a comment only at the start of a token;
//! - a backslash right before a line break joins the next line to this one (and so does a
//!   backslash anywhere in a comment, a quirk of Caddy's lexer that we keep);
//! - line breaks are significant: a token says whether it starts a new logical line.

use crate::text::TextRange;

/// How a token was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Bare,
    Double,
    Backtick,
    Heredoc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawToken {
    /// The token's value: quotes removed, escapes and heredoc indentation resolved.
    pub text: String,
    /// The token as written, quotes and heredoc markers included.
    pub range: TextRange,
    pub quote: Quote,
    /// The token is the first of a logical line (the first token of a file is).
    pub newline_before: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub range: TextRange,
    pub message: String,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos..)?.chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.text.get(self.pos + offset..)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// The length of a line break at `at` (`\n` or `\r\n`), 0 when there is none.
    fn line_break_at(&self, at: usize) -> usize {
        match (self.bytes.get(at), self.bytes.get(at + 1)) {
            (Some(b'\n'), _) => 1,
            (Some(b'\r'), Some(b'\n')) => 2,
            _ => 0,
        }
    }

    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> LexError {
        LexError {
            range: TextRange::new(to_u32(start), to_u32(end)),
            message: message.into(),
        }
    }

    /// Skip white space, comments and escaped line breaks; true when a line break was crossed.
    fn skip_trivia(&mut self) -> bool {
        let mut newline = false;
        while let Some(c) = self.peek() {
            match c {
                '\n' => {
                    newline = true;
                    self.pos += 1;
                }
                '\\' => {
                    let br = self.line_break_at(self.pos + 1);
                    if br > 0 {
                        self.pos += 1 + br;
                    } else if self
                        .peek_at(1)
                        .is_some_and(|n| n != '\n' && n.is_whitespace())
                    {
                        // `\ ` between tokens: Caddy drops the backslash.
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                '#' => {
                    let mut backslash = false;
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        backslash |= c == '\\';
                        self.pos += c.len_utf8();
                    }
                    if backslash && self.peek() == Some('\n') {
                        self.pos += 1;
                    }
                }
                c if c.is_whitespace() => self.pos += c.len_utf8(),
                _ => break,
            }
        }
        newline
    }

    fn double_quoted(&mut self, start: usize) -> Result<String, LexError> {
        self.pos += 1;
        let mut val = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error(start, self.pos, "unterminated quoted string")),
                Some('"') => return Ok(val),
                Some('\\') => match self.bump() {
                    Some('"') => val.push('"'),
                    Some(other) => {
                        val.push('\\');
                        val.push(other);
                    }
                    None => return Err(self.error(start, self.pos, "unterminated quoted string")),
                },
                Some(c) => val.push(c),
            }
        }
    }

    fn backtick_quoted(&mut self, start: usize) -> Result<String, LexError> {
        self.pos += 1;
        let rest = self.text.get(self.pos..).unwrap_or_default();
        match rest.split_once('`') {
            Some((val, _)) => {
                self.pos += val.len() + 1;
                Ok(val.to_string())
            }
            None => {
                self.pos = self.text.len();
                Err(self.error(start, start + 1, "unterminated backtick-quoted string"))
            }
        }
    }

    /// At `<<`: the heredoc's value when this is one, `None` for a plain token.
    fn heredoc(&mut self, start: usize) -> Result<Option<String>, LexError> {
        let after = start + 2;
        let rest = self.text.get(after..).unwrap_or_default();
        let marker_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let marker = rest.get(..marker_len).unwrap_or(rest);
        let br = self.line_break_at(after + marker_len);
        if br == 0 {
            // `<<` followed by a space or the end of the file: a plain token.
            return Ok(None);
        }
        if marker.starts_with('<') {
            return Err(self.error(
                start,
                after + marker_len,
                "too many `<` for a heredoc; use two, as in <<END",
            ));
        }
        if marker.is_empty()
            || !marker
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(self.error(
                start,
                after + marker_len,
                format!("heredoc marker must be letters, digits, dashes and underscores, found {marker:?}"),
            ));
        }
        let content_start = after + marker_len + br;
        let body = self.text.get(content_start..).unwrap_or_default();
        let Some((content, _)) = body.split_once(marker) else {
            self.pos = self.text.len();
            return Err(self.error(
                start,
                after + marker_len,
                format!("unterminated heredoc: no closing {marker}"),
            ));
        };
        let (lines, padding) = match content.rfind('\n') {
            Some(nl) => content.split_at_checked(nl + 1).unwrap_or(("", content)),
            None => ("", content),
        };
        let mut out = String::new();
        let mut line_start = content_start;
        for line in lines.split_inclusive('\n') {
            let bare = line.trim_end_matches('\n');
            if bare.is_empty() || bare == "\r" {
                out.push('\n');
            } else if let Some(stripped) = bare.strip_prefix(padding) {
                out.push_str(&stripped.replace('\r', ""));
                out.push('\n');
            } else {
                return Err(self.error(
                    line_start,
                    line_start + bare.len(),
                    format!(
                        "heredoc line does not start with the closing marker's indentation {padding:?}"
                    ),
                ));
            }
            line_start += line.len();
        }
        if out.ends_with('\n') {
            out.pop();
        }
        self.pos = content_start + content.len() + marker.len();
        Ok(Some(out))
    }

    fn bare(&mut self) -> String {
        let mut val = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                break;
            }
            if c == '\\' {
                match self.peek_at(1) {
                    // A line continuation (or `\ `): the token ends here, the skipper handles it.
                    Some(n) if n.is_whitespace() => break,
                    Some('<') if val.is_empty() => {
                        val.push('<');
                        self.pos += 2;
                    }
                    Some(n) => {
                        val.push('\\');
                        val.push(n);
                        self.pos += 1 + n.len_utf8();
                    }
                    None => self.pos += 1,
                }
                continue;
            }
            val.push(c);
            self.pos += c.len_utf8();
        }
        val
    }
}

/// Split a Caddyfile into tokens.
pub fn lex(text: &str) -> Result<Vec<RawToken>, LexError> {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut tokens = Vec::new();
    let mut first = true;
    loop {
        let newline = lx.skip_trivia() || first;
        first = false;
        let start = lx.pos;
        let Some(c) = lx.peek() else { break };
        let (text, quote) = match c {
            '"' => (lx.double_quoted(start)?, Quote::Double),
            '`' => (lx.backtick_quoted(start)?, Quote::Backtick),
            '<' if lx.peek_at(1) == Some('<') => match lx.heredoc(start)? {
                Some(v) => (v, Quote::Heredoc),
                None => (lx.bare(), Quote::Bare),
            },
            _ => (lx.bare(), Quote::Bare),
        };
        if lx.pos == start {
            // Nothing consumed (cannot happen with the rules above); never loop forever.
            lx.pos += c.len_utf8();
            continue;
        }
        tokens.push(RawToken {
            text,
            range: TextRange::new(to_u32(start), to_u32(lx.pos)),
            quote,
            newline_before: newline,
        });
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(String, bool)> {
        lex(src)
            .unwrap()
            .into_iter()
            .map(|t| (t.text, t.newline_before))
            .collect()
    }

    fn t(s: &str, nl: bool) -> (String, bool) {
        (s.to_string(), nl)
    }

    #[test]
    fn words_lines_and_braces() {
        assert_eq!(
            texts("example.com {\n\treverse_proxy app:80\n}\n"),
            vec![
                t("example.com", true),
                t("{", false),
                t("reverse_proxy", true),
                t("app:80", false),
                t("}", true),
            ]
        );
    }

    #[test]
    fn ranges_cover_the_written_token() {
        let src = "a \"b c\" `d`\n";
        let toks = lex(src).unwrap();
        let written: Vec<&str> = toks
            .iter()
            .map(|t| &src[t.range.start as usize..t.range.end as usize])
            .collect();
        assert_eq!(written, vec!["a", "\"b c\"", "`d`"]);
        assert_eq!(toks[1].quote, Quote::Double);
        assert_eq!(toks[2].quote, Quote::Backtick);
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            texts(r#"a "q \"x\" \n \\" `raw \" "x"`"#),
            vec![
                t("a", true),
                t(r#"q "x" \n \\"#, false),
                t(r#"raw \" "x""#, false)
            ]
        );
        // Outside quotes a backslash is kept, except before a line break.
        assert_eq!(texts(r"foo\bar"), vec![t(r"foo\bar", true)]);
        // A quoted token may span lines; what follows its end is on its logical line.
        assert_eq!(
            texts("a \"b\nc\" d\ne"),
            vec![t("a", true), t("b\nc", false), t("d", false), t("e", true)]
        );
    }

    #[test]
    fn comments_only_at_token_start() {
        assert_eq!(
            texts("a#b # comment\n# whole line\nc"),
            vec![t("a#b", true), t("c", true)]
        );
    }

    #[test]
    fn line_continuation() {
        assert_eq!(
            texts("reverse_proxy a \\\n  b\\\r\n c\nd"),
            vec![
                t("reverse_proxy", true),
                t("a", false),
                t("b", false),
                t("c", false),
                t("d", true),
            ]
        );
        // Caddy's quirk: a backslash in a comment continues the line too.
        assert_eq!(
            texts("a # C:\\x\nb\nc"),
            vec![t("a", true), t("b", false), t("c", true)]
        );
    }

    #[test]
    fn heredocs() {
        let src = "respond <<HTML\n\t\t<p>hi</p>\n\n\t\t  x\n\t\tHTML 200\nnext";
        let toks = lex(src).unwrap();
        assert_eq!(toks[1].text, "<p>hi</p>\n\n  x");
        assert_eq!(toks[1].quote, Quote::Heredoc);
        assert!(src[toks[1].range.start as usize..toks[1].range.end as usize].ends_with("HTML"));
        // The status after the closing marker is still an argument of `respond`.
        assert_eq!(toks[2].text, "200");
        assert!(!toks[2].newline_before);
        assert!(toks[3].newline_before);
        // Escaped and spaced forms are plain tokens.
        assert_eq!(texts("a \\<<EOF\n"), vec![t("a", true), t("<<EOF", false)]);
        assert_eq!(
            texts("a << b"),
            vec![t("a", true), t("<<", false), t("b", false)]
        );
        assert_eq!(texts("a <<X\nX"), vec![t("a", true), t("", false)]);
    }

    #[test]
    fn errors_are_located() {
        let e = lex("a {\n  b \"unterminated\n}\n").unwrap_err();
        assert_eq!(e.range.start, 8);
        assert!(e.message.contains("unterminated"));
        assert!(lex("a `x").is_err());
        let e = lex("respond <<EOF\nhello\n").unwrap_err();
        assert!(e.message.contains("no closing EOF"), "{}", e.message);
        assert!(lex("respond <<<EOF\nx\nEOF").is_err());
        assert!(lex("respond <<E.F\nx\nE.F").is_err());
        let e = lex("respond <<EOF\n  a\n b\n  EOF").unwrap_err();
        assert!(e.message.contains("indentation"), "{}", e.message);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for src in [
            "\\",
            "\"\\",
            "<<",
            "<<\n",
            "#\\",
            "é \\é",
            "`",
            "a\\\r",
            "\r\n\\\r\n",
        ] {
            let _ = lex(src);
        }
    }
}
