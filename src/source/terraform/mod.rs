//! Terraform: every directory of `.tf`/`.tf.json` files is one module and one document, its
//! values resolved from tfvars, variable defaults, locals and the arguments of the module calls
//! that reach it. Modules that call each other through a local `source` are loaded together.

mod eval;
mod syntax;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use regex::Regex;
use serde_json::{Map, Value};

use crate::document::{Document, Kind, NodePath, Origin, SetIn};
use crate::fsio::ReadError;
use crate::problem::{Level, Problem};
use crate::source::{normalize_path, read_source, Context, Loaded, Unit};
use crate::text::SourceFile;

use eval::{Scope, Sink, VarValue};
use syntax::{Attr, Block, Body, Expr, ExprKind};

/// Whether a file name alone says "Terraform".
pub fn matches_name(name: &str) -> bool {
    name.ends_with(".tf")
        || name.ends_with(".tf.json")
        || name.ends_with(".tfvars")
        || name.ends_with(".tfvars.json")
}

fn is_tfvars(name: &str) -> bool {
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

fn is_json(name: &str) -> bool {
    name.ends_with(".json")
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// The local module sources (`source = "./x"`) a file names, found by a quick look at its text
/// (a false match only makes a unit larger).
fn local_sources(path: &Path) -> Vec<String> {
    static SOURCE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = SOURCE
        .get_or_init(|| Regex::new(r#"(?m)^\s*"?source"?\s*[=:]\s*"(\.\.?/[^"]*)""#).ok())
        .as_ref()
    else {
        return Vec::new();
    };
    let Some(text) = crate::fsio::read_head(path, crate::source::MAX_FILE_SIZE) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text);
    re.captures_iter(&text)
        .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
        .collect()
}

/// One unit per group of module directories that call each other through local sources; a
/// directory that calls no other and is called by none is a unit of its own.
pub fn units(files: Vec<PathBuf>) -> Vec<Unit> {
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let dir = normalize_path(f.parent().unwrap_or(Path::new("")));
        by_dir.entry(dir).or_default().push(f);
    }
    let dirs: Vec<PathBuf> = by_dir.keys().cloned().collect();
    let index: HashMap<&PathBuf, usize> = dirs.iter().enumerate().map(|(i, d)| (d, i)).collect();
    let edges: Vec<(usize, usize)> = dirs
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, dir)| {
            let mut out = Vec::new();
            for f in by_dir.get(dir).into_iter().flatten() {
                if is_tfvars(file_name(f)) {
                    continue;
                }
                for src in local_sources(f) {
                    if let Some(&j) = index.get(&normalize_path(&dir.join(&src))) {
                        out.push((i, j));
                    }
                }
            }
            out
        })
        .collect();
    let mut parent: Vec<usize> = (0..dirs.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (a, b) in edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: BTreeMap<usize, Vec<PathBuf>> = BTreeMap::new();
    for (i, dir) in dirs.iter().enumerate() {
        let root = find(&mut parent, i);
        let mut files = by_dir.get(dir).cloned().unwrap_or_default();
        files.sort();
        groups.entry(root).or_default().extend(files);
    }
    groups
        .into_values()
        .map(|files| Unit {
            kind: Kind::Terraform,
            files,
        })
        .collect()
}

/// One directory's parsed files.
struct Module {
    dir: PathBuf,
    display: String,
    /// The file a missing top-level node points at.
    main: Arc<SourceFile>,
    /// `.tf` and `.tf.json` bodies, in name order.
    bodies: Vec<Body>,
    /// tfvars files: name and body.
    tfvars: Vec<(String, Body)>,
}

/// Read and parse every file of the unit, a problem for each that cannot be.
fn parse_modules(unit: &Unit, ctx: &Context, problems: &mut Vec<Problem>) -> Vec<Module> {
    let mut by_dir: BTreeMap<PathBuf, Vec<&PathBuf>> = BTreeMap::new();
    for f in &unit.files {
        by_dir
            .entry(normalize_path(f.parent().unwrap_or(Path::new(""))))
            .or_default()
            .push(f);
    }
    let mut modules = Vec::new();
    for (dir, files) in by_dir {
        let mut bodies = Vec::new();
        let mut tfvars = Vec::new();
        let mut main: Option<Arc<SourceFile>> = None;
        for path in files {
            let file = match read_source(path, ctx) {
                Ok(f) => f,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            let name = file_name(path).to_string();
            let parsed = if is_json(&name) {
                syntax::parse_json(&file)
            } else {
                syntax::parse_hcl(&file)
            };
            let body = match parsed {
                Ok(b) => b,
                Err(p) => {
                    problems.push(p);
                    continue;
                }
            };
            // The module's main file: `main.tf` when there is one, else the first file read.
            if main.is_none() || name == "main.tf" {
                main = Some(file);
            }
            if is_tfvars(&name) {
                tfvars.push((name, body));
            } else {
                bodies.push(body);
            }
        }
        let Some(main) = main else { continue };
        let display = ctx.display(&dir);
        modules.push(Module {
            dir,
            display,
            main,
            bodies,
            tfvars,
        });
    }
    modules
}

pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    let modules = parse_modules(unit, ctx, &mut loaded.problems);
    for m in &modules {
        sources_outside(m, ctx, &mut loaded.problems);
    }
    let index: HashMap<PathBuf, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.dir.clone(), i))
        .collect();
    // Callers before the modules they call, so that a module's variables know their arguments.
    let calls: Vec<Vec<usize>> = modules
        .iter()
        .map(|m| {
            module_calls(m)
                .filter_map(|(_, dir)| index.get(&dir).copied())
                .collect()
        })
        .collect();
    let order = callers_first(&calls);
    let mut passed: Vec<HashMap<String, Vec<(Value, String)>>> =
        vec![HashMap::new(); modules.len()];
    let mut documents: Vec<Option<Document>> = (0..modules.len()).map(|_| None).collect();
    for i in order {
        let module = &modules[i];
        let args = std::mem::take(&mut passed[i]);
        let doc = build(module, &args, &mut loaded.problems);
        for (block, dir) in module_calls(module) {
            let Some(&callee) = index.get(&dir) else {
                continue;
            };
            if callee == i {
                continue;
            }
            let Some(Value::Object(call)) = doc.doc.get("module").and_then(|m| m.get(block)) else {
                continue;
            };
            for (name, value) in call {
                if !META_ARGUMENTS.contains(&name.as_str()) {
                    passed[callee]
                        .entry(name.clone())
                        .or_default()
                        .push((value.clone(), module.display.clone()));
                }
            }
        }
        documents[i] = Some(doc);
    }
    loaded.documents.extend(documents.into_iter().flatten());
    loaded
}

/// Arguments of a `module` block that are not the called module's variables.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// The module calls with a local source: block name and the called directory.
fn module_calls(module: &Module) -> impl Iterator<Item = (&str, PathBuf)> {
    module
        .bodies
        .iter()
        .flat_map(|b| &b.blocks)
        .filter(|b| b.ident == "module")
        .filter_map(move |b| {
            let name = b.labels.first()?;
            let source = b.body.attrs.iter().find(|a| a.name == "source")?;
            let ExprKind::Str(s) = &source.value.kind else {
                return None;
            };
            (s.starts_with("./") || s.starts_with("../"))
                .then(|| (name.as_str(), normalize_path(&module.dir.join(s))))
        })
}

/// A warning for each local module `source` that resolves outside the scan roots: only the
/// scan's own files are ever read, so such a module is not part of it.
fn sources_outside(module: &Module, ctx: &Context, problems: &mut Vec<Problem>) {
    let calls = module.bodies.iter().flat_map(|b| &b.blocks);
    for block in calls.filter(|b| b.ident == "module") {
        let Some(source) = block.body.attrs.iter().find(|a| a.name == "source") else {
            continue;
        };
        let ExprKind::Str(s) = &source.value.kind else {
            continue;
        };
        if !(s.starts_with("./") || s.starts_with("../") || s.starts_with('/')) {
            continue;
        }
        if let Err(ReadError::Outside(_)) = ctx.resolve_include(&module.dir.join(s)) {
            problems.push(Problem::at(
                Level::Warning,
                source.span.clone(),
                format!("module source {s}: outside the scanned tree: not read"),
            ));
        }
    }
}

/// A visiting order in which a module comes after every module that calls it (cycles broken).
fn callers_first(calls: &[Vec<usize>]) -> Vec<usize> {
    let n = calls.len();
    let mut incoming = vec![0usize; n];
    for targets in calls {
        for &t in targets {
            incoming[t] += 1;
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut done = vec![false; n];
    loop {
        let next = (0..n)
            .find(|&i| !done[i] && incoming[i] == 0)
            .or_else(|| (0..n).find(|&i| !done[i]));
        let Some(i) = next else { break };
        done[i] = true;
        order.push(i);
        for &t in &calls[i] {
            incoming[t] = incoming[t].saturating_sub(1);
        }
    }
    order
}

/// The document of one module.
fn build(
    module: &Module,
    passed: &HashMap<String, Vec<(Value, String)>>,
    problems: &mut Vec<Problem>,
) -> Document {
    let mut sink = Sink::default();
    let mut doc = Map::new();

    // tfvars, as written.
    let empty = Scope::empty();
    let mut tfvars = Map::new();
    for (name, body) in &module.tfvars {
        let mut values = Map::new();
        for attr in &body.attrs {
            let mut path = vec!["tfvars".to_string(), name.clone(), attr.name.clone()];
            sink.spans.push((path.clone(), attr.span.clone()));
            let v = empty.emit(&attr.value, &mut path, &mut sink);
            values.insert(attr.name.clone(), v);
        }
        tfvars.insert(name.clone(), Value::Object(values));
    }

    // Variables: the callers' arguments, else tfvars, else the default.
    let mut vars = HashMap::new();
    for block in blocks(module, "variable") {
        let Some(name) = block.labels.first() else {
            continue;
        };
        let value = from_callers(name, passed)
            .or_else(|| from_tfvars(name, &tfvars))
            .or_else(|| {
                let default = block.body.attrs.iter().find(|a| a.name == "default")?;
                Some(VarValue {
                    value: empty.eval(&default.value).0,
                    origin: Origin::Default {
                        name: Some(name.clone()),
                    },
                })
            });
        if let Some(v) = value {
            vars.insert(name.clone(), v);
        }
    }
    let locals: HashMap<&str, &Expr> = blocks(module, "locals")
        .flat_map(|b| b.body.attrs.iter().map(|a| (a.name.as_str(), &a.value)))
        .collect();
    let scope = Scope::new(vars, locals);

    let mut seen: HashSet<Vec<String>> = HashSet::new();
    for block in module.bodies.iter().flat_map(|b| &b.blocks) {
        let labels = &block.labels;
        let (path, list) = match (block.ident.as_str(), labels.as_slice()) {
            ("locals", []) => {
                for attr in &block.body.attrs {
                    let mut path = vec!["locals".to_string(), attr.name.clone()];
                    sink.spans.push((path.clone(), attr.span.clone()));
                    let v = scope.emit(&attr.value, &mut path, &mut sink);
                    doc.entry("locals")
                        .or_insert_with(|| Value::Object(Map::new()))
                        .as_object_mut()
                        .map(|m| m.insert(attr.name.clone(), v));
                }
                continue;
            }
            ("resource" | "data", [t, n]) => {
                (vec![block.ident.clone(), t.clone(), n.clone()], false)
            }
            ("module" | "variable" | "output" | "check", [n]) => {
                (vec![block.ident.clone(), n.clone()], false)
            }
            ("provider", [n]) => (vec!["provider".to_string(), n.clone()], true),
            (ident, labels) => {
                let mut p = vec![ident.to_string()];
                p.extend(labels.iter().cloned());
                (p, labels.is_empty())
            }
        };
        if !list && !seen.insert(path.clone()) {
            problems.push(Problem::at(
                Level::Warning,
                block.header.clone(),
                format!(
                    "duplicate `{}` block; the first one is scanned",
                    path.join(".")
                ),
            ));
            continue;
        }
        let mut full = path.clone();
        let Some(slot) = slot(&mut doc, &path, list) else {
            continue;
        };
        if list {
            let Value::Array(items) = slot else { continue };
            full.push(items.len().to_string());
            if items.is_empty() {
                sink.spans.push((path.clone(), block.header.clone()));
            }
            sink.spans.push((full.clone(), block.header.clone()));
            let body = emit_body(&block.body, &block.ident, &scope, &mut full, &mut sink);
            items.push(body);
        } else {
            sink.spans.push((full.clone(), block.header.clone()));
            *slot = emit_body(&block.body, &block.ident, &scope, &mut full, &mut sink);
        }
    }
    if !tfvars.is_empty() {
        doc.insert("tfvars".into(), Value::Object(tfvars));
    }
    problems.extend(empty.take_warnings());
    problems.extend(scope.take_warnings());

    let mut document = Document::with_path(
        Kind::Terraform,
        module.display.clone(),
        module.main.clone(),
        Value::Object(doc),
    );
    for (path, span) in sink.spans {
        document.record_span(&path, span);
    }
    for (path, origin) in sink.origins {
        document.record_origin(&path, &origin);
    }
    document
}

/// The place in `doc` for a block at `path`: a list to push to, or a value to set.
fn slot<'a>(doc: &'a mut Map<String, Value>, path: &[String], list: bool) -> Option<&'a mut Value> {
    let (last, parents) = path.split_last()?;
    let mut map = doc;
    for seg in parents {
        let entry = map
            .entry(seg.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        map = entry.as_object_mut()?;
    }
    Some(map.entry(last.clone()).or_insert_with(|| {
        if list {
            Value::Array(Vec::new())
        } else {
            Value::Null
        }
    }))
}

fn blocks<'a>(module: &'a Module, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
    module
        .bodies
        .iter()
        .flat_map(|b| &b.blocks)
        .filter(move |b| b.ident == ident)
}

/// The value every caller passes for `name`; unknown when callers disagree.
fn from_callers(name: &str, passed: &HashMap<String, Vec<(Value, String)>>) -> Option<VarValue> {
    let values = passed.get(name)?;
    let (first, caller) = values.first()?;
    let value = if values.iter().all(|(v, _)| v == first) {
        first.clone()
    } else {
        eval::unknown(format!(
            "var.{name} (the module calls pass different values)"
        ))
    };
    Some(VarValue {
        value,
        origin: Origin::Var {
            name: name.to_string(),
            set_in: SetIn::Module(caller.clone()),
        },
    })
}

/// The value tfvars files give `name`: Terraform's automatic files in their order, then the
/// other `*.tfvars` (which one a run uses is the user's choice: when they disagree, unknown).
fn from_tfvars(name: &str, tfvars: &Map<String, Value>) -> Option<VarValue> {
    let rank = |file: &str| match file {
        "terraform.tfvars" => 0,
        "terraform.tfvars.json" => 1,
        f if f.ends_with(".auto.tfvars") || f.ends_with(".auto.tfvars.json") => 2,
        _ => 3,
    };
    let mut automatic = None;
    let mut chosen: Vec<(&str, &Value)> = Vec::new();
    let mut sorted: Vec<(&str, &Value)> = tfvars.iter().map(|(f, v)| (f.as_str(), v)).collect();
    sorted.sort_by_key(|(f, _)| (rank(f), *f));
    for (file, values) in sorted {
        let Some(v) = values.get(name) else { continue };
        if rank(file) < 3 {
            automatic = Some((file, v));
        } else {
            chosen.push((file, v));
        }
    }
    let (file, value) = match chosen.as_slice() {
        [] => {
            let (f, v) = automatic?;
            (f, v.clone())
        }
        [(f, v), rest @ ..] if rest.iter().all(|(_, o)| o == v) => (*f, (*v).clone()),
        [(f, _), ..] => (
            *f,
            eval::unknown(format!(
                "var.{name} (the tfvars files set different values)"
            )),
        ),
    };
    Some(VarValue {
        value,
        origin: Origin::Var {
            name: name.to_string(),
            set_in: SetIn::File(file.to_string()),
        },
    })
}

/// A block body as an object: arguments evaluated, nested blocks as lists under their type (and
/// under one more key per label).
fn emit_body(
    body: &Body,
    ident: &str,
    scope: &Scope<'_>,
    path: &mut NodePath,
    sink: &mut Sink,
) -> Value {
    let mut out = Map::new();
    for attr in &body.attrs {
        path.push(attr.name.clone());
        sink.spans.push((path.clone(), attr.span.clone()));
        let v = if ident == "variable" && attr.name == "type" {
            Value::String(attr.value.text())
        } else {
            scope.emit(&attr.value, path, sink)
        };
        out.insert(attr.name.clone(), v);
        path.pop();
    }
    for block in &body.blocks {
        let mut nested = vec![block.ident.clone()];
        nested.extend(block.labels.iter().cloned());
        let depth = path.len();
        let Some(Value::Array(items)) = slot(&mut out, &nested, true) else {
            continue;
        };
        path.extend(nested.iter().cloned());
        if items.is_empty() {
            // The first block of its type (and labels) stands for all of them.
            for n in 1..=nested.len() {
                sink.spans
                    .push((path[..depth + n].to_vec(), block.header.clone()));
            }
        }
        path.push(items.len().to_string());
        sink.spans.push((path.clone(), block.header.clone()));
        let value = if ident == "variable" && block.ident == "validation" {
            raw_body(&block.body)
        } else {
            emit_body(&block.body, &block.ident, scope, path, sink)
        };
        items.push(value);
        path.truncate(depth);
    }
    Value::Object(out)
}

/// A body kept as source text (a variable's `validation`).
fn raw_body(body: &Body) -> Value {
    Value::Object(
        body.attrs
            .iter()
            .map(|a: &Attr| (a.name.clone(), Value::String(a.value.text())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    /// Load the modules written to a temporary directory (`(relative path, text)` pairs).
    fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
        crate::source::load_written(Kind::Terraform, files)
    }

    fn doc<'a>(loaded: &'a Loaded, path: &str) -> &'a Document {
        loaded
            .documents
            .iter()
            .find(|d| d.path == path)
            .expect(path)
    }

    fn line_of(d: &Document, path: &[&str]) -> (String, u32) {
        let path: Vec<String> = path.iter().map(|s| (*s).to_string()).collect();
        let span = d.locate(&path);
        (
            span.file.display.clone(),
            span.file.line_col(span.range.start).line,
        )
    }

    const MAIN: &str = r#"terraform {
  required_providers {
    proxmox = { source = "bpg/proxmox" }
  }
}

resource "hcloud_firewall" "web" {
  rule {
    direction  = "in"
    source_ips = [
      "10.0.0.0/8",
      "0.0.0.0/0",
    ]
  }
  rule {
    port = var.port
  }
}
"#;

    #[test]
    fn findings_point_at_the_node_or_its_enclosing_block() {
        let (_d, l) = load_files(&[
            ("main.tf", MAIN),
            ("vars.tf", "variable \"port\" {\n  default = 22\n}\n"),
        ]);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let d = doc(&l, ".");
        let fw = ["resource", "hcloud_firewall", "web"];
        let at = |p: &[&str]| line_of(d, &[&fw[..], p].concat());
        assert_eq!(at(&[]), ("main.tf".into(), 7));
        assert_eq!(at(&["rule", "0"]), ("main.tf".into(), 8));
        assert_eq!(at(&["rule", "0", "source_ips"]), ("main.tf".into(), 10));
        assert_eq!(
            at(&["rule", "0", "source_ips", "1"]),
            ("main.tf".into(), 12)
        );
        // A missing argument points at its block's header.
        assert_eq!(at(&["rule", "1", "protocol"]), ("main.tf".into(), 15));
        // A value from a variable points at the argument that uses it.
        assert_eq!(at(&["rule", "1", "port"]), ("main.tf".into(), 16));
        assert_eq!(
            d.value_at(&[
                "resource".into(),
                "hcloud_firewall".into(),
                "web".into(),
                "rule".into(),
                "1".into(),
                "port".into()
            ]),
            Some(&json!(22))
        );
        assert_eq!(
            d.origins()["resource/hcloud_firewall/web/rule/1/port"],
            json!({"from": "default", "name": "port"})
        );
        assert_eq!(
            line_of(d, &["terraform", "0", "backend"]),
            ("main.tf".into(), 1)
        );
        assert_eq!(
            line_of(
                d,
                &[
                    "terraform",
                    "0",
                    "required_providers",
                    "0",
                    "proxmox",
                    "version"
                ]
            ),
            ("main.tf".into(), 3)
        );
        assert_eq!(
            line_of(d, &["variable", "port", "default"]),
            ("vars.tf".into(), 2)
        );
    }

    #[test]
    fn tfvars_precedence() {
        let vars = "variable \"a\" {\n  default = \"default\"\n}\nvariable \"b\" {}\nvariable \"c\" {}\nvariable \"d\" {}\nlocals {\n  all = [var.a, var.b, var.c, var.d]\n}\n";
        let (_d, l) = load_files(&[
            ("m/main.tf", vars),
            ("m/terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\n"),
            ("m/x.auto.tfvars", "b = \"auto\"\n"),
            ("m/dev.tfvars", "c = \"dev\"\nd = \"same\"\n"),
            ("m/prod.tfvars", "c = \"prod\"\nd = \"same\"\n"),
        ]);
        let d = doc(&l, "m");
        let all = d.doc["locals"]["all"].as_array().unwrap();
        assert_eq!(all[0], json!("tfvars"));
        assert_eq!(all[1], json!("auto"));
        assert!(eval::is_unknown(&all[2]), "{all:?}");
        assert_eq!(all[3], json!("same"));
        assert_eq!(
            line_of(d, &["tfvars", "x.auto.tfvars", "b"]),
            ("m/x.auto.tfvars".into(), 1)
        );
    }

    #[test]
    fn module_calls_pass_their_arguments() {
        let callee = "variable \"password\" {}\nvariable \"size\" {\n  default = 1\n}\nresource \"x\" \"y\" {\n  password = var.password\n  size = var.size\n}\n";
        let (_d, l) = load_files(&[
            ("envs/a/main.tf", "module \"vm\" {\n  source = \"../../modules/vm\"\n  password = \"one\"\n  size = 2\n}\n"),
            ("envs/b/main.tf", "module \"vm\" {\n  source = \"../../modules/vm\"\n  password = \"two\"\n  size = 2\n}\n"),
            ("modules/vm/main.tf", callee),
            ("other/main.tf", "resource \"x\" \"z\" {}\n"),
        ]);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.documents.len(), 4);
        let vm = doc(&l, "modules/vm");
        let y = &vm.doc["resource"]["x"]["y"];
        assert!(eval::is_unknown(&y["password"]), "{y}");
        assert_eq!(y["size"], json!(2));
        assert_eq!(vm.origins()["resource/x/y/size"]["from"], json!("var"));
    }

    #[test]
    fn json_syntax() {
        let (_d, l) = load_files(&[(
            "main.tf.json",
            r#"{
  "variable": {"host": {"default": "pve"}},
  "provider": {"proxmox": {"pm_api_url": "https://${var.host}:8006", "pm_tls_insecure": true}},
  "resource": {"hcloud_firewall": {"fw": {"rule": [{"port": "22"}]}}}
}"#,
        )]);
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let d = doc(&l, ".");
        assert_eq!(
            d.doc["provider"]["proxmox"][0]["pm_api_url"],
            json!("https://pve:8006")
        );
        assert_eq!(
            line_of(d, &["provider", "proxmox", "0", "pm_tls_insecure"]),
            ("main.tf.json".into(), 3)
        );
        assert_eq!(
            line_of(
                d,
                &["resource", "hcloud_firewall", "fw", "rule", "0", "port"]
            ),
            ("main.tf.json".into(), 4)
        );
    }

    #[test]
    fn a_broken_file_does_not_hide_the_others() {
        let (_d, l) = load_files(&[
            ("a.tf", "resource \"a\" \"b\" {\n  x = \n}\n"),
            ("b.tf", "provider \"docker\" {}\n"),
        ]);
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].line_col().map(|p| p.line), Some(2));
        assert!(doc(&l, ".").doc["provider"]["docker"].is_array());
    }

    #[test]
    fn names() {
        for n in [
            "main.tf",
            "x.tf.json",
            "terraform.tfvars",
            "prod.auto.tfvars",
            "a.tfvars.json",
        ] {
            assert!(matches_name(n), "{n}");
        }
        for n in ["main.tf.bak", "tf", "variables.tfstate", "x.json"] {
            assert!(!matches_name(n), "{n}");
        }
    }

    #[test]
    fn normalize_paths() {
        assert_eq!(
            normalize_path(Path::new("a/./b/../c")),
            PathBuf::from("a/c")
        );
        assert_eq!(normalize_path(Path::new("../x")), PathBuf::from("../x"));
    }

    #[test]
    fn callers_come_first() {
        // 0 calls 1, 1 calls 2; 3 calls 2.
        let order = callers_first(&[vec![1], vec![2], vec![], vec![2]]);
        let pos = |i| order.iter().position(|&x| x == i).unwrap_or(usize::MAX);
        assert!(pos(0) < pos(1) && pos(1) < pos(2) && pos(3) < pos(2));
        // A cycle is broken, every module visited once.
        let mut cyc = callers_first(&[vec![1], vec![0]]);
        cyc.sort_unstable();
        assert_eq!(cyc, vec![0, 1]);
    }
}
