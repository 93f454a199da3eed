//! Traefik v1 configuration: recognised, never read as v2. Traefik 2 changed the model
//! (frontends and backends became routers and services, `[entryPoints.x.redirect]` became
//! `http.redirections`, forward-auth labels moved to middlewares), and Traefik 3 refuses a v1
//! static file and ignores v1 labels. Reading v1 with v2 names gives wrong findings (a redirect
//! or an authentication not seen), so a v1 file, a v1 compose service (its labels, and for a
//! Traefik v1 service its flags) is left out and reported as a located warning.

use serde_json::Value as J;

use super::model::split_words;
use super::tree::Node;
use crate::document::{Document, Span};
use crate::problem::{Level, Problem};

/// Top-level keys (lowercased) of a v1 file that Traefik 2 and 3 do not have.
pub(super) const V1_ROOTS: &[&str] = &[
    "defaultentrypoints",
    "backends",
    "frontends",
    "file",
    "docker",
    "web",
    "acme",
    "loglevel",
    "traefiklogsfile",
    "accesslogsfile",
    "rest",
    "consul",
    "consulcatalog",
    "etcd",
    "zookeeper",
    "boltdb",
    "kubernetes",
    "marathon",
    "mesos",
    "ecs",
    "rancher",
    "eureka",
    "servicefabric",
    "dynamodb",
    "retry",
    "respondingtimeouts",
    "forwardingtimeouts",
    "keeptrailingslash",
    "gracetimeout",
    "insecureskipverify",
    "idletimeout",
    "debug",
];

/// Options of a v1 entrypoint that a v2 entrypoint does not have.
const V1_ENTRYPOINT_KEYS: &[&str] = &[
    "redirect",
    "tls",
    "auth",
    "compress",
    "whitelist",
    "whitelistsourcerange",
];

/// The first v1 key of a parsed Traefik file (in the text's order): its span and how it is
/// written.
pub fn in_file(root: &Node) -> Option<(Span, String)> {
    let mut found: Vec<(Span, String)> = Vec::new();
    for (k, n) in root.entries() {
        if V1_ROOTS.contains(&k.as_str()) {
            found.push((n.span.clone(), k.clone()));
        }
        if k == "entrypoints" {
            for (name, ep) in n.entries() {
                for (o, v) in ep.entries() {
                    if V1_ENTRYPOINT_KEYS.contains(&o.as_str()) {
                        found.push((v.span.clone(), format!("entryPoints.{name}.{o}")));
                    }
                }
            }
        }
    }
    found.into_iter().min_by_key(|(s, _)| s.range.start)
}

/// The located warning for v1 configuration found at `span`.
pub fn problem(span: Span, what: &str) -> Problem {
    Problem::at(
        Level::Warning,
        span,
        format!(
            "Traefik v1 configuration: not checked ({what}); Traefik 2 and later refuse a v1 \
             file and ignore v1 flags and labels (see Traefik's v1 to v2 migration guide)"
        ),
    )
}

/// Flags (lowercased, before any `.` or `=`) that only Traefik v1 has.
const V1_FLAGS: &[&str] = &[
    "web",
    "docker",
    "file",
    "defaultentrypoints",
    "acme",
    "loglevel",
    "traefiklogsfile",
    "accesslogsfile",
    "rest",
    "consul",
    "etcd",
    "zookeeper",
    "boltdb",
    "kubernetes",
    "marathon",
    "mesos",
    "ecs",
    "rancher",
    "eureka",
    "retry",
    "respondingtimeouts",
    "forwardingtimeouts",
    "gracetimeout",
    "insecureskipverify",
    "idletimeout",
    "debug",
];

/// Whether a label key (after `traefik.`) is a v1 one: `frontend.*`, `backend*`, `port`,
/// `protocol`, `weight`, or those of a v1 named service (`traefik.web.frontend.rule`).
pub fn is_v1_label(rest: &str) -> bool {
    let lower = rest.to_ascii_lowercase();
    let mut segs = lower.split('.');
    let first = segs.next().unwrap_or_default();
    let second = segs.next().unwrap_or_default();
    if matches!(first, "http" | "tcp" | "udp" | "tls") {
        return false;
    }
    matches!(first, "port" | "protocol" | "weight" | "frontend")
        || first.starts_with("backend")
        || (!second.is_empty() && (second == "frontend" || second.starts_with("backend")))
}

/// Whether a flag (without its dashes) is a v1 one: `--web`, `--docker.watch`, the v1
/// `--entryPoints='Name:http Address::80'` form, …
pub fn is_v1_flag(flag: &str) -> bool {
    let name = flag
        .split('=')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let root = name.split('.').next().unwrap_or_default();
    V1_FLAGS.contains(&root) || name == "entrypoints" || name == "entrypoint"
}

/// Whether an image tag is a Traefik 1.x one (`traefik:1.7`, `traefik:v1.7.34-alpine`).
pub fn is_v1_image(image: &str) -> bool {
    let no_digest = image.split('@').next().unwrap_or_default();
    let last = no_digest.rsplit('/').next().unwrap_or_default();
    let tag = last.split_once(':').map(|(_, t)| t).unwrap_or_default();
    let t = tag.strip_prefix('v').unwrap_or(tag);
    t == "1" || t.starts_with("1.") || t.starts_with("1-")
}

fn args(v: Option<&J>) -> Vec<String> {
    match v {
        Some(J::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(J::String(s)) => split_words(s),
        _ => Vec::new(),
    }
}

/// What makes a compose service v1, as a path below the service and how it is written.
fn v1_part(svc: &J) -> Option<(Vec<String>, String)> {
    let image = svc.get("image").and_then(J::as_str).unwrap_or_default();
    if super::is_traefik_image(image) {
        if is_v1_image(image) {
            return Some((vec!["image".into()], format!("image {image}")));
        }
        for key in ["entrypoint", "command"] {
            let list = matches!(svc.get(key), Some(J::Array(_)));
            for (i, a) in args(svc.get(key)).iter().enumerate() {
                let flag = a.strip_prefix("--").or_else(|| a.strip_prefix('-'));
                if flag.is_some_and(is_v1_flag) {
                    let mut path = vec![key.to_string()];
                    if list {
                        path.push(i.to_string());
                    }
                    return Some((path, format!("flag {a}")));
                }
            }
        }
    }
    if let Some(labels) = svc.get("labels").and_then(J::as_object) {
        for k in labels.keys() {
            let rest = k
                .get(..8)
                .filter(|p| p.eq_ignore_ascii_case("traefik."))
                .and_then(|_| k.get(8..));
            if rest.is_some_and(is_v1_label) {
                return Some((vec!["labels".into(), k.clone()], format!("label {k}")));
            }
        }
    }
    None
}

/// Whether a compose service is configured for Traefik v1.
pub fn service_is_v1(svc: &J) -> bool {
    v1_part(svc).is_some()
}

/// Whether a compose document has a service running Traefik 2 or later.
pub fn runs_traefik_v2(doc: &Document) -> bool {
    doc.doc
        .get("services")
        .and_then(J::as_object)
        .is_some_and(|s| {
            s.values().any(|svc| {
                svc.get("image")
                    .and_then(J::as_str)
                    .is_some_and(super::is_traefik_image)
                    && !service_is_v1(svc)
            })
        })
}

/// One warning per compose service configured for Traefik v1.
pub fn in_compose(doc: &Document) -> Vec<Problem> {
    let Some(services) = doc.doc.get("services").and_then(J::as_object) else {
        return Vec::new();
    };
    services
        .iter()
        .filter_map(|(name, svc)| {
            let (rest, what) = v1_part(svc)?;
            let mut path = vec!["services".to_string(), name.clone()];
            path.extend(rest);
            Some(problem(
                doc.locate(&path),
                &format!("service {name}, {what}"),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_labels_flags_and_images() {
        for l in [
            "frontend.rule",
            "frontend.auth.forward.address",
            "backend",
            "backend.loadbalancer.method",
            "port",
            "web.frontend.rule",
            "api.backend",
        ] {
            assert!(is_v1_label(l), "{l}");
        }
        for l in [
            "enable",
            "http.routers.frontend.rule",
            "http.services.backend.loadbalancer.server.port",
            "docker.network",
        ] {
            assert!(!is_v1_label(l), "{l}");
        }
        for f in [
            "web",
            "docker",
            "docker.watch=true",
            "entryPoints=Name:http",
            "file",
        ] {
            assert!(is_v1_flag(f), "{f}");
        }
        for f in [
            "providers.docker",
            "entrypoints.web.address=:80",
            "api.insecure",
        ] {
            assert!(!is_v1_flag(f), "{f}");
        }
        assert!(is_v1_image("traefik:1.7"));
        assert!(is_v1_image("library/traefik:v1.7.34-alpine"));
        assert!(!is_v1_image("traefik:v2.11"));
        assert!(!is_v1_image("traefik:10.0"));
        assert!(!is_v1_image("traefik"));
    }
}
