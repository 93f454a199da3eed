//! In-process benchmarks: policy compilation, one compose document and one Terraform module end
//! to end, and the bundled example. The whole-process figures (files/s, peak RSS) come from `bench/scan-throughput.sh`.
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
    let ctx = Context { cwd: root.clone() };
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
    let paths = vec![root.join("examples/homelab")];
    c.bench_function("scan examples/homelab", |b| {
        b.iter(|| scan(&paths, &engine, &settings, &ctx))
    });
}

criterion_group! {
    name = scan_benches;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(scan_benches);
