//! Where things live: the data directory, the config file and the database path.
//!
//! Database path precedence: `--db` > `P2PDESK_DB` > `db` in the config file > `p2pdesk.db` in
//! the data directory. The data directory is `--data-dir` or the user's data directory from
//! the operating system; containers without a home directory must pass `--data-dir`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use directories::ProjectDirs;
use serde::Deserialize;

/// The config file's contents. Unknown keys are an error, so a typo never passes silently.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Database path.
    pub db: Option<PathBuf>,
    /// `zh-CN` or `en`.
    pub language: Option<String>,
    /// `dark`, `light` or `high-contrast`.
    pub theme: Option<String>,
    /// Console key overrides: `[keys.SCREEN] action = "key"` (or a list of keys). Checked when
    /// the console starts, where unknown screens, actions and clashes are reported.
    #[serde(default)]
    pub keys: BTreeMap<String, BTreeMap<String, KeySpec>>,
}

/// The key or keys bound to one action in the config file.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    /// The keys as written, in order.
    #[must_use]
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeySpec::One(k) => vec![k.as_str()],
            KeySpec::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {problem}")]
    File { path: PathBuf, problem: String },
    #[error("no home directory to keep data in: pass --data-dir DIR (or --db PATH)")]
    NoDataDir,
}

/// The paths a command works with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    pub data_dir: Option<PathBuf>,
    pub config_file: Option<PathBuf>,
    pub config: ConfigFile,
}

fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "p2pdesk")
}

impl Paths {
    /// Resolves the data directory and reads the config file if there is one. An explicit
    /// `--config` that does not exist is an error; the default one may be absent.
    pub fn resolve(data_dir: Option<&Path>, config: Option<&Path>) -> Result<Paths, ConfigError> {
        let dirs = project_dirs();
        let data_dir = data_dir
            .map(Path::to_path_buf)
            .or_else(|| dirs.as_ref().map(|d| d.data_dir().to_path_buf()));
        let (config_file, required) = match config {
            Some(p) => (Some(p.to_path_buf()), true),
            None => (dirs.as_ref().map(|d| d.config_dir().join("config.toml")), false),
        };
        let config = match &config_file {
            Some(path) => read_config(path, required)?,
            None => ConfigFile::default(),
        };
        Ok(Paths { data_dir, config_file, config })
    }

    /// The database to use, by the precedence above.
    pub fn database(
        &self,
        flag: Option<&Path>,
        env: Option<&Path>,
    ) -> Result<PathBuf, ConfigError> {
        if let Some(p) = flag.or(env) {
            return Ok(p.to_path_buf());
        }
        if let Some(p) = &self.config.db {
            return Ok(p.clone());
        }
        self.data_dir.as_ref().map(|d| d.join("p2pdesk.db")).ok_or(ConfigError::NoDataDir)
    }

    /// The directory for log files.
    #[must_use]
    pub fn log_dir(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(|d| d.join("logs"))
    }
}

fn read_config(path: &Path, required: bool) -> Result<ConfigFile, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::File {
            path: path.to_path_buf(),
            problem: e.message().to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            Ok(ConfigFile::default())
        }
        Err(e) => Err(ConfigError::File { path: path.to_path_buf(), problem: e.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_path_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.toml");
        std::fs::write(&cfg, "db = \"/from/config.db\"\n").unwrap();
        let paths = Paths::resolve(Some(dir.path()), Some(&cfg)).unwrap();
        let flag = Path::new("/from/flag.db");
        let env = Path::new("/from/env.db");
        assert_eq!(paths.database(Some(flag), Some(env)).unwrap(), flag);
        assert_eq!(paths.database(None, Some(env)).unwrap(), env);
        assert_eq!(paths.database(None, None).unwrap(), Path::new("/from/config.db"));
        std::fs::write(&cfg, "").unwrap();
        let paths = Paths::resolve(Some(dir.path()), Some(&cfg)).unwrap();
        assert_eq!(paths.database(None, None).unwrap(), dir.path().join("p2pdesk.db"));
    }

    #[test]
    fn config_typos_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config.toml");
        std::fs::write(&cfg, "databse = \"x\"\n").unwrap();
        let err = Paths::resolve(Some(dir.path()), Some(&cfg)).unwrap_err().to_string();
        assert!(err.contains("unknown field `databse`"), "{err}");
        let missing = dir.path().join("nope.toml");
        assert!(Paths::resolve(Some(dir.path()), Some(&missing)).is_err());
    }
}
