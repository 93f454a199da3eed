//! Terraform's two syntaxes (native HCL and JSON) read into one small tree of blocks, arguments and
//! unevaluated expressions, every node with its span.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Body as HclBody, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use crate::document::Span;
use crate::limits::MAX_EXPRESSION_DEPTH;
use crate::problem::{Level, Problem};
use crate::source::yaml::{self, Located, Value as YamlValue};
use crate::text::{SourceFile, TextRange};

#[derive(Debug, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

#[derive(Debug)]
pub struct Attr {
    pub name: String,
    /// The whole argument (`name = value`); a finding shows its first line.
    pub span: Span,
    pub value: Expr,
}

#[derive(Debug)]
pub struct Block {
    pub ident: String,
    pub labels: Vec<String>,
    /// The header: `resource "x" "y"`.
    pub header: Span,
    pub body: Body,
}

/// An expression, not yet evaluated.
#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
    Template(Vec<Part>),
    List(Vec<Expr>),
    /// Object fields: key, key span, value.
    Object(Vec<(String, Span, Expr)>),
    /// `root.a[0].b`: a variable with its traversal.
    Ref(String, Vec<Op>),
    Call(String, Vec<Expr>),
    /// What vigie does not evaluate (operators, conditionals, `for`, splats, directives).
    Opaque,
}

#[derive(Debug)]
pub enum Part {
    Lit(String),
    Expr(Expr),
}

#[derive(Debug)]
pub enum Op {
    Attr(String),
    Index(Expr),
}

impl Expr {
    /// The source text of the expression, for `{"unknown": ...}`.
    pub fn text(&self) -> String {
        const MAX: usize = 200;
        let text = self
            .span
            .file
            .text
            .get(self.span.range.start as usize..self.span.range.end as usize);
        let text = text.unwrap_or_default().trim();
        match text.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
            None => text.to_string(),
        }
    }
}

/// Spans for a file: HCL nodes carry their own; nodes inside a JSON string all get the string's.
struct Spans {
    file: Arc<SourceFile>,
    fixed: Option<TextRange>,
    /// Blocks and expressions open around the node being converted.
    depth: Cell<usize>,
    /// Where nesting first went past [`MAX_EXPRESSION_DEPTH`].
    too_deep: RefCell<Option<Span>>,
}

impl Spans {
    fn new(file: Arc<SourceFile>, fixed: Option<TextRange>) -> Self {
        Self {
            file,
            fixed,
            depth: Cell::new(0),
            too_deep: RefCell::new(None),
        }
    }

    /// Run `f` one level deeper, or record the place and return `None` past the limit.
    fn nested<T>(&self, at: Option<std::ops::Range<usize>>, f: impl FnOnce() -> T) -> Option<T> {
        if self.depth.get() >= MAX_EXPRESSION_DEPTH {
            let mut deep = self.too_deep.borrow_mut();
            if deep.is_none() {
                *deep = Some(self.of(at));
            }
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let out = f();
        self.depth.set(self.depth.get() - 1);
        Some(out)
    }

    /// The problem of a file nested too deep, if it was.
    fn check(&self) -> Result<(), Problem> {
        match self.too_deep.borrow_mut().take() {
            Some(span) => Err(Problem::at(
                Level::Error,
                span,
                format!("blocks and expressions nest deeper than {MAX_EXPRESSION_DEPTH} levels"),
            )),
            None => Ok(()),
        }
    }

    fn of(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let range = self.fixed.unwrap_or_else(|| match range {
            Some(r) => TextRange::new(to_u32(r.start), to_u32(r.end)),
            None => TextRange::empty(0),
        });
        Span::new(self.file.clone(), range)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parse a native-syntax file (`.tf`, `.tfvars`).
pub fn parse_hcl(file: &Arc<SourceFile>) -> Result<Body, Problem> {
    let body = hcl_edit::parser::parse_body(&file.text).map_err(|e| {
        let at = to_u32(e.location().offset().min(file.text.len()));
        Problem::at(
            Level::Error,
            Span::new(file.clone(), TextRange::empty(at)),
            format!("HCL syntax error: {}", first_line(e.message())),
        )
    })?;
    let spans = Spans::new(file.clone(), None);
    let body = convert_body(&body, &spans);
    spans.check()?;
    Ok(body)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

fn convert_body(body: &HclBody, spans: &Spans) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(a) => out.attrs.push(Attr {
                name: a.key.as_str().to_string(),
                span: spans.of(a.span()),
                value: convert_expr(&a.value, spans),
            }),
            Structure::Block(b) => {
                let start = b.ident.span().map(|r| r.start);
                let end = b
                    .labels
                    .last()
                    .and_then(|l| l.span())
                    .or_else(|| b.ident.span())
                    .map(|r| r.end);
                let header = match (start, end) {
                    (Some(s), Some(e)) => spans.of(Some(s..e)),
                    _ => spans.of(b.span()),
                };
                out.blocks.push(Block {
                    ident: b.ident.as_str().to_string(),
                    labels: b
                        .labels
                        .iter()
                        .map(|l| match l {
                            BlockLabel::Ident(i) => i.as_str().to_string(),
                            BlockLabel::String(s) => s.as_str().to_string(),
                        })
                        .collect(),
                    header,
                    body: spans
                        .nested(b.span(), || convert_body(&b.body, spans))
                        .unwrap_or_default(),
                });
            }
        }
    }
    out
}

fn convert_expr(expr: &Expression, spans: &Spans) -> Expr {
    spans
        .nested(expr.span(), || convert_nested(expr, spans))
        .unwrap_or_else(|| Expr {
            kind: ExprKind::Opaque,
            span: spans.of(expr.span()),
        })
}

fn convert_nested(expr: &Expression, spans: &Spans) -> Expr {
    let span = spans.of(expr.span());
    let kind = match expr {
        Expression::Null(_) => ExprKind::Null,
        Expression::Bool(b) => ExprKind::Bool(*b.value()),
        Expression::Number(n) => {
            let n = n.value();
            let num = n
                .as_i64()
                .map(serde_json::Number::from)
                .or_else(|| n.as_u64().map(serde_json::Number::from))
                .or_else(|| n.as_f64().and_then(serde_json::Number::from_f64));
            num.map_or(ExprKind::Opaque, ExprKind::Number)
        }
        Expression::String(s) => ExprKind::Str(s.value().clone()),
        Expression::Array(a) => ExprKind::List(a.iter().map(|e| convert_expr(e, spans)).collect()),
        Expression::Object(o) => {
            let mut fields = Vec::new();
            for (key, value) in o.iter() {
                let name = match key {
                    ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                    ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
                    ObjectKey::Expression(Expression::Variable(v)) => Some(v.as_str().to_string()),
                    ObjectKey::Expression(_) => None,
                };
                let Some(name) = name else {
                    return Expr {
                        kind: ExprKind::Opaque,
                        span,
                    };
                };
                // The field's span runs from its key to the end of its value.
                let start = key.span().map(|r| r.start);
                let end = value.expr().span().map(|r| r.end);
                let field_span = match (start, end) {
                    (Some(s), Some(e)) => spans.of(Some(s..e)),
                    _ => spans.of(key.span()),
                };
                fields.push((name, field_span, convert_expr(value.expr(), spans)));
            }
            ExprKind::Object(fields)
        }
        Expression::StringTemplate(t) => template(t, spans),
        // The parser already strips the indentation of `<<-EOT` heredocs.
        Expression::HeredocTemplate(h) => template(&h.template, spans),
        Expression::Parenthesis(p) => return convert_expr(p.inner(), spans),
        Expression::Variable(v) => ExprKind::Ref(v.as_str().to_string(), Vec::new()),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return Expr {
                    kind: ExprKind::Opaque,
                    span,
                };
            };
            let mut ops = Vec::new();
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(name) => {
                        ops.push(Op::Attr(name.as_str().to_string()))
                    }
                    TraversalOperator::Index(e) => ops.push(Op::Index(convert_expr(e, spans))),
                    TraversalOperator::LegacyIndex(i) => ops.push(Op::Index(Expr {
                        kind: ExprKind::Number(serde_json::Number::from(*i.value())),
                        span: span.clone(),
                    })),
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        return Expr {
                            kind: ExprKind::Opaque,
                            span,
                        }
                    }
                }
            }
            ExprKind::Ref(root.as_str().to_string(), ops)
        }
        Expression::FuncCall(f) => {
            if !f.name.namespace.is_empty() || f.args.expand_final() {
                ExprKind::Opaque
            } else {
                ExprKind::Call(
                    f.name.name.as_str().to_string(),
                    f.args.iter().map(|e| convert_expr(e, spans)).collect(),
                )
            }
        }
        Expression::Conditional(_)
        | Expression::UnaryOp(_)
        | Expression::BinaryOp(_)
        | Expression::ForExpr(_) => ExprKind::Opaque,
    };
    Expr { kind, span }
}

fn template(t: &Template, spans: &Spans) -> ExprKind {
    let mut parts = Vec::new();
    for element in t.iter() {
        match element {
            Element::Literal(s) => parts.push(Part::Lit(s.value().clone())),
            Element::Interpolation(i) => parts.push(Part::Expr(convert_expr(&i.expr, spans))),
            Element::Directive(d) => match **d {
                Directive::If(_) | Directive::For(_) => return ExprKind::Opaque,
            },
        }
    }
    ExprKind::Template(parts)
}

/// Parse a JSON-syntax file (`.tf.json`, `.tfvars.json`): the top-level object read as a body.
pub fn parse_json(file: &Arc<SourceFile>) -> Result<Body, Problem> {
    let root = yaml::parse(file).map_err(|e| {
        Problem::at(
            Level::Error,
            Span::new(file.clone(), e.range),
            format!("JSON syntax error: {}", e.message),
        )
    })?;
    let Some(entries) = root.entries() else {
        return Err(Problem::at(
            Level::Error,
            root.span.clone(),
            "a Terraform JSON file must hold an object at the top level",
        ));
    };
    let mut body = Body::default();
    for entry in entries.iter().filter(|e| e.key != "//") {
        json_top_level(&entry.key, &entry.key_span, &entry.value, &mut body);
    }
    Ok(body)
}

/// JSON's top level: `{"resource": {"type": {"name": {...}}}}` are blocks with labels; a block
/// type may also hold a list of such objects.
fn json_top_level(key: &str, key_span: &Span, value: &Located, body: &mut Body) {
    let labels = match key {
        "resource" | "data" => 2,
        "provider" | "module" | "variable" | "output" | "check" => 1,
        "terraform" | "locals" | "moved" | "import" | "removed" => 0,
        _ => {
            body.attrs.push(Attr {
                name: key.to_string(),
                span: key_span.clone(),
                value: json_expr(value),
            });
            return;
        }
    };
    json_blocks(key, labels, Vec::new(), key_span, value, body);
}

fn json_blocks(
    ident: &str,
    labels_left: usize,
    labels: Vec<String>,
    header: &Span,
    value: &Located,
    out: &mut Body,
) {
    match &value.value {
        YamlValue::Seq(items) => {
            for item in items {
                json_blocks(ident, labels_left, labels.clone(), header, item, out);
            }
        }
        YamlValue::Map(entries) if labels_left > 0 => {
            for e in entries.iter().filter(|e| e.key != "//") {
                let mut l = labels.clone();
                l.push(e.key.clone());
                json_blocks(ident, labels_left - 1, l, &e.key_span, &e.value, out);
            }
        }
        YamlValue::Map(_) => out.blocks.push(Block {
            ident: ident.to_string(),
            labels,
            header: header.clone(),
            body: json_body(value),
        }),
        _ => {}
    }
}

/// A block body in JSON: every property is an argument (JSON cannot tell a nested block from an
/// object argument without the provider's schema).
fn json_body(value: &Located) -> Body {
    let mut body = Body::default();
    for e in value
        .entries()
        .unwrap_or_default()
        .iter()
        .filter(|e| e.key != "//")
    {
        body.attrs.push(Attr {
            name: e.key.clone(),
            span: e.key_span.clone(),
            value: json_expr(&e.value),
        });
    }
    body
}

fn json_expr(value: &Located) -> Expr {
    let span = value.span.clone();
    let kind = match &value.value {
        YamlValue::Null => ExprKind::Null,
        YamlValue::Bool(b) => ExprKind::Bool(*b),
        YamlValue::Int(i) => ExprKind::Number((*i).into()),
        YamlValue::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(ExprKind::Opaque, ExprKind::Number)
        }
        YamlValue::Str(s) => json_string(s, &span),
        YamlValue::Unknown(_) => ExprKind::Opaque,
        YamlValue::Seq(items) => ExprKind::List(items.iter().map(json_expr).collect()),
        YamlValue::Map(entries) => ExprKind::Object(
            entries
                .iter()
                .filter(|e| e.key != "//")
                .map(|e| (e.key.clone(), e.key_span.clone(), json_expr(&e.value)))
                .collect(),
        ),
    };
    Expr { kind, span }
}

/// A JSON string is a template: `"${var.x}"`.
fn json_string(s: &str, span: &Span) -> ExprKind {
    if !s.contains("${") && !s.contains("%{") {
        return ExprKind::Str(s.to_string());
    }
    match hcl_edit::parser::parse_template(s) {
        Ok(t) => {
            let spans = Spans::new(span.file.clone(), Some(span.range));
            template(&t, &spans)
        }
        Err(_) => ExprKind::Opaque,
    }
}
