//! Policies: built-in ones embedded from `policies/`, plus `--policy DIR` ones. All are parsed
//! and checked once; each worker evaluates documents with its own clone of the compiled engine.

pub mod docs;
mod metadata;
pub mod test_runner;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use thiserror::Error;

use crate::document::{Document, Kind};
use crate::finding::Severity;

pub use metadata::{FixAvailability, Metadata};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/policies.rs"));
}

/// A policy that cannot be used: the run stops with exit code 2.
#[derive(Debug, Error)]
#[error("{file}: {message}")]
pub struct PolicyError {
    pub file: String,
    pub message: String,
}

impl PolicyError {
    fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            message: message.into(),
        }
    }
}

/// One `.rego` file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// `builtin:compose/privileged.rego` or the path on disk.
    pub name: String,
    pub text: String,
    pub package: String,
    pub is_test: bool,
}

/// A rule: a policy package under `vigie.rules.` with METADATA.
#[derive(Debug)]
pub struct Rule {
    pub meta: Metadata,
    pub package: String,
    /// The kind of document the rule is evaluated on.
    pub kind: Kind,
    pub file: String,
    pub builtin: bool,
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.meta.id
    }
}

/// A data table the policies read as `data.vigie.tables.<name>`: a JSON file under a policy
/// directory's `data/` folder (`policies/data/terraform-aws-security-group.json` is
/// `data.vigie.tables.terraform_aws_security_group`).
#[derive(Debug, Clone)]
pub struct DataTable {
    /// `builtin:data/x.json` or the path on disk.
    pub file: String,
    pub name: String,
    pub value: Value,
}

impl DataTable {
    fn parse(file: String, text: &str) -> Result<Self, PolicyError> {
        let stem = Path::new(&file)
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['-', '.'], "_"))
            .unwrap_or_default();
        let value: Value = serde_json::from_str(text)
            .map_err(|e| PolicyError::new(&file, format!("is not a JSON data table: {e}")))?;
        Ok(Self {
            file,
            name: stem,
            value,
        })
    }
}

/// Every policy file of the run, the rules among them, and their data tables.
#[derive(Debug, Default)]
pub struct PolicySet {
    pub files: Vec<PolicyFile>,
    pub rules: Vec<Arc<Rule>>,
    pub tables: Vec<DataTable>,
}

fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("package ")?;
        Some(rest.split_whitespace().next()?.to_string())
    })
}

impl PolicySet {
    /// The built-in policies.
    pub fn builtin() -> Result<Self, PolicyError> {
        let mut set = Self::default();
        for (rel, text) in embedded::EMBEDDED {
            set.add(format!("{BUILTIN_PREFIX}{rel}"), (*text).to_string(), true)?;
        }
        for (rel, text) in embedded::EMBEDDED_DATA {
            set.add_table(DataTable::parse(format!("{BUILTIN_PREFIX}{rel}"), text)?);
        }
        Ok(set)
    }

    /// A table of a `--policy` directory replaces the built-in one of the same name (a newer
    /// copy of a module's rule table, say).
    fn add_table(&mut self, table: DataTable) {
        self.tables.retain(|t| t.name != table.name);
        self.tables.push(table);
    }

    /// Add every `.rego` file below `dir`.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), PolicyError> {
        let mut files = Vec::new();
        collect_ext(dir, "rego", &mut files)?;
        if files.is_empty() {
            return Err(PolicyError::new(
                dir.display().to_string(),
                "no .rego files in this directory",
            ));
        }
        for f in files {
            let text = crate::fsio::read_text(&f, crate::fsio::MAX_POLICY_SIZE).map_err(|e| {
                PolicyError::new(
                    f.display().to_string(),
                    format!("cannot read: {}", e.reason()),
                )
            })?;
            self.add(f.display().to_string(), text, false)?;
        }
        let data = dir.join("data");
        if data.is_dir() {
            let mut tables = Vec::new();
            collect_ext(&data, "json", &mut tables)?;
            for f in tables {
                let text =
                    crate::fsio::read_text(&f, crate::fsio::MAX_POLICY_SIZE).map_err(|e| {
                        PolicyError::new(
                            f.display().to_string(),
                            format!("cannot read: {}", e.reason()),
                        )
                    })?;
                self.add_table(DataTable::parse(f.display().to_string(), &text)?);
            }
        }
        Ok(())
    }

    fn add(&mut self, name: String, text: String, builtin: bool) -> Result<(), PolicyError> {
        let package =
            package_of(&text).ok_or_else(|| PolicyError::new(&name, "no `package` declaration"))?;
        let is_test = name.ends_with("_test.rego");
        if !is_test {
            if let Some(rest) = package.strip_prefix("vigie.rules.") {
                let meta = metadata::parse(&text, &name).map_err(|m| PolicyError::new(&name, m))?;
                let pkg_kind = rest.split('.').next().unwrap_or_default();
                let kind = meta
                    .input
                    .or_else(|| Kind::parse(pkg_kind))
                    .ok_or_else(|| {
                        PolicyError::new(
                            &name,
                            format!("package {package}: `{pkg_kind}` is not a known input kind"),
                        )
                    })?;
                if let Some(other) = self.rules.iter().find(|r| r.meta.id == meta.id) {
                    return Err(PolicyError::new(
                        &name,
                        format!("rule id {} is already defined by {}", meta.id, other.file),
                    ));
                }
                self.rules.push(Arc::new(Rule {
                    meta,
                    package: package.clone(),
                    kind,
                    file: name.clone(),
                    builtin,
                }));
            }
        }
        self.files.push(PolicyFile {
            name,
            text,
            package,
            is_test,
        });
        Ok(())
    }

    pub fn rule(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.meta.id == id)
    }
}

/// How deep `--policy` directories nest (a link loop would otherwise recurse forever).
const MAX_POLICY_DEPTH: usize = 32;

fn collect_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) -> Result<(), PolicyError> {
    collect_ext_at(dir, ext, out, 0)
}

fn collect_ext_at(
    dir: &Path,
    ext: &str,
    out: &mut Vec<PathBuf>,
    depth: usize,
) -> Result<(), PolicyError> {
    if depth > MAX_POLICY_DEPTH {
        return Err(PolicyError::new(
            dir.display().to_string(),
            format!("policy directories nest more than {MAX_POLICY_DEPTH} deep (a link loop?)"),
        ));
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PolicyError::new(dir.display().to_string(), format!("cannot read: {e}")))?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect_ext_at(&p, ext, out, depth + 1)?;
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
    Ok(())
}

/// What a rule's `deny` said about one document.
#[derive(Debug, Clone)]
pub struct Denial {
    pub rule: Arc<Rule>,
    pub msg: String,
    pub path: Vec<String>,
    pub severity: Option<Severity>,
    pub fix: Option<Value>,
}

/// How the names of built-in policy files start (`builtin:compose/privileged.rego`).
pub const BUILTIN_PREFIX: &str = "builtin:";

/// The package of the generated rules that gather each kind's findings.
const AGGREGATE_PACKAGE: &str = "vigie.internal";

/// A compiled, checked engine. Cheap to clone: one clone per worker thread.
#[derive(Clone)]
pub struct Engine {
    inner: regorus::Engine,
    rules: Arc<[Arc<Rule>]>,
}

fn new_engine(
    files: &[&PolicyFile],
    tables: &[DataTable],
    config: &Value,
) -> Result<regorus::Engine, PolicyError> {
    let mut engine = regorus::Engine::new();
    for f in files {
        engine
            .add_policy(f.name.clone(), f.text.clone())
            .map_err(|e| PolicyError::new(&f.name, format!("does not compile:\n{e}")))?;
    }
    let tables: serde_json::Map<String, Value> = tables
        .iter()
        .map(|t| (t.name.clone(), t.value.clone()))
        .collect();
    let data = serde_json::json!({ "vigie": { "config": config, "tables": tables } });
    engine.add_data(regorus::Value::from(data)).map_err(|e| {
        PolicyError::new(
            "vigie.toml",
            format!("configuration cannot be passed to policies: {e}"),
        )
    })?;
    Ok(engine)
}

impl Engine {
    /// Compile the non-test policies and check each enabled rule of the user's (`--policy`):
    /// every function it calls exists, and it evaluates on an empty input. The built-in policies
    /// cannot change after the build and pass the same checks in the test suite
    /// ([`Engine::compile_checked`]), so a run does not pay for checking them again.
    pub fn compile(
        set: &PolicySet,
        config: &Value,
        enabled: impl Fn(&Rule) -> bool,
    ) -> Result<Self, PolicyError> {
        Self::build(set, config, enabled, false)
    }

    /// [`Engine::compile`], checking the built-in policies too.
    pub fn compile_checked(
        set: &PolicySet,
        config: &Value,
        enabled: impl Fn(&Rule) -> bool,
    ) -> Result<Self, PolicyError> {
        Self::build(set, config, enabled, true)
    }

    fn build(
        set: &PolicySet,
        config: &Value,
        enabled: impl Fn(&Rule) -> bool,
        builtin_policies: bool,
    ) -> Result<Self, PolicyError> {
        let files: Vec<&PolicyFile> = set.files.iter().filter(|f| !f.is_test).collect();
        let mut inner = new_engine(&files, &set.tables, config)?;
        if builtin_policies || files.iter().any(|f| !f.name.starts_with(BUILTIN_PREFIX)) {
            check_builtins(&inner, builtin_policies)?;
        }
        let rules: Vec<Arc<Rule>> = set.rules.iter().filter(|r| enabled(r)).cloned().collect();
        // One rule per kind gathers every enabled rule's `deny`: a document is evaluated in one
        // pass instead of one per rule.
        for kind in Kind::ALL {
            let entries: Vec<String> = rules
                .iter()
                .filter(|r| r.kind == *kind)
                .map(|r| format!("\t{:?}: data.{}.deny,", r.meta.id, r.package))
                .collect();
            let module = format!(
                "package {AGGREGATE_PACKAGE}.{kind}\n\nresults := {{\n{}\n}}\n",
                entries.join("\n")
            );
            inner
                .add_policy(format!("vigie:{AGGREGATE_PACKAGE}.{kind}"), module)
                .map_err(|e| {
                    PolicyError::new("policies", format!("cannot gather the rules: {e}"))
                })?;
        }
        inner.set_input(regorus::Value::new_object());
        for rule in rules.iter().filter(|r| builtin_policies || !r.builtin) {
            inner
                .eval_rule(format!("data.{}.deny", rule.package))
                .map_err(|e| {
                    PolicyError::new(
                        &rule.file,
                        format!("rule {} cannot be evaluated: {e}", rule.meta.id),
                    )
                })?;
        }
        Ok(Self {
            inner,
            rules: rules.into(),
        })
    }

    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// Evaluate every enabled rule of the document's kind. A rule that fails is reported and the
    /// other rules' findings are kept.
    pub fn evaluate(&mut self, doc: &Document) -> (Vec<Denial>, Vec<String>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let rules = Arc::clone(&self.rules);
        let mut of_kind = rules.iter().filter(|r| r.kind == doc.kind).peekable();
        if of_kind.peek().is_none() {
            return (out, errors);
        }
        self.inner.set_input(regorus::Value::from(doc.input()));
        let all = self
            .inner
            .eval_rule(format!("data.{AGGREGATE_PACKAGE}.{}.results", doc.kind));
        for rule in of_kind {
            let value = match &all {
                Ok(results) => Ok(results[&regorus::Value::from(rule.meta.id.as_str())].clone()),
                // Some rule failed: evaluate them one by one to know which.
                Err(_) => self
                    .inner
                    .eval_rule(format!("data.{}.deny", rule.package))
                    .map_err(|e| format!("rule {} failed on this file: {e}", rule.meta.id)),
            };
            if let Err(e) = value.and_then(|v| Self::collect(rule, &v, &mut out)) {
                errors.push(e);
            }
        }
        (out, errors)
    }

    fn collect(
        rule: &Arc<Rule>,
        value: &regorus::Value,
        out: &mut Vec<Denial>,
    ) -> Result<(), String> {
        if *value == regorus::Value::Undefined {
            return Ok(());
        }
        let json = serde_json::to_value(value).map_err(|e| {
            format!(
                "rule {} returned a value that is not JSON: {e}",
                rule.meta.id
            )
        })?;
        let Value::Array(items) = json else {
            return Err(format!(
                "rule {}: `deny` must be a set of objects, found {json}",
                rule.meta.id
            ));
        };
        let denials = items
            .iter()
            .map(|item| denial(rule, item))
            .collect::<Result<Vec<_>, _>>()?;
        out.extend(denials);
        Ok(())
    }
}

fn denial(rule: &Arc<Rule>, item: &Value) -> Result<Denial, String> {
    let bad = |why: &str| format!("rule {}: a deny object {why}: {item}", rule.meta.id);
    let obj = item.as_object().ok_or_else(|| bad("is not an object"))?;
    let msg = obj
        .get("msg")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no string `msg`"))?;
    let path = match obj.get("path") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|seg| match seg {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(bad(
                    "has a `path` item that is neither a string nor a number",
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("has a `path` that is not an array")),
    };
    let severity = match obj.get("severity") {
        None => None,
        Some(Value::String(s)) => Some(s.parse::<Severity>().map_err(|e| bad(&e))?),
        Some(_) => return Err(bad("has a `severity` that is not a string")),
    };
    Ok(Denial {
        rule: rule.clone(),
        msg: msg.to_string(),
        path,
        severity,
        fix: obj.get("fix").cloned(),
    })
}

/// regorus reports an unknown function only when a call is reached: find every call in the AST
/// and check it against the builtins and the functions the policies define. The calls of the
/// built-in policy files are checked only with `builtin_policies`.
fn check_builtins(engine: &regorus::Engine, builtin_policies: bool) -> Result<(), PolicyError> {
    let inspect =
        |e: &dyn std::fmt::Display| PolicyError::new("policies", format!("cannot inspect: {e}"));
    let json = engine.get_ast_as_json().map_err(|e| inspect(&e))?;
    let modules: Value = serde_json::from_str(&json).map_err(|e| inspect(&e))?;
    let modules = modules.as_array().cloned().unwrap_or_default();
    let mut defined = std::collections::HashSet::new();
    for m in &modules {
        let pkg = m
            .pointer("/ast/package/refr")
            .map(ref_text)
            .unwrap_or_default();
        for rule in m
            .pointer("/ast/rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = rule_name(rule) {
                defined.insert(format!("data.{pkg}.{name}"));
                defined.insert(format!("{pkg}.{name}"));
            }
        }
    }
    for m in &modules {
        let file = m
            .pointer("/source/file")
            .and_then(Value::as_str)
            .unwrap_or("policies");
        if !builtin_policies && file.starts_with(BUILTIN_PREFIX) {
            continue;
        }
        let contents = m
            .pointer("/source/contents")
            .and_then(Value::as_str)
            .unwrap_or("");
        let pkg = m
            .pointer("/ast/package/refr")
            .map(ref_text)
            .unwrap_or_default();
        let imports = import_aliases(m.pointer("/ast/imports"), contents);
        let mut calls = Vec::new();
        collect_calls(m.get("ast").unwrap_or(&Value::Null), &mut calls);
        for (name, line) in calls {
            let resolved = resolve_import(&name, &imports);
            let known = regorus::unstable::BUILTINS.contains_key(name.as_str())
                || defined.contains(&format!("{pkg}.{name}"))
                || defined.contains(&resolved);
            if !known {
                return Err(PolicyError::new(
                    file,
                    format!("line {line}: `{name}` is neither a builtin regorus provides nor a function the policies define"),
                ));
            }
        }
    }
    Ok(())
}

/// A reference such as `data.vigie.lib.x` from nested `RefDot`/`Var` AST nodes.
fn ref_text(v: &Value) -> String {
    if let Some(name) = v.pointer("/Var/value").and_then(Value::as_str) {
        return name.to_string();
    }
    if let Some(dot) = v.get("RefDot") {
        let base = dot.get("refr").map(ref_text).unwrap_or_default();
        let field = dot
            .pointer("/field/1")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return format!("{base}.{field}");
    }
    String::new()
}

fn rule_name(rule: &Value) -> Option<String> {
    let refr = match (rule.get("Spec"), rule.get("Default")) {
        (Some(spec), _) => {
            let head = spec.get("head")?;
            ["Compr", "Set", "Func"]
                .iter()
                .find_map(|k| head.get(*k))?
                .get("refr")?
        }
        (None, Some(default)) => default.get("refr")?,
        (None, None) => return None,
    };
    Some(ref_text(refr)).filter(|s| !s.is_empty())
}

fn import_aliases(imports: Option<&Value>, contents: &str) -> Vec<(String, String)> {
    imports
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|imp| {
            let full = imp.get("refr").map(ref_text)?;
            let alias = match imp.get("as") {
                Some(span) => {
                    let s = usize::try_from(span.get("start")?.as_u64()?).ok()?;
                    let e = usize::try_from(span.get("end")?.as_u64()?).ok()?;
                    contents.get(s..e)?.to_string()
                }
                None => full.rsplit('.').next()?.to_string(),
            };
            Some((alias, full))
        })
        .collect()
}

fn resolve_import(name: &str, imports: &[(String, String)]) -> String {
    let (head, rest) = name.split_once('.').unwrap_or((name, ""));
    imports.iter().find(|(alias, _)| alias == head).map_or_else(
        || name.to_string(),
        |(_, full)| {
            if rest.is_empty() {
                full.clone()
            } else {
                format!("{full}.{rest}")
            }
        },
    )
}

fn collect_calls(v: &Value, out: &mut Vec<(String, u32)>) {
    match v {
        Value::Object(m) => {
            if let Some(call) = m.get("Call") {
                let name = call.get("fcn").map(ref_text).unwrap_or_default();
                if !name.is_empty() {
                    let line = call
                        .pointer("/span/line")
                        .and_then(Value::as_u64)
                        .unwrap_or(0);
                    out.push((name, u32::try_from(line).unwrap_or(0)));
                }
            }
            m.values().for_each(|c| collect_calls(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_calls(c, out)),
        _ => {}
    }
}
