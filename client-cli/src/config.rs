//! Where the CLI keeps its files, and the optional `config.toml` in that directory.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

/// Overrides the config directory; tests point it at a temp dir to isolate runs.
pub const CONFIG_DIR_ENV: &str = "TELEDERM_CONFIG_DIR";
/// Overrides the server URL from the config file.
pub const SERVER_ENV: &str = "TELEDERM_SERVER";
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";
pub const CONFIG_FILE: &str = "config.toml";

/// Contents of `config.toml`. Unknown keys are ignored so an older CLI can read a newer file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
pub struct Config {
    pub server: Option<String>,
}

/// The config directory: `$TELEDERM_CONFIG_DIR`, else the platform's config dir + `telederm`.
pub fn config_dir() -> anyhow::Result<PathBuf> {
    let env = std::env::var_os(CONFIG_DIR_ENV).map(PathBuf::from);
    choose_config_dir(env, dirs::config_dir()).with_context(|| {
        format!("cannot find a config directory; set {CONFIG_DIR_ENV} to choose one")
    })
}

/// Pure part of [`config_dir`]: an empty override counts as unset.
pub fn choose_config_dir(env: Option<PathBuf>, platform: Option<PathBuf>) -> Option<PathBuf> {
    match env {
        Some(dir) if !dir.as_os_str().is_empty() => Some(dir),
        _ => platform.map(|dir| dir.join("telederm")),
    }
}

/// Reads `config.toml` from `dir`; a missing file is an empty config.
pub fn load(dir: &Path) -> anyhow::Result<Config> {
    let path = dir.join(CONFIG_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    toml::from_str(&text).with_context(|| format!("invalid {}", path.display()))
}

/// Where the server URL came from, so an invalid one can be traced back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerSource {
    Flag,
    Env,
    File,
    Default,
}

impl std::fmt::Display for ServerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ServerSource::Flag => "--server",
            ServerSource::Env => SERVER_ENV,
            ServerSource::File => CONFIG_FILE,
            ServerSource::Default => "the default",
        })
    }
}

/// The server URL to use: flag, then environment, then config file, then the default.
/// Empty values count as unset so `TELEDERM_SERVER=` does not mean "no server".
pub fn resolve_server<'a>(
    flag: Option<&'a str>,
    env: Option<&'a str>,
    file: Option<&'a str>,
) -> (&'a str, ServerSource) {
    [
        (flag, ServerSource::Flag),
        (env, ServerSource::Env),
        (file, ServerSource::File),
    ]
    .into_iter()
    .filter_map(|(value, source)| Some((value?.trim(), source)))
    .find(|(value, _)| !value.is_empty())
    .unwrap_or((DEFAULT_SERVER, ServerSource::Default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_precedence_is_flag_env_file_default() {
        let (f, e, c) = (Some("http://flag"), Some("http://env"), Some("http://file"));
        assert_eq!(resolve_server(f, e, c), ("http://flag", ServerSource::Flag));
        assert_eq!(
            resolve_server(None, e, c),
            ("http://env", ServerSource::Env)
        );
        assert_eq!(
            resolve_server(None, None, c),
            ("http://file", ServerSource::File)
        );
        assert_eq!(
            resolve_server(None, None, None),
            (DEFAULT_SERVER, ServerSource::Default)
        );
    }

    #[test]
    fn empty_values_fall_through() {
        let (url, _) = resolve_server(Some(""), Some(""), Some("http://file"));
        assert_eq!(url, "http://file");
        let (url, source) = resolve_server(None, Some("  "), None);
        assert_eq!((url, source), (DEFAULT_SERVER, ServerSource::Default));
    }

    #[test]
    fn config_dir_override_wins_unless_empty() {
        let platform = Some(PathBuf::from("/home/u/.config"));
        assert_eq!(
            choose_config_dir(Some("/tmp/x".into()), platform.clone()),
            Some(PathBuf::from("/tmp/x"))
        );
        assert_eq!(
            choose_config_dir(Some("".into()), platform.clone()),
            Some(PathBuf::from("/home/u/.config/telederm"))
        );
        assert_eq!(choose_config_dir(None, None), None);
    }

    #[test]
    fn config_file_is_optional_and_tolerates_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), Config::default());

        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "server = \"https://derm.example\"\nfuture_key = 1\n",
        )
        .unwrap();
        assert_eq!(
            load(dir.path()).unwrap().server.as_deref(),
            Some("https://derm.example")
        );

        std::fs::write(dir.path().join(CONFIG_FILE), "server = ").unwrap();
        assert!(load(dir.path()).is_err());
    }
}
