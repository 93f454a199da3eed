//! `vigie.toml`: which files to skip, rules to turn off or re-grade, per-path ignores, and the
//! configuration policies read as `data.vigie.config`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use crate::finding::Severity;
use crate::source::host::HostSpec;

pub mod inventory;

pub use inventory::{AuditSettings, Env};

pub const FILE_NAME: &str = "vigie.toml";

/// A configuration error, with the place in the file when there is one.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct SettingsError {
    pub path: PathBuf,
    pub text: Option<String>,
    pub span: Option<Range<usize>>,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    fail_on: Option<toml::Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
    #[serde(default)]
    config: toml::Table,
    #[serde(default)]
    hosts: Vec<toml::Spanned<inventory::RawHost>>,
    audit: Option<inventory::RawAudit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    paths: Vec<toml::Spanned<String>>,
    #[serde(default)]
    rules: Vec<toml::Spanned<String>>,
    reason: Option<String>,
}

/// What `[rules]` says of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

#[derive(Debug)]
pub struct PathIgnore {
    pub paths: GlobSet,
    /// Empty: every rule.
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Debug)]
pub struct Settings {
    /// The file the settings came from, if any.
    pub path: Option<PathBuf>,
    pub exclude: GlobSet,
    pub fail_on: Option<Severity>,
    pub rules: BTreeMap<String, (RuleSetting, Range<usize>)>,
    pub ignores: Vec<PathIgnore>,
    /// `data.vigie.config`.
    pub config: Value,
    /// `[[hosts]]`: the inventory `vigie audit` reads when not given hosts.
    pub hosts: Vec<HostSpec>,
    /// `[audit]`.
    pub audit: AuditSettings,
    text: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            path: None,
            exclude: GlobSet::empty(),
            fail_on: None,
            rules: BTreeMap::new(),
            ignores: Vec::new(),
            config: default_config(),
            hosts: Vec::new(),
            audit: AuditSettings::default(),
            text: None,
        }
    }
}

fn default_config() -> Value {
    serde_json::json!({
        "vpn_cidrs": ["100.64.0.0/10"],
        "vpn_interfaces": ["tailscale", "wg", "zt", "tun", "nebula"],
        "backup": { "max_age": "48h" },
    })
}

/// A duration as `vigie.toml` writes it: a whole number and a unit, `s`, `m`, `h`, `d` or `w`
/// (`"48h"`, `"8d"`). In seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let unit = match s.chars().last()? {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    };
    let n = s.get(..s.len() - 1)?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse::<u64>().ok()?.checked_mul(unit).filter(|&s| s > 0)
}

impl Settings {
    /// `--config FILE`, else `vigie.toml` in the working directory, else defaults.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Self, SettingsError> {
        match explicit {
            Some(p) => Self::load(p),
            None => {
                let p = cwd.join(FILE_NAME);
                if p.is_file() {
                    // Found, not named: it belongs to the tree being scanned, so it must not be
                    // a link out of it (its text would be quoted in a parse error).
                    let inside = match (std::fs::canonicalize(&p), std::fs::canonicalize(cwd)) {
                        (Ok(target), Ok(dir)) => target.starts_with(dir),
                        _ => false,
                    };
                    if !inside {
                        return Err(SettingsError {
                            path: p.clone(),
                            text: None,
                            span: None,
                            message: format!(
                                "{} leads outside the working directory: not read (name it with --config to use it)",
                                p.display()
                            ),
                        });
                    }
                    Self::load(&p)
                } else {
                    Ok(Self::default())
                }
            }
        }
    }

    pub fn load(path: &Path) -> Result<Self, SettingsError> {
        let text = crate::fsio::read_text(path, crate::fsio::MAX_SETTINGS_SIZE).map_err(|e| {
            SettingsError {
                path: path.to_path_buf(),
                text: None,
                span: None,
                message: format!("cannot read {}: {}", path.display(), e.reason()),
            }
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, SettingsError> {
        Self::parse_with(path, text, &Env::from_process())
    }

    /// Parse with `env` giving the defaults of `[[hosts]]` (`$USER`, `$HOME`).
    pub fn parse_with(path: &Path, text: &str, env: &Env) -> Result<Self, SettingsError> {
        let err = |span: Option<Range<usize>>, message: String| SettingsError {
            path: path.to_path_buf(),
            text: Some(text.to_string()),
            span,
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| err(e.span(), e.message().to_string()))?;
        let glob = |s: &toml::Spanned<String>| {
            Glob::new(s.get_ref()).map_err(|e| err(Some(s.span()), format!("invalid glob: {e}")))
        };
        let mut exclude = GlobSetBuilder::new();
        for pattern in &raw.exclude {
            exclude.add(glob(pattern)?);
        }
        let fail_on = match &raw.fail_on {
            Some(s) => Some(
                s.get_ref()
                    .parse::<Severity>()
                    .map_err(|m| err(Some(s.span()), m))?,
            ),
            None => None,
        };
        let mut rules = BTreeMap::new();
        for (id, value) in raw.rules {
            let setting =
                match value.get_ref().as_str() {
                    "off" => RuleSetting::Off,
                    other => RuleSetting::Severity(other.parse().map_err(|m: String| {
                        err(Some(value.span()), format!("{m}, or \"off\""))
                    })?),
                };
            rules.insert(id, (setting, value.span()));
        }
        let mut ignores = Vec::new();
        for ig in raw.ignore {
            let mut set = GlobSetBuilder::new();
            for p in &ig.paths {
                set.add(glob(p)?);
            }
            ignores.push(PathIgnore {
                paths: set
                    .build()
                    .map_err(|e| err(None, format!("invalid glob: {e}")))?,
                rules: ig
                    .rules
                    .into_iter()
                    .map(toml::Spanned::into_inner)
                    .collect(),
                reason: ig.reason,
            });
        }
        let mut config = default_config();
        let user =
            serde_json::to_value(&raw.config).map_err(|e| err(None, format!("[config]: {e}")))?;
        if let (Value::Object(base), Value::Object(user)) = (&mut config, user) {
            base.extend(user);
        }
        if let Some(cidrs) = config.get("vpn_cidrs") {
            let ok = cidrs
                .as_array()
                .is_some_and(|a| a.iter().all(|c| c.as_str().is_some_and(valid_cidr)));
            if !ok {
                let at = text.find("vpn_cidrs").map(|s| s..s + "vpn_cidrs".len());
                return Err(err(
                    at,
                    "config.vpn_cidrs must be a list of CIDRs such as \"100.64.0.0/10\"".into(),
                ));
            }
        }
        let at = |key: &str| text.find(key).map(|s| s..s + key.len());
        if let Some(v) = config.get("vpn_interfaces") {
            let ok = v
                .as_array()
                .is_some_and(|a| a.iter().all(|c| c.as_str().is_some_and(|s| !s.is_empty())));
            if !ok {
                return Err(err(
                    at("vpn_interfaces"),
                    "config.vpn_interfaces must be a list of interface name prefixes such as \"tailscale\"".into(),
                ));
            }
        }
        if let Some(backup) = config.get("backup") {
            let max_age = backup.get("max_age");
            let ok = backup.is_object()
                && max_age.is_none_or(|m| m.as_str().and_then(parse_duration).is_some());
            if !ok {
                return Err(err(
                    at("max_age").or_else(|| at("backup")),
                    "config.backup.max_age must be a duration such as \"48h\", \"36h\" or \"8d\" (a whole number and s, m, h, d or w)".into(),
                ));
            }
        }
        let base = path.parent();
        let audit = inventory::audit_settings(raw.audit, env, base, &err)?;
        let hosts = inventory::hosts(raw.hosts, env, base, &err)?;
        Ok(Self {
            path: Some(path.to_path_buf()),
            exclude: exclude
                .build()
                .map_err(|e| err(None, format!("invalid glob: {e}")))?,
            fail_on,
            rules,
            ignores,
            config,
            hosts,
            audit,
            text: Some(text.to_string()),
        })
    }

    pub fn rule(&self, id: &str) -> Option<RuleSetting> {
        self.rules.get(id).map(|(s, _)| *s)
    }

    /// Rules named in `[rules]` that no policy defines.
    pub fn check_rule_ids(&self, known: impl Fn(&str) -> bool) -> Result<(), SettingsError> {
        for (id, (_, span)) in &self.rules {
            if !known(id) {
                return Err(SettingsError {
                    path: self.path.clone().unwrap_or_else(|| FILE_NAME.into()),
                    text: self.text.clone(),
                    span: Some(span.clone()),
                    message: format!(
                        "[rules] names {id:?}, which is not a rule (see `vigie rules`)"
                    ),
                });
            }
        }
        Ok(())
    }
}

fn valid_cidr(s: &str) -> bool {
    let Some((addr, len)) = s.split_once('/') else {
        return false;
    };
    let Ok(len) = len.parse::<u8>() else {
        return false;
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => len <= 32,
        Ok(std::net::IpAddr::V6(_)) => len <= 128,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_max_age_and_vpn_interfaces() {
        let s = Settings::parse(
            Path::new("vigie.toml"),
            "[config]\nvpn_interfaces = [\"wg\"]\n[config.backup]\nmax_age = \"8d\"\n",
        )
        .unwrap();
        assert_eq!(s.config["backup"]["max_age"], "8d");
        assert_eq!(s.config["vpn_interfaces"][0], "wg");
        assert_eq!(Settings::default().config["backup"]["max_age"], "48h");
        for bad in [
            "[config.backup]\nmax_age = \"2 days\"\n",
            "[config.backup]\nmax_age = \"0h\"\n",
            "[config.backup]\nmax_age = 48\n",
            "[config]\nbackup = \"48h\"\n",
            "[config]\nvpn_interfaces = \"wg0\"\n",
        ] {
            let e = Settings::parse(Path::new("vigie.toml"), bad).unwrap_err();
            assert!(e.span.is_some(), "{bad}");
        }
        assert_eq!(parse_duration("48h"), Some(172_800));
        assert_eq!(parse_duration("90m"), Some(5400));
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("-1h"), None);
    }

    #[test]
    fn parses_everything() {
        let s = Settings::parse(
            Path::new("vigie.toml"),
            "exclude = [\"legacy/**\"]\nfail_on = \"high\"\n[rules]\n\"compose.x\" = \"off\"\n\"compose.y\" = \"medium\"\n[[ignore]]\npaths = [\"lab/**\"]\nrules = [\"compose.z\"]\nreason = \"lab\"\n[config]\nvpn_cidrs = [\"10.8.0.0/24\"]\n",
        )
        .unwrap();
        assert!(s.exclude.is_match("legacy/a/compose.yaml"));
        assert_eq!(s.fail_on, Some(Severity::High));
        assert_eq!(s.rule("compose.x"), Some(RuleSetting::Off));
        assert_eq!(
            s.rule("compose.y"),
            Some(RuleSetting::Severity(Severity::Medium))
        );
        assert_eq!(s.config["vpn_cidrs"][0], "10.8.0.0/24");
    }

    #[test]
    fn errors_point_into_the_file() {
        let text = "[rules]\n\"compose.x\" = \"severe\"\n";
        let e = Settings::parse(Path::new("vigie.toml"), text).unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&text[span], "\"severe\"");
        let e = Settings::parse(Path::new("vigie.toml"), "exclud = []\n").unwrap_err();
        assert!(e.message.contains("unknown field"), "{}", e.message);
        assert!(Settings::parse(Path::new("v"), "[config]\nvpn_cidrs = [\"nope\"]\n").is_err());
    }
}
