//! A project with a distinct secret planted in every place vigie can meet one, for the test that
//! greps every output for them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// Each planted secret (a part of it that only it holds), with where it is.
pub const SECRETS: &[(&str, &str)] = &[
    ("compose environment map", "canary-map-7f3a"),
    ("compose environment list", "canary-list-9b8e"),
    (
        "compose ${X:-default} of a secret key",
        "canary-default-2c9d",
    ),
    (
        "compose ${X-default} of a secret variable",
        "canary-relaydefault-4e1b",
    ),
    (
        "compose literal next to a broken interpolation",
        "canary-nearbroken-0a1b",
    ),
    (".env value", "canary-dotenv-1a2b"),
    (
        ".env value next to a broken line",
        "canary-dotenvbroken-3d4e",
    ),
    ("tfvars", "canary-tfvars-3c4d"),
    ("terraform variable default", "canary-tfdefault-5e6f"),
    ("terraform provider literal", "canary-provider-7a8b"),
    (
        "terraform literal next to a parse error",
        "canary-brokentf-8a9b",
    ),
    (
        "traefik basic-auth label (its hash)",
        "TraefikHashCanary5d6e",
    ),
    ("caddy basic_auth (its hash)", "CanaryCaddyHashAbCdEf"),
    ("docker inspect Env", "canary-inspect-6d7e"),
    ("restic stderr URL password", "canary-resturl-9f0a"),
    ("database URL password in compose", "canary-dburl-2b3c"),
];

const COMPOSE: &str = r#"services:
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: canary-map-7f3a
      MAIL_TOKEN: ${MAIL_TOKEN:-canary-default-2c9d}
      RELAY: ${RELAY_PASSWORD-canary-relaydefault-4e1b}
      DB_PASS: ${DB_PASS}
  app:
    image: example/app:latest
    privileged: true
    environment:
      - API_TOKEN=canary-list-9b8e
      - DATABASE_URL=postgres://app:canary-dburl-2b3c@db:5432/app
      - SMTP_PASSWORD=canary-nearbroken-0a1b
      - BROKEN=price $5
    labels:
      - "traefik.http.middlewares.auth.basicauth.users=admin:$$apr1$$canary01$$TraefikHashCanary5d6e"
"#;

const DOTENV: &str =
    "DB_PASS=canary-dotenv-1a2b\nMAIL_PASSWORD=canary-dotenvbroken-3d4e\nthis line is broken\n";

const CADDYFILE: &str = "example.com {\n\tbasic_auth {\n\t\tadmin $2a$14$CanaryCaddyHashAbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab\n\t}\n\treverse_proxy app:8080\n}\n";

const MAIN_TF: &str = r#"provider "proxmox" {
  pm_api_url  = "https://pve.example.com:8006/api2/json"
  pm_user     = "root@pam"
  pm_password = "canary-provider-7a8b"
}

variable "vm_password" {
  type    = string
  default = "canary-tfdefault-5e6f"
}

variable "api_token" {
  type = string
}
"#;

const TFVARS: &str = "api_token = \"canary-tfvars-3c4d\"\n";

const BROKEN_TF: &str = "resource \"proxmox_vm_qemu\" \"vm\" {\n  cipassword = \"canary-brokentf-8a9b\"\n  name = = \"x\"\n}\n";

const FACTS: &str = "# Recorded facts (vigie audit): re-checked by `vigie scan`.
name: backup1
address: 203.0.113.40
port: 22
user: root
vigie-facts 1 fixture

fixture out id -u
0

fixture err id -u

fixture exit 0 id -u

fixture out hostname
backup1

fixture err hostname

fixture exit 0 hostname

fixture out date +%s %z
1768867200 +0000

fixture err date +%s %z

fixture exit 0 date +%s %z

fixture missing sudo -n true

fixture out restic snapshots --json

fixture err restic snapshots --json
Fatal: unable to open config file: <config/> does not exist
Is there a repository at the following location?
rest:https://backup:canary-resturl-9f0a@10.0.0.5:8000/backup1
fixture exit 1 restic snapshots --json

fixture end
";

/// Write the canary project into `dir`.
pub fn write(dir: &Path) {
    let put = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    put("stack/compose.yaml", COMPOSE);
    put("stack/.env", DOTENV);
    put("proxy/Caddyfile", CADDYFILE);
    put("infra/main.tf", MAIN_TF);
    put("infra/terraform.tfvars", TFVARS);
    put("infra-broken/main.tf", BROKEN_TF);
    put("hosts/backup1.facts", FACTS);
    // A recorded `docker inspect`, with a secret in `Env` next to an unpinned image.
    let sample = super::repo().join(
        "fixtures/docker/container-image-not-pinned/positive-latest/tools1.docker-inspect.json",
    );
    let mut dump: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample).unwrap()).unwrap();
    let config = dump[0]["Config"].as_object_mut().unwrap();
    config.remove("Cmd");
    config.insert(
        "Env".into(),
        serde_json::json!(["PATH=/usr/bin", "REDIS_PASSWORD=canary-inspect-6d7e"]),
    );
    config.insert("Image".into(), "redis:latest".into());
    put(
        "docker/cache1.docker-inspect.json",
        &serde_json::to_string_pretty(&dump).unwrap(),
    );
}
