//! Expressions resolved the way a reader resolves them: literals, `var.x`, `local.x`, templates of
//! known parts and a few pure functions. Everything else is `{"unknown": "<source text>"}`.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::syntax::{Expr, ExprKind, Op, Part};
use crate::document::{NodePath, Origin, Span};
use crate::limits::{MAX_DOCUMENT_BYTES, MAX_NESTING, MAX_REFERENCE_CHAIN, MAX_VALUE_BYTES};
use crate::problem::{Level, Problem};

/// The value vigie cannot know, with the source text that produced it.
pub fn unknown(text: impl Into<String>) -> Value {
    let mut m = Map::new();
    m.insert("unknown".into(), Value::String(text.into()));
    Value::Object(m)
}

pub fn is_unknown(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.len() == 1 && m.contains_key("unknown"))
}

/// What evaluation records about the document's nodes.
#[derive(Debug, Default)]
pub struct Sink {
    pub spans: Vec<(NodePath, Span)>,
    pub origins: Vec<(NodePath, Origin)>,
}

/// A variable's value and how it was obtained.
#[derive(Debug, Clone)]
pub struct VarValue {
    pub value: Value,
    pub origin: Origin,
}

/// The names an expression can refer to.
pub struct Scope<'a> {
    pub vars: HashMap<String, VarValue>,
    locals: HashMap<&'a str, &'a Expr>,
    memo: RefCell<HashMap<String, (Value, Option<Origin>)>>,
    evaluating: RefCell<HashSet<String>>,
    /// Bytes of the values emitted into the document so far.
    emitted: Cell<usize>,
    /// Budgets hit while evaluating, each reported once at the expression that hit it.
    warnings: RefCell<Vec<Problem>>,
}

impl<'a> Scope<'a> {
    pub fn new(vars: HashMap<String, VarValue>, locals: HashMap<&'a str, &'a Expr>) -> Self {
        Self {
            vars,
            locals,
            memo: RefCell::new(HashMap::new()),
            evaluating: RefCell::new(HashSet::new()),
            emitted: Cell::new(0),
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// The warnings of budgets hit so far (a value too large, a reference chain too long).
    pub fn take_warnings(&self) -> Vec<Problem> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }

    fn warn(&self, expr: &Expr, message: String) {
        let mut warnings = self.warnings.borrow_mut();
        let at = &expr.span;
        if !warnings
            .iter()
            .any(|w| w.message == message && w.span.as_ref().is_some_and(|s| s.range == at.range))
        {
            warnings.push(Problem::at(Level::Warning, at.clone(), message));
        }
    }

    /// `value` and its size, or unknown with a warning when it is larger or deeper than one
    /// value may be.
    fn bounded(&self, expr: &Expr, value: Value) -> (Value, usize) {
        match measure(&value, MAX_VALUE_BYTES) {
            Measure::Fits(bytes) => return (value, bytes),
            Measure::TooLarge => {
                self.warn(
                    expr,
                    format!(
                        "this value would be larger than {MAX_VALUE_BYTES} bytes: it is treated as unknown"
                    ),
                );
            }
            Measure::TooDeep => {
                self.warn(
                    expr,
                    format!(
                        "this value would nest deeper than {MAX_NESTING} levels: it is treated as unknown"
                    ),
                );
            }
        };
        let value = unknown(expr.text());
        let bytes = match measure(&value, MAX_VALUE_BYTES) {
            Measure::Fits(bytes) => bytes,
            _ => 0,
        };
        (value, bytes)
    }

    /// A scope with no variables or locals (tfvars files, variable defaults).
    pub fn empty() -> Self {
        Self::new(HashMap::new(), HashMap::new())
    }

    /// Evaluate `expr` as the node at `path` of the document: literal lists and objects record
    /// their items' spans, a value obtained from elsewhere records its origin.
    pub fn emit(&self, expr: &Expr, path: &mut NodePath, sink: &mut Sink) -> Value {
        match &expr.kind {
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    sink.spans.push((path.clone(), item.span.clone()));
                    out.push(self.emit(item, path, sink));
                    path.pop();
                }
                Value::Array(out)
            }
            ExprKind::Object(fields) => {
                let mut out = Map::new();
                for (key, key_span, value) in fields {
                    path.push(key.clone());
                    sink.spans.push((path.clone(), key_span.clone()));
                    let v = self.emit(value, path, sink);
                    out.insert(key.clone(), v);
                    path.pop();
                }
                Value::Object(out)
            }
            _ => {
                let (value, origin) = self.eval(expr);
                let (value, bytes) = self.bounded(expr, value);
                let total = self.emitted.get().saturating_add(bytes);
                let value = if total > MAX_DOCUMENT_BYTES {
                    self.warn(
                        expr,
                        format!(
                            "the module's values would be larger than {MAX_DOCUMENT_BYTES} bytes: this one is treated as unknown"
                        ),
                    );
                    unknown(expr.text())
                } else {
                    self.emitted.set(total);
                    value
                };
                if let Some(o) = origin {
                    sink.origins.push((path.clone(), o));
                }
                value
            }
        }
    }

    /// The value of an expression and, when it came from a variable or a local, from which.
    pub fn eval(&self, expr: &Expr) -> (Value, Option<Origin>) {
        match &expr.kind {
            ExprKind::Null => (Value::Null, None),
            ExprKind::Bool(b) => (Value::Bool(*b), None),
            ExprKind::Number(n) => (Value::Number(n.clone()), None),
            ExprKind::Str(s) => (Value::String(s.clone()), None),
            ExprKind::Template(parts) => self.template(expr, parts),
            ExprKind::List(items) => {
                let mut origin = None;
                let values = items
                    .iter()
                    .map(|i| {
                        let (v, o) = self.eval(i);
                        origin = origin.take().or(o);
                        v
                    })
                    .collect();
                (Value::Array(values), origin)
            }
            ExprKind::Object(fields) => {
                let mut origin = None;
                let mut m = Map::new();
                for (k, _, v) in fields {
                    let (v, o) = self.eval(v);
                    origin = origin.take().or(o);
                    m.insert(k.clone(), v);
                }
                (Value::Object(m), origin)
            }
            ExprKind::Ref(root, ops) => self.reference(expr, root, ops),
            ExprKind::Call(name, args) => self.call(expr, name, args),
            ExprKind::Opaque => (unknown(expr.text()), None),
        }
    }

    fn template(&self, expr: &Expr, parts: &[Part]) -> (Value, Option<Origin>) {
        let mut out = String::new();
        let mut origin = None;
        for part in parts {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Expr(e) => {
                    let (v, o) = self.eval(e);
                    origin = origin.take().or(o);
                    match to_string(&v) {
                        Some(s) if out.len().saturating_add(s.len()) <= MAX_VALUE_BYTES => {
                            out.push_str(&s)
                        }
                        Some(_) => {
                            self.warn(
                                expr,
                                format!(
                                    "this string would be longer than {MAX_VALUE_BYTES} bytes: it is treated as unknown"
                                ),
                            );
                            return (unknown(expr.text()), origin);
                        }
                        None => return (unknown(expr.text()), origin),
                    }
                }
            }
        }
        (Value::String(out), origin)
    }

    fn reference(&self, expr: &Expr, root: &str, ops: &[Op]) -> (Value, Option<Origin>) {
        let mut ops = ops.iter();
        let (base, origin) = match (root, ops.next()) {
            ("var", Some(Op::Attr(name))) => match self.vars.get(name) {
                Some(v) => (v.value.clone(), Some(v.origin.clone())),
                None => return (unknown(expr.text()), None),
            },
            ("local", Some(Op::Attr(name))) => match self.local(expr, name) {
                Some((v, _)) => (v, Some(Origin::Local { name: name.clone() })),
                None => return (unknown(expr.text()), None),
            },
            _ => return (unknown(expr.text()), None),
        };
        let mut value = base;
        for op in ops {
            if is_unknown(&value) {
                break;
            }
            let next = match op {
                Op::Attr(name) => value.get(name).cloned(),
                Op::Index(index) => match self.eval(index).0 {
                    Value::Number(n) => n
                        .as_u64()
                        .and_then(|i| usize::try_from(i).ok())
                        .and_then(|i| value.get(i).cloned()),
                    Value::String(s) => value.get(&s).cloned(),
                    _ => None,
                },
            };
            value = next.unwrap_or_else(|| unknown(expr.text()));
        }
        if is_unknown(&value) {
            value = unknown(expr.text());
        }
        (value, origin)
    }

    /// The value of `local.<name>`, referred to by `at`.
    fn local(&self, at: &Expr, name: &str) -> Option<(Value, Option<Origin>)> {
        if let Some(v) = self.memo.borrow().get(name) {
            return Some(v.clone());
        }
        let expr = *self.locals.get(name)?;
        if self.evaluating.borrow().len() >= MAX_REFERENCE_CHAIN {
            self.warn(
                at,
                format!(
                    "locals refer to one another more than {MAX_REFERENCE_CHAIN} deep here: the value is treated as unknown"
                ),
            );
            return None;
        }
        // A local that refers to itself, directly or not, is unknown.
        if !self.evaluating.borrow_mut().insert(name.to_string()) {
            return None;
        }
        let (value, origin) = self.eval(expr);
        let (value, _) = self.bounded(expr, value);
        self.evaluating.borrow_mut().remove(name);
        let v = (value, origin);
        self.memo.borrow_mut().insert(name.to_string(), v.clone());
        Some(v)
    }

    fn call(&self, expr: &Expr, name: &str, args: &[Expr]) -> (Value, Option<Origin>) {
        let mut origin = None;
        let values: Vec<Value> = args
            .iter()
            .map(|a| {
                let (v, o) = self.eval(a);
                origin = origin.take().or(o);
                v
            })
            .collect();
        let result = if values.iter().any(is_unknown) {
            None
        } else {
            function(name, &values)
        };
        (result.unwrap_or_else(|| unknown(expr.text())), origin)
    }
}

enum Measure {
    /// The value's size in bytes (strings and keys at their length, anything else at 8).
    Fits(usize),
    TooLarge,
    TooDeep,
}

/// How large and deep `value` is, walking at most `limit` bytes' worth of it.
fn measure(value: &Value, limit: usize) -> Measure {
    let mut bytes = 0usize;
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_NESTING {
            return Measure::TooDeep;
        }
        bytes = bytes.saturating_add(8);
        match v {
            Value::String(s) => bytes = bytes.saturating_add(s.len()),
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(m) => {
                for (k, i) in m {
                    bytes = bytes.saturating_add(k.len());
                    stack.push((i, depth + 1));
                }
            }
            _ => {}
        }
        if bytes > limit {
            return Measure::TooLarge;
        }
    }
    Measure::Fits(bytes)
}

/// The pure functions vigie evaluates; `None` for any other, or for arguments it does not take.
fn function(name: &str, args: &[Value]) -> Option<Value> {
    let one = || match args {
        [v] => Some(v),
        _ => None,
    };
    let text = |f: fn(&str) -> String| -> Option<Value> {
        match one()? {
            Value::String(s) => Some(Value::String(f(s))),
            _ => None,
        }
    };
    match name {
        "tostring" => to_string(one()?).map(Value::String),
        "tonumber" => match one()? {
            Value::Number(n) => Some(Value::Number(n.clone())),
            Value::String(s) => s.trim().parse::<i64>().ok().map(Value::from).or_else(|| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
            }),
            _ => None,
        },
        "tobool" => match one()? {
            Value::Bool(b) => Some(Value::Bool(*b)),
            Value::String(s) if s == "true" => Some(Value::Bool(true)),
            Value::String(s) if s == "false" => Some(Value::Bool(false)),
            _ => None,
        },
        "tolist" => match one()? {
            Value::Array(a) => Some(Value::Array(a.clone())),
            _ => None,
        },
        "toset" => match one()? {
            Value::Array(a) => {
                let mut out: Vec<Value> = Vec::with_capacity(a.len());
                for v in a {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
                Some(Value::Array(out))
            }
            _ => None,
        },
        "lower" => text(str::to_lowercase),
        "upper" => text(str::to_uppercase),
        "trimspace" => text(|s| s.trim().to_string()),
        "join" => match args {
            [Value::String(sep), lists @ ..] if !lists.is_empty() => {
                let mut items = Vec::new();
                for list in lists {
                    for v in list.as_array()? {
                        items.push(to_string(v)?);
                    }
                }
                Some(Value::String(items.join(sep)))
            }
            _ => None,
        },
        "concat" => {
            let mut out = Vec::new();
            for list in args {
                out.extend(list.as_array()?.iter().cloned());
            }
            Some(Value::Array(out))
        }
        "merge" => {
            let mut out = Map::new();
            for m in args {
                match m {
                    Value::Object(o) => out.extend(o.clone()),
                    Value::Null => {}
                    _ => return None,
                }
            }
            Some(Value::Object(out))
        }
        _ => None,
    }
}

/// A primitive value as Terraform writes it into a string; `None` for anything else.
pub fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::source::terraform::syntax::parse_hcl;
    use crate::text::SourceFile;

    fn eval_attr(src: &str, vars: &[(&str, Value)]) -> Value {
        let file = SourceFile::new("t.tf".into(), "t.tf".into(), src.to_string());
        let body = parse_hcl(&file).unwrap();
        let locals: HashMap<&str, &Expr> = body
            .blocks
            .iter()
            .filter(|b| b.ident == "locals")
            .flat_map(|b| b.body.attrs.iter().map(|a| (a.name.as_str(), &a.value)))
            .collect();
        let vars = vars
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    VarValue {
                        value: v.clone(),
                        origin: Origin::Default {
                            name: Some(k.to_string()),
                        },
                    },
                )
            })
            .collect();
        let scope = Scope::new(vars, locals);
        let attr = body.attrs.iter().find(|a| a.name == "x").unwrap();
        scope.eval(&attr.value).0
    }

    #[test]
    fn literals_templates_and_references() {
        assert_eq!(eval_attr("x = 22", &[]), Value::from(22));
        assert_eq!(
            eval_attr(
                "x = \"https://${var.host}:8006\"",
                &[("host", "pve".into())]
            ),
            Value::from("https://pve:8006")
        );
        assert_eq!(
            eval_attr(
                "locals {\n  a = var.p\n  b = local.a\n}\nx = local.b",
                &[("p", 5.into())]
            ),
            Value::from(5)
        );
        assert_eq!(
            eval_attr(
                "x = var.cfg.ports[1]",
                &[("cfg", serde_json::json!({"ports": [80, 443]}))]
            ),
            Value::from(443)
        );
        assert_eq!(
            eval_attr("x = join(\",\", toset([\"a\", \"b\", \"a\"]))", &[]),
            Value::from("a,b")
        );
        assert_eq!(
            eval_attr("x = <<-EOT\n    hello\n      world\n    EOT\n", &[]),
            Value::from("hello\n  world\n")
        );
    }

    #[test]
    fn what_cannot_be_known_is_unknown() {
        assert_eq!(
            eval_attr("x = aws_instance.web.id", &[]),
            unknown("aws_instance.web.id")
        );
        assert_eq!(eval_attr("x = var.missing", &[]), unknown("var.missing"));
        assert_eq!(
            eval_attr("x = \"${each.value}-a\"", &[]),
            unknown("\"${each.value}-a\"")
        );
        assert_eq!(
            eval_attr("x = file(\"id_rsa\")", &[]),
            unknown("file(\"id_rsa\")")
        );
        assert_eq!(
            eval_attr("x = var.a ? 1 : 2", &[("a", true.into())]),
            unknown("var.a ? 1 : 2")
        );
        assert_eq!(
            eval_attr(
                "locals {\n  a = local.b\n  b = local.a\n}\nx = local.a",
                &[]
            ),
            unknown("local.a")
        );
    }
}
