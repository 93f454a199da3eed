//! Which compose service a container was created from, for `docker.container-drift`.
//!
//! docker compose labels each container it creates with its project, its service, the project's
//! working directory and its compose files (`com.docker.compose.project.config_files`, absolute
//! paths with compose v2, relative to the working directory with v1), paths on the host the
//! container runs on. The scanned tree holds the same files at other places, so a container is
//! matched to the scanned compose file whose path ends with the longest run of the same trailing
//! components as its first compose file's (at least the file name and its directory:
//! `/srv/app/compose.yaml` matches `deploy/app/compose.yaml`, not `deploy/other/compose.yaml`).
//! When several files match equally well, the one nearest the recorded dump wins (a fixture
//! folder holding a dump and its compose file); otherwise the container is not compared and a
//! warning names the candidates.
//!
//! The matched file is loaded by the compose source (interpolation, overrides, long syntax), and
//! the service's settings are put beside the container, normalized so that a rule compares them
//! directly with the inspect output:
//! `{"file", "line", "project", "service", "image", "privileged", "cap_add", "cap_drop",
//! "volumes": [{"type", "source", "target", "read_only"}]}`, or `{"file", "line", "project",
//! "service", "missing": true}` when the file no longer has that service. Bind sources are made
//! absolute against the container's working directory label, named volumes get the name compose
//! gives them (`<project>_<name>`, or their `name:`, or their own name when `external`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::document::Span;
use crate::problem::{Level, Problem};
use crate::source::{compose, normalize_path, Context, Unit};

const PROJECT: &str = "com.docker.compose.project";
const SERVICE: &str = "com.docker.compose.service";
const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
const ONEOFF: &str = "com.docker.compose.oneoff";

/// The compose files a run scanned, that containers are compared with.
#[derive(Debug, Clone, Default)]
pub struct ComposeFiles {
    files: Vec<PathBuf>,
    /// A recorded dump's path: breaks ties between equally good matches.
    near: Option<PathBuf>,
}

impl ComposeFiles {
    /// `files`: compose files (as discovered; overrides are found beside their base file).
    /// `near`: the recorded dump the containers come from, if any.
    pub fn new(files: Vec<PathBuf>, near: Option<PathBuf>) -> Self {
        Self { files, near }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Add `containers[i].compose` to each container created by compose whose compose file is
    /// among these files. `span_of(i)` is where container `i` is written (for warnings).
    pub fn annotate(
        &self,
        containers: &mut [Value],
        ctx: &Context,
        problems: &mut Vec<Problem>,
        span_of: &dyn Fn(usize) -> Span,
    ) {
        if self.files.is_empty() {
            return;
        }
        let units = compose::units(self.files.clone());
        let candidates: Vec<(PathBuf, &Unit)> = units
            .iter()
            .filter_map(|u| Some((absolute(u.files.first()?, ctx), u)))
            .collect();
        let near = self.near.as_ref().map(|n| absolute(n, ctx));
        let mut loaded: HashMap<usize, Option<Service>> = HashMap::new();
        for (i, container) in containers.iter_mut().enumerate() {
            let Some(labels) = Labels::of(container) else {
                continue;
            };
            let Some(wanted) = labels.config_file() else {
                continue;
            };
            let best = match best_match(&wanted, &candidates, near.as_deref()) {
                Match::One(idx) => idx,
                Match::None => continue,
                Match::Tie(tied) => {
                    let names: Vec<String> = tied
                        .iter()
                        .filter_map(|&t| candidates.get(t))
                        .filter_map(|(_, u)| u.files.first())
                        .map(|f| ctx.display(f))
                        .collect();
                    problems.push(Problem::at(
                        Level::Warning,
                        span_of(i),
                        format!(
                            "container {} (compose file {}) matches several scanned compose files equally ({}); not compared with any",
                            labels.name,
                            wanted.display(),
                            names.join(", ")
                        ),
                    ));
                    continue;
                }
            };
            let Some((_, unit)) = candidates.get(best) else {
                continue;
            };
            let services = loaded
                .entry(best)
                .or_insert_with(|| Service::load(unit, ctx));
            let Some(services) = services else {
                problems.push(Problem::at(
                    Level::Warning,
                    span_of(i),
                    format!(
                        "container {}: its compose file {} could not be read; not compared",
                        labels.name,
                        unit.files
                            .first()
                            .map(|f| ctx.display(f))
                            .unwrap_or_default()
                    ),
                ));
                continue;
            };
            let annotation = services.describe(&labels);
            if let Value::Object(obj) = container {
                obj.insert("compose".into(), annotation);
            }
        }
    }
}

/// The compose labels of a container.
struct Labels {
    name: String,
    project: String,
    service: String,
    working_dir: Option<String>,
    config_files: Option<String>,
}

impl Labels {
    fn of(container: &Value) -> Option<Self> {
        let labels = container.pointer("/Config/Labels")?.as_object()?;
        let get = |k: &str| labels.get(k).and_then(Value::as_str).map(str::to_string);
        if get(ONEOFF).is_some_and(|o| o.eq_ignore_ascii_case("true")) {
            // `docker compose run`: a one-off container, not the service as deployed.
            return None;
        }
        let name = container
            .get("Name")
            .and_then(Value::as_str)
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_default();
        Some(Self {
            name,
            project: get(PROJECT)?,
            service: get(SERVICE)?,
            working_dir: get(WORKING_DIR).filter(|w| !w.is_empty()),
            config_files: get(CONFIG_FILES).filter(|c| !c.is_empty()),
        })
    }

    /// The first compose file, absolute on the container's host when the labels allow.
    fn config_file(&self) -> Option<PathBuf> {
        let first = self.config_files.as_deref()?.split(',').next()?.trim();
        if first.is_empty() {
            return None;
        }
        let path = Path::new(first);
        Some(match (&self.working_dir, path.is_absolute()) {
            (Some(wd), false) => normalize_path(&Path::new(wd).join(path)),
            _ => normalize_path(path),
        })
    }
}

fn absolute(path: &Path, ctx: &Context) -> PathBuf {
    normalize_path(&ctx.cwd.join(path))
}

fn names(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// How many trailing components two paths share.
fn common_suffix(a: &[String], b: &[String]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

enum Match {
    None,
    One(usize),
    Tie(Vec<usize>),
}

/// The candidate whose path ends like `wanted` over the most components (two at least), ties
/// broken by nearness to `near`.
fn best_match(wanted: &Path, candidates: &[(PathBuf, &Unit)], near: Option<&Path>) -> Match {
    let wanted = names(wanted);
    let scored: Vec<(usize, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(i, (path, _))| (i, common_suffix(&wanted, &names(path))))
        .filter(|&(_, score)| score >= 2)
        .collect();
    let Some(top) = scored.iter().map(|&(_, s)| s).max() else {
        return Match::None;
    };
    let mut best: Vec<usize> = scored
        .iter()
        .filter(|&&(_, s)| s == top)
        .map(|&(i, _)| i)
        .collect();
    if best.len() > 1 {
        if let Some(near) = near {
            let near = names(near);
            let closeness = |i: &usize| {
                candidates
                    .get(*i)
                    .map_or(0, |(p, _)| common_prefix(&near, &names(p)))
            };
            let closest = best.iter().map(closeness).max().unwrap_or(0);
            best.retain(|i| closeness(i) == closest);
        }
    }
    match best.as_slice() {
        [one] => Match::One(*one),
        _ => Match::Tie(best),
    }
}

/// A loaded compose file: its services and top-level volumes as the compose source normalized
/// them.
struct Service {
    display: String,
    doc: crate::document::Document,
}

impl Service {
    fn load(unit: &Unit, ctx: &Context) -> Option<Self> {
        let loaded = compose::load(unit, ctx);
        let doc = loaded.documents.into_iter().next()?;
        Some(Self {
            display: doc.path.clone(),
            doc,
        })
    }

    fn line(&self, path: &[&str]) -> u32 {
        let path: Vec<String> = path.iter().map(|s| (*s).to_string()).collect();
        let span = self.doc.locate(&path);
        span.file.line_col(span.range.start).line
    }

    fn describe(&self, labels: &Labels) -> Value {
        let mut out = Map::new();
        out.insert("file".into(), self.display.clone().into());
        out.insert("project".into(), labels.project.clone().into());
        out.insert("service".into(), labels.service.clone().into());
        let svc = self
            .doc
            .doc
            .get("services")
            .and_then(|s| s.get(&labels.service))
            .and_then(Value::as_object);
        let Some(svc) = svc else {
            out.insert("line".into(), self.line(&["services"]).into());
            out.insert("missing".into(), true.into());
            return Value::Object(out);
        };
        out.insert(
            "line".into(),
            self.line(&["services", &labels.service]).into(),
        );
        let field = |k: &str| svc.get(k).cloned().unwrap_or(Value::Null);
        out.insert("image".into(), field("image"));
        out.insert(
            "privileged".into(),
            svc.get("privileged").cloned().unwrap_or(false.into()),
        );
        out.insert("cap_add".into(), list(svc.get("cap_add")));
        out.insert("cap_drop".into(), list(svc.get("cap_drop")));
        let volumes: Vec<Value> = svc
            .get("volumes")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(|m| self.mount(m, labels)).collect())
            .unwrap_or_default();
        out.insert("volumes".into(), Value::Array(volumes));
        Value::Object(out)
    }

    /// A compose volume item as the daemon shows the mount: bind sources absolute, named volumes
    /// with the name compose gives them. tmpfs and other mounts are left out.
    fn mount(&self, item: &Value, labels: &Labels) -> Option<Value> {
        let item = item.as_object()?;
        let kind = item.get("type").and_then(Value::as_str).unwrap_or("volume");
        let target = item.get("target")?.clone();
        let read_only = item.get("read_only").and_then(Value::as_bool) == Some(true);
        let source = item.get("source");
        let source = match (kind, source) {
            ("bind", Some(Value::String(s))) => {
                let p = Path::new(s);
                match &labels.working_dir {
                    Some(wd) if !p.is_absolute() && !s.starts_with('~') => {
                        Value::String(normalize_path(&Path::new(wd).join(p)).display().to_string())
                    }
                    _ => Value::String(s.clone()),
                }
            }
            ("volume", Some(Value::String(s))) => Value::String(self.volume_name(s, labels)),
            ("volume", None) => Value::String(String::new()),
            ("bind" | "volume", Some(other)) => other.clone(),
            _ => return None,
        };
        Some(json!({"type": kind, "source": source, "target": target, "read_only": read_only}))
    }

    fn volume_name(&self, name: &str, labels: &Labels) -> String {
        let declared = self
            .doc
            .doc
            .get("volumes")
            .and_then(|v| v.get(name))
            .and_then(Value::as_object);
        if let Some(d) = declared {
            if let Some(n) = d.get("name").and_then(Value::as_str) {
                return n.to_string();
            }
            let external = d.get("external");
            if external.and_then(Value::as_bool) == Some(true) {
                return name.to_string();
            }
            if let Some(n) = external.and_then(|e| e.get("name")).and_then(Value::as_str) {
                return n.to_string();
            }
        }
        format!("{}_{name}", labels.project)
    }
}

fn list(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Array(a)) => Value::Array(a.clone()),
        _ => Value::Array(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{SourceFile, TextRange};

    fn unit(p: &str) -> Unit {
        Unit {
            kind: crate::document::Kind::Compose,
            files: vec![PathBuf::from(p)],
        }
    }

    #[test]
    fn matches_the_longest_common_tail_of_at_least_two_components() {
        let a = unit("/scan/deploy/app/compose.yaml");
        let b = unit("/scan/deploy/other/compose.yaml");
        let c = unit("/scan/compose.yaml");
        let cands = vec![
            (a.files[0].clone(), &a),
            (b.files[0].clone(), &b),
            (c.files[0].clone(), &c),
        ];
        assert!(matches!(
            best_match(Path::new("/srv/app/compose.yaml"), &cands, None),
            Match::One(0)
        ));
        assert!(matches!(
            best_match(Path::new("/srv/x/compose.yaml"), &cands, None),
            Match::None
        ));
        let d = unit("/scan/old/app/compose.yaml");
        let cands = vec![(a.files[0].clone(), &a), (d.files[0].clone(), &d)];
        assert!(matches!(
            best_match(Path::new("/srv/app/compose.yaml"), &cands, None),
            Match::Tie(_)
        ));
        assert!(matches!(
            best_match(
                Path::new("/srv/app/compose.yaml"),
                &cands,
                Some(Path::new("/scan/old/web.docker-inspect.json"))
            ),
            Match::One(1)
        ));
    }

    #[test]
    fn relative_config_files_are_joined_to_the_working_dir() {
        let l = Labels::of(&json!({"Name": "/app_web_1", "Config": {"Labels": {
            PROJECT: "app", SERVICE: "web", WORKING_DIR: "/srv/app",
            CONFIG_FILES: "docker-compose.yml,docker-compose.override.yml"
        }}}))
        .unwrap();
        assert_eq!(l.name, "app_web_1");
        assert_eq!(
            l.config_file().unwrap(),
            PathBuf::from("/srv/app/docker-compose.yml")
        );
        assert!(Labels::of(&json!({"Config": {"Labels": {
            PROJECT: "app", SERVICE: "web", ONEOFF: "True"
        }}}))
        .is_none());
    }

    #[test]
    fn annotates_with_normalized_service_settings() {
        let (dir, _) = crate::source::load_written(
            crate::document::Kind::Compose,
            &[(
                "deploy/app/compose.yaml",
                "services:\n  web:\n    image: nginx:1\n    cap_drop: [ALL]\n    volumes:\n      - ./data:/data:ro\n      - cache:/cache\n      - type: tmpfs\n        target: /tmp\nvolumes:\n  cache: {}\n",
            )],
        );
        let ctx = Context::new(dir.path().to_path_buf());
        let files = ComposeFiles::new(vec![dir.path().join("deploy/app/compose.yaml")], None);
        let mut containers = vec![
            json!({"Name": "/app-web-1", "Config": {"Labels": {
                PROJECT: "app", SERVICE: "web", WORKING_DIR: "/srv/app",
                CONFIG_FILES: "/srv/app/compose.yaml"
            }}}),
            json!({"Name": "/app-db-1", "Config": {"Labels": {
                PROJECT: "app", SERVICE: "db", WORKING_DIR: "/srv/app",
                CONFIG_FILES: "/srv/app/compose.yaml"
            }}}),
            json!({"Name": "/other", "Config": {"Labels": {}}}),
        ];
        let file = SourceFile::new("d".into(), "d".into(), String::new());
        let mut problems = Vec::new();
        files.annotate(&mut containers, &ctx, &mut problems, &|_| {
            Span::new(file.clone(), TextRange::empty(0))
        });
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            containers[0]["compose"],
            json!({
                "file": "deploy/app/compose.yaml", "project": "app", "service": "web", "line": 2,
                "image": "nginx:1", "privileged": false, "cap_add": [], "cap_drop": ["ALL"],
                "volumes": [
                    {"type": "bind", "source": "/srv/app/data", "target": "/data", "read_only": true},
                    {"type": "volume", "source": "app_cache", "target": "/cache", "read_only": false}
                ]
            })
        );
        assert_eq!(containers[1]["compose"]["missing"], true);
        assert!(containers[2].get("compose").is_none());
    }
}
