//! In-process benchmarks: policy compilation, one compose document and one Terraform module end
//! to end, one host's Docker containers, the bundled example, and large or deeply nested inputs
//! (`cargo bench -- limits`). The whole-process figures (files/s, peak RSS) come from `bench/scan-throughput.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use vigie::policy::{Engine, PolicySet};
use vigie::scan::scan;
use vigie::settings::Settings;
use vigie::source::{self, Context, Unit};

fn benches(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::default();
    let set = PolicySet::builtin().unwrap();
    c.bench_function("compile built-in policies", |b| {
        b.iter(|| Engine::compile(&set, &settings.config, |_| true).unwrap());
    });

    let engine = Engine::compile(&set, &settings.config, |_| true).unwrap();
    let ctx = Context::new(root.clone());
    let unit = Unit {
        kind: vigie::document::Kind::Compose,
        files: vec![root.join("examples/homelab/compose.yaml")],
    };
    c.bench_function("load one compose file", |b| {
        b.iter(|| source::load(&unit, &ctx))
    });
    let doc = source::load(&unit, &ctx).documents.pop().unwrap();
    let mut worker = engine.clone();
    c.bench_function("evaluate one compose document", |b| {
        b.iter(|| worker.evaluate(&doc))
    });
    let tf_unit = Unit {
        kind: vigie::document::Kind::Terraform,
        files: [
            "main.tf",
            "variables.tf",
            "terraform.tfvars",
            "modules/vm/main.tf",
        ]
        .iter()
        .map(|f| root.join("examples/homelab/infra").join(f))
        .collect(),
    };
    c.bench_function("load one terraform module tree", |b| {
        b.iter(|| source::load(&tf_unit, &ctx))
    });
    let tf_doc = source::load(&tf_unit, &ctx)
        .documents
        .into_iter()
        .find(|d| d.path.ends_with("infra"))
        .unwrap();
    c.bench_function("evaluate one terraform module", |b| {
        b.iter(|| worker.evaluate(&tf_doc))
    });
    // One host's Docker: 20 containers (recorded fixtures, renamed), compared with no compose
    // file. What an audit spends per host on its containers, beside collecting them.
    let mut recorded = Vec::new();
    for rule in [
        "container-privileged",
        "container-cap-drop-missing",
        "container-socket-mounted",
    ] {
        let dir = root.join("fixtures/docker").join(rule);
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            for file in std::fs::read_dir(entry.path()).unwrap().flatten() {
                let path = file.path();
                if path.to_string_lossy().ends_with(".docker-inspect.json") {
                    let text = std::fs::read(&path).unwrap();
                    recorded.extend(source::docker::parse_inspect(&text).unwrap());
                }
            }
        }
    }
    let containers: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            let mut c = recorded[i % recorded.len()].clone();
            c["Name"] = format!("/c{i}").into();
            c
        })
        .collect();
    let compose = source::docker::drift::ComposeFiles::default();
    let display = source::docker::ssh_display("web1");
    c.bench_function("build one host's docker document (20 containers)", |b| {
        b.iter(|| source::docker::document("web1", &display, &containers, &compose, &ctx))
    });
    let docker_doc = source::docker::document("web1", &display, &containers, &compose, &ctx)
        .documents
        .pop()
        .unwrap();
    c.bench_function("evaluate one host's docker document (20 containers)", |b| {
        b.iter(|| worker.evaluate(&docker_doc))
    });
    let paths = vec![root.join("examples/homelab")];
    c.bench_function("scan examples/homelab", |b| {
        b.iter(|| scan(&paths, &engine, &settings, &ctx))
    });
}

/// Large and deep inputs. Reading a compose file (parse, interpolate, normalize, build the
/// document) must stay near linear in its size: 100k services, a 100k-key map. The deepest
/// nesting allowed is scanned end to end (every rule evaluated).
fn limits(c: &mut Criterion) {
    let settings = Settings::default();
    let set = PolicySet::builtin().unwrap();
    let engine = Engine::compile(&set, &settings.config, |_| true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name).join("compose.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut services = String::from("services:\n");
    for i in 0..100_000 {
        services.push_str(&format!(
            "  s{i}:\n    image: nginx:1.27\n    ports: [\"80\"]\n"
        ));
    }
    let mut environment =
        String::from("services:\n  web:\n    image: nginx:1.27\n    environment:\n");
    for i in 0..100_000 {
        environment.push_str(&format!("      K{i}: v{i}\n"));
    }
    let ctx = Context::new(dir.path().to_path_buf());
    for (name, path) in [
        (
            "limits: read a compose file with 100k services",
            write("services", services),
        ),
        (
            "limits: read an environment map with 100k keys",
            write("environment", environment),
        ),
    ] {
        let unit = Unit {
            kind: vigie::document::Kind::Compose,
            files: vec![path],
        };
        assert_eq!(source::load(&unit, &ctx).documents.len(), 1);
        c.bench_function(name, |b| b.iter(|| source::load(&unit, &ctx)));
    }

    let deep = vigie::limits::MAX_NESTING - 3;
    let yaml = write(
        "deep",
        format!(
            "services:\n  web:\n    image: nginx:1.27\n    x: {}{}\n",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
    );
    let blocks = vigie::limits::MAX_BLOCK_NESTING - 1;
    let caddy = dir.path().join("caddy/Caddyfile");
    std::fs::create_dir_all(caddy.parent().unwrap()).unwrap();
    std::fs::write(
        &caddy,
        format!(
            "example.com {{\n{}{}}}\n",
            "a {\n".repeat(blocks),
            "}\n".repeat(blocks)
        ),
    )
    .unwrap();
    for (name, path) in [
        ("limits: scan YAML nested as deep as allowed", yaml),
        (
            "limits: scan Caddyfile blocks nested as deep as allowed",
            caddy,
        ),
    ] {
        let paths = vec![path];
        let report = scan(&paths, &engine, &settings, &ctx);
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        c.bench_function(name, |b| b.iter(|| scan(&paths, &engine, &settings, &ctx)));
    }
}

criterion_group! {
    name = scan_benches;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_group! {
    name = limit_benches;
    config = Criterion::default().sample_size(10);
    targets = limits
}
criterion_main!(scan_benches, limit_benches);
