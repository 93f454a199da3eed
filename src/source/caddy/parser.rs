//! The Caddyfile parser: the global options block, snippets, site blocks and their directives,
//! with `import` expanded in place (snippets and files, `{args...}` placeholders replaced), as
//! Caddy's `caddyfile.Parse` does it. Every token keeps the place it is written at and the
//! chain of imports that brought it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};

use crate::document::{Origin, Span};
use crate::fsio::ReadError;
use crate::limits::MAX_BLOCK_NESTING;
use crate::problem::{Level, Problem};
use crate::source::{read_source, Context};
use crate::text::{SourceFile, TextRange};

use super::env::{self, Env, Substituted};
use super::lexer::{self, Quote};

/// A token's value: known, or depending on a variable vigie has no value for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    Known(String),
    /// The token as written (`{$HOST}`).
    Unknown(String),
}

/// One `import` that was expanded.
#[derive(Debug)]
pub struct ImportSite {
    /// What was imported: a snippet or a file.
    pub target: Target,
    /// The `import` token.
    pub at: Span,
    /// The pattern as written (`common`, `sites/*.caddy`).
    pub pattern: String,
    /// The import that brought the `import` token itself.
    pub parent: Option<Arc<ImportSite>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Snippet(String),
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub val: Val,
    pub quote: Quote,
    pub newline_before: bool,
    /// Where the value is written: the token, or the import argument it was replaced by.
    pub span: Span,
    /// How the value was obtained when it was not written literally (`{$VAR}`).
    pub origin: Option<Origin>,
    /// The innermost import that brought the token, if any.
    pub import: Option<Arc<ImportSite>>,
}

impl Token {
    /// The value, or the text as written when it is unknown.
    pub fn text(&self) -> &str {
        match &self.val {
            Val::Known(s) | Val::Unknown(s) => s,
        }
    }

    pub fn known(&self) -> Option<&str> {
        match &self.val {
            Val::Known(s) => Some(s),
            Val::Unknown(_) => None,
        }
    }

    /// A bare (unquoted) token with exactly this text: braces and keywords.
    pub fn is(&self, s: &str) -> bool {
        self.quote == Quote::Bare && self.known() == Some(s)
    }

    /// The JSON value rules see: a string, or `{"unknown": "<as written>"}`.
    pub fn json(&self) -> Value {
        match &self.val {
            Val::Known(s) => Value::String(s.clone()),
            Val::Unknown(s) => json!({ "unknown": s }),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub name: Token,
    pub args: Vec<Token>,
    pub block: Option<Block>,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub open: Token,
    pub directives: Vec<Directive>,
}

#[derive(Debug)]
pub struct Site {
    pub addresses: Vec<Token>,
    pub directives: Vec<Directive>,
}

#[derive(Debug, Default)]
pub struct Caddyfile {
    pub global: Option<Block>,
    pub sites: Vec<Site>,
    /// Named routes (`&(name) { … }`, Caddy 2.8+): no sites, but what `invoke name` runs.
    pub named_routes: Vec<(String, Block)>,
}

/// The result of parsing: the tree (none when the file is broken), and the problems found.
#[derive(Debug, Default)]
pub struct Parsed {
    pub file: Option<Caddyfile>,
    pub problems: Vec<Problem>,
}

/// Imports nest at most this deep.
const MAX_IMPORT_DEPTH: usize = 64;
/// At most this many tokens are brought in by imports (snippets importing snippets twice over
/// grow exponentially).
const MAX_IMPORTED_TOKENS: usize = 1_000_000;

/// A syntax error: the file cannot be read as a Caddyfile.
struct Fatal;

struct Parser<'a> {
    ctx: &'a Context,
    env: &'a Env,
    tokens: Vec<Token>,
    pos: usize,
    snippets: HashMap<String, Vec<Token>>,
    /// Files read for imports, lexed (`None`: unreadable, already reported).
    files: HashMap<PathBuf, Option<Vec<Token>>>,
    imported: usize,
    /// Blocks open at the cursor.
    depth: usize,
    problems: Vec<Problem>,
}

/// Parse `file` (already read), reading the files it imports.
pub fn parse(file: &Arc<SourceFile>, env: &Env, ctx: &Context) -> Parsed {
    let mut parser = Parser {
        ctx,
        env,
        tokens: Vec::new(),
        pos: 0,
        snippets: HashMap::new(),
        files: HashMap::new(),
        imported: 0,
        depth: 0,
        problems: Vec::new(),
    };
    let result = match parser.tokenize(file) {
        Some(tokens) => {
            parser.tokens = tokens;
            parser.caddyfile().ok()
        }
        None => None,
    };
    Parsed {
        file: result,
        problems: parser.problems,
    }
}

fn span_of(file: &Arc<SourceFile>, range: TextRange) -> Span {
    Span::new(file.clone(), range)
}

impl Parser<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.problems
            .push(Problem::at(Level::Error, span, message.into()));
    }

    fn fatal(&mut self, span: Span, message: impl Into<String>) -> Fatal {
        self.error(span, message);
        Fatal
    }

    /// Lex a file and substitute its `{$VAR}`s; `None` after reporting a syntax error.
    fn tokenize(&mut self, file: &Arc<SourceFile>) -> Option<Vec<Token>> {
        let raw = match lexer::lex(&file.text) {
            Ok(r) => r,
            Err(e) => {
                self.error(span_of(file, e.range), e.message);
                return None;
            }
        };
        let mut out = Vec::with_capacity(raw.len());
        for t in raw {
            let span = span_of(file, t.range);
            match env::substitute(&t.text, self.env) {
                Substituted::Unchanged => out.push(Token {
                    val: Val::Known(t.text),
                    quote: t.quote,
                    newline_before: t.newline_before,
                    span,
                    origin: None,
                    import: None,
                }),
                Substituted::Unknown => out.push(Token {
                    val: Val::Unknown(t.text),
                    quote: t.quote,
                    newline_before: t.newline_before,
                    span,
                    origin: None,
                    import: None,
                }),
                Substituted::Known { value, origin } => {
                    // Caddy substitutes before lexing: a bare value with spaces is several tokens.
                    let parts: Vec<String> = if t.quote == Quote::Bare {
                        value.split_whitespace().map(str::to_string).collect()
                    } else {
                        vec![value]
                    };
                    for (i, part) in parts.into_iter().enumerate() {
                        out.push(Token {
                            val: Val::Known(part),
                            quote: t.quote,
                            newline_before: t.newline_before && i == 0,
                            span: span.clone(),
                            origin: Some(origin.clone()),
                            import: None,
                        });
                    }
                }
            }
        }
        Some(out)
    }

    /// The current token, with an `import` at the start of a line expanded first.
    fn peek(&mut self) -> Result<Option<&Token>, Fatal> {
        loop {
            let is_import = match self.tokens.get(self.pos) {
                None => return Ok(None),
                Some(t) => t.newline_before && t.is("import"),
            };
            if !is_import {
                return Ok(self.tokens.get(self.pos));
            }
            self.expand_import()?;
        }
    }

    fn next(&mut self) -> Result<Option<Token>, Fatal> {
        let t = self.peek()?.cloned();
        if t.is_some() {
            self.pos += 1;
        }
        Ok(t)
    }

    /// The token at the cursor, on the same logical line as the previous one.
    fn same_line(&self) -> Option<&Token> {
        self.tokens.get(self.pos).filter(|t| !t.newline_before)
    }

    fn caddyfile(&mut self) -> Result<Caddyfile, Fatal> {
        let mut out = Caddyfile::default();
        let mut seen_block = false;
        while let Some(first) = self.peek()?.cloned() {
            if first.is("{") {
                self.pos += 1;
                let block = self.block_body(first)?;
                if seen_block {
                    return Err(self.fatal(
                        block.open.span.clone(),
                        "a block without addresses is the global options block; it must come first",
                    ));
                }
                seen_block = true;
                out.global = Some(block);
                continue;
            }
            if first.is("}") {
                return Err(self.fatal(first.span, "unexpected `}`: no block is open"));
            }
            let addresses = self.addresses()?;
            let open = match self.tokens.get(self.pos) {
                Some(t) if t.is("{") => {
                    let t = t.clone();
                    self.pos += 1;
                    Some(t)
                }
                _ => None,
            };
            if let [only] = addresses.as_slice() {
                if let Some(name) = named_route_name(only) {
                    let Some(open) = open else {
                        return Err(self.fatal(
                            only.span.clone(),
                            format!("named route &({name}) must be followed by a `{{` block"),
                        ));
                    };
                    let name = name.to_string();
                    let block = self.block_body(open)?;
                    out.named_routes.push((name, block));
                    continue;
                }
                if let Some(name) = snippet_name(only) {
                    let Some(open) = open else {
                        return Err(self.fatal(
                            only.span.clone(),
                            format!("snippet ({name}) must be followed by a `{{` block"),
                        ));
                    };
                    let body = self.snippet_tokens(&open)?;
                    if self.snippets.contains_key(name) {
                        return Err(self.fatal(
                            only.span.clone(),
                            format!("snippet ({name}) is declared twice"),
                        ));
                    }
                    self.snippets.insert(name.to_string(), body);
                    continue;
                }
            }
            seen_block = true;
            let directives = match open {
                Some(open) => self.block_body(open)?.directives,
                // A single site may leave out its braces: the rest of the file is its body.
                None => self.directives(None)?,
            };
            out.sites.push(Site {
                addresses,
                directives,
            });
        }
        // Named routes may be defined after the sites that invoke them.
        for site in &mut out.sites {
            attach_invoked(&mut site.directives, &out.named_routes, 0);
        }
        Ok(out)
    }

    /// The addresses of a site block (or a snippet's name): up to `{` or the end of the line,
    /// a trailing comma carrying on to the next line.
    fn addresses(&mut self) -> Result<Vec<Token>, Fatal> {
        let mut out: Vec<Token> = Vec::new();
        let mut expecting = false;
        loop {
            let Some(t) = self.tokens.get(self.pos).cloned() else {
                if expecting {
                    if let Some(last) = out.last() {
                        return Err(self.fatal(
                            last.span.clone(),
                            "expected another address after the trailing comma",
                        ));
                    }
                }
                break;
            };
            if !out.is_empty() && t.newline_before && !expecting {
                break;
            }
            if t.is("{") {
                if expecting {
                    return Err(self.fatal(
                        t.span,
                        "expected another address, found `{` (check for an extra comma)",
                    ));
                }
                break;
            }
            self.pos += 1;
            let mut t = t;
            expecting = false;
            if let Val::Known(text) = &t.val {
                if let Some(stripped) = text.strip_suffix(',') {
                    expecting = true;
                    t.val = Val::Known(stripped.to_string());
                }
                if t.text().contains(',') {
                    self.error(
                        t.span.clone(),
                        format!(
                            "site addresses cannot contain a comma: {:?}; put a space after the comma",
                            t.text()
                        ),
                    );
                    let parts: Vec<String> = t
                        .text()
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect();
                    for p in parts {
                        let mut part = t.clone();
                        part.val = Val::Known(p);
                        out.push(part);
                    }
                    continue;
                }
            }
            if !t.text().is_empty() {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// A snippet's tokens, kept unparsed up to the matching `}` (imports in them are expanded
    /// where the snippet is used).
    fn snippet_tokens(&mut self, open: &Token) -> Result<Vec<Token>, Fatal> {
        let mut depth = 1usize;
        let mut body = Vec::new();
        while let Some(t) = self.tokens.get(self.pos).cloned() {
            self.pos += 1;
            if t.is("}") {
                depth -= 1;
                if depth == 0 {
                    return Ok(body);
                }
            } else if t.is("{") {
                depth += 1;
            }
            body.push(t);
        }
        Err(self.fatal(open.span.clone(), "unclosed `{`: no matching `}`"))
    }

    /// The directives of a block whose `{` was just read, up to its `}`.
    fn block_body(&mut self, open: Token) -> Result<Block, Fatal> {
        if self.depth >= MAX_BLOCK_NESTING {
            return Err(self.fatal(
                open.span,
                format!("blocks nest deeper than {MAX_BLOCK_NESTING} levels"),
            ));
        }
        self.depth += 1;
        let directives = self.directives(Some(&open));
        self.depth -= 1;
        Ok(Block {
            open,
            directives: directives?,
        })
    }

    /// Directives up to the `}` closing `open`, or to the end of the file when there is none.
    fn directives(&mut self, open: Option<&Token>) -> Result<Vec<Directive>, Fatal> {
        let mut out = Vec::new();
        loop {
            let Some(t) = self.next()? else {
                return match open {
                    Some(o) => Err(self.fatal(o.span.clone(), "unclosed `{`: no matching `}`")),
                    None => Ok(out),
                };
            };
            if t.is("}") {
                return match open {
                    Some(_) => Ok(out),
                    None => Err(self.fatal(t.span, "unexpected `}`: no block is open")),
                };
            }
            if t.is("{") {
                return Err(self.fatal(
                    t.span,
                    "unexpected `{`: a block must follow a directive on its line",
                ));
            }
            out.push(self.directive(t)?);
        }
    }

    /// A directive whose name was just read: its arguments on the same line, then its block.
    fn directive(&mut self, name: Token) -> Result<Directive, Fatal> {
        let mut args = Vec::new();
        let mut block = None;
        while let Some(t) = self.same_line().cloned() {
            if t.is("}") {
                // `}` at the end of a line closes the enclosing block.
                break;
            }
            self.pos += 1;
            if t.is("{") {
                block = Some(self.block_body(t)?);
                break;
            }
            args.push(t);
        }
        Ok(Directive { name, args, block })
    }

    /// Replace the `import` line at the cursor with what it imports.
    fn expand_import(&mut self) -> Result<(), Fatal> {
        let start = self.pos;
        let mut end = start + 1;
        while self.tokens.get(end).is_some_and(|t| !t.newline_before) {
            end += 1;
        }
        // `import NAME [ARGS] {` (Caddy 2.9+): the block, up to its matching `}`, is what the
        // imported tokens' `{block}` and `{blocks.NAME}` placeholders stand for.
        let mut block = Vec::new();
        if end > start + 1 && self.tokens.get(end - 1).is_some_and(|t| t.is("{")) {
            let mut depth = 1usize;
            let mut at = end;
            loop {
                let Some(t) = self.tokens.get(at) else {
                    let open = self.tokens.get(end - 1).map(|t| t.span.clone());
                    return match open {
                        Some(span) => Err(self.fatal(span, "unclosed `{`: no matching `}`")),
                        None => Err(Fatal),
                    };
                };
                if t.is("{") {
                    depth += 1;
                } else if t.is("}") {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                block.push(t.clone());
                at += 1;
            }
            end -= 1;
            let line: Vec<Token> = self.tokens.get(start..end).unwrap_or_default().to_vec();
            let expanded = match line.split_first() {
                Some((import, args)) => self.import(import, args, &block),
                None => Vec::new(),
            };
            return self.splice_import(start, at + 1, &line, expanded);
        }
        let line: Vec<Token> = self.tokens.get(start..end).unwrap_or_default().to_vec();
        let expanded = match line.split_first() {
            Some((import, args)) => self.import(import, args, &block),
            None => Vec::new(),
        };
        self.splice_import(start, end, &line, expanded)
    }

    /// Put the tokens an import brought in place of `start..end`, within the import budget.
    fn splice_import(
        &mut self,
        start: usize,
        end: usize,
        line: &[Token],
        expanded: Vec<Token>,
    ) -> Result<(), Fatal> {
        self.imported += expanded.len();
        if self.imported > MAX_IMPORTED_TOKENS {
            let at = line.first().map(|t| t.span.clone());
            if let Some(at) = at {
                return Err(self.fatal(
                    at,
                    format!(
                        "imports expand to more than {MAX_IMPORTED_TOKENS} tokens; not scanned"
                    ),
                ));
            }
            return Err(Fatal);
        }
        self.tokens.splice(start..end, expanded);
        Ok(())
    }

    /// The tokens an `import` line brings in; an empty list after reporting a problem.
    fn import(&mut self, import: &Token, args: &[Token], block: &[Token]) -> Vec<Token> {
        let Some((pattern, args)) = args.split_first() else {
            self.error(
                import.span.clone(),
                "`import` needs a snippet name, a file or a glob",
            );
            return Vec::new();
        };
        let Some(name) = pattern.known().map(str::to_string) else {
            self.error(
                pattern.span.clone(),
                format!(
                    "cannot import {}: its value is not known to this scan",
                    pattern.text()
                ),
            );
            return Vec::new();
        };
        if name.is_empty() {
            self.error(pattern.span.clone(), "`import` needs a non-empty name");
            return Vec::new();
        }
        let depth = std::iter::successors(import.import.as_ref(), |s| s.parent.as_ref()).count();
        if depth >= MAX_IMPORT_DEPTH {
            self.error(
                import.span.clone(),
                format!("imports nest more than {MAX_IMPORT_DEPTH} deep"),
            );
            return Vec::new();
        }
        let (targets, body): (Vec<Target>, Vec<(Target, Vec<Token>)>) = if let Some(tokens) =
            self.snippets.get(&name)
        {
            let t = Target::Snippet(name.clone());
            (vec![t.clone()], vec![(t, tokens.clone())])
        } else {
            let base = import
                .span
                .file
                .path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            if let Some(warning) = import_outside(self.ctx, &base, &name, &pattern.span) {
                self.problems.push(warning);
                return Vec::new();
            }
            let paths = match glob(&base, &name) {
                Ok(p) => p,
                Err(GlobError::NotFound) => {
                    self.error(
                            pattern.span.clone(),
                            format!("no snippet named ({name}) is defined above, and there is no file {name} to import"),
                        );
                    return Vec::new();
                }
                Err(GlobError::Other(message)) => {
                    self.error(
                        pattern.span.clone(),
                        format!("cannot import {name}: {message}"),
                    );
                    return Vec::new();
                }
            };
            if paths.is_empty() {
                self.problems.push(Problem::at(
                    Level::Warning,
                    pattern.span.clone(),
                    format!("no files match the import glob {name}"),
                ));
            }
            // A file the glob found may be a link out of the scan roots.
            let (paths, outside): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| {
                import_outside(self.ctx, &base, &p.to_string_lossy(), &pattern.span).is_none()
            });
            for p in outside {
                self.problems.extend(import_outside(
                    self.ctx,
                    &base,
                    &p.to_string_lossy(),
                    &pattern.span,
                ));
            }
            let mut body = Vec::new();
            for path in &paths {
                if let Some(tokens) = self.file_tokens(path, pattern) {
                    body.push((Target::File(path.clone()), tokens));
                }
            }
            (paths.into_iter().map(Target::File).collect(), body)
        };
        // A cycle: the target is already being imported, or is the file the import is in.
        let chain: Vec<&Arc<ImportSite>> =
            std::iter::successors(import.import.as_ref(), |s| s.parent.as_ref()).collect();
        for target in &targets {
            let in_chain = chain.iter().any(|s| &s.target == target);
            let own_file =
                matches!(target, Target::File(p) if same_file(p, &import.span.file.path));
            let root_file = matches!(target, Target::File(p)
                if chain.last().is_some_and(|s| same_file(p, &s.at.file.path)));
            if in_chain || own_file || root_file {
                let mut names: Vec<String> =
                    chain.iter().rev().map(|s| s.pattern.clone()).collect();
                names.push(name.clone());
                self.error(
                    import.span.clone(),
                    format!(
                        "import cycle: {} imports itself ({})",
                        name,
                        names.join(" → ")
                    ),
                );
                return Vec::new();
            }
        }
        let mut out = Vec::new();
        for (target, tokens) in body {
            let site = Arc::new(ImportSite {
                target,
                at: import.span.clone(),
                pattern: name.clone(),
                parent: import.import.clone(),
            });
            let first = out.len();
            for t in tokens {
                if let Some(with) = block_placeholder(&t, block) {
                    // The block's own tokens, where the import's block writes them.
                    for (i, b) in with.iter().enumerate() {
                        let mut b = b.clone();
                        if i == 0 {
                            b.newline_before = t.newline_before;
                        }
                        out.push(b);
                    }
                    continue;
                }
                replace_args(t, args, &site, &mut out);
            }
            if let Some(t) = out.get_mut(first) {
                t.newline_before = true;
            }
        }
        out
    }

    /// The tokens of an imported file (read once per parse).
    fn file_tokens(&mut self, path: &Path, pattern: &Token) -> Option<Vec<Token>> {
        if let Some(cached) = self.files.get(path) {
            return cached.clone();
        }
        let tokens = match read_source(path, self.ctx) {
            Ok(file) => self.tokenize(&file),
            Err(p) => {
                self.error(
                    pattern.span.clone(),
                    format!("cannot import {}: {}", p.file, p.message),
                );
                None
            }
        };
        self.files.insert(path.to_path_buf(), tokens.clone());
        tokens
    }
}

/// The warning for an import whose fixed part (the file, or the directory a glob lists)
/// resolves outside the scan roots: nothing there is listed or read.
fn import_outside(ctx: &Context, base: &Path, pattern: &str, at: &Span) -> Option<Problem> {
    outside_roots(ctx, base, pattern).then(|| {
        Problem::at(
            Level::Warning,
            at.clone(),
            format!("import {pattern}: outside the scanned tree: not read"),
        )
    })
}

/// Whether the fixed part of an import pattern resolves outside the scan roots.
fn outside_roots(ctx: &Context, base: &Path, pattern: &str) -> bool {
    let full = base.join(pattern);
    let fixed: PathBuf = full
        .components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
        .collect();
    matches!(ctx.resolve_include(&fixed), Err(ReadError::Outside(_)))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// What a `{block}` or `{blocks.NAME}` token of an imported snippet or file stands for: all of
/// the import's block, or the inside of its `NAME { … }` sub-block (nothing when there is none,
/// or when the import has no block, as Caddy does).
fn block_placeholder<'b>(t: &Token, block: &'b [Token]) -> Option<&'b [Token]> {
    if t.quote != Quote::Bare {
        return None;
    }
    let text = t.known()?;
    if text == "{block}" {
        return Some(block);
    }
    let name = text.strip_prefix("{blocks.")?.strip_suffix('}')?;
    let mut depth = 0usize;
    for (i, b) in block.iter().enumerate() {
        if depth == 0 && b.newline_before && b.is(name) {
            let opens = block
                .get(i + 1)
                .is_some_and(|n| n.is("{") && !n.newline_before);
            if opens {
                let inner = block.get(i + 2..).unwrap_or_default();
                let mut d = 1usize;
                for (j, x) in inner.iter().enumerate() {
                    if x.is("{") {
                        d += 1;
                    } else if x.is("}") {
                        d -= 1;
                        if d == 0 {
                            return inner.get(..j);
                        }
                    }
                }
                return Some(inner);
            }
        }
        if b.is("{") {
            depth += 1;
        } else if b.is("}") {
            depth = depth.saturating_sub(1);
        }
    }
    Some(&[])
}

/// Give every `invoke NAME` below `directives` the named route's block, as what it runs (the
/// routes a named route invokes in turn are not followed: a route may invoke itself).
fn attach_invoked(directives: &mut [Directive], routes: &[(String, Block)], depth: usize) {
    if depth > MAX_IMPORT_DEPTH {
        return;
    }
    for d in directives {
        if d.name.is("invoke") && d.block.is_none() {
            // `invoke [<matcher>] <name>`.
            let name = d.args.last().and_then(Token::known);
            if let Some((_, block)) = routes.iter().find(|(n, _)| Some(n.as_str()) == name) {
                d.block = Some(block.clone());
            }
        } else if let Some(b) = &mut d.block {
            attach_invoked(&mut b.directives, routes, depth + 1);
        }
    }
}

/// `&(name)`: the name of a named route definition.
fn named_route_name(t: &Token) -> Option<&str> {
    if t.quote != Quote::Bare {
        return None;
    }
    t.known()?.strip_prefix("&(")?.strip_suffix(')')
}

/// `(name)`: the name of a snippet definition.
fn snippet_name(t: &Token) -> Option<&str> {
    if t.quote != Quote::Bare {
        return None;
    }
    t.known()?.strip_prefix('(')?.strip_suffix(')')
}

/// Copy an imported token into `out`, its `{args...}` placeholders replaced by the import's
/// arguments: `{args.N}` (Caddy 2.6), `{args[N]}` and, as a token of its own, `{args[a:b]}`
/// (Caddy 2.7+). Out-of-range placeholders are kept as written, as Caddy does.
fn replace_args(mut t: Token, args: &[Token], site: &Arc<ImportSite>, out: &mut Vec<Token>) {
    t.import = Some(site.clone());
    let Val::Known(text) = &t.val else {
        out.push(t);
        return;
    };
    if let Some(range) = variadic(text, args.len()) {
        for (i, arg) in args.get(range).unwrap_or_default().iter().enumerate() {
            let mut a = arg.clone();
            a.newline_before = t.newline_before && i == 0;
            a.import = Some(site.clone());
            out.push(a);
        }
        return;
    }
    let placeholders = placeholders(text);
    if placeholders.is_empty() {
        out.push(t);
        return;
    }
    // The whole token is one placeholder: the argument itself, where it is written.
    if let [(r, i)] = placeholders.as_slice() {
        if r.start == 0 && r.end == text.len() {
            if let Some(arg) = args.get(*i) {
                t.val = arg.val.clone();
                t.span = arg.span.clone();
                t.origin = arg.origin.clone();
                out.push(t);
                return;
            }
        }
    }
    let mut value = String::with_capacity(text.len());
    let mut last = 0;
    let mut unknown = false;
    for (r, i) in &placeholders {
        value.push_str(text.get(last..r.start).unwrap_or_default());
        match args.get(*i) {
            Some(arg) => match &arg.val {
                Val::Known(v) => {
                    value.push_str(v);
                    if t.origin.is_none() {
                        t.origin = arg.origin.clone();
                    }
                }
                Val::Unknown(_) => unknown = true,
            },
            None => value.push_str(text.get(r.clone()).unwrap_or_default()),
        }
        last = r.end;
    }
    value.push_str(text.get(last..).unwrap_or_default());
    t.val = if unknown {
        Val::Unknown(text.clone())
    } else {
        Val::Known(value)
    };
    out.push(t);
}

/// `{args[a:b]}` as the whole token: the range of arguments it stands for, when in bounds.
fn variadic(text: &str, count: usize) -> Option<std::ops::Range<usize>> {
    let inner = text.strip_prefix("{args[")?.strip_suffix("]}")?;
    let (a, b) = inner.split_once(':')?;
    let start = if a.is_empty() { 0 } else { a.parse().ok()? };
    let end = if b.is_empty() { count } else { b.parse().ok()? };
    (start <= end && end <= count).then_some(start..end)
}

/// The `{args.N}` and `{args[N]}` placeholders of a token: byte range and index.
fn placeholders(text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|s| s.find("{args")) {
        let start = from + pos;
        let rest = text.get(start + 5..).unwrap_or_default();
        let parsed = if let Some(r) = rest.strip_prefix('.') {
            r.split_once('}').map(|(d, _)| (d, 5 + 1 + d.len() + 1))
        } else if let Some(r) = rest.strip_prefix('[') {
            r.split_once("]}").map(|(d, _)| (d, 5 + 1 + d.len() + 2))
        } else {
            None
        };
        match parsed.and_then(|(digits, len)| digits.parse::<usize>().ok().map(|i| (i, len))) {
            Some((index, len)) => {
                out.push((start..start + len, index));
                from = start + len;
            }
            None => from = start + 5,
        }
    }
    out
}

#[derive(Debug)]
enum GlobError {
    /// A plain path that does not exist.
    NotFound,
    Other(String),
}

/// The files an import pattern names, relative to `base` unless absolute, in name order.
/// Caddy allows one `*` and one `?` at most, and no `[...]` class.
fn glob(base: &Path, pattern: &str) -> Result<Vec<PathBuf>, GlobError> {
    let full = if Path::new(pattern).is_absolute() {
        PathBuf::from(pattern)
    } else {
        base.join(pattern)
    };
    let shown = full.to_string_lossy();
    if shown.matches('*').count() > 1
        || shown.matches('?').count() > 1
        || (shown.contains('[') && shown.contains(']'))
    {
        return Err(GlobError::Other(
            "a glob may only contain one wildcard (*)".into(),
        ));
    }
    if !shown.contains(['*', '?', '[']) {
        return match std::fs::metadata(&full) {
            Ok(m) if m.is_dir() => Err(GlobError::Other("it is a directory".into())),
            Ok(_) => Ok(vec![full]),
            Err(_) => Err(GlobError::NotFound),
        };
    }
    let mut candidates = vec![PathBuf::new()];
    for component in full.components() {
        let part = component.as_os_str().to_string_lossy();
        let wild = part.contains(['*', '?', '[']);
        let mut next = Vec::new();
        for dir in candidates {
            if !wild {
                next.push(dir.join(component.as_os_str()));
                continue;
            }
            let listing = if dir.as_os_str().is_empty() {
                std::fs::read_dir(".")
            } else {
                std::fs::read_dir(&dir)
            };
            let Ok(entries) = listing else { continue };
            let mut names: Vec<String> = entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| wildcard_match(&part, n))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| dir.join(n)));
        }
        candidates = next;
    }
    let mut out = Vec::new();
    for c in candidates {
        match std::fs::metadata(&c) {
            Ok(m) if m.is_dir() => {
                return Err(GlobError::Other(format!(
                    "{} is a directory",
                    c.to_string_lossy()
                )))
            }
            Ok(_) => out.push(c),
            Err(_) => {}
        }
    }
    Ok(out)
}

/// `*` (any run of characters) and `?` (one character) against a file name.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some('?') => {
                pi += 1;
                ni += 1;
            }
            Some(c) if Some(c) == n.get(ni) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == '*')
}

/// The files a Caddyfile imports, found by a quick look at its `import` lines (for grouping
/// files into units: a false match only merges a file into the document that imports it).
pub fn imported_files(path: &Path, ctx: &Context) -> Vec<PathBuf> {
    let Ok(text) = ctx.open_inside(path, crate::source::MAX_FILE_SIZE) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    let Ok(tokens) = lexer::lex(&text) else {
        return Vec::new();
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !(t.newline_before && t.quote == Quote::Bare && t.text == "import") {
            continue;
        }
        let Some(pattern) = tokens.get(i + 1).filter(|p| !p.newline_before) else {
            continue;
        };
        if pattern.text.contains("{$") || outside_roots(ctx, &base, &pattern.text) {
            continue;
        }
        if let Ok(paths) = glob(&base, &pattern.text) {
            out.extend(paths);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_outside_the_scan_roots_are_refused_before_any_listing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("snippets")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        let ctx = Context::with_roots(dir.path(), &[PathBuf::from("root")]);
        let at = Span::new(
            SourceFile::new(root.join("Caddyfile"), "Caddyfile".into(), String::new()),
            TextRange::empty(0),
        );
        let outside = |p: &str| import_outside(&ctx, &root, p, &at).is_some();
        assert!(!outside("snippets/*.caddy"));
        assert!(!outside("snippets/../snippets/*"));
        assert!(
            !outside("missing/*"),
            "a missing directory is the glob's problem"
        );
        assert!(outside("../outside/*.caddy"));
        assert!(outside("../*"));
        assert!(outside("/etc/*"));
        assert!(outside("/etc/shadow"));
        assert!(outside("snippets/../../outside/*"));
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("out")).unwrap();
        assert!(outside("out/*.caddy"));
    }

    fn parse_str(files: &[(&str, &str)]) -> (tempfile::TempDir, Parsed) {
        parse_env(files, &Env::new())
    }

    fn parse_env(files: &[(&str, &str)], env: &Env) -> (tempfile::TempDir, Parsed) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
        }
        let ctx = Context::new(dir.path().to_path_buf());
        let main = dir.path().join(files[0].0);
        let file = read_source(&main, &ctx).unwrap();
        let parsed = parse(&file, env, &ctx);
        (dir, parsed)
    }

    fn ok(parsed: &Parsed) -> &Caddyfile {
        assert!(
            parsed.problems.is_empty(),
            "{:?}",
            parsed
                .problems
                .iter()
                .map(|p| &p.message)
                .collect::<Vec<_>>()
        );
        parsed.file.as_ref().unwrap()
    }

    fn texts(ts: &[Token]) -> Vec<&str> {
        ts.iter().map(Token::text).collect()
    }

    fn line(t: &Token) -> (String, u32) {
        (
            t.span.file.display.clone(),
            t.span.file.line_col(t.span.range.start).line,
        )
    }

    #[test]
    fn global_sites_and_nested_blocks() {
        let (_d, p) = parse_str(&[(
            "Caddyfile",
            "{\n\temail a@b.c\n}\n\na.com, b.com,\nc.com {\n\treverse_proxy /api* app:80 {\n\t\ttransport http {\n\t\t\ttls_insecure_skip_verify\n\t\t}\n\t}\n\trespond ok\n}\n",
        )]);
        let f = ok(&p);
        let g = f.global.as_ref().unwrap();
        assert_eq!(g.directives[0].name.text(), "email");
        assert_eq!(f.sites.len(), 1);
        let site = &f.sites[0];
        assert_eq!(texts(&site.addresses), vec!["a.com", "b.com", "c.com"]);
        let rp = &site.directives[0];
        assert_eq!(texts(&rp.args), vec!["/api*", "app:80"]);
        let transport = &rp.block.as_ref().unwrap().directives[0];
        assert_eq!(texts(&transport.args), vec!["http"]);
        let skip = &transport.block.as_ref().unwrap().directives[0];
        assert_eq!(skip.name.text(), "tls_insecure_skip_verify");
        assert_eq!(line(&skip.name), ("Caddyfile".into(), 9));
        assert_eq!(site.directives[1].name.text(), "respond");
    }

    #[test]
    fn single_site_without_braces_and_brace_on_next_line() {
        let (_d, p) = parse_str(&[("Caddyfile", "a.com\nrespond hi\nfile_server\n")]);
        let f = ok(&p);
        assert_eq!(f.sites[0].directives.len(), 2);
        let (_d, p) = parse_str(&[("Caddyfile", "a.com\n{\n respond hi\n}\nb.com {\n}\n")]);
        let f = ok(&p);
        assert_eq!(f.sites.len(), 2);
        let (_d, p) = parse_str(&[("Caddyfile", "a.com\n")]);
        assert_eq!(ok(&p).sites[0].directives.len(), 0);
    }

    #[test]
    fn snippets_with_arguments_point_at_where_things_are_written() {
        let src = "(common) {\n\theader X-A {args.0}\n\theader X-B pre-{args[1]}\n\trespond {args[:]}\n}\na.com {\n\timport common one two\n}\n";
        let (_d, p) = parse_str(&[("Caddyfile", src)]);
        let f = ok(&p);
        let d = &f.sites[0].directives;
        assert_eq!(d.len(), 3);
        assert_eq!(texts(&d[0].args), vec!["X-A", "one"]);
        assert_eq!(texts(&d[1].args), vec!["X-B", "pre-two"]);
        assert_eq!(texts(&d[2].args), vec!["one", "two"]);
        // The directive points at the snippet, a whole-token argument at the import line.
        assert_eq!(line(&d[0].name).1, 2);
        assert_eq!(line(&d[0].args[1]).1, 7);
        assert_eq!(line(&d[1].args[1]).1, 3);
        let site = d[0].name.import.as_ref().unwrap();
        assert_eq!(site.target, Target::Snippet("common".into()));
        assert_eq!(site.at.file.line_col(site.at.range.start).line, 7);
    }

    #[test]
    fn out_of_range_placeholders_stay() {
        let (_d, p) = parse_str(&[(
            "Caddyfile",
            "(s) {\n\trespond {args.3} {args[x]}\n}\na.com {\n\timport s\n}\n",
        )]);
        let f = ok(&p);
        assert_eq!(
            texts(&f.sites[0].directives[0].args),
            vec!["{args.3}", "{args[x]}"]
        );
    }

    #[test]
    fn file_imports_with_globs() {
        let (_d, p) = parse_str(&[
            (
                "Caddyfile",
                "import sites/*.caddy\nimport snippets.conf\nc.com {\n\timport common\n}\n",
            ),
            ("sites/b.caddy", "b.com {\n\treverse_proxy b:80\n}\n"),
            ("sites/a.caddy", "a.com {\n\treverse_proxy {args.0}\n}\n"),
            ("snippets.conf", "(common) {\n\tencode gzip\n}\n"),
        ]);
        let f = ok(&p);
        let hosts: Vec<&str> = f.sites.iter().map(|s| s.addresses[0].text()).collect();
        assert_eq!(hosts, vec!["a.com", "b.com", "c.com"]);
        assert_eq!(line(&f.sites[0].addresses[0]), ("sites/a.caddy".into(), 1));
        assert_eq!(f.sites[2].directives[0].name.text(), "encode");
        assert_eq!(
            line(&f.sites[2].directives[0].name),
            ("snippets.conf".into(), 2)
        );
    }

    #[test]
    fn import_cycles_are_errors_not_overflows() {
        let (_d, p) = parse_str(&[
            ("Caddyfile", "import a.caddy\nx.com {\n}\n"),
            ("a.caddy", "import b.caddy\n"),
            ("b.caddy", "import a.caddy\n"),
        ]);
        assert!(
            p.problems.iter().any(|p| p.message.contains("cycle")),
            "{:?}",
            p.problems
        );
        assert_eq!(p.file.unwrap().sites.len(), 1);

        let (_d, p) = parse_str(&[("Caddyfile", "import Caddyfile\n")]);
        assert!(p.problems[0].message.contains("cycle"));

        let (_d, p) = parse_str(&[(
            "Caddyfile",
            "(a) {\n\timport b\n}\n(b) {\n\timport a\n}\nx.com {\n\timport a\n}\n",
        )]);
        let msgs: Vec<&str> = p.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("a → b → a"), "{msgs:?}");
        assert_eq!(p.problems[0].line_col().unwrap().line, 5);
    }

    #[test]
    fn exponential_imports_are_cut() {
        let mut src = String::from("(s0) {\n\trespond x\n}\n");
        for i in 1..40 {
            src.push_str(&format!(
                "(s{i}) {{\n\timport s{}\n\timport s{}\n}}\n",
                i - 1,
                i - 1
            ));
        }
        src.push_str("a.com {\n\timport s39\n}\n");
        let (_d, p) = parse_str(&[("Caddyfile", &src)]);
        assert!(p.file.is_none());
        assert!(p.problems[0].message.contains("more than"));
    }

    #[test]
    fn import_problems() {
        let (_d, p) = parse_str(&[(
            "Caddyfile",
            "a.com {\n\timport nothing\n\timport none/*.caddy\n\timport dir\n\timport\n\trespond ok\n}\n",
        )]);
        let f = p.file.as_ref().unwrap();
        assert_eq!(f.sites[0].directives.len(), 1);
        let got: Vec<(Level, u32)> = p
            .problems
            .iter()
            .map(|x| (x.level, x.line_col().unwrap().line))
            .collect();
        assert_eq!(
            got,
            vec![
                (Level::Error, 2),
                (Level::Warning, 3),
                (Level::Error, 4),
                (Level::Error, 5)
            ]
        );
        // A snippet is only known after its definition (Caddy reads top to bottom).
        let (_d, p) = parse_str(&[("Caddyfile", "a.com {\n\timport s\n}\n(s) {\n}\n")]);
        assert!(p.problems[0].message.contains("no snippet named (s)"));
    }

    #[test]
    fn unreadable_import() {
        let (_d, p) = parse_str(&[
            ("Caddyfile", "a.com {\n\timport bad.caddy\n}\n"),
            ("bad.caddy", "respond \"unterminated\n"),
        ]);
        assert!(p.file.is_some());
        let files: Vec<(String, u32)> = p
            .problems
            .iter()
            .map(|x| (x.file.clone(), x.line_col().unwrap().line))
            .collect();
        assert_eq!(files, vec![("bad.caddy".to_string(), 1)]);
    }

    #[test]
    fn syntax_errors() {
        for (src, line_no, needle) in [
            ("a.com {\n\trespond a\n", 1, "unclosed"),
            ("a.com {\n\theader {\n\t\tX-A b\n\t}\n", 1, "unclosed"),
            ("a.com {\n}\n}\n", 3, "unexpected `}`"),
            ("a.com {\n}\n{\n\temail x\n}\n", 3, "must come first"),
            ("(s) {\n}\n(s) {\n}\n", 3, "twice"),
            ("a.com,\n", 1, "another address"),
            ("a.com, {\n}\n", 1, "extra comma"),
            ("a.com {\n\trespond \"x\n}\n", 2, "unterminated"),
        ] {
            let (_d, p) = parse_str(&[("Caddyfile", src)]);
            assert!(p.file.is_none(), "{src}");
            let prob = &p.problems[0];
            assert!(prob.message.contains(needle), "{src}: {}", prob.message);
            assert_eq!(prob.line_col().unwrap().line, line_no, "{src}");
        }
    }

    #[test]
    fn env_values() {
        let env: Env = [("HOST".to_string(), "a.com b.com".to_string())].into();
        let (_d, p) = parse_env(
            &[(
                "Caddyfile",
                "{$HOST} {\n\treverse_proxy {$UP:app:80} {$NOPE}\n\trespond \"{$HOST}\"\n}\n",
            )],
            &env,
        );
        let f = ok(&p);
        // An unquoted value with spaces is several tokens (Caddy substitutes before lexing).
        assert_eq!(texts(&f.sites[0].addresses), vec!["a.com", "b.com"]);
        let rp = &f.sites[0].directives[0];
        assert_eq!(rp.args[0].val, Val::Known("app:80".into()));
        assert_eq!(
            rp.args[0].origin,
            Some(Origin::Default {
                name: Some("UP".into())
            })
        );
        assert_eq!(rp.args[1].val, Val::Unknown("{$NOPE}".into()));
        assert_eq!(f.sites[0].directives[1].args[0].text(), "a.com b.com");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("*.caddy", "a.caddy"));
        assert!(wildcard_match("*.caddy", ".caddy"));
        assert!(!wildcard_match("*.caddy", "a.caddyfile"));
        assert!(wildcard_match("site?.conf", "site1.conf"));
        assert!(wildcard_match("*", "anything"));
        assert!(!wildcard_match("a*b", "ac"));
        assert_eq!(variadic("{args[:]}", 2), Some(0..2));
        assert_eq!(variadic("{args[1:]}", 3), Some(1..3));
        assert_eq!(variadic("{args[:5]}", 3), None);
        assert_eq!(variadic("{args[0]}", 3), None);
        assert_eq!(placeholders("a{args.0}b{args[12]}{args.x}").len(), 2);
    }
}
