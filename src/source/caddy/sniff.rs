//! Recognising a Caddyfile by its content, for files whose name says nothing (`caddy-config`,
//! `web/proxy`). Only the head of the file is read, and it must be a Caddyfile from its first
//! line on: every top-level line a global options block, a snippet, a named route, an `import`
//! or a site block whose addresses look like Caddy's, and the blocks holding Caddy's own
//! directives and options. Shell scripts, Makefiles, Dockerfiles, nginx and HCL files fail at
//! their first line or their first `;`.

/// Caddy's standard directives (and the ones plugins commonly add are not needed: one known
/// directive in a block is enough).
const DIRECTIVES: &[&str] = &[
    "abort",
    "acme_server",
    "basic_auth",
    "basicauth",
    "bind",
    "copy_response",
    "copy_response_headers",
    "encode",
    "error",
    "file_server",
    "forward_auth",
    "fs",
    "handle",
    "handle_errors",
    "handle_path",
    "header",
    "import",
    "intercept",
    "invoke",
    "log",
    "log_append",
    "log_name",
    "log_skip",
    "map",
    "method",
    "metrics",
    "php_fastcgi",
    "push",
    "redir",
    "request_body",
    "request_header",
    "respond",
    "reverse_proxy",
    "rewrite",
    "root",
    "route",
    "skip_log",
    "templates",
    "tls",
    "tracing",
    "try_files",
    "uri",
    "vars",
];

/// Caddy's global options.
const GLOBAL_OPTIONS: &[&str] = &[
    "debug",
    "http_port",
    "https_port",
    "default_bind",
    "order",
    "storage",
    "storage_check",
    "storage_clean_interval",
    "renew_interval",
    "ocsp_interval",
    "admin",
    "persist_config",
    "log",
    "grace_period",
    "shutdown_delay",
    "metrics",
    "auto_https",
    "email",
    "default_sni",
    "fallback_sni",
    "local_certs",
    "skip_install_trust",
    "acme_ca",
    "acme_ca_root",
    "acme_eab",
    "acme_dns",
    "dns",
    "ech",
    "on_demand_tls",
    "key_type",
    "cert_issuer",
    "cert_lifetime",
    "renewal_window_ratio",
    "ocsp_stapling",
    "preferred_chains",
    "servers",
    "pki",
    "events",
    "filesystem",
    "import",
];

/// Whether `head` (the first bytes of a file with no extension) is a Caddyfile.
pub fn sniff_caddyfile(head: &str) -> bool {
    if head.starts_with("#!") || head.contains('\0') {
        return false;
    }
    // The last line may be cut.
    let complete = head
        .rfind('\n')
        .map_or("", |i| head.get(..i).unwrap_or_default());
    let mut depth = 0usize;
    // What the open top-level block is, and whether a line of it was one Caddy knows.
    let mut block: Option<&[&str]> = None;
    let mut known = false;
    let mut recognised = false;
    let mut heredoc: Option<String> = None;
    let mut first = true;
    for raw in complete.lines() {
        let line = raw.trim();
        if let Some(end) = &heredoc {
            if line
                .strip_prefix(end.as_str())
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
            {
                heredoc = None;
            }
            continue;
        }
        // A comment starts a token: `site { # note`.
        let line = match line.find(" #").or_else(|| line.find("\t#")) {
            Some(i) => line.get(..i).unwrap_or(line).trim_end(),
            None => line,
        };
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.ends_with(';') {
            return false;
        }
        if let Some((_, marker)) = line.rsplit_once("<<") {
            if !marker.is_empty()
                && marker
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                heredoc = Some(marker.to_string());
            }
        }
        let opens = line.ends_with('{');
        let closes = line == "}";
        if depth == 0 {
            if closes {
                return false;
            }
            let words = line.strip_suffix('{').unwrap_or(line).trim();
            if opens && words.is_empty() {
                if !first {
                    return false;
                }
                block = Some(GLOBAL_OPTIONS);
            } else if opens
                && (is_named_block(words)
                    || words
                        .split([' ', '\t', ','])
                        .all(|w| w.is_empty() || is_address(w)))
            {
                // A snippet, a named route or a site: directives inside.
                block = Some(DIRECTIVES);
            } else if !opens && words.split_whitespace().next() == Some("import") {
                first = false;
                continue;
            } else {
                return false;
            }
            known = false;
            depth = 1;
        } else if closes {
            depth -= 1;
            if depth == 0 {
                if !known {
                    return false;
                }
                recognised = true;
                block = None;
            }
        } else {
            if depth == 1 {
                let word = line.split_whitespace().next().unwrap_or_default();
                if block.is_some_and(|b| b.contains(&word)) {
                    known = true;
                } else if !(word.starts_with('@') || block == Some(DIRECTIVES)) {
                    // A global options block holds options only; a site block may hold a
                    // plugin's directive or a matcher.
                    return false;
                }
            }
            if opens {
                depth += 1;
            }
        }
        first = false;
    }
    recognised || (depth > 0 && known)
}

/// `(snippet)` or `&(named-route)`.
fn is_named_block(words: &str) -> bool {
    let name = words.strip_prefix('&').unwrap_or(words);
    name.strip_prefix('(')
        .and_then(|n| n.strip_suffix(')'))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| !c.is_whitespace() && c != '('))
}

/// Whether `word` is a site address as Caddy writes them: `:8080`, `example.com`,
/// `*.example.com:443`, `http://app`, `https://example.com/api`, `localhost`, `[::1]:80`, or a
/// placeholder (`{$DOMAIN}`, `{env.HOST}`).
fn is_address(word: &str) -> bool {
    if word.starts_with("{$") || word.starts_with("{env.") {
        return word.ends_with('}') || word.contains("}:") || word.contains("}.");
    }
    let (scheme, rest) = match word.split_once("://") {
        Some((s, rest)) => (Some(s), rest),
        None => (None, word),
    };
    if scheme.is_some_and(|s| !matches!(s, "http" | "https")) {
        return false;
    }
    let host_port = rest.split('/').next().unwrap_or_default();
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((ip, after)) if ip.contains(':') => (ip, after.strip_prefix(':')),
            _ => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '-')) {
        return false;
    }
    let chars_ok = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '*' | ':'));
    if !chars_ok {
        return false;
    }
    if host.is_empty() {
        return port.is_some();
    }
    scheme.is_some() || host == "localhost" || host.contains('.') || host.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caddyfiles_are_recognised() {
        for text in [
            "example.com {\n\treverse_proxy app:8080\n}\n",
            "# my proxy\n\n{\n\temail admin@example.com\n}\n\n:80 {\n\trespond \"ok\"\n}\n",
            "{\n\tadmin off\n}\n",
            "(common) {\n\tencode gzip\n}\n\nhttps://a.example.com, b.example.com {\n\timport common\n\t@api path /api/*\n\treverse_proxy @api api:80\n}\n",
            "{$DOMAIN} {\n\tfile_server\n}\n",
            "*.example.com:443 {\n\ttls {\n\t\tdns cloudflare {env.TOKEN}\n\t}\n\tcrowdsec\n}\n",
            "localhost {\n\trespond <<HTML\n\t<p>hi;</p>\n\tHTML 200\n}\n",
            "&(app) {\n\treverse_proxy app:80\n}\nexample.com {\n\tinvoke app\n}\n",
            "import sites/*\n",
            "[::1]:8080 {\n\troot * /srv\n\tfile_server\n}\n",
            "example.com { # the site\n\treverse_proxy app:80 # the app\n}\n",
            // A head cut inside a site block.
            "example.com {\n\treverse_proxy app:80\n\theader {\n",
        ] {
            if text == "import sites/*\n" {
                // An import alone says nothing.
                assert!(!sniff_caddyfile(text), "{text}");
            } else {
                assert!(sniff_caddyfile(text), "{text}");
            }
        }
    }

    #[test]
    fn other_files_are_not() {
        for text in [
            "#!/bin/sh\nexample.com {\n\trespond ok\n}\n",
            "start() {\n\techo hi\n}\n",
            "all: build\n\nbuild:\n\tcargo build\n",
            "FROM debian:12\nRUN apt-get update\n",
            "server {\n\tlisten 80;\n\troot /var/www;\n}\n",
            "events {\n\tworker_connections 1024;\n}\nhttp {\n\tserver {\n\t\tlisten 80;\n\t}\n}\n",
            "example.com {\n\troot /var/www;\n}\n",
            "terraform {\n\trequired_version = \">= 1.0\"\n}\n",
            "resource \"aws_instance\" \"x\" {\n\tami = \"x\"\n}\n",
            "{\n\t\"name\": \"x\"\n}\n",
            "locals {\n\tx = 1\n}\n",
            "function f() {\n\treturn 1\n}\n",
            "example.com {\n\tfoo bar\n}\n",
            "}\n",
            "MIT License\n\nCopyright (c) 2024\n",
            "ftp://example.com {\n\trespond ok\n}\n",
            "",
            "\u{0}\u{1}ELF",
        ] {
            assert!(!sniff_caddyfile(text), "{text}");
        }
    }

    #[test]
    fn addresses() {
        for a in [
            ":80",
            "example.com",
            "http://app",
            "https://example.com:8443/api",
            "localhost:2015",
            "*.example.com",
            "[::1]:80",
            "{$DOMAIN}",
            "{$DOMAIN:localhost}:443",
            ":8001-8002",
        ] {
            assert!(is_address(a), "{a}");
        }
        for a in [
            "server", "http", "f()", "x=1", "\"a\"", ":", "a:b", "[::1", "ftp://x",
        ] {
            assert!(!is_address(a), "{a}");
        }
    }
}
