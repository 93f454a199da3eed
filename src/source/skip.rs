//! Files that looked like one vigie reads but were not scanned: a case variant of a known name
//! whose content is not of that kind, a Go or Jinja template where YAML, TOML or a Caddyfile is
//! expected, a file whose content sniffed as a kind but did not parse as it. Each is reported
//! (listed with `--verbose`, counted in the summary, in the JSON and SARIF reports), never
//! dropped in silence. One record for every kind; the sources only say why.

use crate::document::Kind;

/// Why a file that looked like `kind` was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// It holds template actions (`{{ … }}`, `{% … %}`) where the format has none: a Helm
    /// chart, a Traefik file-provider template, an Ansible or Go-templated Caddyfile.
    Templated,
    /// Its name is a known one of `kind` in another case (`Traefik.yml`, `MAIN.TF`), which the
    /// kind's own tool does not read, and its content does not sniff as that kind.
    NameOnly,
    /// Its content sniffed as `kind` (it has no name of that kind), but it does not parse as it.
    Unparsed,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Templated => "templated",
            SkipReason::NameOnly => "name-only",
            SkipReason::Unparsed => "unparsed",
        }
    }

    /// What the files have in common, after "N files looked like X".
    fn because(self, many: bool) -> &'static str {
        match (self, many) {
            (SkipReason::Templated, false) => "but holds templates",
            (SkipReason::Templated, true) => "but hold templates",
            (SkipReason::NameOnly, false) => "by its name in another case",
            (SkipReason::NameOnly, true) => "by their names in another case",
            (SkipReason::Unparsed, false) => "but does not parse as such",
            (SkipReason::Unparsed, true) => "but do not parse as such",
        }
    }
}

/// One file that looked like `kind` and was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// The display path.
    pub file: String,
    pub kind: Kind,
    pub reason: SkipReason,
    /// Where and what, for `--verbose` (`line 3: {{ .Values.host }}`, the parse error).
    pub detail: String,
}

impl Skipped {
    /// One line about this file: `looked like Traefik configuration but holds templates (line
    /// 3: …): not scanned`.
    pub fn message(&self) -> String {
        let detail = if self.detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.detail)
        };
        format!(
            "looked like {} {}{detail}: not scanned",
            noun(self.kind),
            self.reason.because(false)
        )
    }
}

/// What files of `kind` are called in messages.
pub fn noun(kind: Kind) -> &'static str {
    match kind {
        Kind::Compose => "a Docker Compose file",
        Kind::Terraform => "Terraform configuration",
        Kind::Headscale => "Headscale configuration",
        Kind::Caddy => "a Caddyfile",
        Kind::Traefik => "Traefik configuration",
        Kind::Project => "a project",
        Kind::Host => "host facts",
        Kind::Docker => "a docker inspect dump",
    }
}

/// The summary's lines for `skipped`, one per kind and reason: `3 files looked like Traefik
/// configuration but hold templates: not scanned`.
pub fn summary(skipped: &[Skipped]) -> Vec<String> {
    let mut groups: Vec<((Kind, SkipReason), usize)> = Vec::new();
    for s in skipped {
        match groups.iter_mut().find(|(k, _)| *k == (s.kind, s.reason)) {
            Some((_, n)) => *n += 1,
            None => groups.push(((s.kind, s.reason), 1)),
        }
    }
    groups.sort();
    groups
        .into_iter()
        .map(|((kind, reason), n)| {
            let files = if n == 1 { "file" } else { "files" };
            format!(
                "{n} {files} looked like {} {}: not scanned",
                noun(kind),
                reason.because(n > 1)
            )
        })
        .collect()
}

/// Whether documents of `kind` are written in a format that has no template actions of its own
/// (YAML, TOML, the Caddyfile), so that one found in them means the file is a template.
pub fn templates_foreign(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Compose | Kind::Traefik | Kind::Caddy | Kind::Headscale
    )
}

/// The first template action in `text` that stands where a value, a key or a token starts,
/// outside quotes and comments (`name: {{ .Values.name }}`, `{{- if .Values.tls }}`,
/// `{% for host in hosts %}`), as `line N: TEXT`. A template inside a quoted string is data
/// (Traefik's `defaultRule: "Host(`{{ normalize .Name }}`)"`, a Caddy `respond "{{.Host}}"`
/// served through `templates`), and so is one inside a word (`Host(`{{ .Name }}`)`).
///
/// In YAML and TOML an action must start a line, a key's value (`key: `, `key = `) or an item
/// (`- `, `[`, `,`): `command: docker ps --format {{.Names}}` is one plain string. In a Caddyfile
/// (`caddyfile`), where every space separates tokens, any token may be one.
pub fn template_action(text: &str, caddyfile: bool) -> Option<String> {
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut prev: Option<char> = None;
        // Only spaces so far, or a separator that starts a value, then spaces.
        let mut value_start = true;
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) => {
                    if c == q && prev != Some('\\') {
                        quote = None;
                    }
                }
                None => {
                    let after_space = prev.is_none_or(char::is_whitespace);
                    let at_start = if caddyfile {
                        after_space
                    } else {
                        (value_start && after_space) || matches!(prev, Some(':' | '=' | ',' | '['))
                    };
                    if c == '#' && prev.is_none_or(char::is_whitespace) {
                        break;
                    }
                    if matches!(c, '"' | '\'' | '`') {
                        quote = Some(c);
                    } else if c == '{' && at_start {
                        let rest = line.get(i..).unwrap_or_default();
                        let close = if rest.starts_with("{{") {
                            Some("}}")
                        } else if rest.starts_with("{%") {
                            Some("%}")
                        } else if rest.starts_with("{#") {
                            Some("#}")
                        } else {
                            None
                        };
                        if let Some(close) = close {
                            if let Some(end) = rest.get(2..).and_then(|r| r.find(close)) {
                                let action = rest.get(..end + 4).unwrap_or(rest);
                                let action: String = action.chars().take(60).collect();
                                return Some(format!("line {}: {action}", n + 1));
                            }
                        }
                    }
                }
            }
            if !c.is_whitespace() {
                value_start = quote.is_none() && matches!(c, ':' | '=' | ',' | '[' | '-');
            }
            prev = Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_actions_outside_strings_are_found() {
        for (text, line) in [
            ("name: {{ .Values.name }}\n", 1),
            ("a: 1\n{{- if .Values.tls }}\ntls: true\n{{- end }}\n", 2),
            ("http:\n  routers:\n{{ range $i, $e := until 3 }}\n", 3),
            ("{{ .Domain }} {\n\treverse_proxy app:80\n}\n", 1),
            ("key:   {{ .Values.key }}\n", 1),
            ("{% for h in hosts %}\n{{ h }} {\n}\n{% endfor %}\n", 1),
            ("key = {{ .Values.key }}\n", 1),
            ("- {{ .Values.x }}\n", 1),
            ("ports: [{{ .Values.port }}]\n", 1),
        ] {
            let found = template_action(text, false).unwrap_or_default();
            assert!(
                found.starts_with(&format!("line {line}: ")),
                "{text:?}: {found}"
            );
        }
    }

    #[test]
    fn templates_in_strings_words_and_comments_are_data() {
        for text in [
            "defaultRule: \"Host(`{{ normalize .Name }}.example.com`)\"\n",
            "rule: Host(`{{ .Name }}`)\n",
            "respond \"<p>{{.RemoteIP}}</p>\"\n",
            "label: '{{ not a template }}'\n",
            "# {{ .Values.commented }}\n",
            "a: b # {{ x }}\n",
            "example.com {\n\theader X-Id {http.request.uuid}\n}\n",
            "x: {a: 1}\n",
            "unclosed: {{ .Values\n",
            "é: {é}\n",
        ] {
            assert_eq!(template_action(text, false), None, "{text:?}");
        }
        // A plain YAML string may hold braces after a space; a Caddyfile token may not.
        let command = "healthcheck:\n  test: docker ps --format {{.Names}}\n";
        assert_eq!(template_action(command, false), None);
        let args = "example.com {\n\treverse_proxy {{ upstream }}\n}\n";
        assert_eq!(template_action(args, false), None);
        assert_eq!(
            template_action(args, true).as_deref(),
            Some("line 2: {{ upstream }}")
        );
    }

    #[test]
    fn summary_groups_by_kind_and_reason() {
        let s = |file: &str, kind, reason| Skipped {
            file: file.into(),
            kind,
            reason,
            detail: String::new(),
        };
        let lines = summary(&[
            s("a", Kind::Traefik, SkipReason::Templated),
            s("b", Kind::Caddy, SkipReason::Unparsed),
            s("c", Kind::Traefik, SkipReason::Templated),
        ]);
        assert_eq!(
            lines,
            [
                "1 file looked like a Caddyfile but does not parse as such: not scanned",
                "2 files looked like Traefik configuration but hold templates: not scanned",
            ]
        );
    }
}
