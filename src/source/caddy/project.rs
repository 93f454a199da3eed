//! What a Caddy document contributes to the project view: one route per site, with its hosts,
//! TLS, and each `reverse_proxy` upstream with the auth in front of it.

use serde_json::{json, Value};

use crate::document::{Document, Kind};
use crate::project::{span_of, split_dial, Part, Parts, Upstream};

/// One route per site of a Caddy document.
pub fn contribute(doc: &Document, parts: &mut Parts) {
    if doc.kind != Kind::Caddy {
        return;
    }
    let Some(Value::Array(sites)) = doc.doc.get("sites") else {
        return;
    };
    for (i, site) in sites.iter().enumerate() {
        let Value::Object(site) = site else { continue };
        let idx = i.to_string();
        let at = |rest: &[&str]| {
            let mut p = vec!["sites", idx.as_str()];
            p.extend_from_slice(rest);
            span_of(doc, &p)
        };
        let addresses = match site.get("addresses") {
            Some(Value::Array(a)) => a.as_slice(),
            _ => &[],
        };
        let texts: Vec<String> = addresses
            .iter()
            .map(|a| match &a["text"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        let mut route = Part::new(
            Kind::Caddy,
            format!("{}#{}", doc.path, texts.join(", ")),
            &doc.path,
            at(&[]),
        );
        route.set(
            "name",
            addresses.first().map_or(Value::Null, |a| a["text"].clone()),
            Some(at(&[])),
        );
        let mut hosts = Vec::new();
        for (k, a) in addresses.iter().enumerate() {
            if a["host"].is_null() {
                continue;
            }
            route.span(
                vec!["hosts".into(), hosts.len().to_string()],
                at(&["addresses", &k.to_string()]),
            );
            hosts.push(a["host"].clone());
        }
        route.set("hosts", Value::Array(hosts), None);
        route.set("tls", site.get("tls").cloned().unwrap_or(Value::Null), None);
        route.set("entrypoints", json!([]), None);
        route.set("middlewares", json!([]), None);
        route.set("upstreams", json!([]), None);
        let upstreams = match site.get("upstreams") {
            Some(Value::Array(u)) => u.as_slice(),
            _ => &[],
        };
        for (j, u) in upstreams.iter().enumerate() {
            let jdx = j.to_string();
            let (host, port) = u["dial"]
                .as_str()
                .and_then(split_dial)
                .map_or((None, None), |(h, p)| (Some(h), p));
            let skip = u["tls_insecure_skip_verify"].as_bool().unwrap_or(false);
            let mut spans = vec![("address", at(&["upstreams", &jdx, "address"]))];
            if skip {
                spans.push((
                    "tls_insecure_skip_verify",
                    at(&["upstreams", &jdx, "tls_insecure_skip_verify"]),
                ));
            }
            route.push_upstream(
                Upstream {
                    address: u["address"].clone(),
                    host,
                    port,
                    scheme: u["scheme"].as_str().map(str::to_string),
                    auth: u["auth"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                    tls_insecure_skip_verify: skip,
                    service: None,
                    spans,
                },
                at(&["upstreams", &jdx]),
            );
        }
        parts.routes.push(route);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::load_written;

    #[test]
    fn sites_become_routes() {
        let (_d, l) = load_written(
            Kind::Caddy,
            &[(
                "Caddyfile",
                "a.example.com, b.example.com {\n\tforward_auth authelia:9091 {\n\t\turi /x\n\t}\n\treverse_proxy app:9000 https://[::1]:8443\n}\n\nhttp://c.example.com {\n\treverse_proxy unix//run/x.sock\n}\n",
            )],
        );
        let mut parts = Parts::default();
        contribute(&l.documents[0], &mut parts);
        assert_eq!(parts.routes.len(), 2);
        let r = &parts.routes[0];
        assert_eq!(r.key, "Caddyfile#a.example.com, b.example.com");
        assert_eq!(r.value["hosts"], json!(["a.example.com", "b.example.com"]));
        assert_eq!(r.value["tls"], json!(true));
        let u = &r.value["upstreams"];
        assert_eq!(u[0]["host"], "app");
        assert_eq!(u[0]["port"], "9000");
        assert_eq!(u[0]["auth"], json!(["forward_auth"]));
        assert_eq!(u[1]["host"], "::1");
        assert_eq!(u[1]["scheme"], "https");
        let line = r
            .spans
            .iter()
            .find(|(p, _)| p == &["upstreams", "1"])
            .map(|(_, s)| s.file.line_col(s.range.start).line);
        assert_eq!(line, Some(5));
        let r2 = &parts.routes[1].value;
        assert_eq!(r2["tls"], json!(false));
        assert_eq!(r2["upstreams"][0]["host"], Value::Null);
    }
}
