//! Docker containers as `docker inspect` describes them, one `docker` input per daemon:
//! `{"kind": "docker", "host": {"name"}, "containers": [<inspect objects>]}`.
//!
//! The containers come from a live daemon ([`collect_local`], [`collect_ssh`], for `vigie audit`)
//! or from a recorded `docker inspect` dump that `vigie scan` reads like any other file. Either
//! way findings point into a JSON text of the inspect objects: the dump itself, or for a live
//! daemon a virtual file holding them pretty-printed (`ssh://<host>/docker inspect`,
//! `docker://local/docker inspect`), at the line of the offending key.
//!
//! A container that docker compose created and whose compose file is among the scanned files
//! gets that service's settings beside its own (`containers[i].compose`, see [`drift`]), for the
//! drift rule.

mod collect;
pub mod drift;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::document::{Document, Kind, Span};
use crate::problem::{Level, Problem};
use crate::source::yaml;
use crate::source::{Context, Loaded, Unit};
use crate::text::{SourceFile, TextRange};

pub use collect::{
    collect_local, collect_ssh, inspect_script, local_socket, parse_inspect, Collected,
    DockerError, Via, DEFAULT_SOCKET,
};

/// How a recorded `docker inspect` dump is named: `web1.docker-inspect.json` is host `web1`'s.
pub const DUMP_SUFFIX: &str = ".docker-inspect.json";

/// The name a dump without a host part (`docker-inspect.json`) gives its host.
const DUMP_NAME: &str = "docker-inspect.json";

/// The host name of the local daemon's input.
pub const LOCAL_HOST: &str = "local";

/// The virtual file findings about a remote host's containers point into.
pub fn ssh_display(host: &str) -> String {
    format!("ssh://{host}/docker inspect")
}

/// The virtual file findings about the local daemon's containers point into.
pub fn local_display() -> String {
    format!("docker://{LOCAL_HOST}/docker inspect")
}

/// Whether a file name alone says "recorded docker inspect output".
pub fn matches_name(name: &str) -> bool {
    name == DUMP_NAME || name.ends_with(DUMP_SUFFIX)
}

/// Whether a `.json` file's beginning shows `docker inspect` output: an array whose first item is
/// an object with the `Id`, `State` and `HostConfig` keys of a container.
pub fn sniff(head: &str) -> bool {
    let Some(rest) = head.trim_start().strip_prefix('[') else {
        return false;
    };
    rest.trim_start().starts_with('{')
        && ["\"Id\"", "\"State\"", "\"HostConfig\""]
            .iter()
            .all(|key| head.contains(key))
}

/// Each dump is a unit of its own, followed by the scan's compose files it may be compared with
/// (the unit's first file is the dump).
pub fn units(dumps: Vec<PathBuf>, compose: &[PathBuf]) -> Vec<Unit> {
    dumps
        .into_iter()
        .map(|dump| {
            let mut files = vec![dump];
            files.extend(compose.iter().cloned());
            Unit {
                kind: Kind::Docker,
                files,
            }
        })
        .collect()
}

/// The host a dump describes: `web1` for `web1.docker-inspect.json`, else the file's stem.
fn dump_host(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some(host) = name.strip_suffix(DUMP_SUFFIX).filter(|h| !h.is_empty()) {
        return host.to_string();
    }
    if name == DUMP_NAME {
        return LOCAL_HOST.to_string();
    }
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| LOCAL_HOST.to_string())
}

/// Load a recorded dump (the unit's first file) into a `docker` document.
pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    let Some((dump, compose)) = unit.files.split_first() else {
        return loaded;
    };
    let Some(file) = loaded.read(dump, ctx) else {
        return loaded;
    };
    let compose = drift::ComposeFiles::new(compose.to_vec(), Some(dump.clone()));
    build(&file, &dump_host(dump), &compose, ctx, &mut loaded);
    loaded
}

/// The `docker` document of a live daemon's containers (as [`collect_local`] or [`collect_ssh`]
/// return them) on host `host`; findings point into `display`, a virtual file holding the
/// containers pretty-printed ([`ssh_display`], [`local_display`]). `compose` are the compose
/// files of the audited paths, for `docker.container-drift`.
pub fn document(
    host: &str,
    display: &str,
    containers: &[Value],
    compose: &drift::ComposeFiles,
    ctx: &Context,
) -> Loaded {
    let mut loaded = Loaded::default();
    let printed = Printer::print(containers);
    let file = SourceFile::new(PathBuf::from(display), display.to_string(), printed.out);
    let containers = containers.to_vec();
    assemble(
        &file,
        host,
        containers,
        printed.spans,
        compose,
        ctx,
        &mut loaded,
    );
    loaded
}

/// What `vigie audit` does for one host's Docker: collect its containers through `session`
/// ([`collect_ssh`], the daemon's socket at `socket_path`) and build their document
/// ([`document`], virtual file [`ssh_display`]). A host without Docker gives nothing; a daemon
/// that cannot be read gives a warning (the host's other facts still count), as `vigie audit`
/// reports it.
pub fn audit_ssh(
    session: &ssh2::Session,
    host: &str,
    socket_path: &str,
    timeout: std::time::Duration,
    max_output: usize,
    compose: &drift::ComposeFiles,
    ctx: &Context,
) -> Loaded {
    let display = ssh_display(host);
    match collect_ssh(session, socket_path, timeout, max_output) {
        Ok(collected) => document(host, &display, &collected.containers, compose, ctx),
        Err(DockerError::Absent(_)) => Loaded::default(),
        Err(e) => unreadable(&display, &e, Level::Warning),
    }
}

/// The local daemon's containers ([`collect_local`]) as a document (virtual file
/// [`local_display`], host [`LOCAL_HOST`]); an error when the daemon cannot be read.
pub fn audit_local(
    socket: Option<&str>,
    timeout: std::time::Duration,
    compose: &drift::ComposeFiles,
    ctx: &Context,
) -> Loaded {
    let display = local_display();
    match collect_local(socket, timeout) {
        Ok(containers) => document(LOCAL_HOST, &display, &containers, compose, ctx),
        Err(e) => unreadable(&display, &e, Level::Error),
    }
}

fn unreadable(display: &str, e: &DockerError, level: Level) -> Loaded {
    Loaded {
        documents: Vec::new(),
        problems: vec![Problem {
            level,
            ..Problem::error(display, format!("cannot read the Docker containers: {e}"))
        }],
        ..Loaded::default()
    }
}

/// A recorded dump (or any text of inspect objects) parsed with the position of every node.
fn build(
    file: &Arc<SourceFile>,
    host: &str,
    compose: &drift::ComposeFiles,
    ctx: &Context,
    loaded: &mut Loaded,
) {
    let root = match yaml::parse(file) {
        Ok(r) => r,
        Err(e) => {
            loaded.problems.push(Problem::at(
                Level::Error,
                Span::new(file.clone(), e.range),
                format!("invalid JSON: {}", e.message),
            ));
            return;
        }
    };
    let valid = matches!(&root.value, yaml::Value::Seq(items) if items.iter().all(|i| i.entries().is_some()));
    if !valid {
        loaded.problems.push(Problem::at(
            Level::Error,
            root.span.clone(),
            "docker inspect output must be a JSON array of container objects",
        ));
        return;
    }
    let mut spans = Vec::new();
    let mut path = vec!["containers".to_string()];
    spans.push((path.clone(), root.span.range));
    let containers = root.to_json(&mut path, &mut |p, span, _| {
        spans.push((p.to_vec(), span.range));
    });
    let containers = match containers {
        Value::Array(c) => c,
        _ => Vec::new(),
    };
    assemble(file, host, containers, spans, compose, ctx, loaded);
}

/// The document of `containers` written in `file`, `spans` giving where each node is.
fn assemble(
    file: &Arc<SourceFile>,
    host: &str,
    mut containers: Vec<Value>,
    spans: Vec<(Vec<String>, TextRange)>,
    compose: &drift::ComposeFiles,
    ctx: &Context,
    loaded: &mut Loaded,
) {
    if !compose.is_empty() {
        let starts: std::collections::HashMap<String, TextRange> = spans
            .iter()
            .filter(|(p, _)| p.len() == 2)
            .filter_map(|(p, r)| Some((p.get(1)?.clone(), *r)))
            .collect();
        compose.annotate(&mut containers, ctx, &mut loaded.problems, &|i| {
            let range = starts
                .get(&i.to_string())
                .copied()
                .unwrap_or(TextRange::empty(0));
            Span::new(file.clone(), range)
        });
    }
    // A container's fingerprints follow its name, not its position among the containers.
    let names: Vec<(usize, String)> = containers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.get("Name")?.as_str()?.to_string())))
        .collect();
    let mut input = Map::new();
    let mut host_obj = Map::new();
    host_obj.insert("name".into(), host.into());
    input.insert("host".into(), Value::Object(host_obj));
    input.insert("containers".into(), Value::Array(containers));
    let mut doc = Document::flat(Kind::Docker, file.display.clone(), file.clone(), input);
    doc.record_span(&[], Span::new(file.clone(), TextRange::empty(0)));
    for (p, range) in spans {
        doc.record_span(&p, Span::new(file.clone(), range));
    }
    for (i, name) in names {
        doc.name_item(&["containers".to_string(), i.to_string()], &name);
    }
    loaded.documents.push(doc);
}

/// Inspect objects as a JSON array in `docker inspect`'s layout (four-space indentation), with
/// where each node is written: an object member at its key, a list item at its first character.
/// Writing the text and its positions together spares parsing it back.
struct Printer {
    out: String,
    spans: Vec<(Vec<String>, TextRange)>,
}

impl Printer {
    fn print(containers: &[Value]) -> Self {
        let mut p = Self {
            out: String::with_capacity(containers.len() * 8192),
            spans: Vec::new(),
        };
        let mut path = vec!["containers".to_string()];
        p.mark(&path, p.out.len(), 1);
        p.array(containers, &mut path, 0);
        p.out.push('\n');
        p
    }

    fn mark(&mut self, path: &[String], start: usize, len: usize) {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = start.saturating_add(u32::try_from(len).unwrap_or(0));
        self.spans.push((path.to_vec(), TextRange::new(start, end)));
    }

    fn indent(&mut self, level: usize) {
        self.out.extend(std::iter::repeat_n(' ', level * 4));
    }

    fn value(&mut self, v: &Value, path: &mut Vec<String>, level: usize) {
        match v {
            Value::Array(items) => self.array(items, path, level),
            Value::Object(members) => {
                if members.is_empty() {
                    self.out.push_str("{}");
                    return;
                }
                self.out.push_str("{\n");
                for (n, (key, value)) in members.iter().enumerate() {
                    self.indent(level + 1);
                    let quoted = Value::String(key.clone()).to_string();
                    path.push(key.clone());
                    self.mark(path, self.out.len(), quoted.len());
                    self.out.push_str(&quoted);
                    self.out.push_str(": ");
                    self.value(value, path, level + 1);
                    path.pop();
                    if n + 1 < members.len() {
                        self.out.push(',');
                    }
                    self.out.push('\n');
                }
                self.indent(level);
                self.out.push('}');
            }
            scalar => self.out.push_str(&scalar.to_string()),
        }
    }

    fn array(&mut self, items: &[Value], path: &mut Vec<String>, level: usize) {
        if items.is_empty() {
            self.out.push_str("[]");
            return;
        }
        self.out.push_str("[\n");
        for (i, item) in items.iter().enumerate() {
            self.indent(level + 1);
            path.push(i.to_string());
            let start = self.out.len();
            self.value(item, path, level + 1);
            let len = match item {
                Value::Array(_) | Value::Object(_) => 1,
                _ => self.out.len() - start,
            };
            self.mark(path, start, len);
            path.pop();
            if i + 1 < items.len() {
                self.out.push(',');
            }
            self.out.push('\n');
        }
        self.indent(level);
        self.out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dumps_by_name_and_content() {
        assert!(matches_name("web1.docker-inspect.json"));
        assert!(matches_name("docker-inspect.json"));
        assert!(!matches_name("inspect.json"));
        assert!(sniff(
            "[\n    {\n        \"Id\": \"ab\",\n        \"State\": {},\n        \"HostConfig\": {}\n    }\n]"
        ));
        assert!(!sniff("{\"acls\": []}"));
        assert!(!sniff("[1, 2]"));
        assert!(!sniff("[]"));
    }

    #[test]
    fn dump_host_comes_from_the_file_name() {
        assert_eq!(dump_host(Path::new("x/web1.docker-inspect.json")), "web1");
        assert_eq!(dump_host(Path::new("docker-inspect.json")), "local");
        assert_eq!(dump_host(Path::new("x/prod.json")), "prod");
    }

    #[test]
    fn findings_point_at_the_key_in_the_pretty_printed_inspect() {
        let containers = vec![serde_json::json!({
            "Id": "abc", "Name": "/web",
            "State": {"Running": true},
            "HostConfig": {"Privileged": true, "CapDrop": null},
            "Config": {"Image": "nginx"}
        })];
        let ctx = Context::new(PathBuf::from("/nonexistent"));
        let loaded = document(
            "web1",
            &ssh_display("web1"),
            &containers,
            &drift::ComposeFiles::default(),
            &ctx,
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let doc = &loaded.documents[0];
        assert_eq!(doc.path, "ssh://web1/docker inspect");
        let input = doc.input();
        assert_eq!(input["kind"], "docker");
        assert_eq!(input["host"]["name"], "web1");
        assert_eq!(input["containers"][0]["Id"], "abc");
        let line = |p: &[&str]| {
            let path: Vec<String> = p.iter().map(|s| (*s).to_string()).collect();
            let span = doc.locate(&path);
            let lc = span.file.line_col(span.range.start);
            let text = span.file.text.lines().nth(lc.line as usize - 1).unwrap();
            text.trim().to_string()
        };
        assert_eq!(
            line(&["containers", "0", "HostConfig", "Privileged"]),
            "\"Privileged\": true,"
        );
        assert_eq!(
            line(&["containers", "0", "Config", "Image"]),
            "\"Image\": \"nginx\""
        );
        assert_eq!(
            doc.stable_path(&["containers".into(), "0".into(), "HostConfig".into()]),
            vec!["containers", "=/web", "HostConfig"]
        );
        // A missing key points at its parent's key.
        assert_eq!(
            line(&["containers", "0", "HostConfig", "CapAdd"]),
            "\"HostConfig\": {"
        );
    }

    #[test]
    fn printed_positions_are_where_a_parser_finds_the_nodes() {
        let containers: Vec<Value> = vec![
            serde_json::json!({
                "Id": "a\"b", "Name": "/web", "Args": [], "Labels": {},
                "State": {"Running": true, "Pid": 12},
                "HostConfig": {"CapAdd": ["NET_ADMIN", "SYS_TIME"], "CapDrop": null},
                "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "RW": false}],
                "Config": {"Image": "nginx", "Labels": {"a.b": "é ü"}, "Cmd": [1, 2.5, true]}
            }),
            serde_json::json!({"Id": "c", "Config": {}}),
        ];
        let printed = Printer::print(&containers);
        let reparsed: Value = serde_json::from_str(&printed.out).unwrap();
        assert_eq!(reparsed, Value::Array(containers.clone()));
        let file = SourceFile::new("p".into(), "p".into(), printed.out.clone());
        let root = yaml::parse(&file).unwrap();
        let mut parsed = std::collections::HashMap::new();
        let mut path = vec!["containers".to_string()];
        root.to_json(&mut path, &mut |p, span, _| {
            parsed.insert(p.to_vec(), file.line_col(span.range.start));
        });
        assert!(printed.spans.len() > 20);
        for (path, range) in &printed.spans {
            if path.len() == 1 {
                continue;
            }
            assert_eq!(
                Some(&file.line_col(range.start)),
                parsed.get(path),
                "{path:?}"
            );
        }
        assert_eq!(parsed.len() + 1, printed.spans.len());
    }

    #[test]
    fn a_dump_that_is_not_an_array_of_containers_is_an_error() {
        let ctx = Context::new(PathBuf::from("/nonexistent"));
        let file = SourceFile::new("d.json".into(), "d.json".into(), "{\"a\": 1}\n".into());
        let mut loaded = Loaded::default();
        build(
            &file,
            "h",
            &drift::ComposeFiles::default(),
            &ctx,
            &mut loaded,
        );
        assert!(loaded.documents.is_empty());
        assert!(loaded.problems[0].message.contains("JSON array"));
    }
}
