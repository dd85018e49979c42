//! The delivery worker's one pass: take due messages (locked against other instances), POST each
//! to its recipient's webhook signed with the recipient's own secret, then mark it delivered, or
//! schedule a retry with exponential backoff, or park it for an admin once the attempts run out.
//!
//! The target is checked before each attempt (see `target`), the client follows no redirect and
//! uses no proxy (a proxy would resolve names itself, out of the guard's sight). A failure is
//! recorded as a category only: what a connection error says about the inside of the network is
//! for the server log, not for the admins' list.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, Utc};
use telederm_schemas::DeliveryFailure;

use super::{
    sign::{self, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER},
    target::{GuardedResolver, Refused, TargetPolicy},
};
use crate::{
    config::NotificationSettings,
    db::{PendingNotification, Repo, RepoError, WebhookSecretRecord},
    domain::Clock,
    keys::{webhook_secret as secret, KeyService},
};

/// Messages taken per pass.
const BATCH: i64 = 20;

pub struct Deliverer {
    client: reqwest::Client,
    targets: TargetPolicy,
    max_attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
    /// How long taken messages stay locked to this instance: longer than the whole batch can
    /// take, so that another instance never sends them too while this one is still at it.
    lock: Duration,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryStats {
    pub delivered: usize,
    pub retried: usize,
    pub parked: usize,
}

impl Deliverer {
    pub fn new(
        settings: &NotificationSettings,
        targets: TargetPolicy,
    ) -> anyhow::Result<Deliverer> {
        let client = reqwest::Client::builder()
            .timeout(StdDuration::from_secs(settings.timeout_secs))
            // A webhook that redirects is misconfigured; following it could lead anywhere,
            // inside the network included.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver(targets)))
            .user_agent(concat!("telederm/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Deliverer {
            client,
            targets,
            max_attempts: settings.max_attempts,
            backoff: Duration::seconds(i64::try_from(settings.backoff_secs)?),
            max_backoff: Duration::seconds(i64::try_from(settings.max_backoff_secs)?),
            lock: Duration::seconds(i64::try_from(settings.timeout_secs)? * (BATCH + 1) + 60),
        })
    }

    /// Deliver every message due now.
    pub async fn deliver_due(
        &self,
        repo: &dyn Repo,
        keys: &KeyService,
        clock: &dyn Clock,
    ) -> Result<DeliveryStats, RepoError> {
        let mut stats = DeliveryStats::default();
        let now = clock.now();
        let due = repo
            .take_due_notifications(now, now + self.lock, BATCH)
            .await?;
        for n in due {
            match self.send(&n, keys, clock.now()).await {
                Ok(()) => {
                    repo.notification_delivered(n.id, clock.now()).await?;
                    stats.delivered += 1;
                }
                Err(failure) => {
                    let at = clock.now();
                    let attempts = u32::try_from(n.attempts).unwrap_or(0) + 1;
                    let retry_at =
                        (attempts < self.max_attempts).then(|| at + self.delay(attempts));
                    if retry_at.is_some() {
                        stats.retried += 1;
                    } else {
                        stats.parked += 1;
                        tracing::warn!(notification_id = %n.id, event = %n.event, %failure, "notification parked after its last attempt");
                    }
                    repo.notification_failed(n.id, at, retry_at, failure.as_str())
                        .await?;
                }
            }
        }
        Ok(stats)
    }

    /// Delay after the `attempts`-th failure: backoff, doubled each time, capped.
    pub fn delay(&self, attempts: u32) -> Duration {
        let factor = 1i32
            .checked_shl(attempts.saturating_sub(1).min(30))
            .unwrap_or(i32::MAX);
        (self.backoff * factor).min(self.max_backoff)
    }

    async fn send(
        &self,
        n: &PendingNotification,
        keys: &KeyService,
        at: DateTime<Utc>,
    ) -> Result<(), DeliveryFailure> {
        let url = n.webhook_url.as_deref().ok_or(DeliveryFailure::NoWebhook)?;
        let url = url::Url::parse(url).map_err(|_| DeliveryFailure::RefusedTarget)?;
        // Names are checked by the client's resolver; literal addresses never reach it.
        if let Err(refused) = self.targets.check_url(&url) {
            tracing::warn!(notification_id = %n.id, %refused, "webhook target refused");
            return Err(DeliveryFailure::RefusedTarget);
        }
        let secret = self.secret(n, keys)?;
        let timestamp = at.timestamp();
        let body = n.payload.as_bytes().to_vec();
        let signature = sign::signature(&secret, timestamp, &body);
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_HEADER, &n.event)
            .header(DELIVERY_HEADER, n.id.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| {
                let failure = classify(&e);
                // Without the URL: it may carry a token of the receiver's.
                tracing::info!(notification_id = %n.id, %failure, error = %e.without_url(), "webhook delivery failed");
                failure
            })?;
        if response.status().is_success() {
            Ok(())
        } else {
            tracing::info!(notification_id = %n.id, status = %response.status(), "webhook answered an error");
            Err(DeliveryFailure::HttpStatus)
        }
    }

    /// The recipient's signing secret, opened.
    fn secret(
        &self,
        n: &PendingNotification,
        keys: &KeyService,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, DeliveryFailure> {
        let (Some(master_key_id), Some(sealed)) = (&n.secret_key_id, &n.secret_sealed) else {
            return Err(DeliveryFailure::NoSecret);
        };
        let record = WebhookSecretRecord {
            user_id: n.recipient_id,
            master_key_id: master_key_id.clone(),
            sealed: sealed.clone(),
        };
        secret::open(keys, &record).map_err(|error| {
            tracing::error!(notification_id = %n.id, %error, "cannot open the recipient's webhook secret");
            DeliveryFailure::NoSecret
        })
    }
}

/// What an admin may know of a failed request: its category.
fn classify(e: &reqwest::Error) -> DeliveryFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.downcast_ref::<Refused>().is_some() {
            return DeliveryFailure::RefusedTarget;
        }
        source = err.source();
    }
    if e.is_timeout() {
        DeliveryFailure::Timeout
    } else {
        DeliveryFailure::ConnectFailed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deliverer(allow_private: bool) -> Deliverer {
        let mut settings = crate::config::Settings::load(None, &Default::default())
            .unwrap()
            .notifications;
        settings.timeout_secs = 5;
        let targets = TargetPolicy {
            allow_private,
            require_https: false,
        };
        Deliverer::new(&settings, targets).unwrap()
    }

    /// A name that resolves inside the network is refused by the client's own resolver, before
    /// any connection: the check cannot be raced by a second DNS answer.
    #[tokio::test]
    async fn the_client_never_connects_to_a_name_resolving_inside() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!(
            "http://localhost:{}/hook",
            listener.local_addr().unwrap().port()
        );
        let error = deliverer(false).client.post(&url).send().await.unwrap_err();
        assert_eq!(classify(&error), DeliveryFailure::RefusedTarget);
        assert_eq!(
            listener.accept().unwrap_err().kind(),
            std::io::ErrorKind::WouldBlock,
            "a connection was made"
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_a_connection_failure() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let error = deliverer(true)
            .client
            .post(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(classify(&error), DeliveryFailure::ConnectFailed);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let d = Deliverer {
            client: reqwest::Client::new(),
            targets: TargetPolicy {
                allow_private: false,
                require_https: false,
            },
            max_attempts: 8,
            backoff: Duration::seconds(30),
            max_backoff: Duration::seconds(3600),
            lock: Duration::minutes(5),
        };
        let delays: Vec<i64> = (1..=9).map(|a| d.delay(a).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
