//! The Rego document of a Caddyfile: the global options, the sites with their directives (imports
//! expanded), and per-site facts derived the way Caddy derives them (TLS, upstreams, auth,
//! headers). See `docs/caddy-input.md`.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use crate::document::{NodePath, Origin, Span};

use super::lexer::Quote;
use super::parser::{Caddyfile, Directive, ImportSite, Site, Token, Val};

/// Spans and origins collected while building the value.
#[derive(Default)]
pub struct Sink {
    pub spans: Vec<(NodePath, Span)>,
    pub origins: Vec<(NodePath, Origin)>,
}

impl Sink {
    fn span(&mut self, path: &[String], span: &Span) {
        self.spans.push((path.to_vec(), span.clone()));
    }

    /// A token's value at `path`: its span, and its origin when it was not written literally.
    fn token(&mut self, path: &[String], t: &Token) -> Value {
        self.span(path, &t.span);
        if let Some(o) = &t.origin {
            self.origins.push((path.to_vec(), o.clone()));
        }
        t.json()
    }
}

fn child(path: &[String], seg: impl ToString) -> NodePath {
    let mut p = path.to_vec();
    p.push(seg.to_string());
    p
}

fn unknown(text: &str) -> Value {
    json!({ "unknown": text })
}

/// Directives whose blocks hold handler directives (which take a matcher as first argument).
const CONTAINERS: &[&str] = &[
    "handle",
    "handle_path",
    "route",
    "handle_errors",
    "handle_response",
    // A named route's block, attached where it is invoked.
    "invoke",
];

/// Directives that are not handlers: their first argument is never a matcher.
const NOT_HANDLERS: &[&str] = &["tls", "bind", "log", "import"];

const AUTH: &[(&str, &str)] = &[
    ("forward_auth", "forward_auth"),
    ("basicauth", "basic_auth"),
    ("basic_auth", "basic_auth"),
];

fn auth_kind(name: &str) -> Option<&'static str> {
    AUTH.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

fn name_of(d: &Directive) -> &str {
    d.name.known().unwrap_or_default()
}

/// The matcher token of a handler directive (`*`, `/path`, `@name`), if its first argument is one.
fn matcher_of(d: &Directive) -> Option<&Token> {
    let name = name_of(d);
    if name.starts_with('@')
        || NOT_HANDLERS.contains(&name)
        || (name == "root" && d.args.len() == 1)
    {
        return None;
    }
    let first = d.args.first()?;
    let text = first.known()?;
    (text == "*" || text.starts_with('/') || text.starts_with('@')).then_some(first)
}

/// A directive's arguments, without its matcher token when it has one.
fn plain_args(d: &Directive, handler: bool) -> &[Token] {
    if handler && matcher_of(d).is_some() {
        d.args.get(1..).unwrap_or_default()
    } else {
        &d.args
    }
}

fn imported_from(site: &Arc<ImportSite>) -> Value {
    let chain: Vec<Value> = std::iter::successors(Some(site), |s| s.parent.as_ref())
        .map(|s| {
            json!({
                "import": s.pattern,
                "file": s.at.file.display,
                "line": s.at.file.line_col(s.at.range.start).line,
            })
        })
        .collect();
    Value::Array(chain)
}

fn same_import(a: Option<&Arc<ImportSite>>, b: Option<&Arc<ImportSite>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => Arc::ptr_eq(x, y),
        _ => false,
    }
}

/// A directive as `{"name", "matcher"?, "args", "block", "imported_from"?}`.
fn directive(
    d: &Directive,
    handler: bool,
    parent: Option<&Arc<ImportSite>>,
    path: &[String],
    sink: &mut Sink,
) -> Value {
    let mut obj = Map::new();
    sink.span(path, &d.name.span);
    obj.insert("name".into(), sink.token(&child(path, "name"), &d.name));
    let matcher = if handler { matcher_of(d) } else { None };
    if let Some(m) = matcher {
        obj.insert("matcher".into(), sink.token(&child(path, "matcher"), m));
    }
    let args_path = child(path, "args");
    let args: Vec<Value> = plain_args(d, handler)
        .iter()
        .enumerate()
        .map(|(i, a)| sink.token(&child(&args_path, i), a))
        .collect();
    obj.insert("args".into(), Value::Array(args));
    let block_path = child(path, "block");
    let inner_handler = CONTAINERS.contains(&name_of(d));
    let block: Vec<Value> = match &d.block {
        Some(b) => {
            sink.span(&block_path, &b.open.span);
            b.directives
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    directive(
                        c,
                        inner_handler,
                        d.name.import.as_ref(),
                        &child(&block_path, i),
                        sink,
                    )
                })
                .collect()
        }
        None => Vec::new(),
    };
    obj.insert("block".into(), Value::Array(block));
    if let Some(site) = &d.name.import {
        if !same_import(Some(site), parent) {
            obj.insert("imported_from".into(), imported_from(site));
        }
    }
    Value::Object(obj)
}

/// The global options vigie needs to derive site facts.
struct Options {
    http_port: String,
    https_port: String,
    /// `auto_https off|disable_redirects|disable_certs|ignore_loaded_certs`.
    auto_https: Option<String>,
}

fn options(file: &Caddyfile) -> Options {
    let mut o = Options {
        http_port: "80".into(),
        https_port: "443".into(),
        auto_https: None,
    };
    for d in file.global.iter().flat_map(|g| &g.directives) {
        let arg = d.args.first().and_then(Token::known).map(str::to_string);
        match (name_of(d), arg) {
            ("http_port", Some(p)) => o.http_port = p,
            ("https_port", Some(p)) => o.https_port = p,
            ("auto_https", Some(m)) => o.auto_https = Some(m),
            _ => {}
        }
    }
    o
}

/// One part of an address: absent, known, or depending on an unknown variable.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Absent,
    Known(String),
    Unknown(String),
}

impl Part {
    fn of(s: &str) -> Part {
        if s.is_empty() {
            Part::Absent
        } else if s.contains("{$") {
            Part::Unknown(s.to_string())
        } else {
            Part::Known(s.to_string())
        }
    }

    fn json(&self) -> Value {
        match self {
            Part::Absent => Value::Null,
            Part::Known(s) => Value::String(s.clone()),
            Part::Unknown(s) => unknown(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Address {
    scheme: Part,
    host: Part,
    port: Part,
    path: Part,
}

/// `host:port` split as Go's `net.SplitHostPort` does, falling back to a bare host.
fn split_host_port(s: &str) -> (&str, &str) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((host, after)) = rest.split_once(']') {
            return (host, after.strip_prefix(':').unwrap_or(""));
        }
        return (s, "");
    }
    match s.matches(':').count() {
        1 => s.split_once(':').unwrap_or((s, "")),
        _ => (s, ""),
    }
}

/// A site address, as Caddy's `httpcaddyfile.ParseAddress` reads it. For a token whose value is
/// unknown the text as written is parsed: the parts without a variable are still known.
fn parse_address(t: &Token) -> Address {
    let text = t.text().trim();
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) => (Part::of(s), r),
        None => (Part::Absent, text),
    };
    let (hostport, path) = match rest.split_once('/') {
        Some((h, p)) => (h, Part::of(&format!("/{p}"))),
        None => (rest, Part::Absent),
    };
    let (host, port) = split_host_port(hostport);
    let host = match Part::of(host) {
        Part::Known(h) => Part::Known(h.to_lowercase()),
        other => other,
    };
    Address {
        scheme,
        host,
        port: Part::of(port),
        path,
    }
}

/// Whether TLS is on, off, or depends on something unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    fn json(self, what: &str) -> Value {
        match self {
            Tri::Yes => Value::Bool(true),
            Tri::No => Value::Bool(false),
            Tri::Unknown => unknown(what),
        }
    }

    /// True only when every one is (false as soon as one is not).
    fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut out = Tri::Yes;
        for t in items {
            match t {
                Tri::No => return Tri::No,
                Tri::Unknown => out = Tri::Unknown,
                Tri::Yes => {}
            }
        }
        out
    }
}

/// The port a site address is served on (unknown when it depends on a variable).
fn listen_port(a: &Address, o: &Options) -> Option<String> {
    match (&a.port, &a.scheme) {
        (Part::Known(p), _) => Some(p.clone()),
        (Part::Unknown(_), _) | (_, Part::Unknown(_)) => None,
        (Part::Absent, Part::Known(s)) if s == "http" => Some(o.http_port.clone()),
        (Part::Absent, _) => Some(o.https_port.clone()),
    }
}

/// The site's `tls` directive sets a connection policy (certificate files, protocols, ciphers,
/// ...), which makes its server speak TLS whatever `auto_https` says.
fn has_tls_policy(site: &Site) -> bool {
    site.directives
        .iter()
        .filter(|d| name_of(d) == "tls")
        .any(|d| {
            let files = d.args.len() == 2;
            let options = d.block.iter().flat_map(|b| &b.directives).any(|c| {
                matches!(
                    name_of(c),
                    "protocols" | "ciphers" | "curves" | "alpn" | "client_auth"
                )
            });
            files || options
        })
}

/// Whether each address of each site is served over TLS, following Caddy 2.6: the sites
/// served on one port share a server, and a server speaks TLS unless it listens on the HTTP port,
/// when one of its addresses has a host (or says `https://`), a site sets a TLS connection
/// policy, or it listens on the HTTPS port with automatic HTTPS on.
fn address_tls(file: &Caddyfile, o: &Options) -> Vec<Vec<Tri>> {
    let parsed: Vec<Vec<(Address, Option<String>)>> = file
        .sites
        .iter()
        .map(|s| {
            s.addresses
                .iter()
                .map(|t| {
                    let a = parse_address(t);
                    let port = listen_port(&a, o);
                    (a, port)
                })
                .collect()
        })
        .collect();
    let off = o.auto_https.as_deref() == Some("off");
    let server_tls = |port: &str| -> Tri {
        if port == o.http_port {
            return Tri::No;
        }
        let mut unknown = false;
        for (site, addrs) in file.sites.iter().zip(&parsed) {
            for (a, p) in addrs {
                match p {
                    Some(p) if p == port => {}
                    Some(_) => continue,
                    None => {
                        unknown = true;
                        continue;
                    }
                }
                if has_tls_policy(site) {
                    return Tri::Yes;
                }
                match (&a.scheme, &a.host) {
                    (Part::Known(s), _) if s == "https" => return Tri::Yes,
                    (Part::Known(s), _) if s == "http" => {}
                    (_, Part::Known(_)) => return Tri::Yes,
                    (_, Part::Unknown(_)) => unknown = true,
                    _ => {}
                }
            }
        }
        if !off && port == o.https_port {
            Tri::Yes
        } else if unknown {
            Tri::Unknown
        } else {
            Tri::No
        }
    };
    parsed
        .iter()
        .map(|addrs| {
            addrs
                .iter()
                .map(|(a, port)| match (&a.scheme, port) {
                    (Part::Known(s), _) if s == "http" => Tri::No,
                    (Part::Unknown(_), _) | (_, None) => Tri::Unknown,
                    (_, Some(p)) => server_tls(p),
                })
                .collect()
        })
        .collect()
}

fn address_json(t: &Token, tls: Tri, path: &[String], sink: &mut Sink) -> Value {
    let a = parse_address(t);
    let text = sink.token(&child(path, "text"), t);
    json!({
        "text": text,
        "scheme": a.scheme.json(),
        "host": a.host.json(),
        "port": a.port.json(),
        "path": a.path.json(),
        "tls": tls.json(t.text()),
    })
}

/// Port ranges expand to at most this many upstreams (Caddy has no bound; a typo such as
/// `1-65535` must not make a document of 65,535 upstreams).
const MAX_PORT_RANGE: u32 = 1024;

/// The dial addresses of a `reverse_proxy` (or `php_fastcgi`) upstream as Caddy computes them,
/// with the scheme: a port range (`app:8001-8003`) is one upstream per port, and
/// `unix+h2c//path` dials `unix//path` over h2c.
fn dials(text: &str) -> Vec<(Value, Value)> {
    if let Some(path) = text.strip_prefix("unix+h2c//") {
        return vec![(Value::String(format!("unix//{path}")), json!("h2c"))];
    }
    match port_range(text) {
        Some(each) => each.iter().map(|t| dial(t)).collect(),
        None => vec![dial(text)],
    }
}

/// `host:8001-8003` (after any scheme) as one address per port, when the range is in order and
/// within [`MAX_PORT_RANGE`]. Caddy 2.6 keeps the range in the dial of its JSON config; later
/// releases expand it there; both dial every port.
pub(super) fn port_range(text: &str) -> Option<Vec<String>> {
    let (before, first, last) = port_range_parts(text)?;
    Some(
        (first..=last)
            .map(|port| format!("{before}{port}"))
            .collect(),
    )
}

/// `host:8001-8003` (after any scheme) as (`host:`, 8001, 8003).
fn port_range_parts(text: &str) -> Option<(&str, u32, u32)> {
    if text.contains('{') {
        return None;
    }
    let (scheme_end, rest) = match text.find("://") {
        Some(i) => (i + 3, text.get(i + 3..)?),
        None => (0, text),
    };
    let hostport = rest.split('/').next().unwrap_or(rest);
    let colon = hostport.rfind(':')?;
    let (a, b) = hostport.get(colon + 1..)?.split_once('-')?;
    let (first, last): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    if first > last || last > 65535 || last - first >= MAX_PORT_RANGE {
        return None;
    }
    Some((text.get(..scheme_end + colon + 1)?, first, last))
}

/// A `reverse_proxy` upstream's dial address, as Caddy 2.6 computes it.
fn dial(text: &str) -> (Value, Value) {
    if let Some((scheme, rest)) = text.split_once("://") {
        let hostport = rest.split('/').next().unwrap_or(rest);
        if text.contains('{') {
            return (Value::String(hostport.to_string()), json!(scheme));
        }
        let (host, port) = split_host_port(hostport);
        let port = if port.is_empty() {
            if scheme == "https" {
                "443"
            } else {
                "80"
            }
        } else {
            port
        };
        return (Value::String(join_host_port(host, port)), json!(scheme));
    }
    if text.contains('/') {
        // A network address (`unix//run/app.sock`): dialled as written.
        return (Value::String(text.to_string()), Value::Null);
    }
    let (host, port) = split_host_port(text);
    let dial = if !port.is_empty() {
        join_host_port(host, port)
    } else if host.contains('{') {
        host.to_string()
    } else {
        join_host_port(host, "80")
    };
    (Value::String(dial), Value::Null)
}

#[cfg(test)]
pub fn tests_dial(text: &str) -> Value {
    dial(text).0
}

fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Facts gathered by walking a site's handlers.
#[derive(Default)]
struct Facts {
    upstreams: Vec<Value>,
    headers: Vec<Value>,
    forward_auth: Option<NodePath>,
    basic_auth: Option<NodePath>,
    matchers: Map<String, Value>,
}

/// Walk the handler directives of a block (`path` is the block's path), with the auth directives
/// that apply from enclosing blocks.
fn walk(
    directives: &[Directive],
    path: &[String],
    route: bool,
    inherited: &[&'static str],
    facts: &mut Facts,
    sink: &mut Sink,
) {
    for (i, d) in directives.iter().enumerate() {
        let dpath = child(path, i);
        let name = name_of(d);
        // Auth applies to the handlers of its block: in a `route`, only to those after it
        // (elsewhere Caddy sorts the directives, and auth comes before proxying).
        let mut auth: Vec<&'static str> = inherited.to_vec();
        let scope = if route {
            directives.get(..i).unwrap_or_default()
        } else {
            directives
        };
        for other in scope {
            if let Some(k) = auth_kind(name_of(other)) {
                if !auth.contains(&k) {
                    auth.push(k);
                }
            }
        }
        match name {
            "reverse_proxy" | "php_fastcgi" => proxy(d, &auth, facts, sink),
            "header" => headers(d, facts, sink),
            "forward_auth" => {
                facts.forward_auth.get_or_insert(dpath.clone());
            }
            "basicauth" | "basic_auth" => {
                facts.basic_auth.get_or_insert(dpath.clone());
            }
            n if n.starts_with('@') => matcher_def(d, facts, sink),
            _ => {}
        }
        if let Some(b) = &d.block {
            let inner = CONTAINERS.contains(&name) && name != "handle_response";
            let bpath = child(&dpath, "block");
            if inner {
                // What a named route runs, it runs in order, as a `route` does.
                let ordered = name == "route" || name == "invoke";
                walk(&b.directives, &bpath, ordered, &auth, facts, sink);
            }
            if name == "reverse_proxy" {
                for (j, c) in b.directives.iter().enumerate() {
                    if name_of(c) == "handle_response" {
                        if let Some(hb) = &c.block {
                            let hpath = child(&child(&bpath, j), "block");
                            walk(&hb.directives, &hpath, false, &auth, facts, sink);
                        }
                    }
                }
            }
        }
    }
}

/// `@name ...`: a named matcher, as a list of matcher directives.
fn matcher_def(d: &Directive, facts: &mut Facts, sink: &mut Sink) {
    let Some(name) = name_of(d).strip_prefix('@') else {
        return;
    };
    if facts.matchers.contains_key(name) {
        return;
    }
    let mpath = vec!["matchers".to_string(), name.to_string()];
    sink.span(&mpath, &d.name.span);
    let mut items = Vec::new();
    if let Some((first, rest)) = d.args.split_first() {
        let ipath = child(&mpath, 0);
        sink.span(&ipath, &first.span);
        let (mname, margs) = if rest.is_empty() && first.quote != Quote::Bare {
            // `@name "expression"` (Caddy 2.7+): a CEL expression.
            (Value::String("expression".into()), vec![first])
        } else {
            (
                sink.token(&child(&ipath, "name"), first),
                rest.iter().collect(),
            )
        };
        let apath = child(&ipath, "args");
        let args: Vec<Value> = margs
            .iter()
            .enumerate()
            .map(|(k, a)| sink.token(&child(&apath, k), a))
            .collect();
        items.push(json!({"name": mname, "args": args, "block": []}));
    }
    if let Some(b) = &d.block {
        for c in &b.directives {
            let ipath = child(&mpath, items.len());
            items.push(directive(c, false, d.name.import.as_ref(), &ipath, sink));
        }
    }
    facts.matchers.insert(name.to_string(), Value::Array(items));
}

fn proxy(d: &Directive, auth: &[&str], facts: &mut Facts, sink: &mut Sink) {
    let mut tokens: Vec<&Token> = plain_args(d, true).iter().collect();
    let mut skip_verify: Option<&Token> = None;
    for c in d.block.iter().flat_map(|b| &b.directives) {
        match name_of(c) {
            "to" => tokens.extend(&c.args),
            "transport" => {
                for t in c.block.iter().flat_map(|b| &b.directives) {
                    if name_of(t) == "tls_insecure_skip_verify" {
                        skip_verify.get_or_insert(&t.name);
                    }
                }
            }
            _ => {}
        }
    }
    let auth: Vec<Value> = auth.iter().map(|a| json!(a)).collect();
    for t in tokens {
        let expanded = match &t.val {
            Val::Known(s) => dials(s),
            Val::Unknown(s) => vec![(unknown(s), Value::Null)],
        };
        for (dial, scheme) in expanded {
            let upath = child(&["upstreams".to_string()], facts.upstreams.len());
            sink.span(&upath, &t.span);
            let address = sink.token(&child(&upath, "address"), t);
            if let Some(s) = skip_verify {
                sink.span(&child(&upath, "tls_insecure_skip_verify"), &s.span);
            }
            let mut obj = json!({
                "address": address,
                "dial": dial,
                "scheme": scheme,
                "tls_insecure_skip_verify": skip_verify.is_some(),
                "auth": auth,
            });
            if let (Some(m), Value::Object(o)) = (matcher_of(d), &mut obj) {
                o.insert("matcher".into(), m.json());
            }
            facts.upstreams.push(obj);
        }
    }
}

/// The header operations of one field spec (`[+|-|?|>]Name [value | find replace]`).
/// In a `header` block, a field name may end with a colon, which Caddy drops
/// (`Strict-Transport-Security: "max-age=…"`); on the directive's own line it is kept.
fn header_entry(field: &Token, rest: &[Token], in_block: bool, sink: &mut Sink, facts: &mut Facts) {
    let hpath = child(&["headers".to_string()], facts.headers.len());
    sink.span(&hpath, &field.span);
    let (op, deferred, name) = match &field.val {
        Val::Known(f) => {
            let (op, deferred, n) = match f.chars().next() {
                Some('+') => ("add", false, f.get(1..).unwrap_or_default()),
                Some('-') => ("delete", true, f.get(1..).unwrap_or_default()),
                Some('?') => ("default", false, f.get(1..).unwrap_or_default()),
                Some('>') => ("set", true, f.get(1..).unwrap_or_default()),
                _ => ("set", false, f.as_str()),
            };
            let n = if in_block {
                n.strip_suffix(':').unwrap_or(n)
            } else {
                n
            };
            (op, deferred, Value::String(n.to_string()))
        }
        Val::Unknown(f) => ("set", false, unknown(f)),
    };
    let mut obj = Map::new();
    obj.insert("name".into(), name);
    match rest {
        [find, replace, ..] => {
            obj.insert("op".into(), json!("replace"));
            obj.insert("find".into(), sink.token(&child(&hpath, "find"), find));
            obj.insert("value".into(), sink.token(&child(&hpath, "value"), replace));
        }
        [value] => {
            obj.insert("op".into(), json!(op));
            obj.insert("value".into(), sink.token(&child(&hpath, "value"), value));
        }
        [] => {
            obj.insert("op".into(), json!(op));
            obj.insert("value".into(), Value::Null);
        }
    }
    obj.insert("deferred".into(), json!(deferred));
    facts.headers.push(Value::Object(obj));
}

fn headers(d: &Directive, facts: &mut Facts, sink: &mut Sink) {
    let first = facts.headers.len();
    if let Some((field, rest)) = plain_args(d, true).split_first() {
        header_entry(field, rest, false, sink, facts);
    }
    let mut deferred = false;
    for c in d.block.iter().flat_map(|b| &b.directives) {
        match name_of(c) {
            "defer" if c.args.is_empty() => deferred = true,
            "match" => {}
            _ => header_entry(&c.name, &c.args, true, sink, facts),
        }
    }
    if deferred {
        for h in facts.headers.iter_mut().skip(first) {
            if let Value::Object(o) = h {
                o.insert("deferred".into(), Value::Bool(true));
            }
        }
    }
}

/// `tls { protocols min [max] }` of a site: the effective minimum and maximum.
fn tls_protocols(site: &Site, path: &[String], sink: &mut Sink) -> Value {
    let ppath = child(path, "tls_protocols");
    let protocols = site
        .directives
        .iter()
        .filter(|d| name_of(d) == "tls")
        .flat_map(|d| d.block.iter().flat_map(|b| &b.directives))
        .find(|c| name_of(c) == "protocols");
    if let Some(p) = protocols {
        sink.span(&ppath, &p.name.span);
    }
    let mut obj = Map::new();
    for (i, (key, default)) in [("min", "tls1.2"), ("max", "tls1.3")].iter().enumerate() {
        let kpath = child(&ppath, key);
        match protocols.and_then(|p| p.args.get(i)) {
            Some(t) => {
                obj.insert((*key).into(), sink.token(&kpath, t));
            }
            None => {
                sink.origins.push((kpath, Origin::Default { name: None }));
                obj.insert((*key).into(), json!(default));
            }
        }
    }
    Value::Object(obj)
}

fn site_json(site: &Site, tls: &[Tri], o: &Options, path: &[String], sink: &mut Sink) -> Value {
    let mut obj = Map::new();
    if let Some(first) = site.addresses.first() {
        sink.span(path, &first.span);
    }
    let apath = child(path, "addresses");
    let addresses: Vec<Value> = site
        .addresses
        .iter()
        .zip(tls.iter().copied().chain(std::iter::repeat(Tri::Unknown)))
        .enumerate()
        .map(|(i, (t, tls))| {
            let p = child(&apath, i);
            sink.span(&p, &t.span);
            address_json(t, tls, &p, sink)
        })
        .collect();
    obj.insert("addresses".into(), Value::Array(addresses));

    let dpath = child(path, "directives");
    let site_import = site.addresses.first().and_then(|a| a.import.as_ref());
    let directives: Vec<Value> = site
        .directives
        .iter()
        .enumerate()
        .map(|(i, d)| directive(d, true, site_import, &child(&dpath, i), sink))
        .collect();
    obj.insert("directives".into(), Value::Array(directives));

    // Facts: their paths are recorded relative to the site, then prefixed.
    let mut facts = Facts::default();
    let mut local = Sink::default();
    walk(&site.directives, &dpath, false, &[], &mut facts, &mut local);
    for (p, s) in local.spans {
        let p = if p.first().map(String::as_str) == Some("sites") {
            p
        } else {
            [path, &p].concat()
        };
        sink.spans.push((p, s));
    }
    for (p, or) in local.origins {
        let p = if p.first().map(String::as_str) == Some("sites") {
            p
        } else {
            [path, &p].concat()
        };
        sink.origins.push((p, or));
    }
    obj.insert("matchers".into(), Value::Object(facts.matchers));

    let site_tls = Tri::all(tls.iter().copied());
    let text = site
        .addresses
        .iter()
        .map(Token::text)
        .collect::<Vec<_>>()
        .join(", ");
    obj.insert("tls".into(), site_tls.json(&text));
    let mode = o.auto_https.as_deref();
    let certs_off = matches!(mode, Some("off" | "disable_certs"));
    let own_cert = site
        .directives
        .iter()
        .any(|d| name_of(d) == "tls" && d.args.len() == 2);
    let hosts_qualify = Tri::all(site.addresses.iter().map(|t| match parse_address(t).host {
        Part::Known(h) if !h.contains('{') => Tri::Yes,
        Part::Unknown(_) => Tri::Unknown,
        _ => Tri::No,
    }));
    let automatic = if certs_off || own_cert {
        Tri::No
    } else {
        Tri::all([site_tls, hosts_qualify])
    };
    obj.insert("automatic_https".into(), automatic.json(&text));
    obj.insert("tls_protocols".into(), tls_protocols(site, path, sink));
    obj.insert("upstreams".into(), Value::Array(facts.upstreams));
    for (key, at) in [
        ("forward_auth", &facts.forward_auth),
        ("basic_auth", &facts.basic_auth),
    ] {
        if let Some(at) = at {
            if let Some(span) = span_at(sink, at) {
                sink.span(&child(path, key), &span);
            }
        }
        obj.insert(key.into(), Value::Bool(at.is_some()));
    }
    obj.insert("headers".into(), Value::Array(facts.headers));
    if let Some(site) = site_import {
        obj.insert("imported_from".into(), imported_from(site));
    }
    Value::Object(obj)
}

fn span_at(sink: &Sink, path: &[String]) -> Option<Span> {
    sink.spans
        .iter()
        .rev()
        .find(|(p, _)| p.as_slice() == path)
        .map(|(_, s)| s.clone())
}

/// The document value of a parsed Caddyfile, with its spans and origins.
pub fn build(file: &Caddyfile) -> (Value, Sink) {
    let mut sink = Sink::default();
    let o = options(file);
    let gpath = vec!["global".to_string()];
    let global: Vec<Value> = match &file.global {
        Some(g) => {
            sink.span(&gpath, &g.open.span);
            g.directives
                .iter()
                .enumerate()
                .map(|(i, d)| directive(d, false, None, &child(&gpath, i), &mut sink))
                .collect()
        }
        None => Vec::new(),
    };
    let tls = address_tls(file, &o);
    let sites: Vec<Value> = file
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let path = vec!["sites".to_string(), i.to_string()];
            let t = tls.get(i).map(Vec::as_slice).unwrap_or_default();
            site_json(s, t, &o, &path, &mut sink)
        })
        .collect();
    (json!({"global": global, "sites": sites}), sink)
}
