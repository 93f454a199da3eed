//! Rule documentation, generated from METADATA: `vigie explain`, SARIF `help.markdown` and
//! `docs/rules/` all come from here.

use std::fmt::Write as _;

use crate::policy::Rule;

/// A rule's documentation page in Markdown.
pub fn render(rule: &Rule) -> String {
    let m = &rule.meta;
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}\n", m.id, m.title);
    let _ = writeln!(out, "- Severity: **{}**", m.severity);
    let _ = writeln!(out, "- Input: `{}`", rule.kind);
    let _ = writeln!(out, "- Automatic fix: {}", m.fix.as_str());
    let _ = writeln!(
        out,
        "- Policy: `{}` (package `{}`)\n",
        rule.file.trim_start_matches("builtin:"),
        rule.package
    );
    let _ = writeln!(out, "## Why\n\n{}\n", m.description);
    let _ = writeln!(out, "## How to fix\n\n{}\n", m.remediation);
    let _ = writeln!(
        out,
        "## Suppressing\n\nAdd `# vigie:ignore {} -- <reason>` on the offending line or the line above it, or turn the rule off in `vigie.toml` with `[rules] \"{}\" = \"off\"`.",
        m.id, m.id
    );
    if !m.references.is_empty() {
        out.push_str("\n## References\n\n");
        for r in &m.references {
            let _ = writeln!(out, "- <{r}>");
        }
    }
    out
}

/// The index page listing every rule.
pub fn render_index(rules: &[&Rule]) -> String {
    let mut out = String::from("# Rules\n\nGenerated from each policy's METADATA; `vigie rules` prints the same list.\n\n| id | severity | title |\n|---|---|---|\n");
    for r in rules {
        let _ = writeln!(
            out,
            "| [`{}`]({}.md) | {} | {} |",
            r.meta.id, r.meta.id, r.meta.severity, r.meta.title
        );
    }
    out
}
