//! One e-mail of the outbox, or the "new cases" e-mail it belongs to: a dermatologist hears of
//! cases arriving at most once per `NEW_CASES_EVERY`; what arrives in between waits and goes out
//! together in the next message.

use chrono::{DateTime, Duration, Utc};
use telederm_schemas::{DeliveryFailure, EventKind, Language, Role};

use super::{Deliverer, Outcome};
use crate::{
    db::{PendingNotification, Repo, RepoError},
    domain::Clock,
    notify::mail::{compose, Addressee, CaseNotice, Content, MailPayload},
};

/// At most one "new cases" e-mail per dermatologist this often.
pub const NEW_CASES_EVERY: Duration = Duration::minutes(15);

impl Deliverer {
    pub(super) async fn email(
        &self,
        n: &PendingNotification,
        repo: &dyn Repo,
        clock: &dyn Clock,
        held_until: DateTime<Utc>,
    ) -> Result<Outcome, RepoError> {
        let Some(desk) = &self.mail else {
            tracing::warn!(notification_id = %n.id, "an e-mail waits but e-mail is off (notifications.smtp)");
            return Ok(Outcome::Failed(vec![n.id], DeliveryFailure::ConnectFailed));
        };
        if n.disabled {
            return Ok(Outcome::Failed(
                vec![n.id],
                DeliveryFailure::RecipientDisabled,
            ));
        }
        let Some(payload) = MailPayload::from_json(&n.payload) else {
            tracing::error!(notification_id = %n.id, "unreadable e-mail in the outbox");
            return Ok(Outcome::Failed(vec![n.id], DeliveryFailure::MailRefused));
        };
        let now = clock.now();
        let (ids, message) = match payload {
            MailPayload::Case(notice) if notice.event == EventKind::CaseQueued => {
                let event = EventKind::CaseQueued.as_str();
                if let Some(last) = repo.last_email_sent(n.recipient_id, event).await? {
                    if last + NEW_CASES_EVERY > now {
                        return Ok(Outcome::Postponed(last + NEW_CASES_EVERY));
                    }
                }
                let waiting = repo
                    .take_waiting_emails(n.recipient_id, event, now, held_until)
                    .await?;
                let mut notices: Vec<CaseNotice> = waiting
                    .iter()
                    .filter_map(|(_, json)| match MailPayload::from_json(json)? {
                        MailPayload::Case(c) => Some(c),
                        MailPayload::Digest(_) => None,
                    })
                    .collect();
                notices.sort_by_key(|c| c.occurred_at);
                let ids = waiting.into_iter().map(|(id, _)| id).collect();
                (ids, self.compose(n, &Content::NewCases(&notices), now))
            }
            MailPayload::Case(notice) => {
                (vec![n.id], self.compose(n, &Content::Case(&notice), now))
            }
            MailPayload::Digest(digest) => {
                (vec![n.id], self.compose(n, &Content::Digest(&digest), now))
            }
        };
        let message = match message {
            Ok(m) => m,
            Err(error) => {
                // A recipient address the relay's syntax refuses, for instance.
                tracing::error!(notification_id = %n.id, %error, "cannot compose the e-mail");
                return Ok(Outcome::Failed(ids, DeliveryFailure::MailRefused));
            }
        };
        Ok(match desk.mailer.send(n.id, &message).await {
            Ok(()) => Outcome::Sent(ids),
            Err(failure) => Outcome::Failed(ids, failure),
        })
    }

    fn compose(
        &self,
        n: &PendingNotification,
        content: &Content,
        at: DateTime<Utc>,
    ) -> anyhow::Result<lettre::Message> {
        let desk = self
            .mail
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("e-mail is off"))?;
        let to = Addressee {
            email: n.email.clone(),
            name: n.display_name.clone(),
            language: if n.language == "en" {
                Language::En
            } else {
                Language::Fr
            },
            role: n.role.parse::<Role>().map_err(anyhow::Error::msg)?,
        };
        compose(
            &to,
            content,
            n.id,
            desk.mailer.sender(),
            &desk.public_url,
            at,
        )
    }
}
