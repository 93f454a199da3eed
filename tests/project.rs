//! The project view end to end: Caddy sites joined to compose services, stable fingerprints,
//! suppression in the file a project finding points at, and `vigie policy input`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice
)]

mod common;

use common::{project, vigie};

const COMPOSE: &str = "services:\n  app:\n    image: portainer/portainer-ce:2.19\n";
const CADDY: &str = "admin.example.com {\n\treverse_proxy app:9000\n}\n";

fn admin_ui(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let report = vigie(dir, &["scan", "--format", "json", "--fail-on", "none"]).json();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "caddy.admin-ui-without-auth")
        .cloned()
        .collect()
}

#[test]
fn a_site_reaching_an_admin_ui_by_image_is_found_with_a_stable_fingerprint() {
    let p = project(&[("compose.yaml", COMPOSE), ("caddy/Caddyfile", CADDY)]);
    let found = admin_ui(p.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["file"], "caddy/Caddyfile");
    assert_eq!(found[0]["line"], 2);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("compose service app in compose.yaml, image portainer/portainer-ce:2.19"),
        "{}",
        found[0]["message"]
    );

    // Unrelated routes and services added before it (in other files and in the same one) move
    // its indices in the project view, not its fingerprint.
    let more = project(&[
        (
            "compose.yaml",
            "services:\n  web:\n    image: nginx:1.27\n  app:\n    image: portainer/portainer-ce:2.19\n",
        ),
        ("a/Caddyfile", "files.example.com {\n\treverse_proxy web:80\n}\n"),
        (
            "caddy/Caddyfile",
            "www.example.com {\n\treverse_proxy web:80\n}\n\nadmin.example.com {\n\treverse_proxy app:9000\n}\n",
        ),
    ]);
    let again = admin_ui(more.path());
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["line"], 6);
    assert_eq!(again[0]["fingerprint"], found[0]["fingerprint"]);

    // The ignore comment goes where the finding points: the Caddyfile.
    let ignored = project(&[
        ("compose.yaml", COMPOSE),
        (
            "caddy/Caddyfile",
            "admin.example.com {\n\t# vigie:ignore caddy.admin-ui-without-auth -- VPN only\n\treverse_proxy app:9000\n}\n",
        ),
    ]);
    let f = admin_ui(ignored.path());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["suppressed"]["kind"], "inline", "{}", f[0]);
}

#[test]
fn policy_input_prints_the_project_view_when_there_is_something_to_join() {
    let p = project(&[("compose.yaml", COMPOSE), ("Caddyfile", CADDY)]);
    let run = vigie(p.path(), &["policy", "input"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let inputs = run.json();
    let last = inputs.as_array().unwrap().last().unwrap();
    assert_eq!(last["kind"], "project");
    assert_eq!(last["services"][0]["name"], "app");
    let up = &last["routes"][0]["upstreams"][0];
    assert_eq!(up["host"], "app");
    assert_eq!(up["service"]["index"], 0);
    assert_eq!(up["service"]["image"], "portainer/portainer-ce:2.19");

    // One compose file: no route, nothing to join, no project input.
    let alone = project(&[("compose.yaml", COMPOSE)]);
    let inputs = vigie(alone.path(), &["policy", "input"]).json();
    assert!(inputs
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["kind"] != "project"));
}
