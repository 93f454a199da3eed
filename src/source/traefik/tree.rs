//! One tree for every way Traefik reads configuration (YAML, TOML, labels, CLI arguments): keys
//! lowercased (Traefik matches option names case-insensitively) except where a key is a name the
//! user chose (a router, a middleware, an entrypoint...), each node with the span where it was
//! written.

use std::sync::Arc;

use indexmap::map::Slice;
use indexmap::IndexMap;
use serde_json::{Map, Value as J};

use crate::document::Span;
use crate::limits::{MAX_LIST_INDEX, MAX_NESTING};
use crate::source::yaml::{Located, Value as Y};
use crate::text::{SourceFile, TextRange};

/// A configuration value with where it was written: a map entry's key, a list item, a label,
/// a CLI argument.
#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub value: V,
}

#[derive(Debug, Clone)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A value that cannot be known (an unset compose variable): the source text.
    Unknown(String),
    List(Vec<Node>),
    /// Entries in the order written, found by key in constant time.
    Map(IndexMap<String, Node>),
}

/// Maps whose keys are names chosen by the user (kept as written), not option names.
const NAME_MAPS: &[&str] = &[
    "routers",
    "services",
    "middlewares",
    "serverstransports",
    "options",
    "stores",
    "entrypoints",
    "certificatesresolvers",
    "customrequestheaders",
    "customresponseheaders",
    "plugin",
    "plugins",
    "localplugins",
];

/// Whether the keys of a map found under `parent` (lowercased) are names.
pub fn names_below(parent: Option<&str>) -> bool {
    parent.is_some_and(|p| NAME_MAPS.contains(&p))
}

/// Normalize one key found below `parent`.
pub fn norm_key(key: &str, parent: Option<&str>) -> String {
    if names_below(parent) {
        key.to_string()
    } else {
        key.to_ascii_lowercase()
    }
}

impl Node {
    pub fn new(span: Span, value: V) -> Self {
        Self { span, value }
    }

    pub fn map(span: Span) -> Self {
        Self::new(span, V::Map(IndexMap::new()))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            V::Map(m) => m.get(key),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            V::Map(m) => m.get_mut(key),
            _ => None,
        }
    }

    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn entries(&self) -> &Slice<String, Node> {
        match &self.value {
            V::Map(m) => m.as_slice(),
            _ => Slice::new(),
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            V::List(l) => l,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text.
    pub fn text(&self) -> Option<String> {
        match &self.value {
            V::Str(s) => Some(s.clone()),
            V::Int(i) => Some(i.to_string()),
            V::Float(f) => Some(f.to_string()),
            V::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// `true`, or a string saying so.
    pub fn truthy(&self) -> bool {
        match &self.value {
            V::Bool(b) => *b,
            V::Str(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    /// The strings of a list, or of a comma-separated string.
    pub fn strings(&self) -> Vec<(String, Span)> {
        match &self.value {
            V::List(items) => items
                .iter()
                .filter_map(|i| i.text().map(|t| (t, i.span.clone())))
                .collect(),
            V::Str(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| (s.to_string(), self.span.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Set `path` below this node to `leaf`, creating maps (spanned at the leaf) on the way.
    /// A later value replaces an earlier one; a map replaces a scalar (`--providers.docker`
    /// then `--providers.docker.network=x`) and a scalar `true` does not replace a map.
    pub fn insert(&mut self, path: &[Seg], leaf: Node) {
        let Some((first, rest)) = path.split_first() else {
            match (&self.value, &leaf.value) {
                (V::Map(m), V::Bool(true) | V::Null) if !m.is_empty() => {}
                (V::Map(_), V::Map(_)) => self.merge(leaf),
                _ => *self = leaf,
            }
            return;
        };
        match first {
            Seg::Key(k) => {
                if !matches!(self.value, V::Map(_)) {
                    self.value = V::Map(IndexMap::new());
                }
                if let V::Map(m) = &mut self.value {
                    m.entry(k.clone())
                        .or_insert_with(|| Node::map(leaf.span.clone()))
                        .insert(rest, leaf);
                }
            }
            Seg::Index(i) => {
                if !matches!(self.value, V::List(_)) {
                    self.value = V::List(Vec::new());
                }
                if let V::List(l) = &mut self.value {
                    while l.len() <= *i {
                        l.push(Node::map(leaf.span.clone()));
                    }
                    if let Some(child) = l.get_mut(*i) {
                        child.insert(rest, leaf);
                    }
                }
            }
        }
    }

    /// Merge another map into this one, key by key (the other wins on scalars).
    pub fn merge(&mut self, other: Node) {
        match (&mut self.value, other.value) {
            (V::Map(mine), V::Map(theirs)) => {
                for (k, v) in theirs {
                    match mine.get_mut(&k) {
                        Some(slot) => slot.merge(v),
                        None => {
                            mine.insert(k, v);
                        }
                    }
                }
            }
            (_, value) => {
                self.value = value;
                self.span = other.span;
            }
        }
    }

    /// Convert to JSON, recording every node's span into `sink`.
    pub fn to_json(&self, path: &mut Vec<String>, sink: &mut dyn FnMut(&[String], &Span)) -> J {
        match &self.value {
            V::Null => J::Null,
            V::Bool(b) => J::Bool(*b),
            V::Int(i) => J::from(*i),
            V::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            V::Str(s) => J::String(s.clone()),
            V::Unknown(s) => unknown(s),
            V::List(items) => J::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        path.push(i.to_string());
                        sink(path, &n.span);
                        let v = n.to_json(path, sink);
                        path.pop();
                        v
                    })
                    .collect(),
            ),
            V::Map(entries) => {
                let mut m = Map::new();
                for (k, n) in entries {
                    path.push(k.clone());
                    sink(path, &n.span);
                    m.insert(k.clone(), n.to_json(path, sink));
                    path.pop();
                }
                J::Object(m)
            }
        }
    }
}

pub fn unknown(text: &str) -> J {
    let mut m = Map::new();
    m.insert("unknown".into(), J::String(text.to_string()));
    J::Object(m)
}

/// One step of a flat key (`domains[0]` is `domains` then index 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A flat dotted key (`http.routers.Web.tls.domains[0].main`, from a label or a CLI argument)
/// as normalized path steps; an error for a key nesting deeper than [`MAX_NESTING`] steps or an
/// index past [`MAX_LIST_INDEX`].
pub fn flat_path(key: &str) -> Result<Vec<Seg>, String> {
    let mut out: Vec<Seg> = Vec::new();
    let mut parent: Option<String> = None;
    for part in key.split('.') {
        let (name, index) = match part.strip_suffix(']').and_then(|p| p.split_once('[')) {
            Some((n, i)) => (n, i.parse::<usize>().ok()),
            None => (part, None),
        };
        if out.len() >= MAX_NESTING {
            return Err(format!(
                "this key nests deeper than {MAX_NESTING} levels: not read"
            ));
        }
        if index.is_some_and(|i| i > MAX_LIST_INDEX) {
            return Err(format!(
                "this key's index is larger than {MAX_LIST_INDEX}: not read"
            ));
        }
        let k = norm_key(name, parent.as_deref());
        parent = Some(k.clone());
        out.push(Seg::Key(k));
        if let Some(i) = index {
            out.push(Seg::Index(i));
            parent = None;
        }
    }
    Ok(out)
}

/// The last segments whose values Traefik reads as comma-separated lists in labels and flags.
const LIST_OPTIONS: &[&str] = &[
    "entrypoints",
    "middlewares",
    "users",
    "sourcerange",
    "authresponseheaders",
    "authrequestheaders",
    "sans",
    "ciphersuites",
    "curvepreferences",
    "accesscontrolallowmethods",
    "accesscontrolallowheaders",
    "accesscontrolalloworiginlist",
    "accesscontrolexposeheaders",
    "hostsproxyheaders",
    "allowedhosts",
    "prefixes",
    "rootcas",
    "excludedcontenttypes",
    "includedcontenttypes",
    "trustedips",
];

/// A flat value (label or flag) typed the way Traefik would read it for `key`'s last segment:
/// lists split on commas, `true`/`false` as booleans, integers as numbers.
pub fn flat_value(last: &str, text: &str, span: &Span) -> V {
    if LIST_OPTIONS.contains(&last) {
        return V::List(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Node::new(span.clone(), V::Str(s.to_string())))
                .collect(),
        );
    }
    scalar(text)
}

/// A scalar from text: booleans and integers typed, the rest a string.
pub fn scalar(text: &str) -> V {
    if text.eq_ignore_ascii_case("true") {
        V::Bool(true)
    } else if text.eq_ignore_ascii_case("false") {
        V::Bool(false)
    } else if let Ok(i) = text.parse::<i64>() {
        if text.starts_with('0') && text.len() > 1 {
            V::Str(text.to_string())
        } else {
            V::Int(i)
        }
    } else {
        V::Str(text.to_string())
    }
}

/// A YAML tree (Traefik's file format) as a node, keys normalized.
pub fn from_yaml(node: &Located, parent: Option<&str>, span: Span) -> Node {
    let value = match &node.value {
        Y::Null => V::Null,
        Y::Bool(b) => V::Bool(*b),
        Y::Int(i) => V::Int(*i),
        Y::Float(f) => V::Float(*f),
        Y::Str(s) => V::Str(s.clone()),
        Y::Unknown(s) => V::Unknown(s.clone()),
        Y::Seq(items) => V::List(
            items
                .iter()
                .map(|i| from_yaml(i, None, i.span.clone()))
                .collect(),
        ),
        Y::Map(entries) => V::Map(
            entries
                .iter()
                .map(|e| {
                    let k = norm_key(&e.key, parent);
                    let child = from_yaml(&e.value, Some(&k), e.key_span.clone());
                    (k, child)
                })
                .collect(),
        ),
    };
    Node::new(span, value)
}

/// A TOML document as a node, keys normalized; spans are byte ranges in `file`.
pub fn from_toml(file: &Arc<SourceFile>) -> Result<Node, (String, TextRange)> {
    let table = toml::de::DeTable::parse(&file.text).map_err(|e| {
        let range = e
            .span()
            .map(|r| TextRange::new(to_u32(r.start), to_u32(r.end)))
            .unwrap_or_default();
        (format!("invalid TOML: {}", e.message()), range)
    })?;
    let span = |r: std::ops::Range<usize>| {
        Span::new(file.clone(), TextRange::new(to_u32(r.start), to_u32(r.end)))
    };
    fn table_node(
        t: &toml::de::DeTable<'_>,
        parent: Option<&str>,
        own: Span,
        span: &dyn Fn(std::ops::Range<usize>) -> Span,
    ) -> Node {
        let mut entries = IndexMap::new();
        for (k, v) in t {
            let key = norm_key(k.get_ref(), parent);
            let child = value_node(v.get_ref(), Some(&key), span(k.span()), span);
            entries.insert(key, child);
        }
        Node::new(own, V::Map(entries))
    }
    fn value_node(
        v: &toml::de::DeValue<'_>,
        parent: Option<&str>,
        own: Span,
        span: &dyn Fn(std::ops::Range<usize>) -> Span,
    ) -> Node {
        use toml::de::DeValue as T;
        let value = match v {
            T::String(s) => V::Str(s.to_string()),
            T::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .map(V::Int)
                .unwrap_or_else(|_| V::Str(i.as_str().to_string())),
            T::Float(f) => f
                .as_str()
                .parse::<f64>()
                .map(V::Float)
                .unwrap_or_else(|_| V::Str(f.as_str().to_string())),
            T::Boolean(b) => V::Bool(*b),
            T::Datetime(d) => V::Str(d.to_string()),
            T::Array(items) => V::List(
                items
                    .iter()
                    .map(|i| value_node(i.get_ref(), None, span(i.span()), span))
                    .collect(),
            ),
            T::Table(t) => return table_node(t, parent, own, span),
        };
        Node::new(own, value)
    }
    Ok(table_node(table.get_ref(), None, span(0..0), &span))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
