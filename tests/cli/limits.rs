//! No input can crash, hang or exhaust a run: nesting, interpolation, reference chains and value
//! sizes are bounded, each limit a located problem, and the other files' findings are kept.

use crate::boundary::{assert_finding, assert_problem, problems};
use crate::common::{project, vigie};

const PRIVILEGED: &str =
    "services:\n  app:\n    image: nginx:1.27@sha256:aaaa\n    privileged: true\n";

fn compose_with(line4: &str) -> String {
    format!("services:\n  web:\n    image: nginx:1.27@sha256:aaaa\n    x: {line4}\n")
}

/// A scan of `files` next to a privileged service: it ends normally (exit 1, the finding), with
/// a JSON report.
fn scan(files: &[(&str, &str)]) -> serde_json::Value {
    let mut all = vec![("app/compose.yaml", PRIVILEGED)];
    all.extend_from_slice(files);
    let p = project(&all);
    let run = vigie(p.path(), &["scan", "--format", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_finding(&report, "compose.privileged", "app/compose.yaml");
    report
}

#[test]
fn deep_yaml_json_and_caddyfile_nesting_are_located_problems() {
    let block = format!(
        "services:\n  web:\n    image: nginx:1.27@sha256:aaaa\n    x:\n      {}1\n",
        "- ".repeat(3_000)
    );
    let flow = compose_with(&format!("{}{}", "[".repeat(3_000), "]".repeat(3_000)));
    let caddy = format!(
        "example.com {{\n{}{}}}\n",
        "a {\n".repeat(1_200),
        "}\n".repeat(1_200)
    );
    let caddy_json = format!(
        "{{\"apps\": {{\"http\": {{\"servers\": {{\"x\": {}{}}}}}}}}}\n",
        "[".repeat(3_000),
        "]".repeat(3_000)
    );
    let acl = format!("{{\"acls\": {}{}}}\n", "[".repeat(3_000), "]".repeat(3_000));
    let report = scan(&[
        ("block/compose.yaml", &block),
        ("flow/compose.yaml", &flow),
        ("caddy/Caddyfile", &caddy),
        ("caddyjson/caddy.json", &caddy_json),
        ("acl/acl.hujson", &acl),
    ]);
    assert_problem(
        &report,
        "block/compose.yaml",
        Some(5),
        "nest deeper than 255 levels",
    );
    assert_problem(
        &report,
        "flow/compose.yaml",
        Some(4),
        "nest deeper than 255 levels",
    );
    // The site's block and 63 `a {` are open: the 64th `a {`, on line 65, is one too many.
    assert_problem(
        &report,
        "caddy/Caddyfile",
        Some(65),
        "nest deeper than 64 levels",
    );
    assert_problem(
        &report,
        "caddyjson/caddy.json",
        Some(1),
        "nest deeper than 255 levels",
    );
    assert_problem(
        &report,
        "acl/acl.hujson",
        Some(1),
        "nest deeper than 255 levels",
    );
}

#[test]
fn deep_interpolation_and_non_ascii_after_a_name_are_located_problems() {
    let deep = format!(
        "services:\n  web:\n    image: \"{}x{}\"\n",
        "${V:-".repeat(5_000),
        "}".repeat(5_000)
    );
    let report = scan(&[
        ("deep/compose.yaml", &deep),
        (
            "utf/compose.yaml",
            "services:\n  web:\n    image: \"${VARé}\"\n",
        ),
    ]);
    assert_problem(
        &report,
        "deep/compose.yaml",
        Some(3),
        "nests deeper than 32 levels",
    );
    assert_problem(
        &report,
        "utf/compose.yaml",
        Some(3),
        "invalid interpolation format",
    );
}

#[test]
fn terraform_reference_chains_and_value_sizes_are_budgeted() {
    // a0 refers to a1, … a1399 is a string: evaluating a0 first follows the whole chain.
    let mut chain = String::from("locals {\n");
    for i in 0..1_399 {
        chain.push_str(&format!("  a{i} = local.a{}\n", i + 1));
    }
    chain.push_str("  a1399 = \"x\"\n}\n");
    // Each local doubles the one before: 2^40 bytes if nothing stopped it.
    let mut doubling = String::from("locals {\n  a0 = \"xx\"\n");
    for i in 1..40 {
        doubling.push_str(&format!(
            "  a{i} = \"${{local.a{}}}${{local.a{}}}\"\n",
            i - 1,
            i - 1
        ));
    }
    doubling.push_str("}\n");
    let report = scan(&[("chain/main.tf", &chain), ("double/main.tf", &doubling)]);
    // The chain is cut with 128 locals being evaluated (a1 to a128): a128 (line 130) refers one
    // too far.
    assert_problem(&report, "chain/main.tf", Some(130), "more than 128 deep");
    // 2 bytes doubled 19 times is 1 MiB: a19 (line 21) is the first value past the limit.
    assert_problem(
        &report,
        "double/main.tf",
        Some(21),
        "larger than 1048576 bytes",
    );
    let all = problems(&report);
    assert!(
        all.iter()
            .filter(|p| p.1.ends_with("main.tf"))
            .all(|p| p.0 == "warning"),
        "{all:#?}"
    );
}

/// The deepest nesting each limit allows is scanned whole, rules included, on the scan's worker
/// threads (the test binary is a debug build: its frames are larger than a release build's).
#[test]
fn the_deepest_nesting_allowed_is_scanned() {
    // 255 collections: the top-level map, `services`, `web`, and 252 lists.
    let flow = compose_with(&format!("{}{}", "[".repeat(252), "]".repeat(252)));
    let block = format!(
        "services:\n  web:\n    image: nginx:1.27@sha256:aaaa\n    x:\n      {}1\n",
        "- ".repeat(252)
    );
    let caddy = format!(
        "example.com {{\n{}{}}}\n",
        "a {\n".repeat(63),
        "}\n".repeat(63)
    );
    let mut chain = String::from("locals {\n");
    for i in 0..127 {
        chain.push_str(&format!("  a{i} = local.a{}\n", i + 1));
    }
    chain.push_str("  a127 = \"x\"\n}\n");
    let report = scan(&[
        ("flow/compose.yaml", &flow),
        ("block/compose.yaml", &block),
        ("caddy/Caddyfile", &caddy),
        ("chain/main.tf", &chain),
    ]);
    let all = problems(&report);
    assert!(all.is_empty(), "{all:#?}");
}
