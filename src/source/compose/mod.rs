//! Docker Compose: recognise compose files, read them with `.env` interpolation and override
//! files, normalize short syntax, and hand one document per project file to the policies.

mod includes;
mod interpolate;
mod normalize;
mod project;

pub use project::contribute;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::document::{Document, Kind, Origin, Span};
use crate::problem::{Level, Problem};
use crate::source::yaml::{self, Located, Value};
use crate::source::{read_source, Context, Loaded, Unit};
use crate::text::TextRange;

use interpolate::{interpolate, parse_dotenv, Env, Resolved};

/// Base file names and the override file each one is merged with.
const OVERRIDES: &[(&str, &[&str])] = &[
    (
        "compose.yaml",
        &["compose.override.yaml", "compose.override.yml"],
    ),
    (
        "compose.yml",
        &["compose.override.yml", "compose.override.yaml"],
    ),
    (
        "docker-compose.yml",
        &[
            "docker-compose.override.yml",
            "docker-compose.override.yaml",
        ],
    ),
    (
        "docker-compose.yaml",
        &[
            "docker-compose.override.yaml",
            "docker-compose.override.yml",
        ],
    ),
];

/// Whether a file name alone says "compose".
pub fn matches_name(name: &str) -> bool {
    matches!(
        name,
        "compose.yaml" | "compose.yml" | "compose.override.yaml" | "compose.override.yml"
    ) || (name.starts_with("docker-compose") && (name.ends_with(".yml") || name.ends_with(".yaml")))
        || name.ends_with(".compose.yml")
        || name.ends_with(".compose.yaml")
}

/// Whether a YAML file's beginning shows a top-level `services` mapping.
pub fn sniff(head: &str) -> bool {
    head.lines().any(|line| {
        line.strip_prefix("services:").is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with('#') || rest.starts_with('{')
        })
    })
}

fn base_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let dir = path.parent()?;
    OVERRIDES
        .iter()
        .filter(|(_, overrides)| overrides.contains(&name))
        .map(|(base, _)| dir.join(base))
        .find(|b| b.is_file())
}

fn override_of(base: &Path) -> Option<PathBuf> {
    let name = base.file_name()?.to_str()?;
    let dir = base.parent()?;
    OVERRIDES
        .iter()
        .find(|(b, _)| *b == name)
        .and_then(|(_, overrides)| overrides.iter().map(|o| dir.join(o)).find(|o| o.is_file()))
}

/// One unit per project file: a base together with its override when there is one on disk.
pub fn units(files: Vec<PathBuf>) -> Vec<Unit> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for file in files {
        let base = base_of(&file).unwrap_or(file);
        if !seen.insert(base.clone()) {
            continue;
        }
        let mut group = vec![base.clone()];
        group.extend(override_of(&base));
        out.push(Unit {
            kind: Kind::Compose,
            files: group,
        });
    }
    out
}

/// Read, interpolate, normalize and merge one unit into a document.
pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    let Some(base_path) = unit.files.first() else {
        return loaded;
    };
    let env = read_env(base_path, ctx, &mut loaded.problems);
    let mut merged: Option<Located> = None;
    let mut main_file = None;
    for path in &unit.files {
        let Some(file) = loaded.read(path, ctx) else {
            return loaded;
        };
        let mut root = match yaml::parse(&file) {
            Ok(r) => r,
            Err(e) => {
                loaded.problems.push(Problem::at(
                    Level::Error,
                    Span::new(file.clone(), e.range),
                    e.message,
                ));
                return loaded;
            }
        };
        match &root.value {
            Value::Map(_) => {}
            Value::Null => root.value = Value::Map(Vec::new()),
            _ => {
                loaded.problems.push(Problem::at(
                    Level::Error,
                    root.span.clone(),
                    "a compose file must be a mapping at the top level",
                ));
                return loaded;
            }
        }
        if let Value::Map(entries) = &mut root.value {
            if let Some(services) = entries.iter_mut().find(|e| e.key == "services") {
                match services.value.value {
                    Value::Map(_) => {}
                    Value::Null => services.value.value = Value::Map(Vec::new()),
                    _ => {
                        loaded.problems.push(Problem::at(
                            Level::Error,
                            services.key_span.clone(),
                            "`services` must be a mapping of service names to services",
                        ));
                        return loaded;
                    }
                }
            }
        }
        let mut warned = HashSet::new();
        interpolate_tree(&mut root, &env, &mut loaded.problems, &mut warned);
        let dir = path.parent().unwrap_or(Path::new(""));
        includes::check(&root, dir, ctx, &mut loaded.problems);
        normalize::normalize(&mut root);
        merged = Some(match merged {
            None => root,
            Some(mut base) => {
                merge(&mut base, root, "");
                base
            }
        });
        main_file.get_or_insert(file);
    }
    let (Some(root), Some(file)) = (merged, main_file) else {
        return loaded;
    };
    let mut spans: Vec<(Vec<String>, Span, Option<Origin>)> = Vec::new();
    let doc = root.to_json(&mut Vec::new(), &mut |path, span, origin| {
        spans.push((path.to_vec(), span.clone(), origin.cloned()));
    });
    let mut document = Document::new(Kind::Compose, file, doc);
    document.record_span(&[], root.span.clone());
    for (path, span, origin) in spans {
        if let Some(o) = &origin {
            document.record_origin(&path, o);
        }
        document.record_span(&path, span);
    }
    loaded.documents.push(document);
    loaded
}

fn read_env(base: &Path, ctx: &Context, problems: &mut Vec<Problem>) -> Env {
    let Some(path) = base.parent().map(|d| d.join(".env")) else {
        return Env::new();
    };
    if !path.is_file() {
        return Env::new();
    }
    match read_source(&path, ctx) {
        Ok(file) => {
            let (env, errors) = parse_dotenv(&file.text);
            for (line, message) in errors {
                let at = file.line_start(line);
                let end = at + u32::try_from(file.line_text(line).len()).unwrap_or(0);
                problems.push(Problem::at(
                    Level::Warning,
                    Span::new(file.clone(), TextRange::new(at, end)),
                    message,
                ));
            }
            env
        }
        Err(p) => {
            problems.push(Problem {
                level: Level::Warning,
                ..p
            });
            Env::new()
        }
    }
}

fn interpolate_tree(
    node: &mut Located,
    env: &Env,
    problems: &mut Vec<Problem>,
    warned: &mut HashSet<String>,
) {
    match &mut node.value {
        Value::Str(s) => match interpolate(s, env) {
            Ok(Resolved::Known {
                value,
                origin,
                unset,
            }) => {
                for name in unset {
                    if warned.insert(name.clone()) {
                        problems.push(Problem::at(
                            Level::Warning,
                            node.span.clone(),
                            format!("variable {name} is not set (no .env entry); it is read as an empty string"),
                        ));
                    }
                }
                node.value = Value::Str(value);
                node.origin = origin;
            }
            Ok(Resolved::Unknown { variable, message }) => {
                problems.push(Problem::at(
                    Level::Warning,
                    node.span.clone(),
                    format!("required variable {variable} is not set ({message}); its value is unknown to this scan"),
                ));
                node.origin = Some(Origin::Env { name: variable });
                node.value = Value::Unknown(s.clone());
            }
            Err(e) => problems.push(Problem::at(Level::Error, node.span.clone(), e.0)),
        },
        Value::Seq(items) => {
            for i in items {
                interpolate_tree(i, env, problems, warned);
            }
        }
        Value::Map(entries) => {
            for e in entries {
                interpolate_tree(&mut e.value, env, problems, warned);
            }
        }
        _ => {}
    }
}

fn plain_json(node: &Located) -> serde_json::Value {
    node.to_json(&mut Vec::new(), &mut |_, _, _| {})
}

fn target_of(node: &Located) -> Option<String> {
    node.get("target").and_then(Located::scalar_text)
}

/// Merge an override into its base as compose does: mappings merge key by key, lists of volumes
/// merge by target, `command`/`entrypoint`/`test` are replaced, other lists are appended without
/// duplicates, scalars are replaced. A replaced node points into the override file.
fn merge(base: &mut Located, over: Located, key: &str) {
    match (&mut base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            let mut index: HashMap<String, usize> = b
                .iter()
                .enumerate()
                .map(|(i, x)| (x.key.clone(), i))
                .collect();
            for e in o {
                match index.get(&e.key).and_then(|&i| b.get_mut(i)) {
                    Some(existing) => {
                        if !matches!(e.value.value, Value::Map(_)) {
                            existing.key_span = e.key_span.clone();
                        }
                        merge(&mut existing.value, e.value, &e.key);
                    }
                    None => {
                        index.insert(e.key.clone(), b.len());
                        b.push(e);
                    }
                }
            }
        }
        (Value::Seq(b), Value::Seq(o)) if !matches!(key, "command" | "entrypoint" | "test") => {
            let by_target = matches!(key, "volumes" | "secrets" | "configs");
            // An item is the same as an earlier one by its target (volumes, secrets, configs
            // that have one), else by its whole value.
            let identity = |x: &Located| -> String {
                match by_target.then(|| target_of(x)).flatten() {
                    Some(t) => format!("t{t}"),
                    None => format!("v{}", plain_json(x)),
                }
            };
            let mut index: HashMap<String, usize> = HashMap::with_capacity(b.len());
            for (i, x) in b.iter().enumerate() {
                index.entry(identity(x)).or_insert(i);
            }
            for item in o {
                let id = identity(&item);
                match index.get(&id).and_then(|&p| b.get_mut(p)) {
                    Some(slot) => *slot = item,
                    None => {
                        index.insert(id, b.len());
                        b.push(item);
                    }
                }
            }
        }
        (_, value) => {
            base.value = value;
            base.span = over.span;
            base.origin = over.origin;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.prod.yml",
            "app.compose.yaml",
        ] {
            assert!(matches_name(n), "{n}");
        }
        for n in ["compose.json", "values.yaml", "docker-compose.txt"] {
            assert!(!matches_name(n), "{n}");
        }
    }

    #[test]
    fn sniffing() {
        assert!(sniff("version: '3'\nservices:\n  a: {}\n"));
        assert!(sniff("services: # the stack\n"));
        assert!(!sniff("  services:\n"));
        assert!(!sniff("kind: Deployment\n"));
    }
}
