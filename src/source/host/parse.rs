//! Parsers for each fact's output. Each returns the fact's JSON value and the spans of its nodes
//! (paths relative to the fact, ranges in the fact's output), or why the output is not what the
//! command prints.

use std::net::IpAddr;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{json, Map, Value};

use crate::text::TextRange;

/// Spans of a fact's nodes, paths relative to the fact.
pub type Spans = Vec<(Vec<String>, TextRange)>;

pub type Parsed = Result<(Value, Spans), String>;

fn r(start: usize, end: usize) -> TextRange {
    TextRange::new(
        u32::try_from(start).unwrap_or(u32::MAX),
        u32::try_from(end).unwrap_or(u32::MAX),
    )
}

/// Each line with its byte range (without the newline).
pub fn lines(text: &str) -> impl Iterator<Item = (TextRange, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = at;
        at += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        (r(start, start + line.len()), line)
    })
}

fn p(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_string()).collect()
}

// --- sshd -T ----------------------------------------------------------------------------------

/// Keys `sshd -T` may print several times: always lists.
const SSHD_MULTI: &[&str] = &[
    "port",
    "listenaddress",
    "hostkey",
    "hostcertificate",
    "acceptenv",
    "setenv",
    "subsystem",
    "allowusers",
    "denyusers",
    "allowgroups",
    "denygroups",
    "permitopen",
    "permitlisten",
    "channeltimeout",
];

/// `sshd -T`: `key value` lines, keys lower case.
pub fn sshd(text: &str) -> Parsed {
    let mut m = Map::new();
    let mut spans = Spans::new();
    for (range, line) in lines(text) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        if !key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            return Err(format!("unexpected line {line:?}"));
        }
        let value = value.trim().to_string();
        if SSHD_MULTI.contains(&key) {
            let list = m
                .entry(key.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = list {
                if a.is_empty() {
                    spans.push((p(&[key]), range));
                }
                spans.push((p(&[key, &a.len().to_string()]), range));
                a.push(value.into());
            }
        } else if !m.contains_key(key) {
            spans.push((p(&[key]), range));
            m.insert(key.to_string(), value.into());
        }
    }
    if m.is_empty() {
        return Err("no settings".into());
    }
    Ok((Value::Object(m), spans))
}

// --- ports and addresses ------------------------------------------------------------------------

/// `22`, `6000:6010`, `80,443` as `[[lo, hi], ...]`.
fn port_ranges(spec: &str) -> Option<Vec<Value>> {
    spec.split(',')
        .map(|part| {
            let (lo, hi) = part.split_once([':', '-']).unwrap_or((part, part));
            let lo: u16 = lo.trim().parse().ok()?;
            let hi: u16 = hi.trim().parse().ok()?;
            Some(json!([lo, hi]))
        })
        .collect()
}

fn is_address(s: &str) -> bool {
    let host = s.split_once('/').map_or(s, |(h, _)| h);
    host.parse::<IpAddr>().is_ok()
}

// --- ufw status verbose -------------------------------------------------------------------------

fn ufw_rule_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)] // a constant pattern, tested
        Regex::new(
            r"^(?P<to>.+?)\s+(?P<action>ALLOW|DENY|REJECT|LIMIT)(?:\s+(?P<dir>IN|OUT|FWD))?\s+(?P<from>.+?)\s*(?:#\s?(?P<comment>.*))?$",
        )
        .unwrap()
    })
}

/// One side of a ufw rule (`22/tcp`, `10.0.0.1 8080/tcp`, `Anywhere (v6) on eth0`, `OpenSSH`).
fn ufw_side(text: &str) -> (Map<String, Value>, bool) {
    let mut s = text.trim().to_string();
    let mut v6 = false;
    let mut out = Map::new();
    if let Some((before, iface)) = s.rsplit_once(" on ") {
        out.insert("interface".into(), iface.trim().into());
        s = before.trim().to_string();
    }
    if let Some(before) = s.strip_suffix("(v6)") {
        v6 = true;
        s = before.trim().to_string();
    } else if s.contains(" (v6)") {
        v6 = true;
        s = s.replace(" (v6)", "");
    }
    let mut address = Value::Null;
    let mut ports = Value::Null;
    let mut proto = Value::Null;
    let mut app = Value::Null;
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut rest: &[&str] = &words;
    if let Some((first, tail)) = rest.split_first() {
        if *first == "Anywhere" {
            rest = tail;
        } else if is_address(first) {
            address = (*first).into();
            rest = tail;
        }
    }
    if !rest.is_empty() {
        let spec = rest.join(" ");
        let (port_part, proto_part) = match spec.rsplit_once('/') {
            Some((a, b)) if b == "tcp" || b == "udp" => (a.to_string(), Some(b.to_string())),
            _ => (spec.clone(), None),
        };
        match port_ranges(&port_part) {
            Some(ranges) => {
                ports = Value::Array(ranges);
                if let Some(pr) = proto_part {
                    proto = pr.into();
                }
            }
            None => {
                // An application profile: OpenSSH is the one the rules need.
                if spec == "OpenSSH" {
                    ports = json!([[22, 22]]);
                    proto = "tcp".into();
                } else {
                    ports = json!([]);
                }
                app = spec.into();
            }
        }
    }
    out.insert("address".into(), address);
    out.insert("ports".into(), ports);
    out.insert("proto".into(), proto);
    out.insert("app".into(), app);
    (out, v6)
}

/// `ufw status verbose`.
pub fn ufw(text: &str) -> Parsed {
    let mut spans = Spans::new();
    let mut active = None;
    let mut defaults = Map::new();
    let mut rules = Vec::new();
    let mut in_rules = false;
    for (range, line) in lines(text) {
        if let Some(status) = line.strip_prefix("Status:") {
            active = Some(status.trim() == "active");
            spans.push((p(&["active"]), range));
            continue;
        }
        if let Some(d) = line.strip_prefix("Default:") {
            // "deny (incoming), allow (outgoing), disabled (routed)"
            for part in d.split(',') {
                if let Some((policy, dir)) = part.trim().split_once(' ') {
                    let key = format!("default_{}", dir.trim_matches(['(', ')']));
                    spans.push((vec![key.clone()], range));
                    defaults.insert(key, policy.into());
                }
            }
            continue;
        }
        if line.starts_with("--") {
            in_rules = true;
            continue;
        }
        if !in_rules || line.trim().is_empty() {
            continue;
        }
        let Some(c) = ufw_rule_re().captures(line) else {
            return Err(format!("unexpected rule line {line:?}"));
        };
        let get = |n: &str| c.name(n).map_or("", |m| m.as_str());
        let (to, v6_to) = ufw_side(get("to"));
        let (from, v6_from) = ufw_side(get("from"));
        let mut rule = Map::new();
        let text = format!(
            "{} {} {}",
            get("to").trim(),
            [get("action"), get("dir")].join(" ").trim(),
            get("from").trim()
        );
        rule.insert(
            "text".into(),
            text.split_whitespace().collect::<Vec<_>>().join(" ").into(),
        );
        rule.insert("to".into(), get("to").trim().into());
        rule.insert("action".into(), get("action").to_lowercase().into());
        rule.insert(
            "direction".into(),
            match get("dir") {
                "" => "in".to_string(),
                d => d.to_lowercase(),
            }
            .into(),
        );
        rule.insert("from".into(), get("from").trim().into());
        rule.insert("v6".into(), (v6_to || v6_from).into());
        rule.insert(
            "interface".into(),
            to.get("interface")
                .or_else(|| from.get("interface"))
                .cloned()
                .unwrap_or(Value::Null),
        );
        rule.insert("to_address".into(), to["address"].clone());
        rule.insert("ports".into(), to["ports"].clone());
        rule.insert("proto".into(), to["proto"].clone());
        rule.insert("app".into(), to["app"].clone());
        rule.insert("from_address".into(), from["address"].clone());
        rule.insert("from_ports".into(), from["ports"].clone());
        if let Some(cm) = c.name("comment") {
            rule.insert("comment".into(), cm.as_str().trim().into());
        }
        spans.push((p(&["rules", &rules.len().to_string()]), range));
        rules.push(Value::Object(rule));
    }
    let Some(active) = active else {
        return Err("no `Status:` line".into());
    };
    let mut m = Map::new();
    m.insert("active".into(), active.into());
    m.extend(defaults);
    m.insert("rules".into(), Value::Array(rules));
    Ok((Value::Object(m), spans))
}

// --- iptables-save ------------------------------------------------------------------------------

/// Split an `iptables-save` line into words, honouring double quotes (`--comment "a b"`).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut has = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                has = true;
            }
            '\\' if in_quotes => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() && !in_quotes => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => {
                cur.push(c);
                has = true;
            }
        }
    }
    if has {
        out.push(cur);
    }
    out
}

fn new_rule() -> Map<String, Value> {
    let mut m = Map::new();
    for k in [
        "proto", "dports", "saddr", "daddr", "iif", "ct_state", "verdict", "target",
    ] {
        m.insert(k.into(), Value::Null);
    }
    m.insert("negated".into(), Value::Array(Vec::new()));
    m.insert("opaque".into(), false.into());
    m
}

fn hook_of(name: &str) -> Value {
    match name {
        "INPUT" => "input".into(),
        "OUTPUT" => "output".into(),
        "FORWARD" => "forward".into(),
        _ => Value::Null,
    }
}

/// `iptables-save` (or `ip6tables-save`): the `filter` table's chains and rules, in order.
pub fn iptables(text: &str, family: &str) -> Parsed {
    let mut spans = Spans::new();
    let mut chains: Vec<Map<String, Value>> = Vec::new();
    let mut table = String::new();
    for (range, line) in lines(text) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line == "COMMIT" {
            continue;
        }
        if let Some(t) = line.strip_prefix('*') {
            table = t.to_string();
            continue;
        }
        if table != "filter" {
            continue;
        }
        if let Some(c) = line.strip_prefix(':') {
            let mut w = c.split_whitespace();
            let name = w.next().unwrap_or_default();
            let policy = match w.next() {
                Some("-") | None => Value::Null,
                Some(p) => p.to_lowercase().into(),
            };
            spans.push((p(&["chains", &chains.len().to_string()]), range));
            let mut ch = Map::new();
            ch.insert("family".into(), family.into());
            ch.insert("table".into(), table.clone().into());
            ch.insert("name".into(), name.into());
            ch.insert("hook".into(), hook_of(name));
            ch.insert("policy".into(), policy);
            ch.insert("rules".into(), Value::Array(Vec::new()));
            chains.push(ch);
            continue;
        }
        let w = words(line);
        if w.first().map(String::as_str) != Some("-A") {
            return Err(format!("unexpected line {line:?}"));
        }
        let chain_name = w.get(1).cloned().unwrap_or_default();
        let mut rule = new_rule();
        let mut negated = Vec::new();
        let mut i = 2;
        let mut not = false;
        while i < w.len() {
            let opt = w[i].as_str();
            let arg = w.get(i + 1).cloned().unwrap_or_default();
            let mut take = 2;
            match opt {
                "!" => {
                    not = true;
                    i += 1;
                    continue;
                }
                "-p" | "--protocol" => {
                    rule.insert("proto".into(), arg.to_lowercase().into());
                }
                "-s" | "--source" => {
                    rule.insert(
                        "saddr".into(),
                        Value::Array(arg.split(',').map(|a| a.into()).collect()),
                    );
                    if not {
                        negated.push(Value::from("saddr"));
                    }
                }
                "-d" | "--destination" => {
                    rule.insert(
                        "daddr".into(),
                        Value::Array(arg.split(',').map(|a| a.into()).collect()),
                    );
                    if not {
                        negated.push(Value::from("daddr"));
                    }
                }
                "-i" | "--in-interface" => {
                    rule.insert("iif".into(), arg.into());
                    if not {
                        negated.push(Value::from("iif"));
                    }
                }
                "--dport" | "--dports" | "--destination-port" | "--destination-ports" => {
                    match port_ranges(&arg) {
                        Some(ranges) => {
                            rule.insert("dports".into(), Value::Array(ranges));
                        }
                        None => {
                            rule.insert("opaque".into(), true.into());
                        }
                    }
                    if not {
                        negated.push(Value::from("dports"));
                    }
                }
                "--ctstate" | "--state" => {
                    rule.insert(
                        "ct_state".into(),
                        Value::Array(arg.split(',').map(|s| s.to_lowercase().into()).collect()),
                    );
                    if not {
                        negated.push(Value::from("ct_state"));
                    }
                }
                "-j" | "--jump" | "-g" | "--goto" => {
                    let verdict = match arg.as_str() {
                        "ACCEPT" => "accept",
                        "DROP" => "drop",
                        "REJECT" => "reject",
                        "RETURN" => "return",
                        _ if opt == "-g" || opt == "--goto" => "goto",
                        _ => "jump",
                    };
                    rule.insert("verdict".into(), verdict.into());
                    if verdict == "jump" || verdict == "goto" {
                        rule.insert("target".into(), arg.clone().into());
                    }
                    // Target options (--reject-with, --log-prefix, ...) follow: skip them.
                    let mut j = i + 2;
                    while j < w.len() && w[j] != "-m" {
                        j += 1;
                    }
                    take = j - i;
                }
                "-m" | "--match" => {
                    // The module's own options are read by the arms above; the module names
                    // that only restrict what those options say are harmless.
                    if !matches!(
                        arg.as_str(),
                        "tcp" | "udp" | "multiport" | "conntrack" | "state" | "comment"
                    ) {
                        rule.insert("opaque".into(), true.into());
                    }
                }
                "--comment" => {}
                "--sport" | "--sports" | "--source-port" | "--source-ports" | "--tcp-flags"
                | "--syn" | "--icmp-type" | "--icmpv6-type" | "-o" | "--out-interface" => {
                    if opt == "--tcp-flags" {
                        take = 3;
                    } else if opt == "--syn" {
                        take = 1;
                    }
                    if opt.starts_with("--s") && opt != "--syn" {
                        rule.insert("opaque".into(), true.into());
                    }
                }
                _ => {
                    rule.insert("opaque".into(), true.into());
                    // Unknown option: skip it and its argument when it has one.
                    take = if arg.starts_with('-') || arg.is_empty() {
                        1
                    } else {
                        2
                    };
                }
            }
            not = false;
            i += take;
        }
        rule.insert("negated".into(), Value::Array(negated));
        rule.insert("text".into(), line.into());
        let Some(ci) = chains
            .iter()
            .position(|c| c.get("name").and_then(Value::as_str) == Some(chain_name.as_str()))
        else {
            return Err(format!("rule for undeclared chain {chain_name:?}"));
        };
        if let Some(Value::Array(rules)) = chains[ci].get_mut("rules") {
            spans.push((
                p(&["chains", &ci.to_string(), "rules", &rules.len().to_string()]),
                range,
            ));
            rules.push(Value::Object(rule));
        }
    }
    let mut m = Map::new();
    m.insert(
        "chains".into(),
        Value::Array(chains.into_iter().map(Value::Object).collect()),
    );
    Ok((Value::Object(m), spans))
}

// --- nft -j list ruleset ------------------------------------------------------------------------

/// Where each item of the `nftables` list starts: the `{` of every object nested exactly two
/// levels deep (inside the root object and its list).
fn nft_item_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if b == b'{' && depth == 2 {
                    out.push(i);
                }
                depth += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

/// An nft value as a list of strings (`"1.2.3.4"`, `{"prefix": ..}`, `{"set": [..]}`).
fn nft_addresses(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::String(s) => Some(vec![s.clone().into()]),
        Value::Object(o) => {
            if let Some(pr) = o.get("prefix") {
                let addr = pr.get("addr")?.as_str()?;
                let len = pr.get("len")?.as_u64()?;
                Some(vec![format!("{addr}/{len}").into()])
            } else if let Some(Value::Array(items)) = o.get("set") {
                let mut out = Vec::new();
                for i in items {
                    out.extend(nft_addresses(i)?);
                }
                Some(out)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn nft_ports(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Number(n) => {
            let n = n.as_u64()?;
            Some(vec![json!([n, n])])
        }
        Value::Object(o) => {
            if let Some(Value::Array(r)) = o.get("range") {
                Some(vec![json!([r.first()?.as_u64()?, r.get(1)?.as_u64()?])])
            } else if let Some(Value::Array(items)) = o.get("set") {
                let mut out = Vec::new();
                for i in items {
                    out.extend(nft_ports(i)?);
                }
                Some(out)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn nft_strings(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::String(s) => Some(vec![s.clone().into()]),
        Value::Array(a) => a.iter().map(|x| x.as_str().map(Value::from)).collect(),
        Value::Object(o) => nft_strings(o.get("set")?),
        _ => None,
    }
}

fn nft_rule(exprs: &[Value]) -> Map<String, Value> {
    let mut rule = new_rule();
    let mut negated = Vec::new();
    let mut opaque = false;
    for e in exprs {
        let Some((kind, body)) = e.as_object().and_then(|o| o.iter().next()) else {
            opaque = true;
            continue;
        };
        match kind.as_str() {
            "match" => {
                let op = body.get("op").and_then(Value::as_str).unwrap_or("==");
                let left = body.get("left").unwrap_or(&Value::Null);
                let right = body.get("right").unwrap_or(&Value::Null);
                let neg = op == "!=";
                if op != "==" && op != "!=" && op != "in" {
                    opaque = true;
                    continue;
                }
                let field = |key: &str| -> Option<String> {
                    left.get(key).and_then(|x| {
                        x.get("field")
                            .or_else(|| x.get("key"))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                };
                let protocol = left
                    .get("payload")
                    .and_then(|x| x.get("protocol"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let (key, value) = match (field("payload").as_deref(), field("meta").as_deref()) {
                    (Some("dport"), _) => {
                        rule.insert("proto".into(), protocol.clone().into());
                        ("dports", nft_ports(right).map(Value::Array))
                    }
                    (Some("saddr"), _) => ("saddr", nft_addresses(right).map(Value::Array)),
                    (Some("daddr"), _) => ("daddr", nft_addresses(right).map(Value::Array)),
                    (Some("protocol" | "nexthdr"), _) => ("proto", right.as_str().map(Value::from)),
                    (_, Some("l4proto")) => ("proto", right.as_str().map(Value::from)),
                    (_, Some("iifname" | "iif")) => ("iif", right.as_str().map(Value::from)),
                    (_, Some("nfproto")) => continue,
                    _ if field("ct").as_deref() == Some("state") => {
                        ("ct_state", nft_strings(right).map(Value::Array))
                    }
                    _ => {
                        opaque = true;
                        continue;
                    }
                };
                match value {
                    Some(v) => {
                        rule.insert(key.into(), v);
                        if neg {
                            negated.push(Value::from(key));
                        }
                    }
                    None => opaque = true,
                }
            }
            "accept" | "drop" | "return" => {
                rule.insert("verdict".into(), kind.clone().into());
            }
            "reject" => {
                rule.insert("verdict".into(), "reject".into());
            }
            "jump" | "goto" => {
                rule.insert("verdict".into(), kind.clone().into());
                rule.insert(
                    "target".into(),
                    body.get("target").cloned().unwrap_or(Value::Null),
                );
            }
            "counter" | "log" | "comment" | "notrack" => {}
            _ => opaque = true,
        }
    }
    rule.insert("negated".into(), Value::Array(negated));
    rule.insert("opaque".into(), opaque.into());
    rule
}

/// `nft -j list ruleset`: chains (with hook and policy) and their rules, in order.
pub fn nft(text: &str) -> Parsed {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = v
        .get("nftables")
        .and_then(Value::as_array)
        .ok_or("no `nftables` list")?;
    // Where each item starts: nft prints one object per item, in order.
    let starts = nft_item_starts(text);
    let span_of = |i: usize| -> TextRange {
        match (starts.len() == items.len(), starts.get(i)) {
            (true, Some(&s)) => {
                let end = starts.get(i + 1).map_or(text.len(), |&n| {
                    let before = text.get(..n).unwrap_or(text);
                    before.trim_end().trim_end_matches(',').trim_end().len()
                });
                r(s, end)
            }
            _ => TextRange::empty(0),
        }
    };
    let mut spans = Spans::new();
    let mut chains: Vec<Map<String, Value>> = Vec::new();
    let mut tables = 0;
    let key = |o: &Map<String, Value>| -> (String, String, String) {
        let s = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        (s("family"), s("table"), s("name"))
    };
    for (i, item) in items.iter().enumerate() {
        if item.get("table").is_some() {
            tables += 1;
        }
        if let Some(Value::Object(c)) = item.get("chain") {
            let mut ch = Map::new();
            for k in ["family", "table", "name", "type", "hook", "policy"] {
                ch.insert(k.into(), c.get(k).cloned().unwrap_or(Value::Null));
            }
            ch.insert("prio".into(), c.get("prio").cloned().unwrap_or(Value::Null));
            ch.insert("rules".into(), Value::Array(Vec::new()));
            spans.push((p(&["chains", &chains.len().to_string()]), span_of(i)));
            chains.push(ch);
        } else if let Some(Value::Object(rule)) = item.get("rule") {
            let s = |k: &str| rule.get(k).and_then(Value::as_str).unwrap_or_default();
            let want = (
                s("family").to_string(),
                s("table").to_string(),
                s("chain").to_string(),
            );
            let Some(ci) = chains.iter().position(|c| key(c) == want) else {
                continue;
            };
            let exprs = rule
                .get("expr")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut normalized = nft_rule(exprs);
            if let Some(c) = rule.get("comment") {
                normalized.insert("comment".into(), c.clone());
            }
            if let Some(Value::Array(rules)) = chains[ci].get_mut("rules") {
                spans.push((
                    p(&["chains", &ci.to_string(), "rules", &rules.len().to_string()]),
                    span_of(i),
                ));
                rules.push(Value::Object(normalized));
            }
        }
    }
    let mut m = Map::new();
    m.insert("tables".into(), tables.into());
    m.insert(
        "chains".into(),
        Value::Array(chains.into_iter().map(Value::Object).collect()),
    );
    Ok((Value::Object(m), spans))
}

// --- ss -tlnupH ---------------------------------------------------------------------------------

fn ss_process(rest: &str) -> Value {
    // users:(("sshd",pid=812,fd=3),("sshd",pid=900,fd=3))
    rest.split_once("((\"")
        .and_then(|(_, after)| after.split_once('"'))
        .map_or(Value::Null, |(name, _)| name.into())
}

/// `ss -tlnupH`: one listener per line.
pub fn ss(text: &str) -> Parsed {
    let mut out = Vec::new();
    let mut spans = Spans::new();
    for (range, line) in lines(text) {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.is_empty() {
            continue;
        }
        let (Some(netid), Some(local)) = (w.first(), w.get(4)) else {
            return Err(format!("unexpected line {line:?}"));
        };
        let Some((addr, port)) = local.rsplit_once(':') else {
            return Err(format!("unexpected local address {local:?}"));
        };
        let Ok(port) = port.parse::<u16>() else {
            continue; // `*`: not bound to a port
        };
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        let (addr, iface) = match addr.split_once('%') {
            Some((a, i)) => (a, Value::from(i)),
            None => (addr, Value::Null),
        };
        let rest = w.get(6..).map(|r| r.join(" ")).unwrap_or_default();
        spans.push((vec![out.len().to_string()], range));
        out.push(json!({
            "proto": netid,
            "state": w.get(1).copied().unwrap_or_default(),
            "address": addr,
            "port": port,
            "interface": iface,
            "process": ss_process(&rest),
        }));
    }
    Ok((Value::Array(out), spans))
}

// --- /etc/os-release ----------------------------------------------------------------------------

fn unquote(v: &str) -> String {
    let v = v.trim();
    if let Some(inner) = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if let Some(inner) = v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        inner.to_string()
    } else {
        v.to_string()
    }
}

/// `/etc/os-release`: `KEY=value` lines, keys lower case.
pub fn os_release(text: &str) -> Parsed {
    let mut m = Map::new();
    let mut spans = Spans::new();
    for (range, line) in lines(text) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("unexpected line {line:?}"));
        };
        let k = k.trim().to_lowercase();
        spans.push((vec![k.clone()], range));
        m.insert(k, unquote(v).into());
    }
    Ok((Value::Object(m), spans))
}

// --- apt-config dump APT::Periodic --------------------------------------------------------------

/// `APT::Periodic::Unattended-Upgrade "1";` lines, keys after `APT::Periodic::` lower case.
pub fn apt_periodic(text: &str) -> Parsed {
    let mut m = Map::new();
    let mut spans = Spans::new();
    for (range, line) in lines(text) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once(' ') else {
            return Err(format!("unexpected line {line:?}"));
        };
        let Some(k) = k.strip_prefix("APT::Periodic::") else {
            continue;
        };
        let v = v.trim().trim_end_matches(';');
        let k = k.to_lowercase();
        spans.push((vec![k.clone()], range));
        m.insert(k, unquote(v).into());
    }
    Ok((Value::Object(m), spans))
}

/// `dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n'`: `ii  name version`.
pub fn dpkg_package(text: &str) -> Parsed {
    let Some((range, line)) = lines(text).find(|(_, l)| !l.trim().is_empty()) else {
        return Err("no package line".into());
    };
    let status = line.get(..3).unwrap_or_default();
    let rest: Vec<&str> = line
        .get(3..)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let installed = status.as_bytes().get(1) == Some(&b'i');
    let v = json!({
        "installed": installed,
        "status": status.trim(),
        "version": rest.get(1).copied(),
    });
    Ok((v, vec![(Vec::new(), range)]))
}

// --- time ---------------------------------------------------------------------------------------

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-01-15T03:00:00.123+01:00` (or `Z`, or no offset: `local_offset` seconds east of UTC)
/// as Unix seconds.
pub fn parse_time(s: &str, local_offset: i64) -> Option<i64> {
    let s = s.trim();
    let num = |a: usize, b: usize| -> Option<i64> {
        let t = s.get(a..b)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if !matches!(s.as_bytes().get(10), Some(b'T' | b' ')) {
        return None;
    }
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "" => local_offset,
        "Z" | "z" => 0,
        o => parse_offset(o)?,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// `+01:00` or `+0100` as seconds east of UTC.
pub fn parse_offset(o: &str) -> Option<i64> {
    let sign = match o.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = o.get(1..)?.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let h: i64 = digits.get(..2)?.parse().ok()?;
    let m: i64 = digits.get(2..)?.parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

/// `date '+%s %z'`: now and the host's offset from UTC.
pub fn date(text: &str) -> Result<(i64, i64, TextRange), String> {
    let (range, line) = lines(text)
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or("empty")?;
    let mut w = line.split_whitespace();
    let now = w
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("unexpected line {line:?}"))?;
    let offset = w.next().and_then(parse_offset).unwrap_or(0);
    Ok((now, offset, range))
}

// --- backups ------------------------------------------------------------------------------------

/// Items of a JSON list (`list` picks it from the document) with their spans, through the YAML
/// reader that keeps positions.
fn located_items(
    text: &str,
    list: impl Fn(&Value) -> Option<&Vec<Value>>,
    located: impl Fn(&crate::source::yaml::Located) -> Option<&crate::source::yaml::Located>,
) -> Result<Vec<(Value, TextRange)>, String> {
    use crate::source::yaml;
    let json: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = list(&json).ok_or("not the expected JSON shape")?;
    let file =
        crate::text::SourceFile::new(std::path::PathBuf::new(), String::new(), text.to_string());
    let ranges: Vec<TextRange> = yaml::parse(&file)
        .ok()
        .as_ref()
        .and_then(&located)
        .and_then(|l| match &l.value {
            yaml::Value::Seq(s) => Some(s.iter().map(|i| i.span.range).collect()),
            _ => None,
        })
        .filter(|r: &Vec<TextRange>| r.len() == items.len())
        .unwrap_or_else(|| vec![TextRange::empty(0); items.len()]);
    Ok(items.iter().cloned().zip(ranges).collect())
}

fn snapshots_value(items: Vec<Value>, spans: &mut Spans, ranges: &[TextRange]) -> Value {
    let mut newest: Option<(i64, usize)> = None;
    for (i, it) in items.iter().enumerate() {
        if let Some(t) = it.get("time_unix").and_then(Value::as_i64) {
            if newest.is_none_or(|(n, _)| t > n) {
                newest = Some((t, i));
            }
        }
    }
    for (i, range) in ranges.iter().enumerate() {
        spans.push((p(&["snapshots", &i.to_string()]), *range));
    }
    let mut m = Map::new();
    m.insert("snapshots".into(), Value::Array(items));
    if let Some((t, i)) = newest {
        m.insert("newest_unix".into(), t.into());
        if let Some(range) = ranges.get(i) {
            spans.push((p(&["newest_unix"]), *range));
        }
    }
    Value::Object(m)
}

/// `restic snapshots --json`.
pub fn restic(text: &str) -> Parsed {
    let items = located_items(text, Value::as_array, |root| Some(root))?;
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    for (v, range) in items {
        let time = v.get("time").and_then(Value::as_str).unwrap_or_default();
        let mut m = Map::new();
        m.insert("time".into(), time.into());
        m.insert(
            "time_unix".into(),
            parse_time(time, 0).map_or(Value::Null, Value::from),
        );
        for k in ["id", "short_id", "hostname", "paths", "tags"] {
            if let Some(x) = v.get(k) {
                m.insert(k.into(), x.clone());
            }
        }
        out.push(Value::Object(m));
        ranges.push(range);
    }
    let mut spans = Spans::new();
    let mut v = snapshots_value(out, &mut spans, &ranges);
    if let Value::Object(m) = &mut v {
        m.insert("tool".into(), "restic".into());
    }
    Ok((v, spans))
}

/// `borg list --json`: archive times are the host's local time.
pub fn borg(text: &str, local_offset: i64) -> Parsed {
    let items = located_items(
        text,
        |v| v.get("archives").and_then(Value::as_array),
        |root| root.get("archives"),
    )?;
    let mut out = Vec::new();
    let mut ranges = Vec::new();
    for (v, range) in items {
        let time = v
            .get("time")
            .or_else(|| v.get("start"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut m = Map::new();
        m.insert("time".into(), time.into());
        m.insert(
            "time_unix".into(),
            parse_time(time, local_offset).map_or(Value::Null, Value::from),
        );
        for k in ["name", "id"] {
            if let Some(x) = v.get(k) {
                m.insert(k.into(), x.clone());
            }
        }
        out.push(Value::Object(m));
        ranges.push(range);
    }
    let mut spans = Spans::new();
    let mut v = snapshots_value(out, &mut spans, &ranges);
    if let Value::Object(m) = &mut v {
        m.insert("tool".into(), "borg".into());
    }
    Ok((v, spans))
}

/// `stat -c %Y FILE`: the marker's modification time.
pub fn marker(text: &str) -> Parsed {
    let (range, line) = lines(text)
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or("empty")?;
    let t: i64 = line
        .trim()
        .parse()
        .map_err(|_| format!("unexpected line {line:?}"))?;
    let mut spans = Spans::new();
    let mut v = snapshots_value(vec![json!({"time_unix": t})], &mut spans, &[range]);
    if let Value::Object(m) = &mut v {
        m.insert("tool".into(), "marker".into());
    }
    Ok((v, spans))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/host/");

    fn data(name: &str) -> String {
        std::fs::read_to_string(format!("{DATA}{name}")).unwrap()
    }

    fn line_of(text: &str, spans: &Spans, path: &[&str]) -> String {
        let (_, range) = spans
            .iter()
            .find(|(p, _)| p.iter().map(String::as_str).eq(path.iter().copied()))
            .unwrap_or_else(|| panic!("no span for {path:?}"));
        text[range.start as usize..range.end as usize].to_string()
    }

    #[test]
    fn sshd_settings_and_their_lines() {
        let text = data("sshd-T-weak.txt");
        let (v, spans) = sshd(&text).unwrap();
        assert_eq!(v["passwordauthentication"], "yes");
        assert_eq!(v["permitrootlogin"], "yes");
        assert_eq!(v["port"], json!(["2222"]));
        assert_eq!(v["listenaddress"], json!(["0.0.0.0:2222"]));
        assert_eq!(
            line_of(&text, &spans, &["passwordauthentication"]),
            "passwordauthentication yes"
        );
        assert_eq!(line_of(&text, &spans, &["port", "0"]), "port 2222");
        let (v, _) = sshd(&data("sshd-T-default.txt")).unwrap();
        assert_eq!(v["permitrootlogin"], "without-password");
        assert_eq!(v["hostkey"].as_array().unwrap().len(), 1);
        assert!(sshd("sshd: no hostkeys available -- exiting.").is_err());
    }

    #[test]
    fn ufw_rules() {
        let text = data("ufw-active.txt");
        let (v, spans) = ufw(&text).unwrap();
        assert_eq!(v["active"], true);
        assert_eq!(v["default_incoming"], "deny");
        let rules = v["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 15);
        assert_eq!(rules[0]["ports"], json!([[22, 22]]));
        assert_eq!(rules[0]["proto"], "tcp");
        assert_eq!(rules[0]["action"], "allow");
        assert_eq!(rules[0]["from_address"], Value::Null);
        assert_eq!(rules[1]["from_address"], "100.64.0.0/10");
        assert_eq!(rules[2]["interface"], "tailscale0");
        assert_eq!(rules[3]["proto"], Value::Null);
        assert_eq!(rules[3]["action"], "deny");
        assert_eq!(rules[4]["action"], "limit");
        assert_eq!(rules[5]["ports"], Value::Null);
        assert_eq!(rules[5]["from_address"], "192.168.1.0/24");
        assert_eq!(rules[6]["ports"], json!([[80, 80], [443, 443]]));
        assert_eq!(rules[7]["ports"], json!([[6000, 6010]]));
        assert_eq!(rules[8]["to_address"], "10.0.0.1");
        assert_eq!(rules[8]["comment"], "web app");
        assert_eq!(rules[9]["v6"], true);
        assert_eq!(rules[10]["interface"], "tailscale0");
        assert_eq!(rules[10]["v6"], true);
        assert!(line_of(&text, &spans, &["rules", "0"]).starts_with("22/tcp "));
        let (v, _) = ufw(&data("ufw-inactive.txt")).unwrap();
        assert_eq!(v["active"], false);
        assert!(ufw("ERROR: You need to be root to run this script").is_err());
        let (v, _) =
            ufw("Status: active\n\nTo Action From\n-- ------ ----\nOpenSSH ALLOW IN Anywhere\n")
                .unwrap();
        assert_eq!(v["rules"][0]["ports"], json!([[22, 22]]));
        assert_eq!(v["rules"][0]["app"], "OpenSSH");
    }

    #[test]
    fn iptables_save_chains() {
        let text = data("iptables-save-ufw.txt");
        let (v, spans) = iptables(&text, "ip").unwrap();
        let chains = v["chains"].as_array().unwrap();
        let input = &chains[0];
        assert_eq!(input["name"], "INPUT");
        assert_eq!(input["hook"], "input");
        assert_eq!(input["policy"], "drop");
        let user = chains
            .iter()
            .position(|c| c["name"] == "ufw-user-input")
            .unwrap();
        let rules = chains[user]["rules"].as_array().unwrap();
        assert_eq!(rules[0]["dports"], json!([[22, 22]]));
        assert_eq!(rules[0]["proto"], "tcp");
        assert_eq!(rules[0]["verdict"], "accept");
        assert_eq!(rules[0]["opaque"], false);
        assert_eq!(rules[1]["saddr"], json!(["100.64.0.0/10"]));
        assert_eq!(rules[2]["iif"], "tailscale0");
        assert_eq!(rules[3]["verdict"], "drop");
        assert_eq!(rules[5]["opaque"], true); // -m recent
        let multiport = rules
            .iter()
            .find(|r| r["dports"] == json!([[80, 80], [443, 443]]));
        assert!(multiport.is_some());
        assert_eq!(
            line_of(&text, &spans, &["chains", &user.to_string(), "rules", "0"]),
            "-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT"
        );
        let (v, _) = iptables(&data("iptables-save-ufw-disabled.txt"), "ip").unwrap();
        assert_eq!(v["chains"][0]["policy"], "accept");
        let w = words(r#"-A INPUT -m comment --comment "a \"b\" c" -j ACCEPT"#);
        assert_eq!(w[5], r#"a "b" c"#);
    }

    #[test]
    fn nft_chains_and_rules() {
        let text = data("nft-native.json");
        let (v, spans) = nft(&text).unwrap();
        let chains = v["chains"].as_array().unwrap();
        assert_eq!(chains[0]["hook"], "input");
        assert_eq!(chains[0]["policy"], "drop");
        let rules = chains[0]["rules"].as_array().unwrap();
        assert_eq!(rules[0]["ct_state"], json!(["established", "related"]));
        assert_eq!(rules[1]["iif"], "lo");
        assert_eq!(rules[2]["saddr"], json!(["100.64.0.0/10"]));
        assert_eq!(rules[2]["dports"], json!([[22, 22]]));
        assert_eq!(rules[3]["dports"], json!([[80, 80], [443, 443]]));
        assert_eq!(rules[4]["comment"], "postgres");
        assert_eq!(rules[5]["saddr"], json!(["10.0.0.0/8", "192.168.1.0/24"]));
        assert_eq!(rules[5]["dports"], json!([[2000, 2100]]));
        assert_eq!(rules[6]["verdict"], "jump");
        assert_eq!(rules[6]["target"], "vpn");
        assert!(rules.iter().all(|r| r["opaque"] == false));
        assert!(line_of(&text, &spans, &["chains", "0", "rules", "2"]).starts_with(r#"{"rule": "#));
        assert!(nft("not json").is_err());
    }

    #[test]
    fn ss_listeners() {
        let text = "tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:((\"sshd\",pid=812,fd=3))\n\
                    tcp   LISTEN 0      4096   127.0.0.53%lo:53        0.0.0.0:*    users:((\"systemd-resolve\",pid=5,fd=14))\n\
                    tcp   LISTEN 0      128             [::]:5432          [::]:*    users:((\"postgres\",pid=9,fd=5))\n\
                    udp   UNCONN 0      0                  *:5353             *:*\n";
        let (v, spans) = ss(text).unwrap();
        assert_eq!(v[0]["process"], "sshd");
        assert_eq!(v[0]["address"], "0.0.0.0");
        assert_eq!(v[0]["port"], 22);
        assert_eq!(v[1]["address"], "127.0.0.53");
        assert_eq!(v[1]["interface"], "lo");
        assert_eq!(v[2]["address"], "::");
        assert_eq!(v[3]["address"], "*");
        assert_eq!(v[3]["proto"], "udp");
        assert!(line_of(text, &spans, &["2"]).contains("5432"));
    }

    #[test]
    fn os_apt_dpkg() {
        let (v, _) = os_release("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME='x y'\n").unwrap();
        assert_eq!(
            v,
            json!({"id": "debian", "version_id": "12", "pretty_name": "x y"})
        );
        let text = "APT::Periodic \"\";\nAPT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"0\";\n";
        let (v, spans) = apt_periodic(text).unwrap();
        assert_eq!(v["unattended-upgrade"], "0");
        assert_eq!(
            line_of(text, &spans, &["unattended-upgrade"]),
            "APT::Periodic::Unattended-Upgrade \"0\";"
        );
        let (v, _) = dpkg_package("ii  unattended-upgrades 2.9.1+nmu3\n").unwrap();
        assert_eq!(v["installed"], true);
        assert_eq!(v["version"], "2.9.1+nmu3");
        let (v, _) = dpkg_package("rc  unattended-upgrades 2.9.1\n").unwrap();
        assert_eq!(v["installed"], false);
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("2026-01-15T03:00:00Z", 0), Some(1_768_446_000));
        assert_eq!(
            parse_time("2026-01-15T04:00:00.123456789+01:00", 0),
            Some(1_768_446_000)
        );
        assert_eq!(
            parse_time("2026-01-15T03:00:00.000000", 3600),
            Some(1_768_442_400)
        );
        assert_eq!(parse_time("1970-01-01T00:00:00Z", 0), Some(0));
        assert_eq!(
            parse_time("2024-02-29 12:00:00-0200", 0),
            Some(1_709_215_200)
        );
        assert_eq!(parse_time("yesterday", 0), None);
        assert_eq!(date("1795539145 +0530\n").unwrap().1, 19_800);
    }

    #[test]
    fn backups() {
        let text = data("restic-snapshots.json");
        let (v, spans) = restic(&text).unwrap();
        assert_eq!(v["tool"], "restic");
        assert_eq!(v["snapshots"].as_array().unwrap().len(), 2);
        assert_eq!(v["newest_unix"], 1_768_532_400);
        assert!(line_of(&text, &spans, &["newest_unix"]).contains("08943f10"));
        let (v, _) = restic("[]").unwrap();
        assert_eq!(v["snapshots"], json!([]));
        assert!(v.get("newest_unix").is_none());
        let text = data("borg-list.json");
        let (v, spans) = borg(&text, 3600).unwrap();
        assert_eq!(v["snapshots"][0]["name"], "a2");
        assert_eq!(v["snapshots"][0]["time_unix"], 1_768_442_400);
        assert!(line_of(&text, &spans, &["snapshots", "0"]).contains("\"archive\": \"a2\""));
        let (v, _) = marker("1768446000\n").unwrap();
        assert_eq!(v["newest_unix"], 1_768_446_000);
    }
}
