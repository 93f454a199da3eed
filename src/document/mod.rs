//! The normalized document handed to Rego as `input`, and the index that maps each node back to text.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::text::{SourceFile, TextRange};

/// A place in a source file.
#[derive(Debug, Clone)]
pub struct Span {
    pub file: Arc<SourceFile>,
    pub range: TextRange,
}

impl Span {
    pub fn new(file: Arc<SourceFile>, range: TextRange) -> Self {
        Self { file, range }
    }
}

/// The kinds of document vigie understands. Rules in `vigie.rules.<kind>.*` see documents of
/// their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Compose,
    Terraform,
    Headscale,
    Caddy,
    Traefik,
    /// The project view: what all files say, joined (not a file format).
    Project,
    Host,
    /// A Docker daemon's containers (`docker inspect`), live or recorded.
    Docker,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Compose,
        Kind::Terraform,
        Kind::Headscale,
        Kind::Caddy,
        Kind::Traefik,
        Kind::Project,
        Kind::Host,
        Kind::Docker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Compose => "compose",
            Kind::Terraform => "terraform",
            Kind::Headscale => "headscale",
            Kind::Caddy => "caddy",
            Kind::Traefik => "traefik",
            Kind::Project => "project",
            Kind::Host => "host",
            Kind::Docker => "docker",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a resolved value was obtained when it was not written literally where it appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Interpolated from an environment variable (`${NAME}` in compose).
    Env { name: String },
    /// A default: of an interpolation (`${NAME:-default}`) because the variable was unset, or of
    /// a Terraform variable (`name`) that nothing set.
    Default { name: Option<String> },
    /// A Terraform variable set outside the module's own files.
    Var { name: String, set_in: SetIn },
    /// A Terraform local value.
    Local { name: String },
}

/// Where a Terraform variable was given its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetIn {
    /// A tfvars file (its name).
    File(String),
    /// A module call, in the calling module's directory.
    Module(String),
}

impl Origin {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: &str| {
            m.insert(k.into(), v.into());
        };
        match self {
            Origin::Env { name } => {
                put("from", "env");
                put("name", name);
            }
            Origin::Default { name } => {
                put("from", "default");
                if let Some(n) = name {
                    put("name", n);
                }
            }
            Origin::Var { name, set_in } => {
                put("from", "var");
                put("name", name);
                match set_in {
                    SetIn::File(f) => put("file", f),
                    SetIn::Module(d) => put("module", d),
                }
            }
            Origin::Local { name } => {
                put("from", "local");
                put("name", name);
            }
        }
        Value::Object(m)
    }
}

/// One node path, as Rego sees it: object keys and array indices, all as strings.
pub type NodePath = Vec<String>;

fn path_key(path: &[String]) -> String {
    path.join("\u{1f}")
}

/// A normalized document: the Rego `input.doc`, the origins of resolved values, and where every
/// node was written.
#[derive(Debug)]
pub struct Document {
    pub kind: Kind,
    /// The document's display path (the main file of the document).
    pub path: String,
    /// The main file of the document (the one a missing top-level key points at).
    pub file: Arc<SourceFile>,
    pub doc: Value,
    /// Whether `doc` *is* the Rego input (its top-level keys beside `kind`), as for inputs that
    /// are not one file's content (a live host, the project view). Node paths then start at the
    /// input's root.
    flat: bool,
    origins: Map<String, Value>,
    spans: HashMap<String, Span>,
    /// Names that stand for list items in fingerprints, where an item's position is not stable
    /// (a container's name for its index among the daemon's containers).
    item_names: HashMap<String, String>,
}

impl Document {
    pub fn new(kind: Kind, file: Arc<SourceFile>, doc: Value) -> Self {
        Self::with_path(kind, file.display.clone(), file, doc)
    }

    /// A document whose display path is not its main file's (a Terraform module's directory).
    pub fn with_path(kind: Kind, path: String, file: Arc<SourceFile>, doc: Value) -> Self {
        Self {
            kind,
            path,
            file,
            doc,
            flat: false,
            origins: Map::new(),
            spans: HashMap::new(),
            item_names: HashMap::new(),
        }
    }

    /// A document whose object `input` is the whole Rego input, `kind` added
    /// (`{"kind": "host", "host": {...}, "facts": {...}}`). `file` is where a finding whose
    /// path has no recorded span points.
    pub fn flat(
        kind: Kind,
        path: String,
        file: Arc<SourceFile>,
        input: Map<String, Value>,
    ) -> Self {
        Self {
            flat: true,
            ..Self::with_path(kind, path, file, Value::Object(input))
        }
    }

    /// Let `name` stand for the list item at `path` in fingerprints ([`Document::stable_path`]).
    pub fn name_item(&mut self, path: &[String], name: &str) {
        self.item_names.insert(path_key(path), name.to_string());
    }

    /// `path` with each named list item's index replaced by its name (`["containers", "3",
    /// "HostConfig"]` is `["containers", "=web", "HostConfig"]`): what a fingerprint hashes, so
    /// that it survives items added or removed before this one.
    pub fn stable_path(&self, path: &[String]) -> Vec<String> {
        if self.item_names.is_empty() {
            return path.to_vec();
        }
        (1..=path.len())
            .filter_map(|n| {
                let seg = path.get(n - 1)?;
                Some(
                    match path
                        .get(..n)
                        .and_then(|p| self.item_names.get(&path_key(p)))
                    {
                        Some(name) => format!("={name}"),
                        None => seg.clone(),
                    },
                )
            })
            .collect()
    }

    pub fn record_span(&mut self, path: &[String], span: Span) {
        self.spans.insert(path_key(path), span);
    }

    pub fn record_origin(&mut self, path: &[String], origin: &Origin) {
        self.origins.insert(path.join("/"), origin.to_json());
    }

    pub fn origins(&self) -> &Map<String, Value> {
        &self.origins
    }

    /// The span of the node at `path`, or of its longest prefix that exists (a missing key
    /// points at its parent's key). Falls back to the start of the main file.
    pub fn locate(&self, path: &[String]) -> Span {
        (0..=path.len())
            .rev()
            .find_map(|n| path.get(..n).and_then(|p| self.spans.get(&path_key(p))))
            .cloned()
            .unwrap_or_else(|| Span::new(self.file.clone(), TextRange::empty(0)))
    }

    /// The path of a node nested deeper than `limit` collections, if there is one.
    pub fn too_deep(&self, limit: usize) -> Option<NodePath> {
        let mut stack: Vec<(&Value, NodePath)> = vec![(&self.doc, Vec::new())];
        while let Some((v, path)) = stack.pop() {
            let children: Vec<(&Value, String)> = match v {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (x, i.to_string()))
                    .collect(),
                Value::Object(m) => m.iter().map(|(k, x)| (x, k.clone())).collect(),
                _ => continue,
            };
            if path.len() >= limit {
                return Some(path);
            }
            for (child, seg) in children {
                if matches!(child, Value::Array(_) | Value::Object(_)) {
                    let mut p = path.clone();
                    p.push(seg);
                    stack.push((child, p));
                }
            }
        }
        None
    }

    /// The value at `path` in the document, if there is one.
    pub fn value_at(&self, path: &[String]) -> Option<&Value> {
        path.iter().try_fold(&self.doc, |v, seg| match v {
            Value::Object(m) => m.get(seg),
            Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        })
    }

    /// The Rego input: `{"kind", "path", "doc", "origins"}`, or for a flat document its own
    /// keys and `kind`.
    pub fn input(&self) -> Value {
        if self.flat {
            let mut m = Map::new();
            m.insert("kind".into(), self.kind.as_str().into());
            if let Value::Object(own) = &self.doc {
                m.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            return Value::Object(m);
        }
        let mut m = Map::new();
        m.insert("kind".into(), self.kind.as_str().into());
        m.insert("path".into(), self.path.clone().into());
        m.insert("doc".into(), self.doc.clone());
        m.insert("origins".into(), Value::Object(self.origins.clone()));
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(parts: &[&str]) -> NodePath {
        parts.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn missing_key_points_at_parent() {
        let file = SourceFile::new(
            "c.yaml".into(),
            "c.yaml".into(),
            "services:\n  web: {}\n".into(),
        );
        let mut d = Document::new(
            Kind::Compose,
            file.clone(),
            json!({"services": {"web": {}}}),
        );
        d.record_span(
            &p(&["services"]),
            Span::new(file.clone(), TextRange::new(0, 8)),
        );
        d.record_span(
            &p(&["services", "web"]),
            Span::new(file, TextRange::new(12, 15)),
        );
        let s = d.locate(&p(&["services", "web", "cap_drop"]));
        assert_eq!(s.range, TextRange::new(12, 15));
        assert_eq!(d.value_at(&p(&["services", "web"])), Some(&json!({})));
    }

    #[test]
    fn flat_document_is_the_input() {
        let file = SourceFile::new("f".into(), "ssh://h1/sshd -T".into(), "port 22\n".into());
        let mut input = Map::new();
        input.insert("facts".into(), json!({"sshd": {"port": "22"}}));
        let mut d = Document::flat(Kind::Compose, "h1".into(), file.clone(), input);
        d.record_span(
            &p(&["facts", "sshd", "port"]),
            Span::new(file, TextRange::new(0, 7)),
        );
        assert_eq!(
            d.input(),
            json!({"kind": "compose", "facts": {"sshd": {"port": "22"}}})
        );
        assert_eq!(
            d.value_at(&p(&["facts", "sshd", "port"])),
            Some(&json!("22"))
        );
        assert_eq!(
            d.locate(&p(&["facts", "sshd", "port"])).range,
            TextRange::new(0, 7)
        );
    }
}
