//! The delivery worker's one pass: take due messages (locked against other instances), POST each
//! to its recipient's webhook, then mark it delivered, or schedule a retry with exponential
//! backoff, or park it for an admin once the attempts run out.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::sign::{self, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::{
    config::NotificationSettings,
    db::{PendingNotification, Repo, RepoError},
    domain::Clock,
};

/// Messages taken per pass.
const BATCH: i64 = 20;

pub struct Deliverer {
    client: reqwest::Client,
    secret: SecretString,
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
    pub fn new(settings: &NotificationSettings, secret: SecretString) -> anyhow::Result<Deliverer> {
        let client = reqwest::Client::builder()
            .timeout(StdDuration::from_secs(settings.timeout_secs))
            // A webhook that redirects is misconfigured; following it could leak to a third party.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("telederm/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Deliverer {
            client,
            secret,
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
        clock: &dyn Clock,
    ) -> Result<DeliveryStats, RepoError> {
        let mut stats = DeliveryStats::default();
        let now = clock.now();
        let due = repo
            .take_due_notifications(now, now + self.lock, BATCH)
            .await?;
        for n in due {
            match self.send(&n, clock.now()).await {
                Ok(()) => {
                    repo.notification_delivered(n.id, clock.now()).await?;
                    stats.delivered += 1;
                }
                Err(error) => {
                    let at = clock.now();
                    let attempts = u32::try_from(n.attempts).unwrap_or(0) + 1;
                    let retry_at =
                        (attempts < self.max_attempts).then(|| at + self.delay(attempts));
                    if retry_at.is_some() {
                        stats.retried += 1;
                    } else {
                        stats.parked += 1;
                        tracing::warn!(notification_id = %n.id, event = %n.event, %error, "notification parked after its last attempt");
                    }
                    repo.notification_failed(n.id, at, retry_at, &error).await?;
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

    async fn send(&self, n: &PendingNotification, at: DateTime<Utc>) -> Result<(), String> {
        let Some(url) = &n.webhook_url else {
            return Err("the recipient has no webhook URL (removed or disabled)".into());
        };
        let timestamp = at.timestamp();
        let body = n.payload.as_bytes().to_vec();
        let signature = sign::signature(self.secret.expose_secret().as_bytes(), timestamp, &body);
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
            // Without the URL: it may carry a token of the receiver's.
            .map_err(|e| format!("request failed: {}", e.without_url()))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the webhook answered {status}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let d = Deliverer {
            client: reqwest::Client::new(),
            secret: SecretString::from("x"),
            max_attempts: 8,
            backoff: Duration::seconds(30),
            max_backoff: Duration::seconds(3600),
            lock: Duration::minutes(5),
        };
        let delays: Vec<i64> = (1..=9).map(|a| d.delay(a).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
