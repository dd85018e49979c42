//! `storage.kind` and `storage.s3`: where sealed photos live when they do not live in a folder.

use anyhow::{bail, Context};
use secrecy::SecretString;
use serde::Deserialize;

use super::Environment;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// Files under `storage.blobs_dir` (one machine).
    #[default]
    Local,
    /// An S3-compatible bucket, `storage.s3` (several instances share it).
    S3,
}

/// `storage.s3`: an S3-compatible bucket. The provider must honour `If-None-Match: *` on
/// `PutObject` (a conditional put): that is how a blob is never overwritten.
#[derive(Debug, Clone, Deserialize)]
pub struct S3Settings {
    /// The provider's endpoint without the bucket, e.g. `https://s3.fr-par.scw.cloud`; unset:
    /// AWS's own for `region`.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (most self-hosted
    /// servers want it).
    #[serde(default)]
    pub path_style: bool,
    pub access_key_id: SecretString,
    pub secret_access_key: SecretString,
    /// Keys start with `<prefix>/`, so that one bucket may hold several deployments; lower-case
    /// letters, digits, `-` and `/`. Everything under it is ours (the orphan sweep deletes what
    /// no photo references): two deployments' prefixes must not nest (`a` and `a/b`).
    pub prefix: Option<String>,
    /// Plain HTTP to the endpoint: only to one on this host (loopback), outside production.
    #[serde(default)]
    pub allow_http: bool,
    /// Each attempt is cut after this long, and none is retried once this long has passed since
    /// the first: a request to the bucket fails within about twice this.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
}

fn default_timeout_secs() -> u64 {
    30
}

impl S3Settings {
    /// The endpoint to send requests to: virtual-hosted style puts the bucket in the host name.
    pub fn request_endpoint(&self) -> anyhow::Result<Option<String>> {
        let Some(endpoint) = &self.endpoint else {
            return Ok(None);
        };
        let mut url = url::Url::parse(endpoint).context("storage.s3.endpoint is not a URL")?;
        if !self.path_style {
            let host = url.host_str().context("storage.s3.endpoint has no host")?;
            let with_bucket = format!("{}.{host}", self.bucket);
            url.set_host(Some(&with_bucket))
                .context("storage.s3.bucket does not fit in a host name (set path_style)")?;
        }
        Ok(Some(url.as_str().trim_end_matches('/').to_owned()))
    }

    pub(super) fn check(&self, environment: Environment) -> anyhow::Result<()> {
        if self.bucket.is_empty() || self.region.is_empty() {
            bail!("storage.s3: bucket and region must be set");
        }
        if self.timeout_secs == 0 {
            bail!("storage.s3.timeout_secs must be positive");
        }
        if let Some(prefix) = &self.prefix {
            let safe = prefix.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            });
            if !safe || prefix.len() > 100 {
                bail!("storage.s3.prefix: lower-case letters, digits, `-` and inner `/` only");
            }
        }
        let url = match &self.endpoint {
            Some(endpoint) => {
                url::Url::parse(endpoint).context("storage.s3.endpoint is not a URL")?
            }
            None if self.allow_http => bail!("storage.s3.allow_http needs a loopback endpoint"),
            None => return Ok(()),
        };
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if self.allow_http && (!loopback || environment == Environment::Production) {
            bail!("storage.s3.allow_http is only allowed to an endpoint on this host, outside production (keys and photos would cross the network in the clear)");
        }
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => bail!("storage.s3.endpoint is plain http: use https"),
            other => bail!("storage.s3.endpoint: unsupported scheme {other}"),
        }
        Ok(())
    }
}

/// `storage.kind` and `storage.s3` agree, and the bucket's settings are safe.
pub(super) fn check_storage(
    storage: &super::StorageSettings,
    environment: Environment,
) -> anyhow::Result<()> {
    match (storage.kind, &storage.s3) {
        (StorageKind::S3, Some(s3)) => s3.check(environment),
        (StorageKind::S3, None) => bail!("storage.kind = \"s3\" needs the storage.s3 settings"),
        // Photos would silently land in a local folder that other instances cannot see.
        (StorageKind::Local, Some(_)) => {
            bail!("storage.s3 is set but storage.kind is \"local\": set storage.kind = \"s3\", or remove storage.s3")
        }
        (StorageKind::Local, None) => Ok(()),
    }
}
