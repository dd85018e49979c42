//! Settings: built-in defaults, then an optional file, then `TELEDERM__...` environment variables
//! (last wins), then command-line flags.

mod key_paths;
mod proxies;
mod s3;
mod smtp;

pub(crate) use key_paths::resolve as resolve_path;
pub use proxies::TrustedProxies;
pub use s3::{S3Settings, StorageKind};
pub use smtp::{SmtpSettings, SmtpTls};

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::memory::budget::MAX_ONE_HOLD;

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
    pub storage: StorageSettings,
    pub queue: QueueSettings,
    pub sla: SlaSettings,
    pub notifications: NotificationSettings,
    pub web: WebSettings,
    pub audit: AuditSettings,
    /// systemd's `$CREDENTIALS_DIRECTORY` (not a setting): key files there may have the mode
    /// systemd gives credentials (see `crypto::private_file`).
    #[serde(skip)]
    pub credentials_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuditSettings {
    /// How often the lines written since the last seal are linked into the hash chain, in
    /// milliseconds; 0 turns the sealer off (tests drive it).
    pub seal_ms: u64,
}

/// The browser front door.
#[derive(Debug, Clone, Deserialize)]
pub struct WebSettings {
    /// A session unused this long is over (sign in again).
    pub session_idle_secs: u64,
    /// A session is over this long after sign-in, however busy.
    pub session_max_secs: u64,
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
    /// Gone: each recipient has its own signing secret now. Still read, only so that start-up
    /// can warn an operator who sets it that it does nothing.
    #[serde(default, rename = "signing_secret")]
    pub retired_signing_secret: Option<serde::de::IgnoredAny>,
    /// Let webhooks reach loopback and private networks (a receiver on the same host, tests).
    /// Cloud metadata services stay out of reach whatever this says.
    pub allow_private_targets: bool,
    /// Base URL of links in messages and of the pages, e.g. `https://telederm.example.fr`.
    /// Required in production; elsewhere it defaults to the address the server is bound to.
    pub public_url: Option<String>,
    /// The SMTP relay e-mails go through. Without it e-mail is off (webhooks only), except in
    /// the demo, whose e-mails go to `mail_dir`.
    pub smtp: Option<SmtpSettings>,
    /// Write e-mails as `.eml` files (mode 0600) to this folder instead of sending them; the
    /// demo's default is `<data_dir>/outbox`.
    pub mail_dir: Option<PathBuf>,
    /// Local hour (in the coordinator's first territory's zone) of the coordinators' daily
    /// digest of the day before.
    pub digest_hour: u32,
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
    /// The most memory decoding one photo may take, in bytes: its pixels (width x height x
    /// channels x bytes per channel) and the decoder's working memory (progressive JPEG
    /// coefficients, WebP frame copies), estimated from the header. A photo over it is refused
    /// from its header with 413 `image_too_large`.
    pub max_decoded_bytes: u64,
    /// Bytes that every photo being decoded holds at once, together (each counted as above);
    /// beyond it they wait.
    pub decode_budget_bytes: u64,
    /// How long a received photo waits for room in that budget before 503 `busy`. Longer than
    /// the upload wait (the photos are already here, a decode takes about a second), shorter
    /// than the 60 s a reverse proxy commonly waits for an answer.
    pub decode_wait_ms: u64,
    /// Request bytes that every upload holds in memory at once, together.
    pub upload_budget_bytes: u64,
    /// How long an upload waits for room in that budget before 503 `busy`.
    pub upload_busy_wait_ms: u64,
    /// Uploads one user may have in progress at once (from the first byte until their photos
    /// are sealed); one more is 429 `rate_limited`.
    pub max_uploads_per_user: usize,
    /// An upload body that sends nothing for this long is cut with 408 `request_timeout`.
    pub body_idle_timeout_secs: u64,
    /// An upload body not whole this long after it started is cut with 408 `request_timeout`,
    /// however steadily it trickles. 10 minutes carries the largest submission (128 MiB) over a
    /// 2 Mbit/s uplink (weak 4G, or the upload side of a rural ADSL line), and an ordinary one
    /// (a few photos, 20 MB) over a third of that; a trickle holds its memory no longer.
    pub body_deadline_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    /// Where sealed photos live: `local` (default) or `s3` (then `storage.s3` says where).
    #[serde(default)]
    pub kind: StorageKind,
    pub s3: Option<S3Settings>,
    /// Master key file; defaults to `<data_dir>/master-keys.json`. Created (mode 0600) in
    /// development when missing; production refuses to start without it, or with it inside
    /// `data_dir`.
    pub key_file: Option<PathBuf>,
    /// Folder of sealed photo blobs; defaults to `<data_dir>/blobs`.
    pub blobs_dir: Option<PathBuf>,
    /// How often leftovers of unfinished submissions are swept; 0 sweeps at start-up only.
    pub sweep_secs: u64,
    /// Leftovers younger than this are spared (another instance may be committing them).
    pub orphan_grace_secs: u64,
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
    pub trusted_proxies: TrustedProxies,
    /// On SIGTERM or SIGINT, how long requests in flight (an upload, up to
    /// `photos.body_deadline_secs`) may take to finish before their connections are dropped.
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://...` or `postgres://...`; defaults to `sqlite://<data_dir>/telederm.db`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// Base64 of at least 32 random bytes (`telederm-server keys signing-key` makes one). When
    /// unset, the key is read from `signing_key_file`.
    pub signing_key: Option<SecretString>,
    /// File holding the signing key in base64 (mode 0600); defaults to `signing-key` beside the
    /// master key file. Created with a random key in development when missing; production
    /// refuses to start without it, or with it inside `data_dir`.
    pub signing_key_file: Option<PathBuf>,
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
            .set_default("http.shutdown_grace_secs", 30)?
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
            .set_default("storage.sweep_secs", 600)?
            .set_default("storage.orphan_grace_secs", 3600)?
            .set_default("photos.max_decoded_bytes", 256 * MIB)?
            .set_default("photos.decode_budget_bytes", 512 * MIB)?
            .set_default("photos.upload_budget_bytes", 128 * MIB)?
            .set_default("photos.upload_busy_wait_ms", 3000)?
            .set_default("photos.max_uploads_per_user", 4)?
            .set_default("photos.body_idle_timeout_secs", 30)?
            .set_default("photos.body_deadline_secs", 600)?
            .set_default("photos.decode_wait_ms", 30_000)?
            .set_default("queue.lease_secs", 2 * 3600)?
            .set_default("queue.lease_check_secs", 60)?
            .set_default("sla.check_secs", 60)?
            .set_default("audit.seal_ms", 200)?
            .set_default("notifications.poll_secs", 5)?
            .set_default("notifications.digest_hour", 7)?
            .set_default("notifications.allow_private_targets", false)?
            .set_default("notifications.max_attempts", 8)?
            .set_default("notifications.backoff_secs", 30)?
            .set_default("notifications.max_backoff_secs", 3600)?
            .set_default("notifications.timeout_secs", 10)?
            .set_default("web.session_idle_secs", 30 * 60)?
            .set_default("web.session_max_secs", 12 * 3600)?;
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
        let mut settings: Settings = builder
            .build()?
            .try_deserialize()
            .context("invalid configuration")?;
        settings.credentials_dir = std::env::var_os("CREDENTIALS_DIRECTORY")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from);
        settings.check()?;
        Ok(settings)
    }

    /// Refuse settings that would be unsafe to run with.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.auth.token_ttl_secs == 0 || self.auth.token_ttl_secs > MAX_TOKEN_TTL_SECS {
            bail!("auth.token_ttl_secs must be between 1 and {MAX_TOKEN_TTL_SECS}");
        }
        if let Some(key) = &self.auth.signing_key {
            if self.auth.signing_key_file.is_some() {
                bail!("set auth.signing_key or auth.signing_key_file, not both");
            }
            crate::crypto::SigningKey::decode(key.expose_secret(), "auth.signing_key")?;
        }
        if self.environment == Environment::Production {
            key_paths::refuse_keys_inside_data_dir(self)?;
        }
        let n = &self.notifications;
        if n.max_attempts == 0 || n.backoff_secs == 0 || n.timeout_secs == 0 {
            bail!("notifications: max_attempts, backoff_secs and timeout_secs must be positive");
        }
        match &n.public_url {
            Some(url) => {
                url::Url::parse(url).context("notifications.public_url is not a URL")?;
            }
            None if self.environment == Environment::Production => {
                bail!("notifications.public_url must be set in production: links in e-mails and webhooks start with it");
            }
            None => {}
        }
        if n.digest_hour > 23 {
            bail!("notifications.digest_hour must be between 0 and 23");
        }
        if let Some(smtp) = &n.smtp {
            smtp.check(self.environment)?;
        }
        s3::check_storage(&self.storage, self.environment)?;
        if self.storage.orphan_grace_secs < 60 {
            bail!("storage.orphan_grace_secs must be at least 60: younger blobs may be mid-commit");
        }
        if self.queue.lease_secs == 0 || self.queue.lease_check_secs == 0 {
            bail!("queue.lease_secs and queue.lease_check_secs must be positive");
        }
        let p = &self.photos;
        if p.max_photos == 0 || p.max_photo_bytes == 0 || p.max_request_bytes < p.max_photo_bytes {
            bail!("photos: max_photos and max_photo_bytes must be positive, and max_request_bytes at least max_photo_bytes");
        }
        // A budget must hold the largest request (or photo) it admits, or that one would never
        // fit; one holder takes at most 4 GiB of a budget.
        if p.upload_budget_bytes < p.max_request_bytes as u64
            || p.decode_budget_bytes < p.max_decoded_bytes
        {
            bail!("photos: upload_budget_bytes must be at least max_request_bytes, and decode_budget_bytes at least max_decoded_bytes");
        }
        if p.max_request_bytes as u64 > MAX_ONE_HOLD || p.max_decoded_bytes > MAX_ONE_HOLD {
            bail!("photos: max_request_bytes and max_decoded_bytes must be at most 4 GiB");
        }
        if p.max_uploads_per_user == 0 || p.body_idle_timeout_secs == 0 {
            bail!("photos: max_uploads_per_user and body_idle_timeout_secs must be positive");
        }
        if p.body_deadline_secs < p.body_idle_timeout_secs {
            bail!("photos: body_deadline_secs must be at least body_idle_timeout_secs");
        }
        let w = &self.web;
        if w.session_idle_secs == 0 || w.session_max_secs < w.session_idle_secs {
            bail!("web: session_idle_secs must be positive and session_max_secs at least session_idle_secs");
        }
        Ok(())
    }

    pub fn key_file(&self) -> PathBuf {
        self.storage
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master-keys.json"))
    }

    /// Where the signing key is read from when `auth.signing_key` is unset: beside the master key
    /// file unless configured, so that keys placed apart from the data stay together.
    pub fn signing_key_file(&self) -> PathBuf {
        self.auth.signing_key_file.clone().unwrap_or_else(|| {
            let key_file = self.key_file();
            let dir = key_file.parent().unwrap_or(Path::new(""));
            dir.join("signing-key")
        })
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
mod tests;
