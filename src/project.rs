//! The project view: after every unit is loaded, one input joins what all files say — compose
//! services, proxy routes — so that cross-file rules (`custom.input: project`) can ask "which
//! compose service does this route reach, and what image does it run?".
//!
//! How a source takes part: while its unit is processed (in parallel, before its documents are
//! dropped), [`crate::source::contribute`] hands each document to every source's `contribute`
//! function, which adds compact [`Part`]s to [`Parts`]: a service or a route, as the JSON object
//! rules see, with the spans of its nodes (relative to the part) and a stable key. A source may
//! read another kind's document (Traefik reads compose labels), never parse another kind's format.
//!
//! ```ignore
//! let mut route = Part::new(Kind::Traefik, format!("{file}#router/{name}"), doc.locate(&router_path));
//! route.set("name", json!(name), None);
//! route.set("hosts", json!(["app.example.com"]), Some(doc.locate(&rule_path)));
//! route.push_upstream(Upstream { address: json!("http://app:8080"), host: Some("app".into()), .. }, span);
//! parts.routes.push(route);
//! ```
//!
//! The fields each part must have are documented in `docs/project-input.md`. Then
//! [`build`] joins the parts: an upstream whose `host` names a compose service (its name,
//! `container_name`, `hostname` or a network alias), or whose `service` already says which one
//! (`{"file", "name"}`, for Traefik label routers), gets `service: {"index", "file", "name",
//! "image"}`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::document::{Document, Kind, NodePath, Span};
use crate::text::{SourceFile, TextRange};

/// One service or route of the project view.
#[derive(Debug, Clone)]
pub struct Part {
    /// Identifies the part across unrelated edits (the file and the service name, the file and the
    /// site's addresses): fingerprints use it instead of the part's index.
    pub key: String,
    /// The object rules see (`input.services[i]`, `input.routes[i]`).
    pub value: Map<String, Value>,
    /// Where its nodes are written, paths relative to the part (`[]` is the part itself).
    pub spans: Vec<(NodePath, Span)>,
    /// Stable keys of nested list items, paths relative to the part (`["upstreams", "0"]`).
    pub keys: Vec<(NodePath, String)>,
}

impl Part {
    /// A part written at `at`; a route's `source` is `kind` (`"caddy"`), a service's is ignored.
    pub fn new(kind: Kind, key: impl Into<String>, file: &str, at: Span) -> Self {
        let mut value = Map::new();
        value.insert("source".into(), kind.as_str().into());
        value.insert("file".into(), file.into());
        Self {
            key: key.into(),
            value,
            spans: vec![(Vec::new(), at)],
            keys: Vec::new(),
        }
    }

    /// Set a field, written at `at` when it is known.
    pub fn set(&mut self, field: &str, value: Value, at: Option<Span>) {
        if let Some(s) = at {
            self.spans.push((vec![field.to_string()], s));
        }
        self.value.insert(field.into(), value);
    }

    /// Record where a nested node is written (`["ports", "0"]`).
    pub fn span(&mut self, path: NodePath, at: Span) {
        self.spans.push((path, at));
    }

    /// Append an upstream to the route's `upstreams`, written at `at`.
    pub fn push_upstream(&mut self, up: Upstream, at: Span) {
        let list = self
            .value
            .entry("upstreams")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(items) = list else { return };
        let j = items.len().to_string();
        let key = match &up.address {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let path = vec!["upstreams".to_string(), j];
        let value = up.to_json();
        for (field, span) in up.spans {
            let mut p = path.clone();
            p.push(field.to_string());
            self.spans.push((p, span));
        }
        self.spans.push((path.clone(), at));
        self.keys.push((path, key));
        items.push(value);
    }
}

/// A route's upstream, as [`Part::push_upstream`] takes it.
#[derive(Debug, Clone, Default)]
pub struct Upstream {
    /// As written: `"portainer:9000"`, `"https://10.0.0.5:8006"`, a Traefik URL or service name.
    pub address: Value,
    /// The host name or address it dials (what the join matches against compose services).
    pub host: Option<String>,
    pub port: Option<String>,
    /// `http`, `https`, `h2c` when written.
    pub scheme: Option<String>,
    /// The authentication in front of it: `forward_auth`, `basic_auth`, `digest_auth`.
    pub auth: Vec<String>,
    pub tls_insecure_skip_verify: bool,
    /// The compose service it is, when the source knows it (a Traefik label router's own
    /// service): `(compose file display path, service name)`.
    pub service: Option<(String, String)>,
    /// Where fields are written (`"tls_insecure_skip_verify"`, `"auth"`).
    pub spans: Vec<(&'static str, Span)>,
}

impl Upstream {
    fn to_json(&self) -> Value {
        json!({
            "address": self.address,
            "host": self.host,
            "port": self.port,
            "scheme": self.scheme,
            "auth": self.auth,
            "tls_insecure_skip_verify": self.tls_insecure_skip_verify,
            "service": self.service.as_ref().map(|(file, name)| json!({"file": file, "name": name})),
        })
    }
}

/// What the documents of one unit (then of the whole scan) contribute.
#[derive(Debug, Default)]
pub struct Parts {
    /// `{"kind", "path"}` of every document.
    pub documents: Vec<Value>,
    pub services: Vec<Part>,
    pub routes: Vec<Part>,
}

impl Parts {
    pub fn extend(&mut self, other: Parts) {
        self.documents.extend(other.documents);
        self.services.extend(other.services);
        self.routes.extend(other.routes);
    }

    /// There is something to join: a route (a proxy config) to relate to the services.
    pub fn joinable(&self) -> bool {
        !self.routes.is_empty()
    }
}

/// How many leading path components two `/`-separated paths share.
fn shared_dirs(a: &str, b: &str) -> usize {
    let dir = |p: &str| -> Vec<String> {
        let mut v: Vec<String> = p.split('/').map(str::to_string).collect();
        v.pop();
        v
    };
    dir(a)
        .iter()
        .zip(dir(b).iter())
        .take_while(|(x, y)| x == y)
        .count()
}

fn str_of<'a>(v: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The names a service answers to on its networks, lower-cased.
fn service_names(s: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<String> = ["name", "container_name", "hostname"]
        .iter()
        .filter_map(|k| str_of(s, k))
        .map(str::to_lowercase)
        .collect();
    if let Some(Value::Array(a)) = s.get("aliases") {
        names.extend(a.iter().filter_map(Value::as_str).map(str::to_lowercase));
    }
    names
}

/// Resolve each upstream to a compose service: the one the source named, else one whose names
/// include the upstream's host (the nearest compose file to the route's file when several do).
fn join(parts: &mut Parts) {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in parts.services.iter().enumerate() {
        for n in service_names(&s.value) {
            let list = by_name.entry(n).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let services = &parts.services;
    let resolved = |i: usize| -> Value {
        let s = services.get(i).map(|s| &s.value);
        let get = |k: &str| s.and_then(|s| s.get(k)).cloned().unwrap_or(Value::Null);
        json!({"index": i, "file": get("file"), "name": get("name"), "image": get("image")})
    };
    for route in &mut parts.routes {
        let file = str_of(&route.value, "file").unwrap_or_default().to_string();
        let Some(Value::Array(ups)) = route.value.get_mut("upstreams") else {
            continue;
        };
        for up in ups.iter_mut() {
            let Value::Object(u) = up else { continue };
            let named = u.get("service").and_then(Value::as_object).map(|s| {
                (
                    str_of(s, "file").unwrap_or_default().to_string(),
                    str_of(s, "name").unwrap_or_default().to_string(),
                )
            });
            let found = match named {
                Some((f, n)) => services.iter().position(|s| {
                    str_of(&s.value, "file") == Some(f.as_str())
                        && str_of(&s.value, "name") == Some(n.as_str())
                }),
                None => str_of(u, "host")
                    .and_then(|h| by_name.get(&h.to_lowercase()))
                    .and_then(|candidates| {
                        // The nearest compose file wins; the first one among equals.
                        candidates.iter().copied().max_by_key(|&i| {
                            let f = services
                                .get(i)
                                .and_then(|s| str_of(&s.value, "file"))
                                .unwrap_or_default();
                            (shared_dirs(f, &file), std::cmp::Reverse(i))
                        })
                    }),
            };
            u.insert("service".into(), found.map_or(Value::Null, resolved));
        }
    }
}

/// The project document: `{"kind": "project", "documents", "services", "routes"}`, its spans
/// pointing into the files the parts come from. `None` when there is nothing to join.
pub fn build(mut parts: Parts) -> Option<Document> {
    if !parts.joinable() {
        return None;
    }
    join(&mut parts);
    let fallback = parts
        .routes
        .first()
        .and_then(|r| r.spans.first())
        .map(|(_, s)| s.file.clone())
        .unwrap_or_else(|| SourceFile::new(".".into(), ".".into(), String::new()));
    let mut spans = Vec::new();
    let mut keys = Vec::new();
    let mut list = |name: &str, items: Vec<Part>| -> Value {
        let values = items
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                let at = vec![name.to_string(), i.to_string()];
                keys.push((at.clone(), p.key));
                for (rel, s) in p.spans {
                    spans.push(([at.as_slice(), &rel].concat(), s));
                }
                for (rel, k) in p.keys {
                    keys.push(([at.as_slice(), &rel].concat(), k));
                }
                Value::Object(p.value)
            })
            .collect();
        Value::Array(values)
    };
    let services = list("services", parts.services);
    let routes = list("routes", parts.routes);
    let mut input = Map::new();
    input.insert("documents".into(), Value::Array(parts.documents));
    input.insert("services".into(), services);
    input.insert("routes".into(), routes);
    let mut doc = Document::flat(Kind::Project, "(project)".into(), fallback, input);
    for (p, s) in spans {
        doc.record_span(&p, s);
    }
    for (p, k) in keys {
        doc.name_item(&p, &k);
    }
    Some(doc)
}

/// A span of `doc` at `path` (its longest recorded prefix).
pub fn span_of(doc: &Document, path: &[&str]) -> Span {
    let p: NodePath = path.iter().map(|s| (*s).to_string()).collect();
    doc.locate(&p)
}

/// An empty span at the start of a file (for parts built without one).
pub fn start_of(file: Arc<SourceFile>) -> Span {
    Span::new(file, TextRange::empty(0))
}

/// `host:port` of a dial address (`[::1]:80`, `app:80`); `None` for a Unix socket or a value
/// that is not a string.
pub fn split_dial(dial: &str) -> Option<(String, Option<String>)> {
    if dial.contains('/') || dial.is_empty() {
        return None;
    }
    if let Some(rest) = dial.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return Some((
            host.to_string(),
            after.strip_prefix(':').map(str::to_string),
        ));
    }
    match dial.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Some((h.to_string(), Some(p.to_string()))),
        _ => Some((dial.to_string(), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        start_of(SourceFile::new("f".into(), "f".into(), "x\n".into()))
    }

    fn service(file: &str, name: &str, image: &str) -> Part {
        let mut p = Part::new(Kind::Compose, format!("{file}#{name}"), file, span());
        p.set("name", json!(name), None);
        p.set("image", json!(image), None);
        p
    }

    fn route(file: &str, host: &str) -> Part {
        let mut r = Part::new(Kind::Caddy, format!("{file}#{host}"), file, span());
        r.push_upstream(
            Upstream {
                address: json!(format!("{host}:80")),
                host: Some(host.into()),
                ..Upstream::default()
            },
            span(),
        );
        r
    }

    #[test]
    fn upstreams_resolve_to_the_nearest_service() {
        let mut parts = Parts {
            services: vec![
                service("a/compose.yaml", "app", "x"),
                service("b/compose.yaml", "app", "y"),
                service("b/compose.yaml", "db", "z"),
            ],
            routes: vec![route("b/Caddyfile", "APP"), route("c/Caddyfile", "nope")],
            ..Parts::default()
        };
        join(&mut parts);
        assert_eq!(
            parts.routes[0].value["upstreams"][0]["service"],
            json!({"index": 1, "file": "b/compose.yaml", "name": "app", "image": "y"})
        );
        assert_eq!(
            parts.routes[1].value["upstreams"][0]["service"],
            Value::Null
        );
    }

    #[test]
    fn nothing_to_join_without_routes() {
        let parts = Parts {
            services: vec![service("compose.yaml", "app", "x")],
            ..Parts::default()
        };
        assert!(build(parts).is_none());
    }

    #[test]
    fn dial_addresses_split() {
        assert_eq!(
            split_dial("app:80"),
            Some(("app".into(), Some("80".into())))
        );
        assert_eq!(
            split_dial("[::1]:8080"),
            Some(("::1".into(), Some("8080".into())))
        );
        assert_eq!(split_dial("unix//run/a.sock"), None);
    }
}
