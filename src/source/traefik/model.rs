//! Traefik's configuration model: static options merged from every source, dynamic
//! configuration per provider under qualified names (`name@file`, `name@docker`), and the facts
//! rules need derived per router (hosts, entrypoints, TLS, middleware chain, upstreams).

use std::collections::HashSet;

use indexmap::map::Slice;
use indexmap::IndexMap;
use std::sync::Arc;

use serde_json::Value as J;

use super::tree::{self, flat_path, flat_value, Node, Seg, V};
use crate::document::{Document, Kind, Span};
use crate::problem::{Level, Problem};
use crate::text::{SourceFile, TextRange};

/// A compose service as the Docker provider sees it.
#[derive(Debug, Clone)]
pub struct Container {
    /// The compose file (display path).
    pub file: String,
    /// The compose service name.
    pub service: String,
    pub image: Option<String>,
    /// The compose project name (top-level `name`, else the directory's name).
    pub project: String,
    /// The service's key in the compose file.
    pub span: Span,
    /// `traefik.*` labels: the key after `traefik.`, the value (None when unknown), where.
    pub labels: Vec<(String, Option<String>, Span)>,
}

/// Middleware types (the key under a middleware that says what it does).
const MIDDLEWARE_TYPES: &[&str] = &[
    "addprefix",
    "basicauth",
    "buffering",
    "chain",
    "circuitbreaker",
    "compress",
    "contenttype",
    "digestauth",
    "errors",
    "forwardauth",
    "grpcweb",
    "headers",
    "inflightreq",
    "ipallowlist",
    "ipwhitelist",
    "passtlsclientcert",
    "plugin",
    "ratelimit",
    "redirectregex",
    "redirectscheme",
    "replacepath",
    "replacepathregex",
    "retry",
    "stripprefix",
    "stripprefixregex",
];

const SECTIONS: &[&str] = &["http", "tcp", "udp"];
const SECTION_PARTS: &[&str] = &["routers", "services", "middlewares", "serverstransports"];

#[derive(Default)]
pub struct Builder {
    /// Merged static configuration.
    static_: Option<Node>,
    /// Where static configuration came from: (kind, file, span).
    static_sources: Vec<(String, String, Option<String>, Span)>,
    /// Dynamic configuration, qualified names.
    dynamic: Option<Node>,
    containers: Vec<Container>,
    /// The first file of the unit (a missing top-level key points at it).
    main: Option<Arc<SourceFile>>,
    /// Whether the main file is a static configuration file (preferred as main).
    main_is_static: bool,
    /// Labels and flags that could not be read.
    problems: Vec<Problem>,
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

impl Builder {
    fn note_file(&mut self, file: &Arc<SourceFile>, is_static: bool) {
        if self.main.is_none() || (is_static && !self.main_is_static) {
            self.main = Some(file.clone());
            self.main_is_static = is_static;
        }
    }

    fn static_root(&mut self, span: &Span) -> &mut Node {
        self.static_.get_or_insert_with(|| Node::map(span.clone()))
    }

    fn dynamic_root(&mut self, span: &Span) -> &mut Node {
        self.dynamic.get_or_insert_with(|| Node::map(span.clone()))
    }

    /// The static part of a Traefik configuration file (every top-level key but `http`, `tcp`,
    /// `udp` and `tls`).
    pub fn add_static(&mut self, file: Arc<SourceFile>, root: Node) {
        let file_span = Span::new(file.clone(), TextRange::empty(0));
        self.note_file(&file, true);
        self.static_sources
            .push(("file".into(), file.display.clone(), None, file_span.clone()));
        self.static_root(&file_span).merge(root);
    }

    /// The dynamic part of a Traefik configuration file (its `http`, `tcp`, `udp` and `tls`),
    /// as the file provider reads it.
    pub fn add_dynamic_file(&mut self, file: &Arc<SourceFile>, root: Node) {
        self.note_file(file, false);
        self.add_dynamic(root, "file");
    }

    /// The static configuration read so far (a setup's own, before its dynamic files join).
    pub fn static_config(&self) -> Option<&Node> {
        self.static_.as_ref()
    }

    /// Dynamic configuration of one provider: every router, service, middleware, servers
    /// transport and TLS option under its qualified name.
    fn add_dynamic(&mut self, root: Node, provider: &str) {
        let span = root.span.clone();
        let dynamic = self.dynamic_root(&span);
        for (section, body) in root.entries() {
            if SECTIONS.contains(&section.as_str()) {
                for (part, items) in body.entries() {
                    if !SECTION_PARTS.contains(&part.as_str()) {
                        continue;
                    }
                    for (name, item) in items.entries() {
                        let q = qualify(name, provider);
                        let path = [key(section), key(part), Seg::Key(q)];
                        if dynamic
                            .at(&[section, part, &qualify(name, provider)])
                            .is_some()
                        {
                            continue;
                        }
                        let mut item = item.clone();
                        annotate(&mut item, name, provider);
                        dynamic.insert(&path, item);
                    }
                }
            } else if section == "tls" {
                for (part, items) in body.entries() {
                    match part.as_str() {
                        "options" | "stores" => {
                            for (name, item) in items.entries() {
                                let q = qualify(name, provider);
                                if dynamic.at(&["tls", part, &q]).is_some() {
                                    continue;
                                }
                                let mut item = item.clone();
                                annotate(&mut item, name, provider);
                                dynamic.insert(&[key("tls"), key(part), Seg::Key(q)], item);
                            }
                        }
                        "certificates" => {
                            let n = dynamic
                                .at(&["tls", "certificates"])
                                .map_or(0, |c| c.items().len());
                            for (i, item) in items.items().iter().enumerate() {
                                dynamic.insert(
                                    &[key("tls"), key("certificates"), Seg::Index(n + i)],
                                    item.clone(),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// A compose document: its services' `traefik.*` labels (the Docker provider), and for a
    /// service running Traefik, its `command` flags and `TRAEFIK_*` environment (static).
    ///
    /// `with_static` is false when the compose file joins a setup whose static configuration is
    /// another file's: its labels are read, its Traefik services' flags are not. Services
    /// configured for Traefik v1 ([`super::v1`]) are left out.
    pub fn add_compose(&mut self, doc: &Document, with_static: bool) {
        let Some(services) = doc.doc.get("services").and_then(J::as_object) else {
            return;
        };
        let runs = with_static && super::v1::runs_traefik_v2(doc);
        self.note_file(&doc.file, runs);
        let project = project_name(doc);
        for (name, svc) in services {
            let p = |rest: &[&str]| -> Vec<String> {
                let mut v = vec!["services".to_string(), name.clone()];
                v.extend(rest.iter().map(|s| (*s).to_string()));
                v
            };
            let image = svc.get("image").and_then(J::as_str).map(str::to_string);
            let v1 = super::v1::service_is_v1(svc);
            if runs && !v1 && image.as_deref().is_some_and(super::is_traefik_image) {
                self.add_command(doc, name, svc.get("entrypoint"), &p(&["entrypoint"]));
                self.add_command(doc, name, svc.get("command"), &p(&["command"]));
                if let Some(env) = svc.get("environment").and_then(J::as_object) {
                    for (k, v) in env {
                        let Some(rest) = k.strip_prefix("TRAEFIK_") else {
                            continue;
                        };
                        let span = doc.locate(&p(&["environment", k]));
                        let flag = rest.to_ascii_lowercase().replace('_', ".");
                        let value = match v {
                            J::String(s) => s.clone(),
                            J::Null => "true".into(),
                            other => other.to_string(),
                        };
                        self.add_flag(&flag, &value, span, "environment", &doc.file.display, name);
                    }
                }
            }
            let mut labels = Vec::new();
            if let Some(map) = svc.get("labels").and_then(J::as_object).filter(|_| !v1) {
                for (k, v) in map {
                    let Some(rest) = k
                        .get(..8)
                        .filter(|p| p.eq_ignore_ascii_case("traefik."))
                        .and_then(|_| k.get(8..))
                    else {
                        continue;
                    };
                    let value = match v {
                        J::String(s) => Some(s.clone()),
                        J::Null => Some(String::new()),
                        J::Bool(_) | J::Number(_) => Some(v.to_string()),
                        _ => None,
                    };
                    labels.push((rest.to_string(), value, doc.locate(&p(&["labels", k]))));
                }
            }
            self.containers.push(Container {
                file: doc.file.display.clone(),
                service: name.clone(),
                image,
                project: project.clone(),
                span: doc.locate(&p(&[])),
                labels,
            });
        }
    }

    fn add_command(&mut self, doc: &Document, service: &str, command: Option<&J>, at: &[String]) {
        let args: Vec<(String, Span)> = match command {
            Some(J::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let mut path = at.to_vec();
                    path.push(i.to_string());
                    v.as_str().map(|s| (s.to_string(), doc.locate(&path)))
                })
                .collect(),
            Some(J::String(s)) => {
                let span = doc.locate(at);
                split_words(s)
                    .into_iter()
                    .map(|w| {
                        let found = find_after(&span, &w);
                        (w, found)
                    })
                    .collect()
            }
            _ => return,
        };
        let mut i = 0;
        while let Some((arg, span)) = args.get(i) {
            i += 1;
            let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
                continue;
            };
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => match args.get(i) {
                    Some((next, _)) if !next.starts_with('-') => {
                        i += 1;
                        (flag.to_string(), next.clone())
                    }
                    _ => (flag.to_string(), "true".to_string()),
                },
            };
            self.add_flag(
                &name,
                &value,
                span.clone(),
                "command",
                &doc.file.display,
                service,
            );
        }
    }

    fn add_flag(
        &mut self,
        name: &str,
        value: &str,
        span: Span,
        from: &str,
        file: &str,
        service: &str,
    ) {
        let path = match flat_path(name) {
            Ok(p) => p,
            Err(e) => {
                self.problems.push(Problem::at(
                    Level::Warning,
                    span,
                    format!("flag --{name}: {e}"),
                ));
                return;
            }
        };
        let last = match path.last() {
            Some(Seg::Key(k)) => k.clone(),
            _ => String::new(),
        };
        if !self
            .static_sources
            .iter()
            .any(|(k, f, s, _)| k == from && f == file && s.as_deref() == Some(service))
        {
            self.static_sources.push((
                from.into(),
                file.into(),
                Some(service.into()),
                span.clone(),
            ));
        }
        let leaf = Node::new(span.clone(), flat_value(&last, value, &span));
        self.static_root(&span).insert(&path, leaf);
    }

    /// The Docker provider's view of the containers: labels of exposed containers become
    /// routers, services and middlewares `@docker`; a router without a service gets the
    /// container's only service, or the implicit one named after the container.
    fn add_docker(&mut self) {
        let exposed_by_default = self
            .static_
            .as_ref()
            .and_then(|s| s.at(&["providers", "docker", "exposedbydefault"]))
            .is_none_or(Node::truthy);
        let containers = std::mem::take(&mut self.containers);
        for c in &containers {
            if c.labels.is_empty() {
                continue;
            }
            let mut root = Node::map(c.span.clone());
            for (k, v, span) in &c.labels {
                let path = match flat_path(k) {
                    Ok(p) => p,
                    Err(e) => {
                        self.problems.push(Problem::at(
                            Level::Warning,
                            span.clone(),
                            format!("label traefik.{k}: {e}"),
                        ));
                        continue;
                    }
                };
                let last = match path.last() {
                    Some(Seg::Key(k)) => k.clone(),
                    _ => String::new(),
                };
                let value = match v {
                    Some(text) => flat_value(&last, text, span),
                    None => V::Unknown(k.clone()),
                };
                root.insert(&path, Node::new(span.clone(), value));
            }
            if !exposed(&root, exposed_by_default) {
                continue;
            }
            let implicit = normalize_name(&format!("{}_{}", c.service, c.project));
            let has_routers = SECTIONS.iter().any(|s| {
                root.at(&[s, "routers"])
                    .is_some_and(|r| !r.entries().is_empty())
            });
            let tcp_udp = ["tcp", "udp"].iter().any(|s| root.get(s).is_some());
            if !has_routers && !tcp_udp {
                // Traefik's default router: the default rule, to the container's service.
                let span = c.span.clone();
                root.insert(
                    &[
                        key("http"),
                        key("routers"),
                        Seg::Key(implicit.clone()),
                        key("rule"),
                    ],
                    Node::new(span.clone(), V::Unknown("defaultRule".into())),
                );
            }
            let services: Vec<String> = root
                .at(&["http", "services"])
                .map(|s| s.entries().iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            let routers: Vec<String> = root
                .at(&["http", "routers"])
                .map(|s| s.entries().iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            for r in routers {
                let Some(router) = root.at(&["http", "routers", &r]) else {
                    continue;
                };
                if router.get("service").is_some() {
                    continue;
                }
                let span = router.span.clone();
                let target = match services.as_slice() {
                    [] => Some(implicit.clone()),
                    [one] => Some(one.clone()),
                    _ => None,
                };
                if let Some(t) = target {
                    root.insert(
                        &[
                            key("http"),
                            key("routers"),
                            Seg::Key(r.clone()),
                            key("service"),
                        ],
                        Node::new(span, V::Str(t)),
                    );
                }
            }
            let needs_implicit = root.at(&["http", "routers"]).is_some_and(|rs| {
                rs.entries().iter().any(|(_, r)| {
                    r.get("service").and_then(Node::as_str) == Some(implicit.as_str())
                })
            });
            if needs_implicit && root.at(&["http", "services", &implicit]).is_none() {
                root.insert(
                    &[
                        key("http"),
                        key("services"),
                        Seg::Key(implicit.clone()),
                        key("loadbalancer"),
                    ],
                    Node::map(c.span.clone()),
                );
            }
            // Every service of the container reaches the container.
            let names: Vec<String> = root
                .at(&["http", "services"])
                .map(|s| s.entries().iter().map(|(k, _)| k.clone()).collect())
                .unwrap_or_default();
            for s in names {
                let mut container = Node::map(c.span.clone());
                container.insert(
                    &[key("file")],
                    Node::new(c.span.clone(), V::Str(c.file.clone())),
                );
                container.insert(
                    &[key("service")],
                    Node::new(c.span.clone(), V::Str(c.service.clone())),
                );
                container.insert(
                    &[key("image")],
                    Node::new(c.span.clone(), c.image.clone().map_or(V::Null, V::Str)),
                );
                root.insert(
                    &[key("http"), key("services"), Seg::Key(s), key("container")],
                    container,
                );
            }
            self.add_dynamic(root, "docker");
        }
        self.containers = containers;
    }

    /// The document (nothing when no file said anything about Traefik), and the problems of the
    /// labels and flags that could not be read.
    pub fn finish(mut self) -> (Option<Document>, Vec<Problem>) {
        if let Some(s) = self.static_.as_mut() {
            normalize_static(s);
        }
        self.add_docker();
        let problems = std::mem::take(&mut self.problems);
        (self.document(), problems)
    }

    fn document(mut self) -> Option<Document> {
        let main = self.main.clone()?;
        let main_span = Span::new(main.clone(), TextRange::empty(0));
        let nothing = self.static_.is_none()
            && self.dynamic.is_none()
            && !self.containers.iter().any(|c| !c.labels.is_empty());
        if nothing {
            return None;
        }
        let mut root = Node::map(main_span.clone());
        let static_ = self
            .static_
            .take()
            .unwrap_or_else(|| Node::map(main_span.clone()));
        let mut dynamic = self
            .dynamic
            .take()
            .unwrap_or_else(|| Node::map(main_span.clone()));
        derive_facts(&static_, &mut dynamic);
        let mut sources = Node::new(main_span.clone(), V::List(Vec::new()));
        for (from, file, service, span) in &self.static_sources {
            let mut s = Node::map(span.clone());
            s.insert(
                &[key("from")],
                Node::new(span.clone(), V::Str(from.clone())),
            );
            s.insert(
                &[key("file")],
                Node::new(span.clone(), V::Str(file.clone())),
            );
            if let Some(svc) = service {
                s.insert(
                    &[key("service")],
                    Node::new(span.clone(), V::Str(svc.clone())),
                );
            }
            if let V::List(l) = &mut sources.value {
                l.push(s);
            }
        }
        let mut containers = Node::new(main_span.clone(), V::List(Vec::new()));
        for c in &self.containers {
            let mut n = Node::map(c.span.clone());
            n.insert(
                &[key("file")],
                Node::new(c.span.clone(), V::Str(c.file.clone())),
            );
            n.insert(
                &[key("service")],
                Node::new(c.span.clone(), V::Str(c.service.clone())),
            );
            n.insert(
                &[key("image")],
                Node::new(c.span.clone(), c.image.clone().map_or(V::Null, V::Str)),
            );
            n.insert(
                &[key("labels")],
                Node::new(c.span.clone(), V::Bool(!c.labels.is_empty())),
            );
            if let V::List(l) = &mut containers.value {
                l.push(n);
            }
        }
        root.insert(&[key("static")], static_);
        root.insert(&[key("static_sources")], sources);
        for s in ["http", "tcp", "udp", "tls"] {
            let node = dynamic
                .get(s)
                .cloned()
                .unwrap_or_else(|| Node::map(main_span.clone()));
            root.insert(&[key(s)], node);
        }
        root.insert(&[key("containers")], containers);
        let mut spans = Vec::new();
        let doc = root.to_json(&mut Vec::new(), &mut |p, s| {
            spans.push((p.to_vec(), s.clone()))
        });
        let mut document = Document::new(Kind::Traefik, main, doc);
        document.record_span(&[], main_span);
        for (p, s) in spans {
            document.record_span(&p, s);
        }
        Some(document)
    }
}

fn exposed(labels: &Node, by_default: bool) -> bool {
    match labels.get("enable") {
        Some(n) => n.truthy(),
        None => by_default,
    }
}

/// `name@provider` unless already qualified.
pub fn qualify(name: &str, provider: &str) -> String {
    if name.contains('@') {
        name.to_string()
    } else {
        format!("{name}@{provider}")
    }
}

/// Traefik's `provider.Normalize`: every run of characters other than letters and digits
/// becomes `-`.
fn normalize_name(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out.trim_matches('-').to_string()
}

/// The compose project name: the top-level `name`, else the compose file's directory name,
/// lowercased, keeping letters, digits, `-` and `_`.
fn project_name(doc: &Document) -> String {
    let raw = doc
        .doc
        .get("name")
        .and_then(J::as_str)
        .map(str::to_string)
        .or_else(|| {
            std::fs::canonicalize(&doc.file.path)
                .ok()
                .and_then(|p| p.parent()?.file_name()?.to_str().map(str::to_string))
        })
        .unwrap_or_default();
    raw.to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Mark a dynamic item with its name and provider (and a middleware with its type).
fn annotate(item: &mut Node, name: &str, provider: &str) {
    let span = item.span.clone();
    if !matches!(item.value, V::Map(_)) {
        item.value = V::Map(IndexMap::new());
    }
    let ty = item
        .entries()
        .iter()
        .map(|(k, _)| k.as_str())
        .find(|k| MIDDLEWARE_TYPES.contains(k))
        .map(str::to_string);
    item.insert(&[key("name")], Node::new(span.clone(), V::Str(name.into())));
    item.insert(
        &[key("provider")],
        Node::new(span.clone(), V::Str(provider.into())),
    );
    if let Some(t) = ty {
        item.insert(&[key("type")], Node::new(span, V::Str(t)));
    }
}

/// Static configuration as Traefik reads it: a provider or `api` set to `true` is enabled
/// with its defaults (an empty map), `false` removes it; entrypoints get their `port`.
fn normalize_static(s: &mut Node) {
    if let Some(providers) = s.get_mut("providers") {
        if let V::Map(m) = &mut providers.value {
            m.retain(|_, v| !matches!(v.value, V::Bool(false)));
            for (_, v) in m.iter_mut() {
                if matches!(v.value, V::Bool(true) | V::Null) {
                    v.value = V::Map(IndexMap::new());
                }
            }
        }
    }
    if let Some(api) = s.get_mut("api") {
        if matches!(api.value, V::Bool(true) | V::Null) {
            api.value = V::Map(IndexMap::new());
        }
    }
    if let Some(eps) = s.get_mut("entrypoints") {
        if let V::Map(m) = &mut eps.value {
            for (_, ep) in m.iter_mut() {
                let Some(addr) = ep.get("address") else {
                    continue;
                };
                let span = addr.span.clone();
                let port = addr.text().and_then(|a| port_of(&a));
                ep.insert(
                    &[key("port")],
                    Node::new(span, port.map_or(V::Null, V::Int)),
                );
            }
        }
    }
}

/// The port of an entrypoint address (`:80`, `0.0.0.0:443/tcp`, `[::]:8080`).
pub fn port_of(address: &str) -> Option<i64> {
    let a = address.split('/').next().unwrap_or_default();
    a.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
}

/// The hosts a rule matches: `Host(`a`, `b`)` arguments; a `HostRegexp` (or `HostSNIRegexp`)
/// is unknown.
pub fn rule_hosts(rule: &str) -> Vec<J> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(i) = rest.find("Host") {
        let after = rest.get(i + 4..).unwrap_or_default();
        let (regexp, args) = if let Some(a) = after.strip_prefix("Regexp(") {
            (true, a)
        } else if let Some(a) = after.strip_prefix("SNIRegexp(") {
            (true, a)
        } else if let Some(a) = after.strip_prefix("SNI(") {
            (false, a)
        } else if let Some(a) = after.strip_prefix('(') {
            (false, a)
        } else {
            rest = after;
            continue;
        };
        let end = args.find(')').unwrap_or(args.len());
        let inner = args.get(..end).unwrap_or_default();
        for part in inner.split(',') {
            let h = part.trim().trim_matches(['`', '"', '\'']);
            if h.is_empty() {
                continue;
            }
            out.push(if regexp {
                tree::unknown(&format!("HostRegexp({h})"))
            } else {
                J::String(h.to_string())
            });
        }
        rest = args.get(end..).unwrap_or_default();
    }
    out
}

/// Split a command string into words as a shell would (quotes, no expansion).
pub fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// The span of `word` in the text after `span`'s start (a word of a command string), or
/// `span` itself when it is not written there literally.
fn find_after(span: &Span, word: &str) -> Span {
    let start = span.range.start as usize;
    let text = &span.file.text;
    let window = text.get(start..).unwrap_or_default();
    let window = window.get(..window.len().min(64 * 1024)).unwrap_or(window);
    match window.find(word) {
        Some(i) => {
            let s = u32::try_from(start + i).unwrap_or(u32::MAX);
            let e = u32::try_from(start + i + word.len()).unwrap_or(u32::MAX);
            Span::new(span.file.clone(), TextRange::new(s, e))
        }
        None => span.clone(),
    }
}

/// Derive the facts of every HTTP router: `hosts`, `on_entrypoints`, `https`, `chain`,
/// `upstreams`.
fn derive_facts(static_: &Node, dynamic: &mut Node) {
    let entrypoints: Vec<(String, Node)> = static_
        .get("entrypoints")
        .map(|e| {
            e.entries()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let defaults: Vec<String> = {
        let marked: Vec<String> = entrypoints
            .iter()
            .filter(|(_, e)| e.get("asdefault").is_some_and(Node::truthy))
            .map(|(n, _)| n.clone())
            .collect();
        if marked.is_empty() {
            // Every TCP entrypoint but the one Traefik's API gets.
            entrypoints
                .iter()
                .filter(|(n, e)| {
                    n != "traefik"
                        && !e
                            .get("address")
                            .and_then(Node::text)
                            .is_some_and(|a| a.ends_with("/udp"))
                })
                .map(|(n, _)| n.clone())
                .collect()
        } else {
            marked
        }
    };
    let snapshot = dynamic.clone();
    let routers = snapshot
        .at(&["http", "routers"])
        .map_or(Slice::new(), Node::entries);
    // Each router's facts, by its place in the routers map (no search by name per router).
    let mut derived: Vec<Vec<(&str, Node)>> = Vec::with_capacity(routers.len());
    for (_, router) in routers {
        let provider = router
            .get("provider")
            .and_then(Node::as_str)
            .unwrap_or("file")
            .to_string();
        let rspan = router.span.clone();
        let mut facts: Vec<(&str, Node)> = Vec::new();

        // Hosts.
        let hosts = match router.get("rule") {
            Some(r) => match &r.value {
                V::Str(text) => rule_hosts(text)
                    .into_iter()
                    .map(|h| json_node(&h, &r.span))
                    .collect(),
                _ => vec![Node::new(r.span.clone(), V::Unknown("rule".into()))],
            },
            None => Vec::new(),
        };
        let hspan = router.get("rule").map_or(rspan.clone(), |r| r.span.clone());
        facts.push(("hosts", Node::new(hspan, V::List(hosts))));

        // Entrypoints.
        let on: Vec<(String, Span)> = match router.get("entrypoints") {
            Some(e) => e.strings(),
            None => defaults
                .iter()
                .map(|d| (d.clone(), rspan.clone()))
                .collect(),
        };
        facts.push((
            "on_entrypoints",
            Node::new(
                rspan.clone(),
                V::List(
                    on.iter()
                        .map(|(n, s)| Node::new(s.clone(), V::Str(n.clone())))
                        .collect(),
                ),
            ),
        ));
        let eps: Vec<&Node> = on
            .iter()
            .filter_map(|(n, _)| entrypoints.iter().find(|(e, _)| e == n).map(|(_, e)| e))
            .collect();

        // TLS: the router's own, or its entrypoints' default.
        let router_tls = router.get("tls").filter(|t| match &t.value {
            V::Bool(b) => *b,
            V::Map(_) | V::Null => true,
            V::Str(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        });
        let ep_tls = eps.iter().any(|e| {
            e.at(&["http", "tls"]).is_some_and(|t| match &t.value {
                V::Bool(b) => *b,
                V::Map(_) | V::Null => true,
                V::Str(s) => s.eq_ignore_ascii_case("true"),
                _ => false,
            })
        });
        let https_span = router_tls.map_or(rspan.clone(), |t| t.span.clone());
        facts.push((
            "https",
            Node::new(https_span, V::Bool(router_tls.is_some() || ep_tls)),
        ));

        // Middleware chain: the entrypoints' middlewares every entrypoint of the router applies,
        // then the router's own, chains expanded.
        let mut refs: Vec<(String, Span)> = Vec::new();
        if let Some((first, rest)) = eps.split_first() {
            for (m, s) in first
                .at(&["http", "middlewares"])
                .map(Node::strings)
                .unwrap_or_default()
            {
                let everywhere = rest.iter().all(|e| {
                    e.at(&["http", "middlewares"])
                        .is_some_and(|x| x.strings().iter().any(|(n, _)| *n == m))
                });
                if everywhere {
                    refs.push((qualify(&m, "file"), s));
                }
            }
        }
        for (m, s) in router
            .get("middlewares")
            .map(Node::strings)
            .unwrap_or_default()
        {
            refs.push((qualify(&m, &provider), s));
        }
        let mut chain = Vec::new();
        for (m, s) in refs {
            expand(&snapshot, &m, None, &s, &mut chain, &mut HashSet::new());
        }
        facts.push(("chain", Node::new(rspan.clone(), V::List(chain))));

        // Upstreams.
        let mut ups = Vec::new();
        if let Some(svc) = router.get("service") {
            if let Some(name) = svc.text() {
                upstreams(
                    &snapshot,
                    &qualify(&name, &provider),
                    &svc.span,
                    &mut ups,
                    &mut HashSet::new(),
                );
            }
        }
        let uspan = router
            .get("service")
            .map_or(rspan.clone(), |s| s.span.clone());
        facts.push(("upstreams", Node::new(uspan, V::List(ups))));

        derived.push(facts);
    }
    let Some(V::Map(routers)) = dynamic
        .get_mut("http")
        .and_then(|h| h.get_mut("routers"))
        .map(|r| &mut r.value)
    else {
        return;
    };
    for ((_, router), facts) in routers.iter_mut().zip(derived) {
        for (k, n) in facts {
            router.insert(&[key(k)], n);
        }
    }
}

fn json_node(v: &J, span: &Span) -> Node {
    let value = match v {
        J::String(s) => V::Str(s.clone()),
        J::Object(m) => match m.get("unknown").and_then(J::as_str) {
            Some(u) => V::Unknown(u.to_string()),
            None => V::Null,
        },
        J::Bool(b) => V::Bool(*b),
        J::Number(n) => n.as_i64().map_or(V::Null, V::Int),
        _ => V::Null,
    };
    Node::new(span.clone(), value)
}

/// Append middleware `name` (qualified) to `chain`, expanding chain middlewares.
fn expand(
    dynamic: &Node,
    name: &str,
    via: Option<&str>,
    span: &Span,
    chain: &mut Vec<Node>,
    seen: &mut HashSet<String>,
) {
    if !seen.insert(name.to_string()) || chain.len() > 256 {
        return;
    }
    let def = dynamic.at(&["http", "middlewares", name]);
    let ty = def
        .and_then(|d| d.get("type"))
        .and_then(Node::as_str)
        .unwrap_or("unknown")
        .to_string();
    let mut item = Node::map(span.clone());
    item.insert(&[key("name")], Node::new(span.clone(), V::Str(name.into())));
    item.insert(&[key("type")], Node::new(span.clone(), V::Str(ty.clone())));
    item.insert(
        &[key("defined")],
        Node::new(span.clone(), V::Bool(def.is_some())),
    );
    if let Some(v) = via {
        item.insert(&[key("via")], Node::new(span.clone(), V::Str(v.into())));
    }
    chain.push(item);
    if ty == "chain" {
        let provider = name.rsplit_once('@').map_or("file", |(_, p)| p);
        let inner = def
            .and_then(|d| d.at(&["chain", "middlewares"]))
            .map(Node::strings)
            .unwrap_or_default();
        for (m, _) in inner {
            expand(
                dynamic,
                &qualify(&m, provider),
                Some(name),
                span,
                chain,
                seen,
            );
        }
    }
}

/// The upstreams of service `name` (qualified): a container, server URLs, or an internal
/// service; weighted and mirroring services followed.
fn upstreams(
    dynamic: &Node,
    name: &str,
    span: &Span,
    out: &mut Vec<Node>,
    seen: &mut HashSet<String>,
) {
    if !seen.insert(name.to_string()) || out.len() > 256 {
        return;
    }
    let push = |out: &mut Vec<Node>, fields: Vec<(&str, V)>| {
        let mut n = Node::map(span.clone());
        n.insert(
            &[key("service")],
            Node::new(span.clone(), V::Str(name.into())),
        );
        for (k, v) in fields {
            n.insert(&[key(k)], Node::new(span.clone(), v));
        }
        out.push(n);
    };
    if let Some(internal) = name.strip_suffix("@internal") {
        push(out, vec![("internal", V::Str(internal.into()))]);
        return;
    }
    let Some(def) = dynamic.at(&["http", "services", name]) else {
        push(out, vec![("defined", V::Bool(false))]);
        return;
    };
    let provider = name.rsplit_once('@').map_or("file", |(_, p)| p).to_string();
    if let Some(c) = def.get("container") {
        let text = |k: &str| c.get(k).and_then(Node::text).map_or(V::Null, V::Str);
        let port = def
            .at(&["loadbalancer", "server", "port"])
            .map_or(V::Null, |p| p.value.clone());
        push(
            out,
            vec![
                ("file", text("file")),
                ("compose_service", text("service")),
                ("image", text("image")),
                ("port", port),
            ],
        );
        return;
    }
    let mut any = false;
    for srv in def
        .at(&["loadbalancer", "servers"])
        .map(Node::items)
        .unwrap_or_default()
    {
        let Some(url) = srv.get("url").and_then(Node::text) else {
            continue;
        };
        any = true;
        let (host, port) = url_host_port(&url);
        let mut n = Node::map(srv.span.clone());
        n.insert(
            &[key("service")],
            Node::new(srv.span.clone(), V::Str(name.into())),
        );
        n.insert(
            &[key("url")],
            Node::new(srv.span.clone(), V::Str(url.clone())),
        );
        n.insert(
            &[key("host")],
            Node::new(srv.span.clone(), host.map_or(V::Null, V::Str)),
        );
        n.insert(
            &[key("port")],
            Node::new(srv.span.clone(), port.map_or(V::Null, V::Int)),
        );
        out.push(n);
    }
    for part in ["weighted", "mirroring"] {
        let mut names: Vec<String> = def
            .at(&[part, "services"])
            .map(|s| {
                s.items()
                    .iter()
                    .filter_map(|i| i.get("name").and_then(Node::text))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(m) = def.at(&[part, "service"]).and_then(Node::text) {
            names.push(m);
        }
        for n in names {
            any = true;
            upstreams(dynamic, &qualify(&n, &provider), span, out, seen);
        }
    }
    if !any {
        push(out, vec![]);
    }
}

/// Host and port of a server URL (`http://app:8080`), the scheme's port when none is given.
pub fn url_host_port(url: &str) -> (Option<String>, Option<i64>) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, p)) => (
                h.to_string(),
                p.strip_prefix(':').and_then(|p| p.parse().ok()),
            ),
            None => (stripped.to_string(), None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()),
            None => (authority.to_string(), None),
        }
    };
    let port = port.or(match scheme {
        "https" => Some(443),
        "http" | "h2c" => Some(80),
        _ => None,
    });
    ((!host.is_empty()).then_some(host), port)
}
