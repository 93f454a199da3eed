//! `vigie policy test`: evaluate every `test_*` rule of the loaded policies, OPA-style.

use std::time::{Duration, Instant};

use crate::policy::{PolicyError, PolicySet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Error(String),
}

#[derive(Debug, Clone)]
pub struct TestResult {
    pub package: String,
    pub name: String,
    pub file: String,
    pub outcome: Outcome,
    pub duration: Duration,
}

fn test_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let name: String = l
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            (name.starts_with("test_")
                && l.get(name.len()..)
                    .unwrap_or_default()
                    .trim_start()
                    .starts_with(['i', '{', ':', '=']))
            .then_some(name)
        })
        .collect();
    names.dedup();
    names
}

/// Run the tests of every package that has a `*_test.rego` file (or any `test_` rule).
pub fn run(
    set: &PolicySet,
    config: &serde_json::Value,
    filter: Option<&str>,
) -> Result<Vec<TestResult>, PolicyError> {
    let files: Vec<_> = set.files.iter().collect();
    let engine = super::new_engine(&files, &set.tables, config)?;
    let mut results = Vec::new();
    for f in &set.files {
        for name in test_names(&f.text) {
            if filter.is_some_and(|p| !name.contains(p) && !f.package.contains(p)) {
                continue;
            }
            let mut e = engine.clone();
            e.set_input(regorus::Value::Undefined);
            let started = Instant::now();
            let outcome = match e.eval_rule(format!("data.{}.{}", f.package, name)) {
                Ok(regorus::Value::Bool(true)) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(err) => Outcome::Error(err.to_string()),
            };
            results.push(TestResult {
                package: f.package.clone(),
                name,
                file: f.name.clone(),
                outcome,
                duration: started.elapsed(),
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules() {
        let names = test_names("package p\ntest_a if {\n}\ntest_b := true\nnot_test if {}\ntest_c {\n}\n  test_x if {}\n");
        assert_eq!(names, vec!["test_a", "test_b", "test_c"]);
    }
}
