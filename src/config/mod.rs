//! Configuration: the TOML file as written (`raw`), then the checked runtime form (`settings`).
//!
//! Owns: reading the file, turning TOML errors into `file:line: key: message`, and collecting
//! every validation problem at once. Never: stores secrets in the file (keys come from
//! `api_key_env` / `api_key_file`) or prints key values. Called by: `main` (serve, check-config)
//! and tests.
//!
//! Extension points: a new top-level section is a new field on [`raw::RawConfig`] (with its own
//! `deny_unknown_fields` struct) plus its checked form on [`Settings`], built in
//! `Settings::from_raw` (push problems, never return early).

pub mod raw;
pub mod settings;

use std::path::{Path, PathBuf};

pub use settings::{
    AnthropicAuth, KeyState, ModelAllowlist, Provider, ProviderKey, Settings, Tenant, Timeouts,
    Upstream,
};

/// Errors while loading the configuration. Displayed as one clear message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {key}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("{path}: invalid configuration:\n  - {}", problems.join("\n  - "))]
    Invalid {
        path: PathBuf,
        problems: Vec<String>,
    },
}

/// Reads, parses and validates `path`, reading provider keys from the process environment.
pub fn load(path: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    load_str(&text, path, &|var| std::env::var(var).ok())
}

/// Parses and validates `text` (as if read from `path`) with a custom env lookup.
pub fn load_str(
    text: &str,
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let raw: raw::RawConfig = toml::from_str(text).map_err(|e| parse_error(&e, text, path))?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    Settings::from_raw(raw, base_dir, env).map_err(|problems| ConfigError::Invalid {
        path: path.to_path_buf(),
        problems,
    })
}

fn parse_error(e: &toml::de::Error, text: &str, path: &Path) -> ConfigError {
    let start = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = text.get(..start).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_text = text.lines().nth(line - 1).unwrap_or("").trim();
    // The key on the offending line, prefixed by the table it sits in.
    let key = line_text
        .split_once('=')
        .map(|(k, _)| k.trim())
        .unwrap_or(line_text);
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    let key = match table {
        Some(t) if !key.starts_with('[') => format!("{t}.{key}"),
        _ => key.to_string(),
    };
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        key: if key.is_empty() {
            "(top level)".into()
        } else {
            key
        },
        message: e.message().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = "listen = \"127.0.0.1:1\"\n[[provider]]\nname = \"e\"\nkind = \"echo\"\nmodles = [\"*\"]\n";
        let err = load_str(text, Path::new("x.toml"), &no_env)
            .err()
            .map(|e| e.to_string());
        let msg = err.unwrap_or_default();
        assert!(
            msg.starts_with("x.toml:5: provider.modles: unknown field `modles`"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_type_is_rejected_with_line() {
        let text = "max_body_bytes = \"big\"\n";
        let msg = load_str(text, Path::new("y.toml"), &no_env)
            .err()
            .map(|e| e.to_string());
        let msg = msg.unwrap_or_default();
        assert!(
            msg.starts_with("y.toml:1: max_body_bytes: invalid type"),
            "{msg}"
        );
    }

    #[test]
    fn all_problems_reported_at_once() {
        let text = r#"
listen = "nope"
[[provider]]
name = "Bad Name"
kind = "openai"
[[tenant]]
id = "t"
api_key_sha256 = ["zz"]
providers = ["ghost"]
"#;
        let Err(ConfigError::Invalid { problems, .. }) = load_str(text, Path::new("z"), &no_env)
        else {
            panic!("expected invalid");
        };
        let all = problems.join("\n");
        for needle in ["listen", "name: use", "base_url", "api_key_sha256", "ghost"] {
            assert!(all.contains(needle), "missing {needle} in {all}");
        }
    }

    #[test]
    fn preset_fills_defaults_and_missing_key_is_unavailable() {
        let text = "[[provider]]\nname = \"qwen\"\npreset = \"qwen\"\nmodels = [\"*\"]\n";
        let s = load_str(text, Path::new("c.toml"), &no_env).map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        let (_, p) = s.provider("qwen").unwrap_or_else(|| panic!("no provider"));
        assert!(
            matches!(&p.upstream, Upstream::Remote { base_url } if base_url == "https://dashscope.aliyuncs.com/compatible-mode")
        );
        assert!(!p.is_available());
        let with_key = |v: &str| (v == "DASHSCOPE_API_KEY").then(|| "sk-x".to_string());
        let s = load_str(text, Path::new("c.toml"), &with_key).map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert!(s.provider("qwen").is_some_and(|(_, p)| p.is_available()));
    }

    #[test]
    fn conflicting_and_reserved_keys_are_problems() {
        let text = r#"
default_tenant = "nobody"
[[provider]]
name = "metrics"
kind = "echo"
base_url = "https://x"
echo_format = "gemini"
[[provider]]
name = "o"
preset = "openai"
api_key_env = "A"
api_key_file = "k"
anthropic_auth = "bearer"
base_url = "ftp://x"
[[provider]]
name = "o"
kind = "echo"
"#;
        let Err(ConfigError::Invalid { problems, .. }) = load_str(text, Path::new("z"), &no_env)
        else {
            panic!("expected invalid");
        };
        let all = problems.join("\n");
        for needle in [
            "`metrics` is reserved",
            "answers locally",
            "only one of api_key_env and api_key_file",
            "anthropic_auth",
            "must be http",
            "default_tenant",
        ] {
            assert!(all.contains(needle), "missing {needle} in {all}");
        }
    }

    #[test]
    fn provider_key_is_never_in_debug_output() {
        let text = "[[provider]]\nname = \"o\"\npreset = \"openai\"\nmodels = [\"*\"]\n";
        let env = |_: &str| Some("sk-very-secret".to_string());
        let s = load_str(text, Path::new("c"), &env).map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert!(s.providers[0].is_available());
        assert!(!format!("{s:?}").contains("sk-very-secret"));
    }

    #[test]
    fn models_prefix_is_ignored() {
        let text = "[[provider]]\nname = \"g\"\nkind = \"echo\"\nmodels = [\"models/gemini-2*\"]\n";
        let s = load_str(text, Path::new("c"), &no_env).map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        let p = &s.providers[0];
        assert!(p.models.allows("gemini-2.5-flash"));
        assert!(p.models.allows("models/gemini-2.5-flash"));
        assert!(!p.models.allows("gpt-4o"));
    }

    #[test]
    fn shipped_config_parses_and_validates() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/promptwall.toml");
        let s = load_str(
            &std::fs::read_to_string(&path).unwrap_or_default(),
            &path,
            &no_env,
        )
        .map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert!(s.providers.iter().any(|p| p.is_echo() && p.is_available()));
        assert!(s.providers.iter().any(|p| !p.is_available()));
        assert!(!s.tenants.is_empty());
    }
}
