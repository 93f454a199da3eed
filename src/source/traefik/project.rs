//! What a Traefik document contributes to the project view: one route per HTTP router, with
//! its hosts, TLS, the authentication its middleware chain applies, and what its service reaches.

use serde_json::{Map, Value};

use crate::document::{Document, Kind};
use crate::project::{span_of, Part, Parts, Upstream};

/// The authentication a middleware type applies, as the project view names it.
fn auth_of(ty: &str) -> Option<&'static str> {
    match ty {
        "forwardauth" => Some("forward_auth"),
        "basicauth" => Some("basic_auth"),
        "digestauth" => Some("digest_auth"),
        // Not in the scanned files, or a plugin: it may authenticate, so rules stay quiet.
        "unknown" | "plugin" => Some("unknown"),
        _ => None,
    }
}

/// One route per HTTP router of a Traefik document.
pub fn contribute(doc: &Document, parts: &mut Parts) {
    if doc.kind != Kind::Traefik {
        return;
    }
    let Some(Value::Object(routers)) = doc.doc.pointer("/http/routers") else {
        return;
    };
    for (name, router) in routers {
        let Value::Object(router) = router else {
            continue;
        };
        let at = |rest: &[&str]| {
            let mut p = vec!["http", "routers", name.as_str()];
            p.extend_from_slice(rest);
            span_of(doc, &p)
        };
        let mut route = Part::new(
            Kind::Traefik,
            format!("{}#{name}", doc.path),
            &at(&[]).file.display,
            at(&[]),
        );
        route.set("name", name.as_str().into(), Some(at(&[])));
        route.set(
            "hosts",
            router
                .get("hosts")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
            Some(at(&["hosts"])),
        );
        route.set(
            "tls",
            router.get("https").cloned().unwrap_or(Value::Null),
            None,
        );
        route.set(
            "entrypoints",
            router
                .get("on_entrypoints")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
            None,
        );
        let chain = chain(router);
        let auth: Vec<String> = chain
            .iter()
            .filter_map(|m| m.get("type").and_then(Value::as_str).and_then(auth_of))
            .map(str::to_string)
            .collect();
        let names: Vec<Value> = chain
            .iter()
            .filter_map(|m| m.get("name").cloned())
            .collect();
        route.set("middlewares", Value::Array(names), Some(at(&["chain"])));
        route.set("upstreams", Value::Array(Vec::new()), None);
        let upstreams = match router.get("upstreams") {
            Some(Value::Array(u)) => u.as_slice(),
            _ => &[],
        };
        for (j, u) in upstreams.iter().enumerate() {
            let Some(up) = upstream(u, &auth) else {
                continue;
            };
            route.push_upstream(up, at(&["upstreams", &j.to_string()]));
        }
        parts.routes.push(route);
    }
}

fn chain(router: &Map<String, Value>) -> Vec<&Map<String, Value>> {
    match router.get("chain") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

/// A router's upstream: the compose service of a label router, a server URL of a file router.
/// Traefik's own services (`api@internal`) and services not in the scanned files are left out:
/// the dashboard has its own rule, and nothing is known of the others.
fn upstream(u: &Value, auth: &[String]) -> Option<Upstream> {
    let text = |k: &str| u.get(k).and_then(Value::as_str).map(str::to_string);
    let port = u.get("port").and_then(|p| match p {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    });
    if u.get("internal").is_some() || u.get("defined") == Some(&Value::Bool(false)) {
        return None;
    }
    let auth = auth.to_vec();
    if let Some(service) = text("compose_service") {
        let file = text("file")?;
        return Some(Upstream {
            address: u.get("service").cloned().unwrap_or(Value::Null),
            host: Some(service.clone()),
            port,
            auth,
            service: Some((file, service)),
            ..Upstream::default()
        });
    }
    let url = text("url")?;
    Some(Upstream {
        address: url.clone().into(),
        host: text("host"),
        port,
        scheme: url.split_once("://").map(|(s, _)| s.to_ascii_lowercase()),
        auth,
        ..Upstream::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Context, Unit};
    use serde_json::json;

    #[test]
    fn routers_become_routes() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (name, text) in [
                (
                    "traefik.yml",
                    "entryPoints:\n  websecure:\n    address: \":443\"\nproviders:\n  file:\n    directory: /dynamic\n",
                ),
                (
                    "dynamic.yml",
                    "http:\n  routers:\n    pve:\n      rule: Host(`pve.example.com`)\n      tls: {}\n      service: pve\n    dash:\n      rule: Host(`t.example.com`)\n      service: api@internal\n      middlewares: [sso]\n  middlewares:\n    sso:\n      forwardAuth:\n        address: http://authelia:9091\n  services:\n    pve:\n      loadBalancer:\n        servers:\n          - url: https://10.0.0.5:8006\n",
                ),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
            files.push(dir.path().join(name));
        }
        let ctx = Context::new(dir.path().to_path_buf());
        let unit = Unit {
            kind: Kind::Traefik,
            files,
        };
        let l = super::super::load(&unit, &ctx);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let doc = l
            .documents
            .iter()
            .find(|d| d.kind == Kind::Traefik)
            .expect("a Traefik document");
        let mut parts = Parts::default();
        contribute(doc, &mut parts);
        assert_eq!(parts.routes.len(), 2);
        let dash = parts
            .routes
            .iter()
            .find(|r| r.value["name"] == "dash@file")
            .expect("the dashboard router");
        assert_eq!(dash.value["upstreams"], json!([]));
        assert_eq!(dash.value["middlewares"], json!(["sso@file"]));
        let pve = parts
            .routes
            .iter()
            .find(|r| r.value["name"] == "pve@file")
            .expect("the pve router");
        assert_eq!(pve.value["hosts"], json!(["pve.example.com"]));
        assert_eq!(pve.value["tls"], json!(true));
        let u = &pve.value["upstreams"][0];
        assert_eq!(u["host"], "10.0.0.5");
        assert_eq!(u["port"], "8006");
        assert_eq!(u["scheme"], "https");
        assert_eq!(u["auth"], json!([]));
        let line = pve
            .spans
            .iter()
            .find(|(p, _)| p == &["upstreams", "0"])
            .map(|(_, s)| s.file.line_col(s.range.start).line);
        assert_eq!(line, Some(19), "the server URL's line");
    }
}
