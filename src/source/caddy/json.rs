//! Caddy's native JSON config (`caddy.json`, or any `.json` with `apps.http`), read into the same
//! per-site document as a Caddyfile (`docs/caddy-input.md`) so that every Caddy rule applies:
//! one site per route of a server (its host matchers, or the server's listen address), with its
//! upstreams, auth, headers and TLS facts. Spans point at the JSON keys.

use serde_json::{json, Map, Value as Json};

use crate::document::{NodePath, Origin, Span};
use crate::source::yaml::{Located, Value};

use super::doc::Sink;

/// Whether a `.json` file's beginning looks like Caddy's config: an `apps` object with `http`.
pub fn sniff(head: &str) -> bool {
    head.contains("\"apps\"") && head.contains("\"http\"") && head.contains("\"servers\"")
}

fn child(path: &[String], seg: impl ToString) -> NodePath {
    let mut p = path.to_vec();
    p.push(seg.to_string());
    p
}

fn get<'a>(v: &'a Located, key: &str) -> Option<&'a Located> {
    v.get(key)
}

fn key_span(v: &Located, key: &str) -> Option<Span> {
    v.entries()?
        .iter()
        .find(|e| e.key == key)
        .map(|e| e.key_span.clone())
}

fn items(v: Option<&Located>) -> &[Located] {
    match v.map(|l| &l.value) {
        Some(Value::Seq(s)) => s,
        _ => &[],
    }
}

fn str_of(v: Option<&Located>) -> Option<&str> {
    v.and_then(Located::as_str)
}

fn port_of(listen: &str) -> String {
    listen.rsplit(':').next().unwrap_or(listen).to_string()
}

/// Every handler below a route list, in order (subroutes and `handle_response` routes walked),
/// each with the auth handlers that come before it in its route chain.
struct Walk<'a> {
    handlers: Vec<(&'a Located, Vec<&'static str>)>,
    /// The server's `named_routes`, which an `invoke` handler runs.
    named: Option<&'a Located>,
    /// Inside an invoked named route: the routes it invokes are not followed (it may invoke
    /// itself).
    invoked: bool,
}

/// A `reverse_proxy` handler that Caddy made from `forward_auth` (it sets
/// `X-Forwarded-Method`).
fn is_forward_auth(h: &Located) -> bool {
    get(h, "headers")
        .and_then(|x| get(x, "request"))
        .and_then(|x| get(x, "set"))
        .and_then(|x| x.get("X-Forwarded-Method"))
        .is_some()
}

fn auth_of(h: &Located) -> Option<&'static str> {
    match str_of(get(h, "handler"))? {
        "authentication" => Some("basic_auth"),
        "reverse_proxy" if is_forward_auth(h) => Some("forward_auth"),
        _ => None,
    }
}

fn walk_routes<'a>(routes: &'a [Located], inherited: &[&'static str], out: &mut Walk<'a>) {
    // Auth applies to the handlers after it in its route, and to the routes after that one
    // when it matches every request (no `match`).
    let mut carried: Vec<&'static str> = inherited.to_vec();
    for r in routes {
        let mut auth = carried.clone();
        for h in items(get(r, "handle")) {
            if let Some(a) = auth_of(h) {
                if !auth.contains(&a) {
                    auth.push(a);
                }
            }
            out.handlers.push((h, auth.clone()));
            if str_of(get(h, "handler")) == Some("subroute") {
                walk_routes(items(get(h, "routes")), &auth, out);
            }
            if str_of(get(h, "handler")) == Some("invoke") && !out.invoked {
                let route = str_of(get(h, "name")).and_then(|n| out.named?.get(n));
                if let Some(route) = route {
                    out.invoked = true;
                    walk_routes(std::slice::from_ref(route), &auth, out);
                    out.invoked = false;
                }
            }
            for hr in items(get(h, "handle_response")) {
                walk_routes(items(get(hr, "routes")), &auth, out);
            }
        }
        if get(r, "match").is_none() {
            carried = auth;
        }
    }
}

fn route_hosts(r: &Located) -> Vec<(String, Span)> {
    items(get(r, "match"))
        .iter()
        .flat_map(|m| items(get(m, "host")))
        .filter_map(|h| Some((h.as_str()?.to_lowercase(), h.span.clone())))
        .collect()
}

/// The document value of a Caddy JSON config.
pub fn build(root: &Located) -> (Json, Sink) {
    let mut sink = Sink::default();
    let mut global = Vec::new();
    let gpath = vec!["global".to_string()];
    let http = get(root, "apps").and_then(|a| get(a, "http"));
    let num = |key: &str, default: &str| -> String {
        match http.and_then(|h| get(h, key)).map(|v| &v.value) {
            Some(Value::Int(i)) => i.to_string(),
            _ => default.to_string(),
        }
    };
    let (http_port, https_port) = (num("http_port", "80"), num("https_port", "443"));
    // Global options as the Caddyfile writes them.
    let mut option = |name: &str, arg: Json, at: Option<Span>, sink: &mut Sink| {
        let p = child(&gpath, global.len());
        if let Some(s) = at {
            sink.spans.push((p.clone(), s.clone()));
            sink.spans.push((child(&p, "name"), s.clone()));
            sink.spans.push((child(&child(&p, "args"), 0), s));
        }
        global.push(json!({"name": name, "args": [arg], "block": []}));
    };
    if let Some(admin) = get(root, "admin") {
        if admin.get("disabled").and_then(|d| match d.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }) == Some(true)
        {
            option("admin", json!("off"), key_span(root, "admin"), &mut sink);
        } else if let Some(l) = str_of(get(admin, "listen")) {
            option("admin", json!(l), key_span(admin, "listen"), &mut sink);
        }
    }
    for (key, default) in [("http_port", "80"), ("https_port", "443")] {
        let v = num(key, default);
        if v != default {
            let at = http.and_then(|h| key_span(h, key));
            option(key, json!(v), at, &mut sink);
        }
    }
    let servers = match http.and_then(|h| get(h, "servers")).map(|s| &s.value) {
        Some(Value::Map(m)) => m.as_slice(),
        _ => &[],
    };
    // `automatic_https.disable` on a server is what the Caddyfile's `auto_https off` becomes.
    let off = servers.iter().find_map(|srv| {
        let auto = get(&srv.value, "automatic_https")?;
        matches!(
            get(auto, "disable").map(|d| &d.value),
            Some(Value::Bool(true))
        )
        .then(|| key_span(auto, "disable"))
        .flatten()
    });
    if let Some(at) = off {
        option("auto_https", json!("off"), Some(at), &mut sink);
    }
    let mut sites = Vec::new();
    for server in servers {
        let s = &server.value;
        let ports: Vec<String> = items(get(s, "listen"))
            .iter()
            .filter_map(Located::as_str)
            .map(port_of)
            .collect();
        let auto = get(s, "automatic_https");
        let disabled = matches!(
            auto.and_then(|a| get(a, "disable")).map(|d| &d.value),
            Some(Value::Bool(true))
        );
        let skip: Vec<String> = items(auto.and_then(|a| get(a, "skip")))
            .iter()
            .filter_map(Located::as_str)
            .map(str::to_lowercase)
            .collect();
        let routes = items(get(s, "routes"));
        let qualifying = routes
            .iter()
            .flat_map(route_hosts)
            .any(|(h, _)| !skip.contains(&h) && !h.contains('{'));
        let policies = items(get(s, "tls_connection_policies"));
        let tls = !policies.is_empty()
            || (!disabled
                && ports.iter().any(|p| *p != http_port)
                && (ports.iter().all(|p| *p == https_port) || qualifying));
        for route in routes {
            let path = vec!["sites".to_string(), sites.len().to_string()];
            let named = get(s, "named_routes");
            sites.push(site(
                route, named, &ports, tls, &skip, policies, disabled, &path, &mut sink,
            ));
        }
    }
    (json!({"global": global, "sites": sites}), sink)
}

#[allow(clippy::too_many_arguments)]
fn site(
    route: &Located,
    named: Option<&Located>,
    ports: &[String],
    server_tls: bool,
    skip: &[String],
    policies: &[Located],
    auto_disabled: bool,
    path: &[String],
    sink: &mut Sink,
) -> Json {
    let hosts = route_hosts(route);
    sink.spans.push((
        path.to_vec(),
        hosts.first().map_or(route.span.clone(), |(_, s)| s.clone()),
    ));
    let mut addresses = Vec::new();
    let apath = child(path, "addresses");
    let port = ports.first().cloned().unwrap_or_default();
    let mut all_tls = true;
    if hosts.is_empty() {
        let p = child(&apath, 0);
        sink.spans.push((p, route.span.clone()));
        all_tls &= server_tls;
        addresses.push(
            json!({"text": format!(":{port}"), "scheme": null, "host": null,
            "port": port, "path": null, "tls": server_tls}),
        );
    }
    for (h, span) in &hosts {
        let p = child(&apath, addresses.len());
        sink.spans.push((p.clone(), span.clone()));
        sink.spans.push((child(&p, "text"), span.clone()));
        let tls = server_tls && !skip.contains(h);
        all_tls &= tls;
        addresses.push(json!({"text": h, "scheme": null, "host": h, "port": port,
            "path": null, "tls": tls}));
    }
    // Handlers.
    let mut w = Walk {
        handlers: Vec::new(),
        named,
        invoked: false,
    };
    walk_routes(std::slice::from_ref(route), &[], &mut w);
    let mut upstreams = Vec::new();
    let mut headers = Vec::new();
    let (mut forward_auth, mut basic_auth) = (None, None);
    for (h, auth) in &w.handlers {
        match str_of(get(h, "handler")) {
            Some("reverse_proxy") if is_forward_auth(h) => {
                forward_auth.get_or_insert(h.span.clone());
            }
            Some("authentication") => {
                basic_auth.get_or_insert(h.span.clone());
            }
            Some("reverse_proxy") => {
                let tls = get(h, "transport").and_then(|t| get(t, "tls"));
                let skip_at = tls.and_then(|t| {
                    matches!(
                        get(t, "insecure_skip_verify").map(|v| &v.value),
                        Some(Value::Bool(true))
                    )
                    .then(|| key_span(t, "insecure_skip_verify"))
                    .flatten()
                });
                let dials = items(get(h, "upstreams")).iter().flat_map(|u| {
                    let dial = str_of(get(u, "dial"));
                    let each = dial
                        .and_then(super::doc::port_range)
                        .unwrap_or_else(|| dial.map(str::to_string).into_iter().collect());
                    each.into_iter().map(move |d| (u, d))
                });
                for (u, dial) in dials {
                    let dial = dial.as_str();
                    let upath = child(&["upstreams".to_string()], upstreams.len());
                    let at = key_span(u, "dial").unwrap_or_else(|| u.span.clone());
                    sink.spans.push(([path, &upath].concat(), at.clone()));
                    sink.spans
                        .push(([path, &child(&upath, "address")].concat(), at));
                    if let Some(s) = &skip_at {
                        sink.spans.push((
                            [path, &child(&upath, "tls_insecure_skip_verify")].concat(),
                            s.clone(),
                        ));
                    }
                    upstreams.push(json!({
                        "address": dial,
                        "dial": dial,
                        "scheme": if tls.is_some() { json!("https") } else { Json::Null },
                        "tls_insecure_skip_verify": skip_at.is_some(),
                        "auth": auth,
                    }));
                }
            }
            Some("headers") => {
                let Some(resp) = get(h, "response") else {
                    continue;
                };
                let deferred = matches!(
                    get(resp, "deferred").map(|d| &d.value),
                    Some(Value::Bool(true))
                );
                for (op, key) in [("set", "set"), ("add", "add")] {
                    let Some(fields) = get(resp, key).and_then(Located::entries) else {
                        continue;
                    };
                    for e in fields {
                        let hpath =
                            [path, &child(&["headers".to_string()], headers.len())].concat();
                        sink.spans.push((hpath.clone(), e.key_span.clone()));
                        let values: Vec<&str> = items(Some(&e.value))
                            .iter()
                            .filter_map(Located::as_str)
                            .collect();
                        if let Some(first) = items(Some(&e.value)).first() {
                            sink.spans
                                .push((child(&hpath, "value"), first.span.clone()));
                        }
                        headers.push(json!({"name": e.key, "op": op,
                            "value": values.first(), "deferred": deferred}));
                    }
                }
                for d in items(get(resp, "delete")) {
                    if let Some(name) = d.as_str() {
                        let hpath =
                            [path, &child(&["headers".to_string()], headers.len())].concat();
                        sink.spans.push((hpath, d.span.clone()));
                        headers.push(
                            json!({"name": name, "op": "delete", "value": null, "deferred": true}),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    let mut obj = Map::new();
    obj.insert("addresses".into(), Json::Array(addresses));
    obj.insert("directives".into(), json!([]));
    obj.insert("matchers".into(), json!({}));
    obj.insert("tls".into(), json!(all_tls));
    let automatic = all_tls && !auto_disabled && !hosts.is_empty();
    obj.insert("automatic_https".into(), json!(automatic));
    // TLS protocols: the connection policy matching one of the site's hosts, else one without
    // an SNI matcher.
    let policy = policies
        .iter()
        .find(|p| {
            items(get(p, "match").and_then(|m| get(m, "sni")))
                .iter()
                .filter_map(Located::as_str)
                .any(|sni| hosts.iter().any(|(h, _)| h.eq_ignore_ascii_case(sni)))
        })
        .or_else(|| policies.iter().find(|p| get(p, "match").is_none()));
    let ppath = child(path, "tls_protocols");
    let mut protocols = Map::new();
    for (key, field, default) in [
        ("min", "protocol_min", "tls1.2"),
        ("max", "protocol_max", "tls1.3"),
    ] {
        let kpath = child(&ppath, key);
        match policy.and_then(|p| Some((str_of(get(p, field))?, key_span(p, field)?))) {
            Some((v, at)) => {
                sink.spans.push((ppath.clone(), at.clone()));
                sink.spans.push((kpath, at));
                protocols.insert(key.into(), json!(v));
            }
            None => {
                sink.origins.push((kpath, Origin::Default { name: None }));
                protocols.insert(key.into(), json!(default));
            }
        }
    }
    obj.insert("tls_protocols".into(), Json::Object(protocols));
    obj.insert("upstreams".into(), Json::Array(upstreams));
    for (key, at) in [("forward_auth", forward_auth), ("basic_auth", basic_auth)] {
        if let Some(s) = &at {
            sink.spans.push((child(path, key), s.clone()));
        }
        obj.insert(key.into(), json!(at.is_some()));
    }
    obj.insert("headers".into(), Json::Array(headers));
    Json::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Kind;
    use crate::source::load_written;

    #[test]
    fn sniffs_caddy_json_not_other_json() {
        assert!(sniff(r#"{"apps": {"http": {"servers": {}}}}"#));
        assert!(!sniff(r#"{"acls": [{"action": "accept"}]}"#));
    }

    #[test]
    fn admin_auto_https_and_sites_point_at_json_keys() {
        let (_d, l) = load_written(
            Kind::Caddy,
            &[(
                "caddy.json",
                "{\n  \"admin\": {\"listen\": \":2019\"},\n  \"apps\": {\"http\": {\"servers\": {\"a\": {\n    \"listen\": [\":443\"],\n    \"automatic_https\": {\n      \"disable\": true\n    },\n    \"routes\": [{\"match\": [{\"host\": [\"Example.com\"]}],\n      \"handle\": [{\"handler\": \"reverse_proxy\", \"upstreams\": [{\"dial\": \"app:80\"}]}]}]\n  }}}}\n}\n",
            )],
        );
        assert!(l.problems.is_empty());
        let d = &l.documents[0];
        let line = |p: &[&str]| {
            let p: Vec<String> = p.iter().map(|s| (*s).to_string()).collect();
            let s = d.locate(&p);
            s.file.line_col(s.range.start).line
        };
        assert_eq!(
            d.doc["global"][0],
            json!({"name": "admin", "args": [":2019"], "block": []})
        );
        assert_eq!(d.doc["global"][1]["name"], "auto_https");
        assert_eq!(line(&["global", "1"]), 6);
        let site = &d.doc["sites"][0];
        assert_eq!(site["addresses"][0]["host"], "example.com");
        assert_eq!(site["tls"], json!(false));
        assert_eq!(site["upstreams"][0]["dial"], "app:80");
        assert_eq!(line(&["sites", "0", "upstreams", "0"]), 9);
        assert_eq!(line(&["sites", "0"]), 8);
    }
}
