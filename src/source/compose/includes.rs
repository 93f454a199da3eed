//! The files a compose file names for compose to read (`env_file`, `extends.file`, `include`).
//! vigie reads none of them for the compose document, but one that resolves outside the scan
//! roots is worth a warning where it is written: the scan does not cover what it brings in.

use std::path::Path;

use crate::fsio::ReadError;
use crate::problem::{Level, Problem};
use crate::source::yaml::{Located, Value};
use crate::source::Context;

/// A warning for each included path of `root` (a compose file in `dir`) that resolves outside
/// the scan roots.
pub fn check(root: &Located, dir: &Path, ctx: &Context, problems: &mut Vec<Problem>) {
    let mut named: Vec<(&'static str, &Located)> = Vec::new();
    if let Some(services) = root.get("services").and_then(Located::entries) {
        for svc in services {
            if let Some(env_file) = svc.value.get("env_file") {
                paths(env_file, &mut |p| named.push(("env_file", p)));
            }
            if let Some(file) = svc.value.get("extends").and_then(|e| e.get("file")) {
                named.push(("extends file", file));
            }
        }
    }
    if let Some(Value::Seq(items)) = root.get("include").map(|i| &i.value) {
        for item in items {
            match &item.value {
                Value::Map(_) => {
                    if let Some(p) = item.get("path") {
                        paths(p, &mut |p| named.push(("include", p)));
                    }
                    if let Some(p) = item.get("env_file") {
                        paths(p, &mut |p| named.push(("include env_file", p)));
                    }
                }
                _ => named.push(("include", item)),
            }
        }
    }
    for (what, node) in named {
        let Some(text) = node.scalar_text().filter(|t| !t.is_empty()) else {
            continue;
        };
        if let Err(ReadError::Outside(_)) = ctx.resolve_include(&dir.join(&text)) {
            problems.push(Problem::at(
                Level::Warning,
                node.span.clone(),
                format!("{what} {text}: outside the scanned tree: not read"),
            ));
        }
    }
}

/// A path or a list of paths (`- path: x` items too, as `env_file` allows).
fn paths<'a>(node: &'a Located, f: &mut dyn FnMut(&'a Located)) {
    match &node.value {
        Value::Seq(items) => {
            for i in items {
                match i.get("path") {
                    Some(p) => f(p),
                    None => f(i),
                }
            }
        }
        _ => f(node),
    }
}
