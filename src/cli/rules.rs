//! `vigie rules` and `vigie explain`.

use std::fmt::Write as _;

use clap::Args;

use crate::cli::{load_policies, report_policy_error, write_stdout, ExitStatus};
use crate::output::escape;
use crate::policy::{docs, PolicySet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    format: RulesFormat,
    /// Also list the rules of the Rego policies in DIR (repeatable).
    #[arg(long, value_name = "DIR")]
    policy: Vec<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id, such as compose.privileged.
    rule_id: String,
    /// Also look in the Rego policies in DIR (repeatable).
    #[arg(long, value_name = "DIR")]
    policy: Vec<std::path::PathBuf>,
}

fn policies(dirs: &[std::path::PathBuf]) -> Result<PolicySet, ExitStatus> {
    load_policies(dirs).map_err(|e| {
        report_policy_error(&e);
        ExitStatus::Error
    })
}

/// Print `text`; human and Markdown text comes from policy files, which may be a stranger's
/// (`--policy DIR`), so their control characters are made visible (JSON escapes its own).
fn emit(text: &str, format: Option<RulesFormat>) -> ExitStatus {
    let text = match format {
        Some(RulesFormat::Json) => std::borrow::Cow::Borrowed(text),
        _ => escape::text(text),
    };
    match write_stdout(|w| w.write_all(text.as_bytes())) {
        Ok(()) => ExitStatus::Success,
        Err(e) => {
            eprintln!("error: {e}");
            ExitStatus::Error
        }
    }
}

pub fn list(args: &RulesArgs) -> ExitStatus {
    let set = match policies(&args.policy) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut rules: Vec<_> = set.rules.iter().map(AsRef::as_ref).collect();
    rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    let text = match args.format {
        RulesFormat::Human => {
            let width = rules.iter().map(|r| r.meta.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for r in &rules {
                let _ = writeln!(
                    out,
                    "{:width$}  {:8}  {}",
                    r.meta.id,
                    r.meta.severity.as_str(),
                    r.meta.title
                );
            }
            let _ = writeln!(
                out,
                "\n{} rules. `vigie explain <id>` prints one rule's documentation.",
                rules.len()
            );
            out
        }
        RulesFormat::Markdown => docs::render_index(&rules),
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.meta.id,
                        "title": r.meta.title,
                        "severity": r.meta.severity.as_str(),
                        "input": r.kind.as_str(),
                        "description": r.meta.description,
                        "remediation": r.meta.remediation,
                        "fix": r.meta.fix.as_str(),
                        "references": r.meta.references,
                        "builtin": r.builtin,
                        "policy": r.file,
                    })
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            )
        }
    };
    emit(&text, Some(args.format))
}

pub fn explain(args: &ExplainArgs) -> ExitStatus {
    let set = match policies(&args.policy) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match set.rule(&args.rule_id) {
        Some(rule) => emit(&docs::render(rule), None),
        None => {
            let wanted = args.rule_id.rsplit('.').next().unwrap_or(&args.rule_id);
            let close: Vec<&str> = set
                .rules
                .iter()
                .map(|r| r.meta.id.as_str())
                .filter(|id| {
                    id.contains(wanted) || wanted.contains(id.rsplit('.').next().unwrap_or(id))
                })
                .collect();
            eprintln!(
                "error: no rule has the id {}",
                escape::line(&format!("{:?}", args.rule_id))
            );
            if !close.is_empty() {
                eprintln!("  did you mean: {}", close.join(", "));
            }
            eprintln!("  `vigie rules` lists every rule.");
            ExitStatus::Error
        }
    }
}
