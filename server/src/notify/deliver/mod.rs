//! The delivery worker's one pass: take due messages (locked against other instances), send each
//! through its channel (a webhook, or an e-mail: `email`), then mark it delivered, or schedule a
//! retry with exponential backoff, or park it for an admin once the attempts run out (at once
//! when retrying cannot help: a relay's permanent refusal, a disabled recipient).

mod email;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use telederm_schemas::{Channel, DeliveryFailure};
use uuid::Uuid;

use super::{mail::Mailer, target::TargetPolicy, webhook::WebhookSender};
use crate::{
    config::NotificationSettings,
    db::{Repo, RepoError},
    domain::Clock,
    keys::KeyService,
};

/// Messages taken per pass.
const BATCH: i64 = 20;

pub struct Deliverer {
    webhooks: WebhookSender,
    /// `None`: this server sends no e-mail.
    mail: Option<MailDesk>,
    retry: Retry,
    /// How long taken messages stay locked to this instance: longer than the whole batch can
    /// take, so that another instance never sends them too while this one is still at it.
    lock: Duration,
}

/// How e-mails leave, and where their links lead.
pub struct MailDesk {
    pub mailer: Mailer,
    pub public_url: String,
}

#[derive(Debug, Clone, Copy)]
struct Retry {
    max_attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryStats {
    /// Messages of the outbox (a "new cases" e-mail delivers several at once).
    pub delivered: usize,
    pub retried: usize,
    pub parked: usize,
    /// E-mails put off until the next "new cases" message may go.
    pub postponed: usize,
}

/// What became of one message (and those sent with it).
enum Outcome {
    Sent(Vec<Uuid>),
    Postponed(DateTime<Utc>),
    Failed(Vec<Uuid>, DeliveryFailure),
    /// Another instance has it.
    Skipped,
}

impl Deliverer {
    pub fn new(
        settings: &NotificationSettings,
        targets: TargetPolicy,
        mail: Option<MailDesk>,
    ) -> anyhow::Result<Deliverer> {
        let timeout = std::time::Duration::from_secs(settings.timeout_secs);
        Ok(Deliverer {
            webhooks: WebhookSender::new(timeout, targets)?,
            mail,
            retry: Retry {
                max_attempts: settings.max_attempts,
                backoff: Duration::seconds(i64::try_from(settings.backoff_secs)?),
                max_backoff: Duration::seconds(i64::try_from(settings.max_backoff_secs)?),
            },
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
        let held_until = now + self.lock;
        let due = repo.take_due_notifications(now, held_until, BATCH).await?;
        // A "new cases" e-mail takes its recipient's other waiting ones along.
        let mut done: HashSet<Uuid> = HashSet::new();
        for n in due {
            if done.contains(&n.id) {
                continue;
            }
            let outcome = match n.channel {
                Channel::Webhook => match self.webhooks.send(&n, keys, clock.now()).await {
                    Ok(()) => Outcome::Sent(vec![n.id]),
                    Err(failure) => Outcome::Failed(vec![n.id], failure),
                },
                Channel::Email => self.email(&n, repo, clock, held_until).await?,
            };
            match outcome {
                Outcome::Sent(ids) => {
                    let at = clock.now();
                    for id in &ids {
                        repo.notification_delivered(*id, at).await?;
                    }
                    stats.delivered += ids.len();
                    done.extend(ids);
                }
                Outcome::Skipped => {}
                Outcome::Postponed(until) => {
                    repo.notification_postponed(n.id, until).await?;
                    stats.postponed += 1;
                }
                Outcome::Failed(ids, failure) => {
                    let at = clock.now();
                    let attempts = u32::try_from(n.attempts).unwrap_or(0) + 1;
                    let retry_at = (attempts < self.retry.max_attempts && !is_final(failure))
                        .then(|| at + self.retry.delay(attempts));
                    if retry_at.is_some() {
                        stats.retried += ids.len();
                    } else {
                        stats.parked += ids.len();
                        tracing::warn!(notification_id = %n.id, event = %n.event, %failure, "notification parked");
                    }
                    for id in &ids {
                        repo.notification_failed(*id, at, retry_at, failure.as_str())
                            .await?;
                    }
                    done.extend(ids);
                }
            }
        }
        Ok(stats)
    }
}

impl Retry {
    /// Delay after the `attempts`-th failure: backoff, doubled each time, capped.
    fn delay(&self, attempts: u32) -> Duration {
        let factor = 1i32
            .checked_shl(attempts.saturating_sub(1).min(30))
            .unwrap_or(i32::MAX);
        (self.backoff * factor).min(self.max_backoff)
    }
}

/// Failures that the same message would meet again.
fn is_final(failure: DeliveryFailure) -> bool {
    matches!(
        failure,
        DeliveryFailure::MailRefused
            | DeliveryFailure::RecipientDisabled
            | DeliveryFailure::Unsendable
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let retry = Retry {
            max_attempts: 8,
            backoff: Duration::seconds(30),
            max_backoff: Duration::seconds(3600),
        };
        let delays: Vec<i64> = (1..=9).map(|a| retry.delay(a).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}
