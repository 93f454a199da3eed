//! Caddyfiles: recognise them by name, read them as Caddy 2 does (imports, snippets, `{$VAR}`
//! from a `.env` file beside them) and hand one document per Caddyfile to the policies, with
//! the facts rules need (TLS, upstreams, auth, headers) derived. The input shape is documented
//! in `docs/caddy-input.md`.

mod doc;
mod env;
mod json;
mod lexer;
mod parser;
mod project;
mod sniff;

pub use json::sniff;
pub use project::contribute;
pub use sniff::sniff_caddyfile;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::document::{Document, Kind};
use crate::problem::{Level, Problem};
use crate::source::skip::{SkipReason, Skipped};
use crate::source::{normalize_path, read_source, Context, Loaded, Unit};

/// Whether a file name alone says "Caddyfile", as it does to Caddy itself: a name that starts
/// with `caddyfile` or ends with `.caddyfile`, in any case (`Caddyfile`, `caddyfile`,
/// `CaddyFile`, `Caddyfile.prod`, `CaddyfileConfig`, `site.Caddyfile`), but not a `.json` one
/// (Caddy's other format, read as `caddy.json` is); nor, unlike Caddy, one whose extension says it
/// is code or another format (`caddyfile.go`, `caddyfile.vim`, `Caddyfile.md`), which nobody hands
/// to Caddy.
pub fn matches_name(name: &str) -> bool {
    if name == "caddy.json" {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    if !(lower.starts_with("caddyfile") || lower.ends_with(".caddyfile")) {
        return false;
    }
    match lower.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => !NOT_CADDYFILE_EXTENSIONS.contains(&ext),
        _ => true,
    }
}

/// Extensions of names that start with `caddyfile` but are not Caddyfiles: Caddy's JSON, source
/// code (a Caddyfile parser or syntax highlighter), documentation and other formats.
const NOT_CADDYFILE_EXTENSIONS: &[&str] = &[
    "json",
    "go",
    "rs",
    "py",
    "js",
    "mjs",
    "cjs",
    "ts",
    "java",
    "kt",
    "rb",
    "php",
    "c",
    "h",
    "cc",
    "cpp",
    "cs",
    "swift",
    "lua",
    "vim",
    "el",
    "nix",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "md",
    "rst",
    "adoc",
    "html",
    "htm",
    "css",
    "xml",
    "yml",
    "yaml",
    "toml",
    "ini",
    "lock",
    "sum",
    "mod",
    "zip",
    "gz",
    "tgz",
    "tar",
    "png",
    "jpg",
    "svg",
    "pdf",
    "tmlanguage",
    "sublime-syntax",
    "orig",
    "rej",
];

/// One unit per Caddyfile. A Caddyfile that another one of the scan imports is read as part of
/// that one, not on its own (it is often a fragment: a list of directives, or sites relying on
/// the importer's snippets).
pub fn units(mut files: Vec<PathBuf>, ctx: &Context) -> Vec<Unit> {
    files.sort();
    files.dedup();
    let index: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (normalize_path(f), i))
        .collect();
    let imports: Vec<Vec<usize>> = files
        .par_iter()
        .map(|f| {
            let imports = if is_json(f) {
                Vec::new()
            } else {
                parser::imported_files(f, ctx)
            };
            imports
                .iter()
                .filter_map(|p| index.get(&normalize_path(p)).copied())
                .collect()
        })
        .collect();
    let imported: HashSet<usize> = imports
        .iter()
        .enumerate()
        .flat_map(|(i, targets)| targets.iter().copied().filter(move |&t| t != i))
        .collect();
    // Roots are the files nobody imports; files only reachable through an import cycle get
    // the first of the cycle as their root.
    let mut covered: HashSet<usize> = HashSet::new();
    let mut roots = BTreeSet::new();
    let visit = |start: usize, covered: &mut HashSet<usize>| {
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if covered.insert(i) {
                stack.extend(imports.get(i).into_iter().flatten().copied());
            }
        }
    };
    for i in (0..files.len()).filter(|i| !imported.contains(i)) {
        roots.insert(i);
        visit(i, &mut covered);
    }
    for i in 0..files.len() {
        if !covered.contains(&i) {
            roots.insert(i);
            visit(i, &mut covered);
        }
    }
    roots
        .into_iter()
        .filter_map(|i| files.get(i).cloned())
        .map(|f| Unit {
            kind: Kind::Caddy,
            files: vec![f],
        })
        .collect()
}

/// The variables of the `.env` file beside the Caddyfile, if there is one (lines that are not
/// `KEY=VALUE` are skipped; the compose source reports them). A `.env` that cannot be read (a
/// link out of the scanned tree) is a warning: the Caddyfile is read without it.
fn read_env(path: &Path, ctx: &Context, problems: &mut Vec<Problem>) -> env::Env {
    let Some(p) = path.parent().map(|d| d.join(".env")) else {
        return env::Env::new();
    };
    if !p.is_file() {
        return env::Env::new();
    }
    match read_source(&p, ctx) {
        Ok(file) => env::parse_dotenv(&file.text).0,
        Err(e) => {
            problems.push(Problem {
                level: Level::Warning,
                ..e
            });
            env::Env::new()
        }
    }
}

/// Caddy's JSON config rather than a Caddyfile.
fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

pub fn load(unit: &Unit, ctx: &Context) -> Loaded {
    let mut loaded = Loaded::default();
    for path in &unit.files {
        let Some(file) = loaded.read(path, ctx) else {
            continue;
        };
        let (value, sink) = if is_json(path) {
            let root = match crate::source::yaml::parse(&file) {
                Ok(r) => r,
                Err(e) => {
                    loaded.problems.push(crate::problem::Problem::at(
                        crate::problem::Level::Error,
                        crate::document::Span::new(file.clone(), e.range),
                        e.message,
                    ));
                    continue;
                }
            };
            if root.entries().is_none() {
                loaded.problems.push(crate::problem::Problem::at(
                    crate::problem::Level::Error,
                    root.span.clone(),
                    "a Caddy JSON config must be an object at the top level",
                ));
                continue;
            }
            json::build(&root)
        } else {
            let env = read_env(path, ctx, &mut loaded.problems);
            let parsed = parser::parse(&file, &env, ctx);
            // A file recognised by its content alone that does not parse is not taken for a
            // broken Caddyfile: it is reported as one that only looked like it.
            let by_content = !path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(matches_name);
            let error = parsed.problems.iter().find(|p| p.level == Level::Error);
            if let (true, Some(e)) = (by_content, error) {
                let at = e
                    .line_col()
                    .map(|lc| format!("line {}: ", lc.line))
                    .unwrap_or_default();
                loaded.skipped.push(Skipped {
                    file: file.display.clone(),
                    kind: Kind::Caddy,
                    reason: SkipReason::Unparsed,
                    detail: format!("{at}{}", e.message),
                });
                continue;
            }
            loaded.problems.extend(parsed.problems);
            let Some(tree) = parsed.file else { continue };
            doc::build(&tree)
        };
        let mut document = Document::new(Kind::Caddy, file, value);
        // A path recorded twice keeps its first span.
        let mut spans: BTreeMap<Vec<String>, crate::document::Span> = BTreeMap::new();
        for (p, s) in sink.spans {
            spans.entry(p).or_insert(s);
        }
        for (p, s) in spans {
            document.record_span(&p, s);
        }
        for (p, o) in sink.origins {
            document.record_origin(&p, &o);
        }
        loaded.documents.push(document);
    }
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
        crate::source::load_written(Kind::Caddy, files)
    }

    fn one(files: &[(&str, &str)]) -> (tempfile::TempDir, Document) {
        let (d, mut l) = load_files(files);
        assert!(
            l.problems.is_empty(),
            "{:?}",
            l.problems.iter().map(|p| &p.message).collect::<Vec<_>>()
        );
        assert_eq!(l.documents.len(), 1);
        (d, l.documents.remove(0))
    }

    fn at(d: &Document, path: &str) -> (String, u32, u32) {
        let path: Vec<String> = path.split('/').map(str::to_string).collect();
        let s = d.locate(&path);
        let lc = s.file.line_col(s.range.start);
        (s.file.display.clone(), lc.line, lc.column)
    }

    fn get<'a>(d: &'a Document, path: &str) -> &'a Value {
        let path: Vec<String> = path.split('/').map(str::to_string).collect();
        d.value_at(&path)
            .unwrap_or_else(|| panic!("no {path:?} in {}", d.doc))
    }

    #[test]
    fn names_as_caddy_reads_them() {
        for n in [
            "Caddyfile",
            "caddyfile",
            "CaddyFile",
            "CADDYFILE",
            "Caddyfile.prod",
            "CaddyfileConfig",
            "caddyfile.txt",
            "site.caddyfile",
            "something.Caddyfile",
            "Caddyfile.j2",
            "caddy.json",
        ] {
            assert!(matches_name(n), "{n}");
        }
        for n in [
            "Caddyfile.json",
            "caddyfile.go",
            "caddyfile_test.go",
            "caddyfile.vim",
            "Caddyfile.md",
            "caddyfile.yml",
            "MyCaddyfile",
            "caddy.yaml",
            "Caddy.json",
        ] {
            assert!(!matches_name(n), "{n}");
        }
    }

    const SITE: &str = "{
	email ops@example.com
}

(secure) {
	header Strict-Transport-Security \"max-age=31536000\"
}

example.com, www.example.com {
	import secure
	@admin path /admin*
	forward_auth @admin authelia:9091 {
		uri /api/verify
	}
	reverse_proxy /api* api:8080 {
		to api2:8080
		transport http {
			tls_insecure_skip_verify
		}
	}
	tls {
		protocols tls1.2 tls1.3
	}
}

http://plain.example.com {
	reverse_proxy app
}
";

    #[test]
    fn the_document() {
        let (_d, d) = one(&[("Caddyfile", SITE)]);
        assert_eq!(d.kind, Kind::Caddy);
        assert_eq!(get(&d, "global/0/name"), &json!("email"));
        assert_eq!(
            get(&d, "sites/0/addresses/1"),
            &json!({"text": "www.example.com", "scheme": null, "host": "www.example.com", "port": null, "path": null, "tls": true})
        );
        let site = get(&d, "sites/0");
        assert_eq!(site["tls"], json!(true));
        assert_eq!(site["automatic_https"], json!(true));
        assert_eq!(site["forward_auth"], json!(true));
        assert_eq!(site["basic_auth"], json!(false));
        assert_eq!(
            site["tls_protocols"],
            json!({"min": "tls1.2", "max": "tls1.3"})
        );
        assert_eq!(
            site["headers"],
            json!([{"name": "Strict-Transport-Security", "op": "set", "value": "max-age=31536000", "deferred": false}])
        );
        assert_eq!(
            site["matchers"],
            json!({"admin": [{"name": "path", "args": ["/admin*"], "block": []}]})
        );
        let ups = site["upstreams"].as_array().unwrap();
        assert_eq!(ups.len(), 2);
        assert_eq!(ups[0]["dial"], json!("api:8080"));
        assert_eq!(ups[0]["matcher"], json!("/api*"));
        assert_eq!(ups[0]["auth"], json!(["forward_auth"]));
        assert_eq!(ups[1]["address"], json!("api2:8080"));
        assert_eq!(ups[1]["tls_insecure_skip_verify"], json!(true));
        // The directive imported from the snippet says where it was imported.
        assert_eq!(
            get(&d, "sites/0/directives/0/imported_from"),
            &json!([{"import": "secure", "file": "Caddyfile", "line": 10}])
        );
        assert_eq!(get(&d, "sites/0/directives/2/matcher"), &json!("@admin"));
        assert_eq!(
            get(&d, "sites/0/directives/2/args"),
            &json!(["authelia:9091"])
        );

        let plain = get(&d, "sites/1");
        assert_eq!(plain["tls"], json!(false));
        assert_eq!(plain["automatic_https"], json!(false));
        assert_eq!(plain["upstreams"][0]["dial"], json!("app:80"));
        assert_eq!(plain["addresses"][0]["scheme"], json!("http"));
        // Defaults are marked as such.
        assert_eq!(
            d.origins()["sites/1/tls_protocols/min"],
            json!({"from": "default"})
        );
    }

    #[test]
    fn spans_point_at_keys_and_tokens() {
        let (_d, d) = one(&[("Caddyfile", SITE)]);
        let c = |line, col| ("Caddyfile".to_string(), line, col);
        assert_eq!(at(&d, "global"), c(1, 1));
        assert_eq!(at(&d, "global/0"), c(2, 2));
        assert_eq!(at(&d, "sites/0"), c(9, 1));
        assert_eq!(at(&d, "sites/0/addresses/1"), c(9, 14));
        // Imported from the snippet: the snippet's line.
        assert_eq!(at(&d, "sites/0/directives/0"), c(6, 2));
        assert_eq!(at(&d, "sites/0/directives/0/args/1"), c(6, 35));
        assert_eq!(at(&d, "sites/0/directives/3/block/0/args/0"), c(16, 6));
        assert_eq!(at(&d, "sites/0/directives/3/matcher"), c(15, 16));
        // A missing key points at its parent.
        assert_eq!(at(&d, "sites/0/directives/3/nothing"), c(15, 2));
        // Facts point at what they are derived from.
        assert_eq!(at(&d, "sites/0/headers/0"), c(6, 9));
        assert_eq!(at(&d, "sites/0/headers/0/value"), c(6, 35));
        assert_eq!(at(&d, "sites/0/upstreams/1"), c(16, 6));
        assert_eq!(
            at(&d, "sites/0/upstreams/1/tls_insecure_skip_verify"),
            c(18, 4)
        );
        assert_eq!(at(&d, "sites/0/tls_protocols/max"), c(22, 20));
        assert_eq!(at(&d, "sites/0/forward_auth"), c(12, 2));
        assert_eq!(at(&d, "sites/0/matchers/admin/0"), c(11, 9));
        assert_eq!(at(&d, "sites/1/basic_auth"), c(26, 1));
        assert_eq!(at(&d, "sites/1/tls"), c(26, 1));
    }

    #[test]
    fn tls_follows_caddy() {
        let tls = |src: &str| -> Vec<Value> {
            let (_d, d) = one(&[("Caddyfile", src)]);
            d.doc["sites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["tls"].clone())
                .collect()
        };
        assert_eq!(
            tls("a.com {\n}\nhttp://b.com {\n}\nc.com:80 {\n}\n:8080 {\n}\n:443 {\n}\nlocalhost:9000 {\n}\n"),
            vec![json!(true), json!(false), json!(false), json!(false), json!(true), json!(true)]
        );
        // `auto_https off` stops certificates and redirects, not TLS: a site with a host still
        // gets a TLS listener; one without a host on the HTTPS port does not.
        assert_eq!(
            tls("{\n\tauto_https off\n}\na.com {\n}\n:443 {\n}\n"),
            vec![json!(true), json!(true)]
        );
        assert_eq!(
            tls("{\n\tauto_https off\n}\n:443 {\n}\n"),
            vec![json!(false)]
        );
        assert_eq!(
            tls("{\n\thttp_port 8080\n}\na.com:8080 {\n}\nb.com:80 {\n}\n"),
            vec![json!(false), json!(true)]
        );
        // Mixed: plain HTTP on one address makes the site not (only) TLS.
        assert_eq!(tls("a.com, http://a.com {\n}\n"), vec![json!(false)]);
        // An unknown host: unknown.
        assert_eq!(
            tls(":8443 {\n}\n{$HOST}:8444 {\n}\n"),
            vec![json!(false), json!({"unknown": "{$HOST}:8444"})]
        );
    }

    #[test]
    fn env_file_and_origins() {
        let (_d, d) = one(&[
            (
                "Caddyfile",
                "{$DOMAIN} {\n\treverse_proxy {$UPSTREAM:app:80} {$SECRET_UP}\n}\n",
            ),
            (".env", "DOMAIN=example.org\n"),
        ]);
        assert_eq!(get(&d, "sites/0/addresses/0/host"), &json!("example.org"));
        assert_eq!(
            d.origins()["sites/0/addresses/0/text"],
            json!({"from": "env", "name": "DOMAIN"})
        );
        assert_eq!(get(&d, "sites/0/upstreams/0/dial"), &json!("app:80"));
        assert_eq!(
            d.origins()["sites/0/upstreams/0/address"],
            json!({"from": "default", "name": "UPSTREAM"})
        );
        assert_eq!(
            get(&d, "sites/0/upstreams/1/dial"),
            &json!({"unknown": "{$SECRET_UP}"})
        );
    }

    #[test]
    fn headers_and_auth_forms() {
        let (_d, d) = one(&[(
            "Caddyfile",
            "a.com {\n\theader {\n\t\tStrict-Transport-Security max-age=1\n\t\t-Server\n\t\t+Link x\n\t\t?X-Frame-Options DENY\n\t\tX-A old new\n\t\tdefer\n\t}\n\thandle /x/* {\n\t\tbasicauth {\n\t\t\tbob hash\n\t\t}\n\t\treverse_proxy x:1\n\t}\n\troute /y/* {\n\t\treverse_proxy y:1\n\t\tbasic_auth\n\t}\n\treverse_proxy z:1\n}\n",
        )]);
        let h = get(&d, "sites/0/headers");
        let ops: Vec<(&str, &str)> = h
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x["name"].as_str().unwrap(), x["op"].as_str().unwrap()))
            .collect();
        assert_eq!(
            ops,
            vec![
                ("Strict-Transport-Security", "set"),
                ("Server", "delete"),
                ("Link", "add"),
                ("X-Frame-Options", "default"),
                ("X-A", "replace"),
            ]
        );
        assert_eq!(h[4]["find"], json!("old"));
        assert_eq!(h[0]["deferred"], json!(true));
        let auth: Vec<Value> = get(&d, "sites/0/upstreams")
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["auth"].clone())
            .collect();
        // In a `route`, order matters: basic_auth after the proxy does not protect it.
        assert_eq!(auth, vec![json!(["basic_auth"]), json!([]), json!([])]);
        assert_eq!(get(&d, "sites/0/basic_auth"), &json!(true));
    }

    #[test]
    fn upstream_dials() {
        for (text, want) in [
            ("app:8080", "app:8080"),
            ("app", "app:80"),
            ("http://app", "app:80"),
            ("https://app", "app:443"),
            ("h2c://app", "app:80"),
            ("https://app:8443", "app:8443"),
            ("[::1]:81", "[::1]:81"),
            ("unix//run/app.sock", "unix//run/app.sock"),
            ("{http.request.host}", "{http.request.host}"),
        ] {
            assert_eq!(doc::tests_dial(text), json!(want), "{text}");
        }
    }

    #[test]
    fn imported_caddyfiles_are_not_units_of_their_own() {
        let (_d, l) = load_files(&[
            ("Caddyfile", "import sites/*.caddyfile\n"),
            ("sites/a.caddyfile", "a.com {\n\treverse_proxy a:80\n}\n"),
            ("sites/b.caddyfile", "b.com {\n\treverse_proxy b:80\n}\n"),
            ("other/Caddyfile.prod", "c.com {\n}\n"),
            ("cycle/x.caddyfile", "import y.caddyfile\nx.com {\n}\n"),
            ("cycle/y.caddyfile", "import x.caddyfile\n"),
        ]);
        let paths: Vec<&str> = l.documents.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["Caddyfile", "cycle/x.caddyfile", "other/Caddyfile.prod"]
        );
        assert_eq!(l.documents[0].doc["sites"].as_array().unwrap().len(), 2);
        assert_eq!(
            at(&l.documents[0], "sites/1/directives/0"),
            ("sites/b.caddyfile".to_string(), 2, 2)
        );
        // The cycle is reported, once.
        assert_eq!(l.problems.len(), 1, "{:?}", l.problems);
    }

    #[test]
    fn never_panics_on_generated_input() {
        // A small linear congruential generator: deterministic, no dependency.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        const PIECES: &[&str] = &[
            "a.com",
            "{",
            "}",
            "\"",
            "`",
            "\\",
            "\n",
            " ",
            "\t",
            "#",
            "<<",
            "EOF",
            "@m",
            "/p*",
            "*",
            ":80",
            ",",
            "(s)",
            "import",
            "s",
            "{$X}",
            "{$X:d}",
            "{args.0}",
            "{args[:]}",
            "{args[1]}",
            "reverse_proxy",
            "header",
            "tls",
            "protocols",
            "to",
            "http://",
            "é",
            "\r\n",
            "[::1]",
            "route",
            "handle",
            "forward_auth",
            "-Server",
            "transport",
        ];
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::new(dir.path().to_path_buf());
        let env: env::Env = [("X".to_string(), "v w".to_string())].into();
        for _ in 0..3000 {
            let len = next() % 60;
            let text: String = (0..len).map(|_| PIECES[next() % PIECES.len()]).collect();
            let file = crate::text::SourceFile::new(
                dir.path().join("Caddyfile"),
                "Caddyfile".into(),
                text,
            );
            let parsed = parser::parse(&file, &env, &ctx);
            if let Some(tree) = parsed.file {
                let _ = doc::build(&tree);
            }
        }
    }

    #[test]
    fn a_broken_caddyfile_does_not_stop_the_others() {
        let (_d, l) = load_files(&[
            ("a/Caddyfile", "a.com {\n\trespond \"oops\n}\n"),
            ("b/Caddyfile", "b.com {\n}\n"),
        ]);
        assert_eq!(l.documents.len(), 1);
        assert_eq!(l.documents[0].path, "b/Caddyfile");
        assert_eq!(l.problems.len(), 1);
        assert_eq!(l.problems[0].file, "a/Caddyfile");
        assert_eq!(l.problems[0].line_col().map(|p| p.line), Some(2));
    }

    fn dials_of(d: &Document, site: usize) -> Vec<Value> {
        get(d, &format!("sites/{site}/upstreams"))
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["dial"].clone())
            .collect()
    }

    fn header_names(d: &Document, site: usize) -> Vec<Value> {
        get(d, &format!("sites/{site}/headers"))
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].clone())
            .collect()
    }

    #[test]
    fn block_imports_fill_block_placeholders() {
        let (_d, doc) = one(&[(
            "Caddyfile",
            "(proxy) {\n\treverse_proxy {args[0]} {\n\t\t{blocks.upstream}\n\t}\n\theader {\n\t\t{blocks.headers}\n\t}\n}\n\
             (secure) {\n\theader {\n\t\t{block}\n\t}\n}\n\
             a.example.com {\n\timport proxy app:8080 {\n\t\theaders {\n\t\t\tX-A yes\n\t\t}\n\t\tupstream {\n\t\t\ttransport http {\n\t\t\t\ttls_insecure_skip_verify\n\t\t\t}\n\t\t}\n\t}\n}\n\
             b.example.com {\n\timport secure {\n\t\tX-B yes\n\t}\n}\n\
             c.example.com {\n\timport secure\n}\n",
        )]);
        assert_eq!(dials_of(&doc, 0), [json!("app:8080")]);
        assert_eq!(
            get(&doc, "sites/0/upstreams/0/tls_insecure_skip_verify"),
            &json!(true)
        );
        // Where the block's tokens are written, in the importing site.
        assert_eq!(
            at(&doc, "sites/0/upstreams/0/tls_insecure_skip_verify").1,
            21
        );
        assert_eq!(header_names(&doc, 0), [json!("X-A")]);
        assert_eq!(header_names(&doc, 1), [json!("X-B")]);
        // No block: the placeholder stands for nothing, and never becomes a header name.
        assert_eq!(header_names(&doc, 2), Vec::<Value>::new());
    }

    #[test]
    fn named_routes_are_no_sites_and_run_where_invoked() {
        let (_d, doc) = one(&[(
            "Caddyfile",
            "a.example.com {\n\tinvoke app\n}\n&(app) {\n\theader Strict-Transport-Security max-age=1\n\treverse_proxy app:80\n}\n",
        )]);
        assert_eq!(get(&doc, "sites").as_array().unwrap().len(), 1);
        assert_eq!(dials_of(&doc, 0), [json!("app:80")]);
        assert_eq!(header_names(&doc, 0), [json!("Strict-Transport-Security")]);
        // The facts point where the named route writes them.
        assert_eq!(at(&doc, "sites/0/upstreams/0").1, 6);
    }

    #[test]
    fn header_colons_php_fastcgi_h2c_sockets_and_port_ranges() {
        let (_d, doc) = one(&[(
            "Caddyfile",
            "a.example.com {\n\theader {\n\t\tStrict-Transport-Security: max-age=1\n\t\t+X-A: b\n\t}\n\theader X-Line: v\n\tphp_fastcgi php:9000 unix//run/php.sock\n\treverse_proxy unix+h2c//run/app.sock\n\treverse_proxy api:8001-8003 {\n\t\tto api:9-8\n\t}\n}\n",
        )]);
        let mut names = header_names(&doc, 0);
        names.sort_by_key(Value::to_string);
        assert_eq!(
            names,
            [
                json!("Strict-Transport-Security"),
                json!("X-A"),
                json!("X-Line:")
            ]
        );
        assert_eq!(
            dials_of(&doc, 0),
            [
                json!("php:9000"),
                json!("unix//run/php.sock"),
                json!("unix//run/app.sock"),
                json!("api:8001"),
                json!("api:8002"),
                json!("api:8003"),
                // Out of order: not a range.
                json!("api:9-8"),
            ]
        );
        assert_eq!(get(&doc, "sites/0/upstreams/2/scheme"), &json!("h2c"));
    }

    #[test]
    fn a_port_range_is_bounded() {
        assert_eq!(doc::port_range("app:1-1024").map(|v| v.len()), Some(1024));
        assert_eq!(doc::port_range("app:1-1025"), None);
        assert_eq!(doc::port_range("app:1-65536"), None);
        assert_eq!(
            doc::port_range("https://app:8-9/x"),
            Some(vec![
                "https://app:8".to_string(),
                "https://app:9".to_string()
            ])
        );
        assert_eq!(doc::port_range("{$HOST}:8-9"), None);
    }
}
