//! Source text and positions: every finding and error ends up as a byte range in a `SourceFile`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A half-open byte range `[start, end)` into a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    pub fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A file as it was read: its path on disk, the path users see, and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// The path shown to users and written to reports: relative to the working directory when the
    /// file is below it, with `/` separators.
    pub display: String,
    pub text: String,
    line_starts: OnceLock<Vec<u32>>,
}

/// 1-based line and column (in Unicode code points) of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Arc<Self> {
        Arc::new(Self {
            path,
            display,
            text,
            line_starts: OnceLock::new(),
        })
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> u32 {
        let starts = self.line_starts();
        let n = u32::try_from(starts.len()).unwrap_or(u32::MAX);
        if self.text.ends_with('\n') {
            n.saturating_sub(1)
        } else {
            n
        }
    }

    /// Byte offset where the 1-based `line` starts (clamped to the text).
    pub fn line_start(&self, line: u32) -> u32 {
        let starts = self.line_starts();
        let idx = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
        starts.get(idx).copied().unwrap_or_else(|| self.len())
    }

    fn len(&self) -> u32 {
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    /// Byte offset of the `col`-th character (0-based, in chars) of the 1-based `line`.
    pub fn offset_of(&self, line: u32, col_chars: u32) -> u32 {
        let start = self.line_start(line);
        let rest = self.text.get(start as usize..).unwrap_or("");
        let mut offset = start;
        for (i, ch) in rest.chars().enumerate() {
            if i as u64 >= u64::from(col_chars) || ch == '\n' {
                break;
            }
            offset += u32::try_from(ch.len_utf8()).unwrap_or(1);
        }
        offset
    }

    /// 1-based line and code-point column of a byte offset.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let starts = self.line_starts();
        let line_idx = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = starts.get(line_idx).copied().unwrap_or(0);
        let column = self
            .text
            .get(start as usize..offset.min(self.len()) as usize)
            .map_or(0, |s| s.chars().count());
        LineCol {
            line: u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let start = self.line_start(line) as usize;
        let end = self.line_start(line + 1) as usize;
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_code_points() {
        let f = SourceFile::new("x".into(), "x".into(), "a: 1\nné: x\n".into());
        assert_eq!(f.line_count(), 2);
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // "x" on line 2 is after "né: " = 4 chars, 5 bytes
        let off = f.offset_of(2, 4);
        assert_eq!(&f.text[off as usize..=off as usize], "x");
        assert_eq!(f.line_col(off), LineCol { line: 2, column: 5 });
        assert_eq!(f.line_text(2), "né: x");
    }
}
