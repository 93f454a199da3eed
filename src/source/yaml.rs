//! YAML with positions: a tree of `Located` nodes built from saphyr's event stream.
//!
//! Anchors are shared, not copied, while parsing; aliases are expanded when the tree is built
//! under a node budget, so an alias bomb is an error, not an out-of-memory kill. `<<` merge keys
//! are applied here. A node reached through an alias carries the alias's position: that is where
//! the user wrote it.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};

use crate::document::{Origin, Span};
use crate::limits::MAX_NESTING;
use crate::text::{SourceFile, TextRange};

/// Nodes one file may expand to, aliases included.
pub const NODE_BUDGET: usize = 1_000_000;

#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub range: TextRange,
}

impl YamlError {
    fn new(message: impl Into<String>, range: TextRange) -> Self {
        Self {
            message: message.into(),
            range,
        }
    }
}

/// A value with the place it was written and, when it was interpolated, where it came from.
#[derive(Debug, Clone)]
pub struct Located {
    pub span: Span,
    pub value: Value,
    pub origin: Option<Origin>,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A value that cannot be known statically (the source text that produced it).
    Unknown(String),
    Seq(Vec<Located>),
    Map(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Located,
}

impl Located {
    pub fn new(span: Span, value: Value) -> Self {
        Self {
            span,
            value,
            origin: None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Located> {
        self.entries()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The scalar as text (numbers and booleans as written in YAML 1.2).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Convert to JSON, recording every node's span (map entries at their key, list items at the
    /// item) and every non-literal value's origin into `sink`.
    pub fn to_json(&self, path: &mut Vec<String>, sink: &mut SpanSink<'_>) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Unknown(src) => {
                let mut m = serde_json::Map::new();
                m.insert("unknown".into(), J::String(src.clone()));
                J::Object(m)
            }
            Value::Seq(items) => J::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        path.push(i.to_string());
                        sink(path, &item.span, item.origin.as_ref());
                        let v = item.to_json(path, sink);
                        path.pop();
                        v
                    })
                    .collect(),
            ),
            Value::Map(entries) => {
                let mut m = serde_json::Map::new();
                for e in entries {
                    path.push(e.key.clone());
                    sink(path, &e.key_span, e.value.origin.as_ref());
                    m.insert(e.key.clone(), e.value.to_json(path, sink));
                    path.pop();
                }
                J::Object(m)
            }
        }
    }
}

/// Receives each node's path, span and origin while a tree is converted to JSON.
pub type SpanSink<'a> = dyn FnMut(&[String], &Span, Option<&Origin>) + 'a;

/// Raw parse tree: anchors shared, aliases unexpanded.
#[derive(Debug, Clone)]
struct Node {
    data: Rc<Data>,
    range: TextRange,
    /// The collections nested in this node, itself included, aliases expanded: bounded while
    /// parsing, so that neither building nor dropping a chain of aliases recurses without end.
    depth: usize,
}

#[derive(Debug)]
enum Data {
    Scalar {
        text: String,
        plain: bool,
        tagged_str: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    Alias(Node),
}

enum Frame {
    Seq {
        anchor: usize,
        start: TextRange,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        start: TextRange,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Parse the first YAML document of `file` into a located tree. An empty document is `Null`.
pub fn parse(file: &Arc<SourceFile>) -> Result<Located, YamlError> {
    parse_text(file, &file.text)
}

/// Parse `text`, a stand-in for `file`'s text with the same characters on each line (comments
/// blanked out, say), with positions in `file`.
pub fn parse_text(file: &Arc<SourceFile>, text: &str) -> Result<Located, YamlError> {
    let root = parse_raw(file, text)?;
    let mut budget = NODE_BUDGET;
    match root {
        Some(node) => build(&node, file, None, &mut budget, 0),
        None => Ok(Located::new(
            Span::new(file.clone(), TextRange::empty(0)),
            Value::Null,
        )),
    }
}

fn to_range(file: &SourceFile, span: &YSpan) -> TextRange {
    let start = file.offset_of(line_u32(span.start.line()), col_u32(span.start.col()));
    let end = file.offset_of(line_u32(span.end.line()), col_u32(span.end.col()));
    TextRange::new(start, end)
}

fn line_u32(l: usize) -> u32 {
    u32::try_from(l).unwrap_or(u32::MAX)
}

fn col_u32(c: usize) -> u32 {
    u32::try_from(c).unwrap_or(u32::MAX)
}

fn parse_raw(file: &Arc<SourceFile>, text: &str) -> Result<Option<Node>, YamlError> {
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;

    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let m = e.marker();
            let at = file.offset_of(line_u32(m.line()), col_u32(m.col()));
            // The scanner's own limit on flow collections is the same as ours.
            let message = if e.info() == "recursion limit exceeded" {
                format!("collections nest deeper than {MAX_NESTING} levels")
            } else {
                format!("invalid YAML: {}", e.info())
            };
            YamlError::new(message, TextRange::empty(at))
        })?;
        let range = to_range(file, &span);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError::new(
                        "more than one YAML document in this file (only one is allowed)",
                        range,
                    ));
                }
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tagged_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let node = Node {
                    data: Rc::new(Data::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                        tagged_str,
                    }),
                    range,
                    depth: 0,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => {
                let target = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| YamlError::new("alias to an unknown anchor", range))?;
                let depth = target.depth;
                nest_within(stack.len(), depth, range)?;
                Node {
                    data: Rc::new(Data::Alias(target)),
                    range,
                    depth,
                }
            }
            Event::SequenceStart(anchor, _) => {
                too_deep(stack.len(), range)?;
                stack.push(Frame::Seq {
                    anchor,
                    start: range,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                too_deep(stack.len(), range)?;
                stack.push(Frame::Map {
                    anchor,
                    start: range,
                    entries: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, node) = match stack.pop() {
                    Some(Frame::Seq {
                        anchor,
                        start,
                        items,
                    }) => (
                        anchor,
                        Node {
                            depth: 1 + items.iter().map(|n| n.depth).max().unwrap_or(0),
                            data: Rc::new(Data::Seq(items)),
                            range: TextRange::new(start.start, range.end),
                        },
                    ),
                    Some(Frame::Map {
                        anchor,
                        start,
                        entries,
                        ..
                    }) => (
                        anchor,
                        Node {
                            depth: 1 + entries
                                .iter()
                                .map(|(k, v)| k.depth.max(v.depth))
                                .max()
                                .unwrap_or(0),
                            data: Rc::new(Data::Map(entries)),
                            range: TextRange::new(start.start, range.end),
                        },
                    ),
                    None => return Err(YamlError::new("unbalanced YAML collection", range)),
                };
                nest_within(stack.len(), node.depth, node.range)?;
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            _ => continue,
        };
        match stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => {
                if root.is_none() {
                    root = Some(node);
                }
            }
        }
    }
    Ok(root)
}

/// Refuse a node holding `depth` nested collections (aliases expanded) under `around` open
/// ones when together they nest deeper than building allows.
fn nest_within(around: usize, depth: usize, range: TextRange) -> Result<(), YamlError> {
    if around + depth > MAX_NESTING {
        too_deep(MAX_NESTING, range)
    } else {
        Ok(())
    }
}

/// Refuse a collection opened at `depth` (0: the top level) when it nests too deep.
fn too_deep(depth: usize, range: TextRange) -> Result<(), YamlError> {
    if depth >= MAX_NESTING {
        return Err(YamlError::new(
            format!("collections nest deeper than {MAX_NESTING} levels"),
            range,
        ));
    }
    Ok(())
}

fn spend(budget: &mut usize, range: TextRange) -> Result<(), YamlError> {
    if *budget == 0 {
        return Err(YamlError::new(
            format!("aliases expand this document beyond {NODE_BUDGET} nodes (an alias bomb?)"),
            range,
        ));
    }
    *budget -= 1;
    Ok(())
}

/// Build the located tree. `at` is set below an alias: every node there points at the alias.
/// `depth` counts the collections around `node`, aliases expanded (an alias can nest an anchor's
/// tree deeper than it was written).
fn build(
    node: &Node,
    file: &Arc<SourceFile>,
    at: Option<TextRange>,
    budget: &mut usize,
    depth: usize,
) -> Result<Located, YamlError> {
    spend(budget, at.unwrap_or(node.range))?;
    let here = at.unwrap_or(node.range);
    let span = Span::new(file.clone(), here);
    if matches!(&*node.data, Data::Seq(_) | Data::Map(_)) {
        too_deep(depth, here)?;
    }
    let value = match &*node.data {
        // An alias's target is an anchored node, never another alias.
        Data::Alias(target) => return build(target, file, Some(here), budget, depth),
        Data::Scalar {
            text,
            plain,
            tagged_str,
        } => scalar(text, *plain && !*tagged_str),
        Data::Seq(items) => Value::Seq(
            items
                .iter()
                .map(|i| build(i, file, at, budget, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Data::Map(pairs) => Value::Map(build_map(pairs, file, at, budget, depth + 1)?),
    };
    Ok(Located::new(span, value))
}

fn key_text(key: &Node) -> Result<(String, bool), YamlError> {
    let mut k = key;
    while let Data::Alias(t) = &*k.data {
        k = t;
    }
    match &*k.data {
        Data::Scalar { text, plain, .. } => Ok((text.clone(), *plain)),
        _ => Err(YamlError::new("a mapping key must be a scalar", key.range)),
    }
}

fn build_map(
    pairs: &[(Node, Node)],
    file: &Arc<SourceFile>,
    at: Option<TextRange>,
    budget: &mut usize,
    depth: usize,
) -> Result<Vec<Entry>, YamlError> {
    let mut explicit: Vec<Entry> = Vec::with_capacity(pairs.len());
    let mut explicit_keys: HashSet<String> = HashSet::with_capacity(pairs.len());
    let mut merged: Vec<Entry> = Vec::new();
    let mut merged_keys: HashSet<String> = HashSet::new();
    for (k, v) in pairs {
        let (key, plain) = key_text(k)?;
        let key_range = at.unwrap_or(k.range);
        if plain && key == "<<" {
            // Merge key: the value is a mapping or a list of mappings; earlier ones win.
            let source = build(v, file, at, budget, depth)?;
            let sources = match source.value {
                Value::Map(_) => vec![source],
                Value::Seq(items) => items,
                _ => {
                    return Err(YamlError::new(
                        "a `<<` merge key needs a mapping or a list of mappings",
                        key_range,
                    ))
                }
            };
            for s in sources {
                let Value::Map(entries) = s.value else {
                    return Err(YamlError::new(
                        "a `<<` merge key needs a mapping or a list of mappings",
                        s.span.range,
                    ));
                };
                for e in entries {
                    if merged_keys.insert(e.key.clone()) {
                        merged.push(e);
                    }
                }
            }
            continue;
        }
        if !explicit_keys.insert(key.clone()) {
            return Err(YamlError::new(format!("duplicate key `{key}`"), key_range));
        }
        spend(budget, key_range)?;
        let value = build(v, file, at, budget, depth)?;
        explicit.push(Entry {
            key,
            key_span: Span::new(file.clone(), key_range),
            value,
        });
    }
    for e in merged {
        if !explicit_keys.contains(&e.key) {
            explicit.push(e);
        }
    }
    Ok(explicit)
}

/// Type a plain scalar by YAML 1.2's core schema; quoted scalars are strings.
fn scalar(text: &str, plain: bool) -> Value {
    if !plain {
        return Value::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Int(i);
        }
    }
    let numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if numeric {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
        if let Ok(f) = text.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Arc<SourceFile> {
        SourceFile::new("t.yaml".into(), "t.yaml".into(), text.into())
    }

    fn line_of(l: &Located) -> u32 {
        l.span.file.line_col(l.span.range.start).line
    }

    #[test]
    fn keys_and_items_keep_positions() {
        let f = file("services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\"\n");
        let root = parse(&f).unwrap();
        let web = root.get("services").unwrap().get("web").unwrap();
        let image_entry = web
            .entries()
            .unwrap()
            .iter()
            .find(|e| e.key == "image")
            .unwrap();
        assert_eq!(f.line_col(image_entry.key_span.range.start).line, 3);
        let Value::Seq(items) = &web.get("ports").unwrap().value else {
            panic!("seq")
        };
        assert_eq!(line_of(&items[0]), 5);
        assert_eq!(items[0].as_str(), Some("80:80"));
    }

    #[test]
    fn merge_keys_and_aliases_point_at_the_use() {
        let f = file("x: &d\n  privileged: true\n  a: 1\ns:\n  <<: *d\n  a: 2\n");
        let root = parse(&f).unwrap();
        let s = root.get("s").unwrap();
        let p = s
            .entries()
            .unwrap()
            .iter()
            .find(|e| e.key == "privileged")
            .unwrap();
        assert_eq!(f.line_col(p.key_span.range.start).line, 5);
        assert!(matches!(s.get("a").unwrap().value, Value::Int(2)));
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            text.push_str(&format!("{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let err = parse(&file(&text)).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    /// A chain of merge keys (each map merging the one before) 60,000 long is refused while
    /// parsing: neither building nor dropping it recurses down the chain.
    #[test]
    fn a_long_merge_chain_is_a_nesting_error_not_an_overflow() {
        on_worker_stack(|| {
            let mut text = String::from("x-m0: &m0 {k0: v}\n");
            for i in 1..60_000 {
                text.push_str(&format!("x-m{i}: &m{i} {{<<: *m{}, k{i}: v}}\n", i - 1));
            }
            text.push_str("top: *m59999\n");
            let err = parse(&file(&text)).unwrap_err();
            assert!(err.message.contains("nest deeper"), "{}", err.message);
        });
    }

    /// Run `f` on a thread with a scan worker's stack (rayon's default, 2 MiB).
    fn on_worker_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn nesting_is_bounded_and_the_deepest_allowed_passes_on_a_worker_stack() {
        on_worker_stack(|| {
            let flow = |n: usize| format!("x: {}{}\n", "[".repeat(n - 1), "]".repeat(n - 1));
            let block = |n: usize| format!("x:\n{}1\n", "- ".repeat(n - 1));
            for text in [flow(MAX_NESTING), block(MAX_NESTING)] {
                let root = parse(&file(&text)).unwrap();
                let json = root.to_json(&mut Vec::new(), &mut |_, _, _| {});
                drop(json);
            }
            for text in [flow(MAX_NESTING + 1), block(MAX_NESTING + 1), flow(5_000)] {
                let err = parse(&file(&text)).unwrap_err();
                assert!(
                    err.message.contains("nest deeper than 255"),
                    "{}",
                    err.message
                );
            }
            // Aliases nest an anchor's tree below another: counted once expanded.
            let half = MAX_NESTING / 2 + 1;
            let text = format!(
                "a: &a {}{}\nb: {}*a{}\n",
                "[".repeat(half),
                "]".repeat(half),
                "[".repeat(half),
                "]".repeat(half)
            );
            let err = parse(&file(&text)).unwrap_err();
            assert!(err.message.contains("nest deeper"), "{}", err.message);
            assert_eq!(file(&text).line_col(err.range.start).line, 2);
        });
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let f = file("a: 1\nb: 2\na: 3\n");
        let err = parse(&f).unwrap_err();
        assert_eq!(f.line_col(err.range.start).line, 3);
    }

    #[test]
    fn core_schema_typing() {
        let f = file("a: 08\nb: \"true\"\nc: true\nd: 0x1F\ne: ~\nf: 1.5\ng: !!str 5\n");
        let r = parse(&f).unwrap();
        assert!(matches!(r.get("a").unwrap().value, Value::Int(8)));
        assert!(matches!(r.get("b").unwrap().value, Value::Str(_)));
        assert!(matches!(r.get("c").unwrap().value, Value::Bool(true)));
        assert!(matches!(r.get("d").unwrap().value, Value::Int(31)));
        assert!(matches!(r.get("e").unwrap().value, Value::Null));
        assert!(matches!(r.get("f").unwrap().value, Value::Float(_)));
        assert!(matches!(r.get("g").unwrap().value, Value::Str(_)));
    }
}
