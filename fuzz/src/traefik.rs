//! Traefik's Docker labels and command-line flags, rendered into a compose file: keys are
//! built from Traefik's own words (with a free word now and then), so that the fuzzer spends its
//! time in the label and flag readers rather than in key spelling.

use arbitrary::Arbitrary;

use crate::quoted;

/// Words of Traefik keys (dynamic labels and static flags).
const WORDS: &[&str] = &[
    "http",
    "tcp",
    "udp",
    "tls",
    "routers",
    "services",
    "middlewares",
    "rule",
    "entrypoints",
    "entryPoints",
    "certresolver",
    "certResolver",
    "loadbalancer",
    "loadBalancer",
    "server",
    "servers",
    "port",
    "scheme",
    "url",
    "address",
    "basicauth",
    "basicAuth",
    "users",
    "usersfile",
    "digestauth",
    "forwardauth",
    "forwardAuth",
    "trustForwardHeader",
    "chain",
    "redirectscheme",
    "permanent",
    "headers",
    "stsSeconds",
    "customresponseheaders",
    "ipallowlist",
    "ipwhitelist",
    "sourcerange",
    "sourceRange",
    "stripprefix",
    "prefixes",
    "enable",
    "docker",
    "swarm",
    "file",
    "filename",
    "directory",
    "watch",
    "network",
    "exposedbydefault",
    "exposedByDefault",
    "endpoint",
    "options",
    "priority",
    "service",
    "passhostheader",
    "sticky",
    "cookie",
    "domains",
    "main",
    "sans",
    "api",
    "insecure",
    "dashboard",
    "debug",
    "ping",
    "metrics",
    "prometheus",
    "log",
    "level",
    "accesslog",
    "providers",
    "web",
    "websecure",
    "asDefault",
    "forwardedHeaders",
    "insecureSkipVerify",
    "serversTransport",
    "serverstransport",
    "insecureskipverify",
    "minVersion",
    "cipherSuites",
    "a",
    "b",
    "0",
    "1",
    "-1",
];

/// Values Traefik keys take.
const VALUES: &[&str] = &[
    "true",
    "false",
    "0",
    "80",
    "443",
    "8080",
    "65536",
    "-1",
    "web",
    "websecure",
    "Host(`example.com`)",
    "Host(`a.example`) || PathPrefix(`/x`)",
    "HostSNI(`*`)",
    "http://127.0.0.1:8080",
    "https://[::1]:443",
    "a@docker",
    "b@file",
    "a,b@docker,c",
    "admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/",
    "le",
    "VersionTLS10",
    "0.0.0.0/0",
    "10.0.0.0/8,::/0",
    ":80",
    "0.0.0.0:8080",
    "unix:///var/run/docker.sock",
    "tcp://127.0.0.1:2375",
    "",
    " ",
    "${X}",
    "$${X}",
    "`",
    "{{ .Name }}",
];

#[derive(Arbitrary, Debug)]
pub enum Word {
    Known(u8),
    Free(String),
}

impl Word {
    fn render(&self) -> String {
        match self {
            Word::Known(i) => WORDS[usize::from(*i) % WORDS.len()].to_string(),
            Word::Free(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum Val {
    Known(u8),
    Free(String),
}

impl Val {
    fn render(&self) -> String {
        match self {
            Val::Known(i) => VALUES[usize::from(*i) % VALUES.len()].to_string(),
            Val::Free(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub struct Entry {
    pub words: Vec<Word>,
    pub value: Option<Val>,
}

impl Entry {
    fn key(&self) -> String {
        self.words
            .iter()
            .map(Word::render)
            .collect::<Vec<_>>()
            .join(".")
    }
}

#[derive(Arbitrary, Debug)]
pub struct Service {
    /// Labels, `traefik.` prepended unless `raw`.
    pub labels: Vec<Entry>,
    pub raw: bool,
    /// Labels as a list (`- key=value`) rather than a map.
    pub list: bool,
    pub network: Option<Val>,
}

/// A compose file with a Traefik service (its flags) and services carrying labels.
#[derive(Arbitrary, Debug)]
pub struct Setup {
    pub flags: Vec<Entry>,
    /// Flags as one string (`command: --a --b`) rather than a list.
    pub command_string: bool,
    pub image: Option<Val>,
    pub services: Vec<Service>,
}

impl Setup {
    pub fn render(&self) -> String {
        let mut out = String::from("services:\n  proxy:\n");
        let image = self
            .image
            .as_ref()
            .map_or("traefik:v3.1".to_string(), Val::render);
        out.push_str(&format!("    image: {}\n", quoted(&image)));
        let flags: Vec<String> = self
            .flags
            .iter()
            .map(|f| match &f.value {
                Some(v) => format!("--{}={}", f.key(), v.render()),
                None => format!("--{}", f.key()),
            })
            .collect();
        if self.command_string {
            out.push_str(&format!("    command: {}\n", quoted(&flags.join(" "))));
        } else {
            out.push_str("    command:\n");
            for f in &flags {
                out.push_str(&format!("      - {}\n", quoted(f)));
            }
        }
        out.push_str("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n");
        for (i, svc) in self.services.iter().enumerate() {
            out.push_str(&format!("  app{i}:\n    image: nginx:1\n"));
            if let Some(n) = &svc.network {
                out.push_str(&format!("    networks: [{}]\n", quoted(&n.render())));
            }
            out.push_str("    labels:\n");
            for l in &svc.labels {
                let key = if svc.raw {
                    l.key()
                } else {
                    format!("traefik.{}", l.key())
                };
                let value = l.value.as_ref().map(Val::render).unwrap_or_default();
                if svc.list {
                    out.push_str(&format!("      - {}\n", quoted(&format!("{key}={value}"))));
                } else {
                    out.push_str(&format!("      {}: {}\n", quoted(&key), quoted(&value)));
                }
            }
        }
        out
    }
}
