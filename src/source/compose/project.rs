//! What a compose document contributes to the project view: its services, with the names they
//! answer to on their networks, their image, published ports and networks.

use serde_json::{json, Map, Value};

use crate::document::{Document, Kind};
use crate::project::{span_of, Part, Parts};

/// One [`Part`] per service of a compose document.
pub fn contribute(doc: &Document, parts: &mut Parts) {
    if doc.kind != Kind::Compose {
        return;
    }
    let Some(Value::Object(services)) = doc.doc.get("services") else {
        return;
    };
    for (name, svc) in services {
        let Value::Object(svc) = svc else { continue };
        let at = |rest: &[&str]| {
            let mut p = vec!["services", name.as_str()];
            p.extend_from_slice(rest);
            span_of(doc, &p)
        };
        let mut part = Part::new(
            Kind::Compose,
            format!("{}#services/{name}", doc.path),
            &doc.path,
            at(&[]),
        );
        part.set("name", json!(name), Some(at(&[])));
        for key in ["container_name", "hostname", "image"] {
            let v = svc.get(key).cloned().unwrap_or(Value::Null);
            let span = (!v.is_null()).then(|| at(&[key]));
            part.set(key, v, span);
        }
        let (networks, aliases) = networks(svc);
        part.set("aliases", json!(aliases), None);
        for (i, (net, _)) in networks.iter().enumerate() {
            part.span(
                vec!["networks".into(), i.to_string()],
                at(&["networks", net]),
            );
        }
        let nets: Vec<Value> = networks.into_iter().map(|(_, n)| n).collect();
        part.set("networks", Value::Array(nets), None);
        let ports = match svc.get("ports") {
            Some(Value::Array(items)) => items,
            _ => &Vec::new(),
        };
        let mut out = Vec::new();
        for (i, p) in ports.iter().enumerate() {
            let Value::Object(p) = p else { continue };
            let get = |k: &str| p.get(k).cloned().unwrap_or(Value::Null);
            let idx = i.to_string();
            part.span(vec!["ports".into(), idx.clone()], at(&["ports", &idx]));
            out.push(json!({
                "host_ip": get("host_ip"),
                "published": get("published"),
                "target": get("target"),
                "protocol": get("protocol"),
            }));
        }
        part.set("ports", Value::Array(out), None);
        parts.services.push(part);
    }
}

/// The service's networks (the key they are written under, and the name rules see) and its
/// network aliases. A service that names no network is on the project's `default` network.
fn networks(svc: &Map<String, Value>) -> (Vec<(String, Value)>, Vec<Value>) {
    let mut nets = Vec::new();
    let mut aliases = Vec::new();
    match svc.get("networks") {
        Some(Value::Array(items)) => {
            for (i, n) in items.iter().enumerate() {
                nets.push((i.to_string(), n.clone()));
            }
        }
        Some(Value::Object(m)) => {
            for (name, cfg) in m {
                nets.push((name.clone(), json!(name)));
                if let Some(Value::Array(a)) = cfg.get("aliases") {
                    aliases.extend(a.iter().cloned());
                }
            }
        }
        _ => {
            if svc.get("network_mode").is_none() {
                nets.push((String::new(), json!("default")));
            }
        }
    }
    (nets, aliases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::load_written;

    #[test]
    fn services_with_names_ports_and_networks() {
        let (_d, l) = load_written(
            Kind::Compose,
            &[(
                "compose.yaml",
                "services:\n  app:\n    image: portainer/portainer-ce:2.19\n    container_name: pt\n    ports:\n      - \"127.0.0.1:9000:9000\"\n    networks:\n      proxy:\n        aliases: [admin]\n  db:\n    image: postgres\n",
            )],
        );
        let mut parts = Parts::default();
        contribute(&l.documents[0], &mut parts);
        assert_eq!(parts.services.len(), 2);
        let app = &parts.services[0].value;
        assert_eq!(app["name"], "app");
        assert_eq!(app["container_name"], "pt");
        assert_eq!(app["aliases"], json!(["admin"]));
        assert_eq!(app["networks"], json!(["proxy"]));
        assert_eq!(
            app["ports"][0],
            json!({"host_ip": "127.0.0.1", "published": "9000", "target": 9000, "protocol": "tcp"})
        );
        assert_eq!(parts.services[1].value["networks"], json!(["default"]));
        let port = parts.services[0]
            .spans
            .iter()
            .find(|(p, _)| p == &["ports", "0"])
            .map(|(_, s)| s.file.line_col(s.range.start).line);
        assert_eq!(port, Some(6));
    }
}
