//! Structure-aware generators: documents whose depth, width or chain length the fuzzer chooses
//! (as numbers), in every syntax vigie reads. Byte mutation almost never builds a 3,000-deep
//! nesting or a 1,000-long reference chain; these do in one step.

use arbitrary::Arbitrary;

use crate::quoted;

/// The largest depth, width or chain length a shape takes: past the readers' limits, within
/// what one execution can build quickly.
pub const MAX_N: usize = 20_000;

/// A count chosen by the fuzzer, 1..=MAX_N: half the values below 256 (fast to run), half up
/// to MAX_N (past the limits).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct N(u16);

impl N {
    pub fn get(self) -> usize {
        let v = usize::from(self.0);
        if v & 0x8000 == 0 {
            v % 256 + 1
        } else {
            (v & 0x7fff) % MAX_N + 1
        }
    }
}

/// Which of a family's constructs a shape repeats.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Pick(u8);

impl Pick {
    pub fn of<T: Copy>(self, items: &[T]) -> T {
        items[usize::from(self.0) % items.len()]
    }
}

#[derive(Arbitrary, Debug)]
pub enum Shape {
    /// YAML nesting (block sequences, block maps, flow sequences, flow maps, mixed) in a
    /// compose service.
    YamlNest { depth: N, how: Pick, leaf: String },
    /// Anchors and aliases, each level `fan` times the previous one (YAML's exponential
    /// expansion).
    YamlAliases { levels: N, fan: N },
    /// Merge keys (`<<: *prev`) chained `len` long.
    YamlMergeChain { len: N },
    /// `${A:-${A:-…}}` in a compose value, `depth` deep.
    ComposeInterpolation { depth: N, op: Pick, leaf: String },
    /// A `.env` chain: each variable refers to the previous one, once or twice.
    DotenvChain { len: N, twice: bool },
    /// Many services, or one service with many environment entries, ports or volumes.
    ComposeWide { width: N, what: Pick },
    /// Terraform locals: a reference chain, each local referring to the previous once or
    /// twice (doubling in size).
    TerraformLocals {
        len: N,
        twice: bool,
        via_template: bool,
    },
    /// A Terraform expression `depth` deep (parentheses, lists, objects, calls, templates,
    /// conditionals, `for`, unary and binary operators).
    TerraformExpr { depth: N, how: Pick },
    /// Nested blocks in a resource.
    TerraformBlocks { depth: N },
    /// Variables set by tfvars, defaults, module calls: many of them.
    TerraformWide { width: N },
    /// A Caddyfile with blocks `depth` deep.
    CaddyBlocks { depth: N },
    /// Snippets each importing the previous one `fan` times.
    CaddySnippets { len: N, fan: N },
    /// Files importing each other in a chain (the last one importing the first).
    CaddyImportChain { len: N, cycle: bool },
    /// Many sites, many directives, or many matchers.
    CaddyWide { width: N, what: Pick },
    /// `{$A:{$B:…}}` environment placeholders and `{args[0]}` nesting.
    CaddyPlaceholders { depth: N, leaf: String },
    /// Caddy JSON: subroutes `depth` deep.
    CaddyJsonSubroutes { depth: N },
    /// JSON nesting `depth` deep in a Caddy JSON config, an ACL policy (HuJSON, with comments
    /// and trailing commas) or a docker inspect dump.
    JsonNest { depth: N, how: Pick, target: Pick },
    /// TOML nesting: dotted keys, table headers, inline tables, arrays.
    TomlNest { depth: N, how: Pick },
    /// A Traefik dynamic file: a chain of `chain` middlewares `len` long (the last one may
    /// refer to the first), and `width` routers using it.
    TraefikChain { len: N, width: N, cycle: bool },
    /// A Traefik static file with a file provider and a deep or wide dynamic file.
    TraefikWide { width: N, toml: bool },
    /// A facts file with many sections, many lines in one section, or long lines.
    FactsWide { width: N, what: Pick },
}

fn rep(s: &str, n: usize) -> String {
    s.repeat(n)
}

fn compose_with(value: &str) -> String {
    format!("services:\n  web:\n    image: nginx:1\n    environment:\n      A: {value}\n")
}

impl Shape {
    /// The files of the shape: `(relative path, text)`.
    pub fn render(&self) -> Vec<(String, String)> {
        let f = |name: &str, text: String| (name.to_string(), text);
        match self {
            Shape::YamlNest { depth, how, leaf } => {
                let d = depth.get();
                let leaf = quoted(leaf);
                let body = match how.0 % 5 {
                    0 => format!("\n      {}{leaf}", rep("- ", d)),
                    1 => {
                        // Indentation grows with depth: bounded to keep the file near 2 MB.
                        let d = d.min(2000);
                        let mut s = String::new();
                        for i in 0..d {
                            s.push_str(&" ".repeat(i + 6));
                            s.push_str("a:\n");
                        }
                        s.push_str(&" ".repeat(d + 6));
                        s.push_str(&leaf);
                        return vec![f(
                            "compose.yaml",
                            format!("services:\n  web:\n    image: nginx:1\n    x-deep:\n{s}\n"),
                        )];
                    }
                    2 => format!("{}{leaf}{}", rep("[", d), rep("]", d)),
                    3 => format!("{}{leaf}{}", rep("{a: ", d), rep("}", d)),
                    _ => format!("{}{leaf}{}", rep("[{a: ", d), rep("}]", d)),
                };
                vec![f(
                    "compose.yaml",
                    format!("services:\n  web:\n    image: nginx:1\n    x-deep: {body}\n"),
                )]
            }
            Shape::YamlAliases { levels, fan } => {
                let levels = levels.get().min(64);
                let fan = fan.get().min(64);
                let mut s = String::from("x-a0: &a0 \"lol\"\n");
                for i in 1..=levels {
                    let items: Vec<String> = (0..fan).map(|_| format!("*a{}", i - 1)).collect();
                    s.push_str(&format!("x-a{i}: &a{i} [{}]\n", items.join(", ")));
                }
                s.push_str(&format!(
                    "services:\n  web:\n    image: nginx:1\n    labels: *a{levels}\n"
                ));
                vec![f("compose.yaml", s)]
            }
            Shape::YamlMergeChain { len } => {
                let n = len.get();
                let mut s = String::from("x-m0: &m0\n  image: nginx:1\n");
                for i in 1..=n {
                    s.push_str(&format!("x-m{i}: &m{i}\n  <<: *m{}\n  k{i}: v\n", i - 1));
                }
                s.push_str(&format!("services:\n  web:\n    <<: *m{n}\n"));
                vec![f("compose.yaml", s)]
            }
            Shape::ComposeInterpolation { depth, op, leaf } => {
                let d = depth.get();
                let op = op.of(&[":-", "-", ":?", "?", ":+", "+"]);
                let leaf: String = leaf.chars().filter(|c| !"{}$\"\\".contains(*c)).collect();
                let value = format!("{}{leaf}{}", rep(&format!("${{A{op}"), d), rep("}", d));
                vec![f("compose.yaml", compose_with(&quoted(&value)))]
            }
            Shape::DotenvChain { len, twice } => {
                let n = len.get();
                let mut env = String::from("V0=x\n");
                for i in 1..=n {
                    let r = format!("${{V{}}}", i - 1);
                    let r = if *twice { format!("{r}{r}") } else { r };
                    env.push_str(&format!("V{i}={r}\n"));
                }
                vec![
                    f("compose.yaml", compose_with(&quoted(&format!("${{V{n}}}")))),
                    f(".env", env),
                ]
            }
            Shape::ComposeWide { width, what } => {
                let n = width.get();
                let mut s = String::from("services:\n");
                match what.0 % 4 {
                    0 => {
                        for i in 0..n {
                            s.push_str(&format!(
                                "  s{i}:\n    image: nginx\n    ports: [\"{}:80\"]\n",
                                i % 65536
                            ));
                        }
                    }
                    1 => {
                        s.push_str("  web:\n    image: nginx\n    environment:\n");
                        for i in 0..n {
                            s.push_str(&format!("      K{i}: v{i}\n"));
                        }
                    }
                    2 => {
                        s.push_str("  web:\n    image: nginx\n    ports:\n");
                        for i in 0..n {
                            s.push_str(&format!("      - \"{}-{}:80\"\n", i, i + 1));
                        }
                    }
                    _ => {
                        s.push_str("  web:\n    image: nginx\n    volumes:\n");
                        for i in 0..n {
                            s.push_str(&format!("      - /h{i}:/c{i}:ro\n"));
                        }
                    }
                }
                vec![f("compose.yaml", s)]
            }
            Shape::TerraformLocals {
                len,
                twice,
                via_template,
            } => {
                let n = len.get();
                let mut s = String::from("locals {\n  l0 = \"x\"\n");
                for i in 1..=n {
                    let r = format!("local.l{}", i - 1);
                    let e = match (*twice, *via_template) {
                        (false, false) => r,
                        (false, true) => format!("\"${{{r}}}\""),
                        (true, false) => format!("\"${{{r}}}${{{r}}}\""),
                        (true, true) => format!("join(\"\", [{r}, {r}])"),
                    };
                    s.push_str(&format!("  l{i} = {e}\n"));
                }
                s.push_str(&format!(
                    "}}\nresource \"aws_s3_bucket\" \"b\" {{\n  bucket = local.l{n}\n}}\n"
                ));
                vec![f("main.tf", s)]
            }
            Shape::TerraformExpr { depth, how } => {
                let d = depth.get();
                let (open, leaf, close) = how.of(&[
                    ("(", "1", ")"),
                    ("[", "1", "]"),
                    ("{a = ", "1", "}"),
                    ("upper(", "\"x\"", ")"),
                    ("\"${", "1", "}\""),
                    ("true ? ", "1", " : 0"),
                    ("[for x in ", "[1]", " : x]"),
                    ("!", "true", ""),
                    ("-", "1", ""),
                    ("1 + ", "1", ""),
                    ("", "var.v", ".a"),
                    ("", "local.m", "[0]"),
                    ("try(", "1", ", 0)"),
                ]);
                let e = format!("{}{leaf}{}", rep(open, d), rep(close, d));
                vec![f(
                    "main.tf",
                    format!(
                        "variable \"v\" {{}}\nlocals {{\n  m = [1]\n  e = {e}\n}}\n\
                         resource \"aws_security_group\" \"g\" {{\n  ingress = local.e\n}}\n"
                    ),
                )]
            }
            Shape::TerraformBlocks { depth } => {
                let d = depth.get();
                let s = format!(
                    "resource \"aws_instance\" \"i\" {{\n{}x = 1\n{}}}\n",
                    rep("b {\n", d),
                    rep("}\n", d)
                );
                vec![f("main.tf", s)]
            }
            Shape::TerraformWide { width } => {
                let n = width.get();
                let mut main = String::new();
                let mut vars = String::new();
                for i in 0..n {
                    main.push_str(&format!(
                        "variable \"v{i}\" {{ default = \"d\" }}\n\
                         resource \"aws_s3_bucket\" \"b{i}\" {{ bucket = var.v{i} }}\n"
                    ));
                    vars.push_str(&format!("v{i} = \"t{i}\"\n"));
                }
                vec![f("main.tf", main), f("terraform.tfvars", vars)]
            }
            Shape::CaddyBlocks { depth } => {
                let d = depth.get();
                let s = format!(
                    "example.com {{\n{}respond \"x\"\n{}}}\n",
                    rep("handle {\n", d),
                    rep("}\n", d)
                );
                vec![f("Caddyfile", s)]
            }
            Shape::CaddySnippets { len, fan } => {
                let n = len.get().min(2000);
                let fan = fan.get().min(16);
                let mut s = String::from("(s0) {\n  header X-A b\n}\n");
                for i in 1..=n {
                    s.push_str(&format!("(s{i}) {{\n"));
                    for _ in 0..fan {
                        s.push_str(&format!("  import s{}\n", i - 1));
                    }
                    s.push_str("}\n");
                }
                s.push_str(&format!("example.com {{\n  import s{n}\n}}\n"));
                vec![f("Caddyfile", s)]
            }
            Shape::CaddyImportChain { len, cycle } => {
                let n = len.get().min(2000);
                let mut files = vec![f("Caddyfile", "example.com {\n  import i0.inc\n}\n".into())];
                for i in 0..n {
                    let next = if i + 1 < n {
                        format!("import i{}.inc\n", i + 1)
                    } else if *cycle {
                        "import i0.inc\n".into()
                    } else {
                        "respond \"x\"\n".into()
                    };
                    files.push(f(&format!("i{i}.inc"), format!("header X-{i} v\n{next}")));
                }
                files
            }
            Shape::CaddyWide { width, what } => {
                let n = width.get();
                let mut s = String::new();
                match what.0 % 3 {
                    0 => {
                        for i in 0..n {
                            s.push_str(&format!(
                                "s{i}.example.com {{\n  reverse_proxy 10.0.0.1:{}\n}}\n",
                                i % 65536
                            ));
                        }
                    }
                    1 => {
                        s.push_str("example.com {\n");
                        for i in 0..n {
                            s.push_str(&format!("  header /p{i} X-{i} v\n"));
                        }
                        s.push_str("}\n");
                    }
                    _ => {
                        s.push_str("example.com {\n");
                        for i in 0..n {
                            s.push_str(&format!(
                                "  @m{i} path /p{i}\n  reverse_proxy @m{i} 10.0.0.1:80\n"
                            ));
                        }
                        s.push_str("}\n");
                    }
                }
                vec![f("Caddyfile", s)]
            }
            Shape::CaddyPlaceholders { depth, leaf } => {
                let d = depth.get();
                let leaf: String = leaf.chars().filter(|c| !"{}\n".contains(*c)).collect();
                let env = format!("{}{leaf}{}", rep("{$A:", d), rep("}", d));
                let s = format!(
                    "(snip) {{\n  respond {{args[0]}}\n}}\n{env} {{\n  import snip {env}\n}}\n"
                );
                vec![f("Caddyfile", s), f(".env", format!("A={env}\n"))]
            }
            Shape::CaddyJsonSubroutes { depth } => {
                let d = depth.get();
                let open = "{\"handle\":[{\"handler\":\"subroute\",\"routes\":[";
                let leaf = "{\"match\":[{\"host\":[\"a.example\"]}],\"handle\":[{\"handler\":\"reverse_proxy\",\"upstreams\":[{\"dial\":\"10.0.0.1:80\"}]}]}";
                let routes = format!("{}{leaf}{}", rep(open, d), rep("]}]}", d));
                let s = format!(
                    "{{\"apps\":{{\"http\":{{\"servers\":{{\"srv0\":{{\"listen\":[\":443\"],\"routes\":[{routes}]}}}}}}}}}}"
                );
                vec![f("caddy.json", s)]
            }
            Shape::JsonNest { depth, how, target } => {
                let d = depth.get();
                let (open, close) = how.of(&[("[", "]"), ("{\"a\":", "}"), ("[{\"a\":", "}]")]);
                let deep = format!("{}1{}", rep(open, d), rep(close, d));
                match target.0 % 3 {
                    0 => vec![f(
                        "caddy.json",
                        format!("{{\"apps\":{{\"http\":{{\"servers\":{{\"s\":{{\"listen\":[\":80\"],\"x\":{deep}}}}}}}}}}}"),
                    )],
                    1 => vec![f(
                        "acl.hujson",
                        format!(
                            "// policy\n{{\n  \"acls\": [\n    {{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"], \"x\": {deep},}},\n  ],\n}}\n"
                        ),
                    )],
                    _ => vec![f(
                        "docker-inspect.json",
                        format!(
                            "[{{\"Id\":\"abc\",\"Name\":\"/web\",\"State\":{{\"Running\":true}},\"HostConfig\":{{\"Privileged\":false,\"x\":{deep}}},\"Config\":{{\"Image\":\"nginx\",\"Labels\":{{}}}}}}]"
                        ),
                    )],
                }
            }
            Shape::TomlNest { depth, how } => {
                let d = depth.get();
                let body = match how.0 % 4 {
                    0 => format!("[entryPoints]\n{} = 1\n", vec!["a"; d].join(".")),
                    1 => format!("[{}]\nx = 1\n", vec!["a"; d].join(".")),
                    2 => format!("[entryPoints]\nx = {}1{}\n", rep("{a = ", d), rep("}", d)),
                    _ => format!("[entryPoints]\nx = {}1{}\n", rep("[", d), rep("]", d)),
                };
                vec![f("traefik.toml", body)]
            }
            Shape::TraefikChain { len, width, cycle } => {
                let n = len.get().min(5000);
                let w = width.get().min(5000);
                let mut s = String::from("http:\n  middlewares:\n");
                for i in 0..n {
                    let next = if i + 1 < n {
                        format!("m{}", i + 1)
                    } else if *cycle {
                        "m0".into()
                    } else {
                        "auth".into()
                    };
                    s.push_str(&format!(
                        "    m{i}:\n      chain:\n        middlewares: [{next}]\n"
                    ));
                }
                s.push_str("    auth:\n      basicAuth:\n        users: [\"a:$apr1$x$y\"]\n");
                s.push_str("  routers:\n");
                for i in 0..w {
                    s.push_str(&format!(
                        "    r{i}:\n      rule: Host(`r{i}.example`)\n      middlewares: [m0]\n      service: s\n"
                    ));
                }
                s.push_str("  services:\n    s:\n      loadBalancer:\n        servers:\n          - url: http://10.0.0.1:80\n");
                vec![
                    f(
                        "traefik.yml",
                        "entryPoints:\n  web:\n    address: \":80\"\nproviders:\n  file:\n    filename: dynamic.yml\n".into(),
                    ),
                    f("dynamic.yml", s),
                ]
            }
            Shape::TraefikWide { width, toml } => {
                let n = width.get();
                if *toml {
                    let mut s = String::new();
                    for i in 0..n {
                        s.push_str(&format!(
                            "[http.routers.r{i}]\nrule = \"Host(`r{i}.example`)\"\nservice = \"s{i}\"\n\
                             [[http.services.s{i}.loadBalancer.servers]]\nurl = \"http://10.0.0.1:{}\"\n",
                            i % 65536
                        ));
                    }
                    vec![
                        f(
                            "traefik.toml",
                            "[entryPoints.web]\naddress = \":80\"\n[providers.file]\nfilename = \"dynamic.toml\"\n".into(),
                        ),
                        f("dynamic.toml", s),
                    ]
                } else {
                    let mut s = String::from("entryPoints:\n");
                    for i in 0..n {
                        s.push_str(&format!("  e{i}:\n    address: \":{}\"\n", i % 65536));
                    }
                    vec![f("traefik.yml", s)]
                }
            }
            Shape::FactsWide { width, what } => {
                let n = width.get();
                let mut s = String::from(
                    "# Recorded facts (vigie audit): re-checked by `vigie scan`.\nname: h\naddress: 203.0.113.1\nport: 22\nuser: root\nvigie-facts 1 fixture\n\n",
                );
                let section = |s: &mut String, cmd: &str, out: &str| {
                    s.push_str(&format!(
                        "fixture out {cmd}\n{out}\nfixture err {cmd}\n\nfixture exit 0 {cmd}\n\n"
                    ));
                };
                match what.0 % 4 {
                    0 => {
                        for i in 0..n {
                            section(&mut s, &format!("echo {i}"), "x");
                        }
                    }
                    1 => {
                        let out: String = (0..n)
                            .map(|i| format!("-A INPUT -p tcp --dport {i} -j ACCEPT\n"))
                            .collect();
                        section(&mut s, "iptables-save", &out);
                    }
                    2 => {
                        let out: String = (0..n).map(|i| format!("tcp LISTEN 0 128 0.0.0.0:{} 0.0.0.0:* users:((\"p\",pid={i},fd=3))\n", i % 65536)).collect();
                        section(&mut s, "ss -tlnupH", &out);
                    }
                    _ => {
                        section(&mut s, "sshd -T", &format!("port {}\n", "9".repeat(n)));
                    }
                }
                vec![f("web.facts", s)]
            }
        }
    }
}
