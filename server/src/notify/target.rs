//! Where a webhook may point, checked when its URL is saved and again at every connection.
//!
//! At save time: the scheme (https in production), the host name, a literal address, and the
//! addresses the name resolves to then. At connect time the client's own resolver
//! ([`GuardedResolver`]) resolves the name, refuses it if any address is not allowed, and hands
//! the connector exactly the addresses it checked: a name that changes its answer between the
//! check and the connection (DNS rebinding) cannot slip through. Literal addresses never reach a
//! resolver, so [`TargetPolicy::check_url`] judges them before each request.

use std::{net::IpAddr, time::Duration};

use url::{Host, Url};

use super::address::{classify, Reach};
use crate::config::{Environment, Settings};

/// Names of cloud metadata services: refused whatever the settings.
const METADATA_NAMES: [&str; 5] = [
    "metadata",
    "metadata.google.internal",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Suffixes of names that only make sense inside a private network.
const INTERNAL_SUFFIXES: [&str; 4] = [".localhost", ".local", ".internal", ".home.arpa"];

/// How long saving a URL waits for its name to resolve.
const SAVE_LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a target is refused: said to whoever saves the URL; deliveries record only the category.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("must be an https URL")]
    NotHttps,
    #[error("must point to a public address, not a private network or a metadata service")]
    NotPublic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetPolicy {
    /// `notifications.allow_private_targets`: private networks and loopback allowed (tests, a
    /// receiver on the same host). Metadata services stay refused.
    pub allow_private: bool,
    /// Production: plain http is refused.
    pub require_https: bool,
}

impl TargetPolicy {
    /// Where webhooks may point under these settings: https only in production.
    pub fn from_settings(settings: &Settings) -> TargetPolicy {
        TargetPolicy {
            allow_private: settings.notifications.allow_private_targets,
            require_https: settings.environment == Environment::Production,
        }
    }

    /// The checks that need no DNS: scheme, host name, literal address.
    pub fn check_url(&self, url: &Url) -> Result<(), Refused> {
        match url.scheme() {
            "https" => {}
            "http" if !self.require_https => {}
            _ => return Err(Refused::NotHttps),
        }
        match url.host() {
            Some(Host::Ipv4(ip)) => self.check_address(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.check_address(IpAddr::V6(ip)),
            Some(Host::Domain(name)) => self.check_name(name),
            None => Err(Refused::NotPublic),
        }
    }

    pub fn check_address(&self, ip: IpAddr) -> Result<(), Refused> {
        match classify(ip) {
            Reach::Public => Ok(()),
            Reach::Internal if self.allow_private => Ok(()),
            Reach::Internal | Reach::Forbidden => Err(Refused::NotPublic),
        }
    }

    fn check_name(&self, name: &str) -> Result<(), Refused> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if METADATA_NAMES.contains(&name.as_str()) {
            return Err(Refused::NotPublic);
        }
        // A single label is completed by the resolver's search domains: an internal host.
        let internal = name == "localhost"
            || !name.contains('.')
            || INTERNAL_SUFFIXES.iter().any(|s| name.ends_with(s));
        if internal && !self.allow_private {
            return Err(Refused::NotPublic);
        }
        Ok(())
    }

    /// Save time: [`check_url`](Self::check_url), then every address the name resolves to now.
    /// A name that does not resolve (yet) is accepted: each delivery resolves and checks again.
    pub async fn check_at_save(&self, url: &Url) -> Result<(), Refused> {
        self.check_url(url)?;
        let Some(Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        let lookup = tokio::net::lookup_host((name, url.port_or_known_default().unwrap_or(443)));
        match tokio::time::timeout(SAVE_LOOKUP_TIMEOUT, lookup).await {
            Ok(Ok(addrs)) => addrs
                .into_iter()
                .try_for_each(|a| self.check_address(a.ip())),
            Ok(Err(_)) | Err(_) => Ok(()),
        }
    }
}

/// The delivery client's resolver: resolves, refuses the name if any address is not allowed,
/// and returns the addresses it checked, which are the only ones the connector will use.
pub struct GuardedResolver(pub TargetPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        Box::pin(async move {
            // Port 0: the connector puts the URL's port in.
            let addrs: Vec<_> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            for addr in &addrs {
                policy.check_address(addr.ip())?;
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: TargetPolicy = TargetPolicy {
        allow_private: false,
        require_https: false,
    };
    const LOCAL: TargetPolicy = TargetPolicy {
        allow_private: true,
        require_https: false,
    };
    const PRODUCTION: TargetPolicy = TargetPolicy {
        allow_private: false,
        require_https: true,
    };

    fn check(policy: TargetPolicy, url: &str) -> Result<(), Refused> {
        policy.check_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn public_urls_pass_and_production_wants_https() {
        assert_eq!(check(STRICT, "http://93.184.215.14/hook"), Ok(()));
        assert_eq!(check(STRICT, "https://hooks.example.fr/t"), Ok(()));
        assert_eq!(check(PRODUCTION, "https://hooks.example.fr/t"), Ok(()));
        assert_eq!(
            check(PRODUCTION, "http://hooks.example.fr/t"),
            Err(Refused::NotHttps)
        );
        assert_eq!(
            check(STRICT, "ftp://hooks.example.fr/"),
            Err(Refused::NotHttps)
        );
    }

    #[test]
    fn literal_internal_addresses_are_refused_in_every_spelling() {
        for url in [
            "http://127.0.0.1:8080/",
            "http://10.0.0.1/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::1]/",
            "http://[fd00:ec2::254]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://0x7f.1/",
            "http://2130706433/",
            "http://017700000001/",
            "http://127.1/",
            "http://0/",
            "http://[::]/",
        ] {
            assert_eq!(check(STRICT, url), Err(Refused::NotPublic), "{url}");
        }
    }

    #[test]
    fn internal_and_metadata_names_are_refused() {
        for url in [
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://metadata/computeMetadata/v1/",
            "http://metadata.google.internal/",
            "http://Metadata.Google.Internal./",
            "http://instance-data/",
            "http://db.corp.internal/",
            "http://printer.local/",
            "http://intranet/",
        ] {
            assert_eq!(check(STRICT, url), Err(Refused::NotPublic), "{url}");
        }
    }

    #[test]
    fn allowing_private_targets_never_allows_metadata_services() {
        assert_eq!(check(LOCAL, "http://127.0.0.1:8080/"), Ok(()));
        assert_eq!(check(LOCAL, "http://localhost:8080/"), Ok(()));
        assert_eq!(check(LOCAL, "http://10.1.2.3/"), Ok(()));
        for url in [
            "http://169.254.169.254/",
            "http://[fd00:ec2::254]/",
            "http://100.100.100.200/",
            "http://metadata.google.internal/",
            "http://0.0.0.0/",
            "http://224.0.0.1/",
        ] {
            assert_eq!(check(LOCAL, url), Err(Refused::NotPublic), "{url}");
        }
    }

    #[tokio::test]
    async fn saving_resolves_names_and_leaves_unknown_ones_to_delivery_time() {
        let url = Url::parse("http://localhost/").unwrap();
        assert_eq!(LOCAL.check_at_save(&url).await, Ok(()));
        assert_eq!(STRICT.check_at_save(&url).await, Err(Refused::NotPublic));
        let unknown = Url::parse("https://no-such-host.invalid/").unwrap();
        assert_eq!(STRICT.check_at_save(&unknown).await, Ok(()));
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_with_an_internal_address() {
        use reqwest::dns::Resolve;
        let strict = GuardedResolver(STRICT);
        let name = "localhost".parse().unwrap();
        assert!(strict.resolve(name).await.is_err());
        let local = GuardedResolver(LOCAL);
        let addrs: Vec<_> = local
            .resolve("localhost".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }
}
