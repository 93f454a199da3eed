#![allow(clippy::unwrap_used, clippy::panic)]
use super::*;
use crate::document::Document;
use serde_json::{json, Value};

fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    // As a scan plans it: Traefik files by name or content, compose files by name.
    let dir = tempfile::tempdir().unwrap();
    let mut traefik = Vec::new();
    let mut compose_files = Vec::new();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let kind = crate::source::classify_by_name(&name)
            .or_else(|| crate::source::classify_by_content(&p));
        match kind {
            Some(Kind::Compose) => compose_files.push(p),
            Some(Kind::Traefik) => traefik.push(p),
            _ => {}
        }
    }
    let ctx = Context::new(dir.path().to_path_buf());
    let mut loaded = Loaded::default();
    for unit in units(traefik, &compose::units(compose_files)) {
        let l = load(&unit, &ctx);
        loaded.documents.extend(l.documents);
        loaded.problems.extend(l.problems);
    }
    (dir, loaded)
}

fn one(files: &[(&str, &str)]) -> (tempfile::TempDir, Document) {
    let (d, mut l) = load_files(files);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(l.documents.len(), 1);
    (d, l.documents.remove(0))
}

fn get<'a>(d: &'a Document, path: &str) -> &'a Value {
    let path: Vec<String> = path.split('/').map(str::to_string).collect();
    d.value_at(&path)
        .unwrap_or_else(|| panic!("no {path:?} in {}", d.doc))
}

fn at(d: &Document, path: &[&str]) -> (String, u32, u32) {
    let path: Vec<String> = path.iter().map(|s| (*s).to_string()).collect();
    let s = d.locate(&path);
    let lc = s.file.line_col(s.range.start);
    (s.file.display.clone(), lc.line, lc.column)
}

#[test]
fn names_and_sniffing() {
    for n in ["traefik.yml", "traefik.yaml", "traefik.toml"] {
        assert!(matches_name(n), "{n}");
    }
    assert!(!matches_name("traefik.json"));
    assert!(sniff_yaml("http:\n  routers:\n    a: {}\n"));
    assert!(sniff_yaml("# x\ntls:\n  options:\n    default: {}\n"));
    assert!(sniff_yaml("entryPoints:\n  web:\n    address: :80\n"));
    assert!(!sniff_yaml("http:\n  port: 80\n"));
    assert!(!sniff_yaml("services:\n  routers: 1\n"));
    assert!(sniff_toml("[http.routers.a]\nrule = \"x\"\n"));
    assert!(sniff_toml("[[tls.certificates]]\n"));
    assert!(sniff_toml("[entryPoints.web]\n"));
    assert!(!sniff_toml("[package]\nname = \"x\"\n"));
    assert!(is_traefik_image("traefik:v3.1"));
    assert!(is_traefik_image("docker.io/library/traefik@sha256:abc"));
    assert!(!is_traefik_image("traefik/whoami"));
}

const COMPOSE: &str = r#"name: Home Lab
services:
  proxy:
    image: traefik:v3.1
    command: --api.insecure=true --entrypoints.web.address=:80 --providers.docker
    environment:
      TRAEFIK_PROVIDERS_DOCKER_EXPOSEDBYDEFAULT: "false"
    labels:
      - "traefik.enable=true"
      - "traefik.http.routers.dash.rule=Host(`t.example.com`)"
      - "traefik.http.routers.dash.service=api@internal"
      - "traefik.http.routers.dash.middlewares=auth@file"
  app:
    image: ghcr.io/x/app:1
    labels:
      traefik.enable: "true"
      traefik.http.routers.app.rule: Host(`a.example.com`, `b.example.com`)
      traefik.http.routers.app.entrypoints: web,websecure
  hidden:
    image: postgres:16
    labels:
      traefik.http.routers.db.rule: Host(`db.example.com`)
  bare:
    image: nginx:1
    labels:
      - traefik.enable=true
"#;

#[test]
fn compose_labels_command_and_environment() {
    let (_d, d) = one(&[
        ("compose.yaml", COMPOSE),
        (
            "dynamic/auth.yml",
            "http:\n  middlewares:\n    auth:\n      basicAuth:\n        users: [a]\n",
        ),
    ]);
    assert_eq!(d.kind, Kind::Traefik);
    assert_eq!(d.path, "compose.yaml");
    assert_eq!(get(&d, "static/api/insecure"), &json!(true));
    assert_eq!(
        get(&d, "static/providers/docker"),
        &json!({"exposedbydefault": false})
    );
    // A word of a command string points at itself.
    assert_eq!(
        at(&d, &["static", "api", "insecure"]),
        ("compose.yaml".into(), 5, 14)
    );
    assert_eq!(
        at(&d, &["static", "entrypoints", "web", "address"]),
        ("compose.yaml".into(), 5, 34)
    );
    assert_eq!(
        at(&d, &["static", "providers", "docker", "exposedbydefault"]),
        ("compose.yaml".into(), 7, 7)
    );
    // Label routers: qualified, pointing at their labels, the service implicit.
    let dash = get(&d, "http/routers/dash@docker");
    assert_eq!(dash["chain"][0]["name"], json!("auth@file"));
    assert_eq!(dash["chain"][0]["type"], json!("basicauth"));
    assert_eq!(dash["upstreams"][0]["internal"], json!("api"));
    assert_eq!(
        at(&d, &["http", "routers", "dash@docker", "service"]),
        ("compose.yaml".into(), 11, 9)
    );
    let app = get(&d, "http/routers/app@docker");
    assert_eq!(app["hosts"], json!(["a.example.com", "b.example.com"]));
    assert_eq!(app["entrypoints"], json!(["web", "websecure"]));
    assert_eq!(app["service"], json!("app-homelab"));
    assert_eq!(
        app["upstreams"][0],
        json!({"service": "app-homelab@docker", "file": "compose.yaml", "compose_service": "app", "image": "ghcr.io/x/app:1", "port": null})
    );
    assert_eq!(
        at(&d, &["http", "routers", "app@docker"]),
        ("compose.yaml".into(), 17, 7)
    );
    // Not enabled while exposedByDefault is false: no router.
    assert!(d.doc["http"]["routers"].get("db@docker").is_none());
    // Enabled without routers: Traefik's default router and service.
    let bare = get(&d, "http/routers/bare-homelab@docker");
    assert_eq!(bare["rule"], json!({"unknown": "defaultRule"}));
    assert_eq!(bare["upstreams"][0]["compose_service"], json!("bare"));
}

#[test]
fn toml_keys_and_case_insensitive_options() {
    let (_d, d) = one(&[
        (
            "traefik.toml",
            "[entryPoints.Web]\n  address = \":80\"\n[entryPoints.secure]\n  address = \":443\"\n  [entryPoints.secure.http.tls]\n",
        ),
        (
            "conf/dyn.toml",
            "[http.routers.R]\n  Rule = \"Host(`r.example.com`)\"\n  Service = \"S\"\n  MiddleWares = [\"c\"]\n[http.middlewares.c.Chain]\n  middlewares = [\"h\"]\n[http.middlewares.h.Headers]\n  STSSeconds = 10\n[http.services.S.loadBalancer]\n  [[http.services.S.loadBalancer.servers]]\n    url = \"https://10.1.2.3\"\n",
        ),
    ]);
    assert_eq!(get(&d, "static/entrypoints/Web/port"), &json!(80));
    let r = get(&d, "http/routers/R@file");
    assert_eq!(r["https"], json!(true));
    assert_eq!(r["on_entrypoints"], json!(["Web", "secure"]));
    assert_eq!(
        r["chain"],
        json!([{"name": "c@file", "type": "chain", "defined": true}, {"name": "h@file", "type": "headers", "defined": true, "via": "c@file"}])
    );
    assert_eq!(
        r["upstreams"],
        json!([{"service": "S@file", "url": "https://10.1.2.3", "host": "10.1.2.3", "port": 443}])
    );
    assert_eq!(
        get(&d, "http/middlewares/h@file/headers/stsseconds"),
        &json!(10)
    );
    assert_eq!(
        at(
            &d,
            &["http", "middlewares", "h@file", "headers", "stsseconds"]
        ),
        ("conf/dyn.toml".into(), 8, 3)
    );
    assert_eq!(
        at(&d, &["static", "entrypoints", "Web", "address"]),
        ("traefik.toml".into(), 2, 3)
    );
}

#[test]
fn units_follow_the_nearest_static_configuration() {
    let (_d, l) = load_files(&[
        (
            "edge/traefik.yml",
            "entryPoints:\n  web:\n    address: :80\n",
        ),
        (
            "edge/dynamic/a.yml",
            "http:\n  routers:\n    a:\n      rule: Host(`a`)\n",
        ),
        (
            "other/b.yml",
            "http:\n  routers:\n    b:\n      rule: Host(`b`)\n",
        ),
        (
            "plain/compose.yaml",
            "services:\n  db:\n    image: postgres:16\n",
        ),
    ]);
    let mut paths: Vec<&str> = l.documents.iter().map(|d| d.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(paths, vec!["edge/traefik.yml", "other/b.yml"]);
}

#[test]
fn broken_files_are_located_problems_and_the_rest_is_read() {
    let (_d, l) = load_files(&[
        ("traefik.toml", "[api\ninsecure = true\n"),
        ("dyn.yml", "http:\n  routers:\n    a: [\n"),
        ("ok/traefik.yml", "api:\n  insecure: true\n"),
    ]);
    assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
    assert!(l.problems.iter().all(|p| p.line_col().is_some()));
    assert_eq!(l.documents.len(), 1);
    assert_eq!(l.documents[0].doc["static"]["api"]["insecure"], json!(true));
}

#[test]
fn rule_hosts_and_urls() {
    assert_eq!(
        model::rule_hosts("Host(`a.com`) && (PathPrefix(`/x`) || HostRegexp(`^.+$`))"),
        vec![json!("a.com"), json!({"unknown": "HostRegexp(^.+$)"})]
    );
    assert_eq!(
        model::url_host_port("http://app:8080/x"),
        (Some("app".into()), Some(8080))
    );
    assert_eq!(
        model::url_host_port("https://[::1]"),
        (Some("::1".into()), Some(443))
    );
    assert_eq!(
        model::split_words("--a=1 '--b=x y' \"--c\""),
        vec!["--a=1", "--b=x y", "--c"]
    );
}

#[test]
fn static_sniffing_and_v1_dynamic_files() {
    assert!(sniff_static("api:\n  insecure: true\n", false));
    assert!(sniff_static("# x\nentryPoints:\n  web: {}\n", false));
    assert!(!sniff_static("http:\n  routers: {}\n", false));
    assert!(sniff_static("[entryPoints.web]\naddress = \":80\"\n", true));
    assert!(sniff_static("defaultEntryPoints = [\"http\"]\n", true));
    assert!(sniff_static("[[http.routers.a]]\n[api]\n", true));
    assert!(!sniff_static("[http.routers.a]\napi = 1\n", true));
    assert!(sniff_toml("[frontends.pve]\nbackend = \"pve\"\n"));
    assert!(sniff_toml("[backends.pve.servers.one]\n"));
    assert!(!sniff_toml("[backends]\nlist = []\n"));
    assert!(sniff_named("traefik-dev.yml", "api:\n  insecure: true\n"));
    assert!(sniff_named("traefik.prod.toml", "[api]\ninsecure = true\n"));
    assert!(!sniff_named("values.yml", "api:\n  insecure: true\n"));
    assert!(!sniff_named("traefik-notes.yml", "title: x\n"));
}

#[test]
fn one_file_is_read_for_its_static_and_dynamic_parts() {
    let (_d, d) = one(&[(
        "traefik.yml",
        "api:\n  insecure: true\nproviders:\n  file:\n    filename: /etc/traefik/traefik.yml\nhttp:\n  routers:\n    r:\n      rule: Host(`r.example.com`)\n      service: api@internal\n",
    )]);
    assert_eq!(get(&d, "static/api/insecure"), &json!(true));
    assert!(d.doc["static"].get("http").is_none());
    assert_eq!(
        get(&d, "http/routers/r@file/service"),
        &json!("api@internal")
    );
    assert_eq!(
        at(&d, &["static", "api", "insecure"]),
        ("traefik.yml".into(), 2, 3)
    );
}

#[test]
fn each_static_configuration_is_a_setup() {
    let (_d, l) = load_files(&[
        (
            "traefik.yml",
            "entryPoints:\n  web:\n    address: :80\nproviders:\n  file:\n    filename: /etc/traefik/prod.yml\n",
        ),
        (
            "traefik-dev.yml",
            "entryPoints:\n  dev:\n    address: :8080\n",
        ),
        ("prod.yml", "http:\n  routers:\n    prod:\n      rule: Host(`p`)\n"),
        ("other.yml", "http:\n  routers:\n    other:\n      rule: Host(`o`)\n"),
        (
            "compose.yaml",
            "services:\n  edge:\n    image: traefik:v3.1\n    command: [--api.insecure=true, --providers.file.directory=/conf]\n    volumes:\n      - ./conf:/conf:ro\n",
        ),
        ("conf/c.yml", "http:\n  routers:\n    c:\n      rule: Host(`c`)\n"),
    ]);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    let routers = |path: &str| -> Vec<String> {
        let d = l.documents.iter().find(|d| d.path == path).unwrap();
        let mut r: Vec<String> = d.doc["http"]["routers"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        r.sort();
        r
    };
    assert_eq!(l.documents.len(), 3);
    // Named by the setup: only there. Named by none: every setup of its directory.
    assert_eq!(routers("traefik.yml"), ["other@file", "prod@file"]);
    assert_eq!(routers("traefik-dev.yml"), ["other@file"]);
    // Through the Traefik service's bind mount.
    assert_eq!(routers("compose.yaml"), ["c@file", "other@file"]);
}

#[test]
fn labels_reach_the_setups_with_a_docker_provider() {
    let (_d, l) = load_files(&[
        (
            "traefik.yml",
            "entryPoints:\n  web:\n    address: :80\nproviders:\n  docker:\n    exposedByDefault: false\n  file:\n    directory: /etc/traefik/conf\n",
        ),
        ("traefik-files.yml", "entryPoints:\n  web:\n    address: :80\n"),
        (
            "compose.yaml",
            "services:\n  app:\n    image: nginx:1\n    labels:\n      - traefik.enable=true\n      - traefik.http.routers.app.rule=Host(`a`)\n  proxy:\n    image: traefik:v3.1\n    volumes:\n      - ./config:/etc/traefik/conf:ro\n",
        ),
        ("config/x.yml", "http:\n  routers:\n    x:\n      rule: Host(`x`)\n"),
    ]);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    let routers = |path: &str| -> Vec<String> {
        let d = l.documents.iter().find(|d| d.path == path).unwrap();
        let mut r: Vec<String> = d.doc["http"]["routers"]
            .as_object()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        r.sort();
        r
    };
    // The compose Traefik service has no flags: it reads the static file beside it, whose
    // container paths its bind mounts resolve.
    let paths: Vec<&str> = l.documents.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["traefik-files.yml", "traefik.yml"]);
    assert_eq!(routers("traefik.yml"), ["app@docker", "x@file"]);
    assert_eq!(routers("traefik-files.yml"), Vec::<String>::new());
}

#[test]
fn a_compose_file_named_traefik_yml_is_a_compose_file() {
    let (_d, d) = one(&[(
        "traefik.yml",
        "services:\n  proxy:\n    image: traefik:v3.1\n    command: [--api.insecure=true]\n",
    )]);
    assert_eq!(d.path, "traefik.yml");
    assert_eq!(get(&d, "static/api/insecure"), &json!(true));
    assert_eq!(get(&d, "static_sources/0/from"), &json!("command"));
}

#[test]
fn traefik_v1_is_reported_not_read() {
    let (_d, l) = load_files(&[
        (
            "traefik.toml",
            "defaultEntryPoints = [\"http\"]\n[entryPoints.http]\naddress = \":80\"\n  [entryPoints.http.redirect]\n  entryPoint = \"https\"\n",
        ),
        (
            "app/compose.yaml",
            "services:\n  app:\n    image: portainer/portainer-ce:2\n    labels:\n      - traefik.enable=true\n      - traefik.frontend.rule=Host:p.example.com\n",
        ),
    ]);
    assert_eq!(l.problems.len(), 2, "{:?}", l.problems);
    for p in &l.problems {
        assert_eq!(p.level, Level::Warning);
        assert!(p
            .message
            .starts_with("Traefik v1 configuration: not checked"));
    }
    let lines: Vec<u32> = l
        .problems
        .iter()
        .map(|p| p.line_col().unwrap().line)
        .collect();
    assert!(lines.contains(&1) && lines.contains(&6), "{lines:?}");
    // The v1 container is not routed as a v2 one.
    for d in &l.documents {
        assert!(d.doc["http"]["routers"]
            .as_object()
            .is_none_or(|r| r.is_empty()));
    }
}

#[test]
fn labels_nesting_too_deep_or_indexing_too_far_are_warnings() {
    let deep = vec!["a"; 300].join(".");
    let compose = format!(
        "services:\n  proxy:\n    image: traefik:v3.1\n    command: --providers.docker\n  app:\n    image: nginx:1.27\n    labels:\n      traefik.http.routers.app.rule: Host(`a.example`)\n      traefik.{deep}: x\n      traefik.http.routers.app.tls.domains[999999999].main: a.example\n"
    );
    let (_dir, loaded) = load_files(&[("compose.yaml", &compose)]);
    let lines: Vec<(u32, &str)> = loaded
        .problems
        .iter()
        .map(|p| (p.line_col().map_or(0, |l| l.line), p.message.as_str()))
        .collect();
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == 9 && m.contains("nests deeper than 255")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|(l, m)| *l == 10 && m.contains("index is larger than 1024")),
        "{lines:?}"
    );
    // The router's other labels are read.
    assert!(loaded.documents.iter().any(|d| d.kind == Kind::Traefik
        && d.doc["http"]["routers"]
            .as_object()
            .is_some_and(|r| r.keys().any(|k| k.starts_with("app")))));
}
