//! Compose short syntax to one long form, the way `docker compose config` prints it.
//! Each expanded node keeps the position (and origin) of the short string it came from.

use std::collections::HashMap;

use crate::source::yaml::{Entry, Located, Value};

/// Normalize every service of a compose root in place.
pub fn normalize(root: &mut Located) {
    let Value::Map(entries) = &mut root.value else {
        return;
    };
    let Some(services) = entries.iter_mut().find(|e| e.key == "services") else {
        return;
    };
    let Value::Map(services) = &mut services.value.value else {
        return;
    };
    for svc in services.iter_mut() {
        let Value::Map(fields) = &mut svc.value.value else {
            continue;
        };
        for f in fields.iter_mut() {
            match f.key.as_str() {
                "ports" => each_item(&mut f.value, normalize_port),
                "volumes" => each_item(&mut f.value, normalize_volume),
                "environment" | "labels" | "sysctls" | "extra_hosts" => to_map(&mut f.value),
                "cap_add" | "cap_drop" => each_item(&mut f.value, normalize_cap),
                "privileged" | "read_only" | "init" | "tty" | "stdin_open" | "oom_kill_disable" => {
                    to_bool(&mut f.value)
                }
                _ => {}
            }
        }
    }
}

/// Rewrite each item of a list; one short item may expand into several (a port range).
fn each_item(list: &mut Located, f: impl Fn(Located) -> Vec<Located>) {
    if let Value::Seq(items) = &mut list.value {
        *items = items.drain(..).flat_map(&f).collect();
    }
}

fn field(item: &Located, key: &str, value: Value) -> Entry {
    Entry {
        key: key.to_string(),
        key_span: item.span.clone(),
        value: Located {
            span: item.span.clone(),
            value,
            origin: item.origin.clone(),
        },
    }
}

fn to_bool(v: &mut Located) {
    if let Value::Str(s) = &v.value {
        match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => v.value = Value::Bool(true),
            "false" | "no" | "0" => v.value = Value::Bool(false),
            _ => {}
        }
    }
}

fn normalize_cap(mut v: Located) -> Vec<Located> {
    if let Value::Str(s) = &v.value {
        let upper = s.trim().to_ascii_uppercase();
        let name = upper.strip_prefix("CAP_").unwrap_or(&upper).to_string();
        v.value = Value::Str(name);
    }
    vec![v]
}

/// `environment`, `labels`, ... as a list of `KEY=VALUE` strings become a map; map values become
/// strings (numbers and booleans as written), `null` stays `null`.
fn to_map(v: &mut Located) {
    match &mut v.value {
        Value::Seq(items) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(items.len());
            let mut index: HashMap<String, usize> = HashMap::with_capacity(items.len());
            for item in items.drain(..) {
                let Some(text) = item.scalar_text() else {
                    continue;
                };
                let (key, value) = match text.split_once('=') {
                    Some((k, val)) => (k.to_string(), Value::Str(val.to_string())),
                    None => (text.clone(), Value::Null),
                };
                let entry = Entry {
                    key,
                    key_span: item.span.clone(),
                    value: Located {
                        span: item.span.clone(),
                        value,
                        origin: item.origin.clone(),
                    },
                };
                match index.get(&entry.key).and_then(|&i| entries.get_mut(i)) {
                    Some(existing) => *existing = entry,
                    None => {
                        index.insert(entry.key.clone(), entries.len());
                        entries.push(entry);
                    }
                }
            }
            v.value = Value::Map(entries);
        }
        Value::Map(entries) => {
            for e in entries.iter_mut() {
                if let Some(text) = match &e.value.value {
                    Value::Int(_) | Value::Float(_) | Value::Bool(_) => e.value.scalar_text(),
                    _ => None,
                } {
                    e.value.value = Value::Str(text);
                }
            }
        }
        _ => {}
    }
}

fn parse_port_number(s: &str) -> Option<Value> {
    s.parse::<i64>().ok().map(Value::Int)
}

/// Ports expanded from one range at the most; a larger range stays one item.
const MAX_RANGE_EXPANSION: i64 = 1024;

/// `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]` → `{target, published, host_ip, protocol, mode}`.
fn normalize_port(mut item: Located) -> Vec<Located> {
    match &mut item.value {
        Value::Map(entries) => {
            for e in entries.iter_mut() {
                match (e.key.as_str(), &e.value.value) {
                    ("target", Value::Str(s)) => {
                        if let Some(n) = parse_port_number(s) {
                            e.value.value = n;
                        }
                    }
                    ("published", Value::Int(i)) => e.value.value = Value::Str(i.to_string()),
                    _ => {}
                }
            }
            return vec![item];
        }
        Value::Int(_) | Value::Str(_) => {}
        _ => return vec![item],
    }
    let Some(text) = item.scalar_text() else {
        return vec![item];
    };
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((s, p)) => (s.to_string(), p.to_string()),
        None => (text.clone(), "tcp".to_string()),
    };
    let (host_ip, rest) = if let Some(after) = spec.strip_prefix('[') {
        match after.split_once("]:") {
            Some((ip, rest)) => (Some(ip.to_string()), rest.to_string()),
            None => return vec![item],
        }
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.len() > 3 {
            // An unbracketed IPv6 host address: the last two parts are the ports.
            let n = parts.len();
            (Some(parts[..n - 2].join(":")), parts[n - 2..].join(":"))
        } else if parts.len() == 3 {
            (Some(parts[0].to_string()), parts[1..].join(":"))
        } else {
            (None, spec.clone())
        }
    };
    let (published, target) = match rest.rsplit_once(':') {
        Some((p, t)) => (Some(p.to_string()).filter(|p| !p.is_empty()), t.to_string()),
        None => (None, rest),
    };
    let build = |target: Value, published: Option<String>| {
        let mut fields = vec![field(&item, "target", target)];
        if let Some(p) = published {
            fields.push(field(&item, "published", Value::Str(p)));
        }
        if let Some(ip) = host_ip.clone().filter(|ip| !ip.is_empty()) {
            fields.push(field(&item, "host_ip", Value::Str(ip)));
        }
        fields.push(field(&item, "protocol", Value::Str(protocol.clone())));
        fields.push(field(&item, "mode", Value::Str("ingress".into())));
        Located {
            span: item.span.clone(),
            value: Value::Map(fields),
            origin: item.origin.clone(),
        }
    };
    let range = |s: &str| -> Option<(i64, i64)> {
        let (a, b) = s.split_once('-')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    };
    if let Some((lo, hi)) = range(&target) {
        if hi >= lo && hi - lo < MAX_RANGE_EXPANSION {
            let published_range = published.as_deref().and_then(range);
            return (lo..=hi)
                .map(|t| {
                    let p = match (published_range, &published) {
                        (Some((plo, _)), _) => Some((plo + (t - lo)).to_string()),
                        (None, p) => p.clone(),
                    };
                    build(Value::Int(t), p)
                })
                .collect();
        }
    }
    let target_value = parse_port_number(&target).unwrap_or(Value::Str(target));
    vec![build(target_value, published)]
}

/// `SOURCE:TARGET[:MODE]` or `TARGET` → `{type, source, target, read_only}`.
fn normalize_volume(mut item: Located) -> Vec<Located> {
    let Value::Str(text) = &item.value else {
        return vec![item];
    };
    let parts: Vec<&str> = text.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, (*target).to_string(), None),
        [source, target] => (Some((*source).to_string()), (*target).to_string(), None),
        [source, target, mode] => (
            Some((*source).to_string()),
            (*target).to_string(),
            Some((*mode).to_string()),
        ),
        _ => return vec![item],
    };
    let kind = match &source {
        None => "volume",
        Some(s) if s.starts_with(['/', '.', '~']) => "bind",
        Some(_) => "volume",
    };
    let mut fields = vec![field(&item, "type", Value::Str(kind.into()))];
    if let Some(s) = source {
        fields.push(field(&item, "source", Value::Str(s)));
    }
    fields.push(field(&item, "target", Value::Str(target)));
    let modes: Vec<String> = mode
        .map(|m| m.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    if modes.iter().any(|m| m == "ro") {
        fields.push(field(&item, "read_only", Value::Bool(true)));
    }
    item.value = Value::Map(fields);
    vec![item]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml::parse;
    use crate::text::SourceFile;

    fn norm(text: &str) -> serde_json::Value {
        let f = SourceFile::new("c.yaml".into(), "c.yaml".into(), text.into());
        let mut root = parse(&f).unwrap();
        normalize(&mut root);
        root.to_json(&mut Vec::new(), &mut |_, _, _| {})
    }

    #[test]
    fn ports_short_syntax() {
        let j = norm("services:\n  a:\n    ports:\n      - 80\n      - \"127.0.0.1:5432:5432\"\n      - \"8080:80/udp\"\n      - \"[::1]:9000:9000\"\n      - \"127.0.0.1::53\"\n");
        let p = &j["services"]["a"]["ports"];
        assert_eq!(
            p[0],
            serde_json::json!({"target": 80, "protocol": "tcp", "mode": "ingress"})
        );
        assert_eq!(p[1]["host_ip"], "127.0.0.1");
        assert_eq!(p[1]["published"], "5432");
        assert_eq!(p[1]["target"], 5432);
        assert_eq!(p[2]["protocol"], "udp");
        assert_eq!(p[3]["host_ip"], "::1");
        assert_eq!(p[4]["host_ip"], "127.0.0.1");
        assert!(p[4].get("published").is_none());
    }

    #[test]
    fn port_ranges_expand() {
        let j = norm("services:\n  a:\n    ports:\n      - \"8000-8002:9000-9002\"\n");
        let p = j["services"]["a"]["ports"].as_array().unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[2]["target"], 9002);
        assert_eq!(p[2]["published"], "8002");
    }

    #[test]
    fn volumes_environment_caps() {
        let j = norm("services:\n  a:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - data:/data\n    environment:\n      - A=1\n      - B\n    cap_add: [cap_sys_admin]\n    privileged: \"true\"\n");
        let a = &j["services"]["a"];
        assert_eq!(
            a["volumes"][0],
            serde_json::json!({"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "read_only": true})
        );
        assert_eq!(a["volumes"][1]["type"], "volume");
        assert_eq!(a["environment"], serde_json::json!({"A": "1", "B": null}));
        assert_eq!(a["cap_add"][0], "SYS_ADMIN");
        assert_eq!(a["privileged"], true);
    }
}
