//! Problems with inputs: a file that cannot be read or parsed, an unset required variable.
//! They are reported next to findings and never stop the scan of other inputs.

use crate::document::Span;
use crate::text::LineCol;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The input (or part of it) could not be read: exit code 3 when nothing else fails.
    Error,
    /// The input was read, but something in it deserves attention.
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub level: Level,
    /// The display path of the input the problem is about.
    pub file: String,
    pub message: String,
    /// Where in the file, when known.
    pub span: Option<Span>,
    /// A position for problems found before the file could be held as text (bad UTF-8).
    pub pos: Option<LineCol>,
}

impl Problem {
    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            level: Level::Error,
            file: file.into(),
            message: message.into(),
            span: None,
            pos: None,
        }
    }

    pub fn at(level: Level, span: Span, message: impl Into<String>) -> Self {
        Self {
            level,
            file: span.file.display.clone(),
            message: message.into(),
            span: Some(span),
            pos: None,
        }
    }

    /// 1-based line and column, when the problem has a position.
    pub fn line_col(&self) -> Option<LineCol> {
        self.span
            .as_ref()
            .map(|s| s.file.line_col(s.range.start))
            .or(self.pos)
    }
}
