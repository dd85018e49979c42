//! Settings: built-in defaults, then an optional file, then `TELEDERM__...` environment variables
//! (last wins), then command-line flags.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Webhook secret used when none is configured in development. Production requires its own.
const DEV_WEBHOOK_SECRET: &str = "telederm-development-webhook-secret-not-for-production";

/// Signing key used when none is configured in development. Production refuses it.
pub const DEV_SIGNING_KEY: &str =
    "dGVsZWRlcm0tZGV2ZWxvcG1lbnQtb25seS1zaWduaW5nLWtleS0wMDAwMDAwMA==";
const MIB: u64 = 1024 * 1024;
/// Tokens may not live longer than this (issue #2: at most one hour).
pub const MAX_TOKEN_TTL_SECS: u64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub environment: Environment,
    pub data_dir: PathBuf,
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub photos: PhotoSettings,
    #[serde(default)]
    pub storage: StorageSettings,
    pub queue: QueueSettings,
    pub sla: SlaSettings,
    pub notifications: NotificationSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SlaSettings {
    /// How often the escalation ladder is checked; 0 turns the worker off (tests drive it).
    pub check_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NotificationSettings {
    /// How often the outbox is looked at; 0 turns the delivery worker off (tests drive it).
    pub poll_secs: u64,
    /// Secret of the `X-Telederm-Signature` HMAC; production refuses to start without one.
    pub signing_secret: Option<SecretString>,
    /// Base URL of links in payloads, e.g. `https://telederm.example.fr`.
    pub public_url: String,
    /// Attempts before a message is parked for an admin.
    pub max_attempts: u32,
    /// First retry delay; doubled on each failure, up to `max_backoff_secs`.
    pub backoff_secs: u64,
    pub max_backoff_secs: u64,
    /// Per request.
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct QueueSettings {
    /// How long a claim lasts before the case returns to the queue.
    pub lease_secs: u64,
    /// How often expired leases are looked for.
    pub lease_check_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhotoSettings {
    /// Largest photo accepted, in bytes (checked while the upload streams in).
    pub max_photo_bytes: usize,
    /// Largest whole submission (case JSON and every photo), in bytes.
    pub max_request_bytes: usize,
    pub max_photos: usize,
    pub max_side: u32,
    pub max_megapixels: u32,
    /// Photos processed at once (decoding is CPU and memory heavy); defaults to the core count.
    pub concurrency: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StorageSettings {
    /// Master key file; defaults to `<data_dir>/master-keys.json`. Created (mode 0600) in
    /// development when missing; production refuses to start without it.
    pub key_file: Option<PathBuf>,
    /// Folder of sealed photo blobs; defaults to `<data_dir>/blobs`.
    pub blobs_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    /// `ADDR:PORT`; port 0 picks a free port.
    pub bind: String,
    /// Worker threads; defaults to the number of cores.
    pub workers: Option<usize>,
    pub max_json_bytes: usize,
    /// Our reverse proxies (CIDR blocks or addresses): only a peer among them may name the
    /// client in `Forwarded` / `X-Forwarded-For`. Empty by default: the headers are ignored.
    #[serde(default)]
    pub trusted_proxies: crate::http::client_addr::TrustedProxies,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://...` or `postgres://...`; defaults to `sqlite://<data_dir>/telederm.db`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// Base64 of at least 32 random bytes (`telederm-server keys signing-key` makes one).
    pub signing_key: Option<SecretString>,
    pub issuer: String,
    pub audience: String,
    pub token_ttl_secs: u64,
    pub login_failure_window_secs: u64,
    pub max_failures_per_account: u32,
    pub max_failures_per_address: u32,
}

/// Command-line values that override every other source.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
}

impl Settings {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
        let mut builder = config::Config::builder()
            .set_default("environment", "development")?
            .set_default("data_dir", "./data")?
            .set_default("http.bind", "127.0.0.1:8080")?
            .set_default("http.max_json_bytes", 64 * 1024)?
            .set_default("database.max_connections", 10)?
            .set_default("auth.issuer", "telederm")?
            .set_default("auth.audience", "telederm-api")?
            .set_default("auth.token_ttl_secs", 3600)?
            .set_default("auth.login_failure_window_secs", 900)?
            .set_default("auth.max_failures_per_account", 5)?
            .set_default("auth.max_failures_per_address", 20)?
            .set_default("photos.max_photo_bytes", 25 * MIB)?
            .set_default("photos.max_request_bytes", 128 * MIB)?
            .set_default("photos.max_photos", 10)?
            .set_default("photos.max_side", 16384)?
            .set_default("photos.max_megapixels", 100)?
            .set_default("queue.lease_secs", 2 * 3600)?
            .set_default("queue.lease_check_secs", 60)?
            .set_default("sla.check_secs", 60)?
            .set_default("notifications.poll_secs", 5)?
            .set_default("notifications.public_url", "http://127.0.0.1:8080")?
            .set_default("notifications.max_attempts", 8)?
            .set_default("notifications.backoff_secs", 30)?
            .set_default("notifications.max_backoff_secs", 3600)?
            .set_default("notifications.timeout_secs", 10)?;
        if let Some(file) = file {
            builder = builder.add_source(config::File::from(file).required(true));
        }
        builder = builder.add_source(
            config::Environment::with_prefix("TELEDERM")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        if let Some(bind) = &overrides.bind {
            builder = builder.set_override("http.bind", bind.as_str())?;
        }
        if let Some(dir) = &overrides.data_dir {
            builder = builder.set_override("data_dir", dir.to_string_lossy().as_ref())?;
        }
        let settings: Settings = builder
            .build()?
            .try_deserialize()
            .context("invalid configuration")?;
        settings.check()?;
        Ok(settings)
    }

    /// Refuse settings that would be unsafe to run with.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.auth.token_ttl_secs == 0 || self.auth.token_ttl_secs > MAX_TOKEN_TTL_SECS {
            bail!("auth.token_ttl_secs must be between 1 and {MAX_TOKEN_TTL_SECS}");
        }
        if self.environment == Environment::Production {
            match &self.auth.signing_key {
                None => bail!("production requires auth.signing_key (TELEDERM__AUTH__SIGNING_KEY)"),
                Some(k) if k.expose_secret() == DEV_SIGNING_KEY => {
                    bail!("production refuses the development signing key")
                }
                Some(_) => {}
            }
        }
        self.signing_key()?;
        let n = &self.notifications;
        if self.environment == Environment::Production && n.signing_secret.is_none() {
            bail!("production requires notifications.signing_secret (TELEDERM__NOTIFICATIONS__SIGNING_SECRET)");
        }
        if n.signing_secret
            .as_ref()
            .is_some_and(|s| s.expose_secret().len() < 32)
        {
            bail!("notifications.signing_secret must hold at least 32 characters");
        }
        if n.max_attempts == 0 || n.backoff_secs == 0 || n.timeout_secs == 0 {
            bail!("notifications: max_attempts, backoff_secs and timeout_secs must be positive");
        }
        url::Url::parse(&n.public_url).context("notifications.public_url is not a URL")?;
        if self.queue.lease_secs == 0 || self.queue.lease_check_secs == 0 {
            bail!("queue.lease_secs and queue.lease_check_secs must be positive");
        }
        let p = &self.photos;
        if p.max_photos == 0 || p.max_photo_bytes == 0 || p.max_request_bytes < p.max_photo_bytes {
            bail!("photos: max_photos and max_photo_bytes must be positive, and max_request_bytes at least max_photo_bytes");
        }
        Ok(())
    }

    /// The raw signing key bytes.
    pub fn signing_key(&self) -> anyhow::Result<Vec<u8>> {
        let encoded = self
            .auth
            .signing_key
            .as_ref()
            .map(|k| k.expose_secret())
            .unwrap_or(DEV_SIGNING_KEY);
        let key = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .context("auth.signing_key is not valid base64")?;
        if key.len() < 32 {
            bail!("auth.signing_key must hold at least 32 bytes");
        }
        Ok(key)
    }

    /// The webhook signing secret (a fixed development one when none is configured).
    pub fn webhook_secret(&self) -> SecretString {
        self.notifications
            .signing_secret
            .clone()
            .unwrap_or_else(|| SecretString::from(DEV_WEBHOOK_SECRET))
    }

    pub fn uses_dev_signing_key(&self) -> bool {
        self.auth
            .signing_key
            .as_ref()
            .is_none_or(|k| k.expose_secret() == DEV_SIGNING_KEY)
    }

    pub fn key_file(&self) -> PathBuf {
        self.storage
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master-keys.json"))
    }

    pub fn blobs_dir(&self) -> PathBuf {
        self.storage
            .blobs_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs"))
    }

    pub fn database_url(&self) -> SecretString {
        match &self.database.url {
            Some(url) => url.clone(),
            None => {
                let path = self.data_dir.join("telederm.db");
                SecretString::from(format!("sqlite://{}?mode=rwc", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Settings {
        Settings::load(None, &Overrides::default()).unwrap()
    }

    #[test]
    fn defaults_are_development_on_sqlite() {
        let s = defaults();
        assert_eq!(s.environment, Environment::Development);
        assert_eq!(s.http.bind, "127.0.0.1:8080");
        assert!(s.database_url().expose_secret().starts_with("sqlite://"));
        assert!(s.signing_key().unwrap().len() >= 32);
    }

    #[test]
    fn production_refuses_the_development_key() {
        let mut s = defaults();
        s.environment = Environment::Production;
        assert!(s.check().is_err());
        s.auth.signing_key = Some(SecretString::from(DEV_SIGNING_KEY));
        assert!(s.check().is_err());
        s.auth.signing_key = Some(SecretString::from(
            base64::engine::general_purpose::STANDARD.encode([7u8; 32]),
        ));
        assert!(s.check().is_err(), "no webhook secret");
        s.notifications.signing_secret = Some(SecretString::from("short"));
        assert!(s.check().is_err());
        s.notifications.signing_secret = Some(SecretString::from("x".repeat(32)));
        assert!(s.check().is_ok());
    }

    #[test]
    fn short_keys_and_long_tokens_are_refused() {
        let mut s = defaults();
        s.auth.signing_key = Some(SecretString::from(
            base64::engine::general_purpose::STANDARD.encode([7u8; 31]),
        ));
        assert!(s.check().is_err());
        let mut s = defaults();
        s.auth.token_ttl_secs = 7200;
        assert!(s.check().is_err());
    }

    #[test]
    fn flags_override_defaults() {
        let o = Overrides {
            bind: Some("127.0.0.1:0".into()),
            data_dir: Some("/tmp/x".into()),
        };
        let s = Settings::load(None, &o).unwrap();
        assert_eq!(s.http.bind, "127.0.0.1:0");
        assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
    }
}
