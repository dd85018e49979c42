//! One e-mail of the outbox, or the "new cases" e-mail it belongs to: a dermatologist hears of
//! cases arriving at most once per `NEW_CASES_EVERY`, whatever the instances (each takes the
//! recipient's turn with a conditional update); what arrives in between waits and goes out
//! together in the next message.

use chrono::{DateTime, Duration, Utc};
use telederm_schemas::{DeliveryFailure, EventKind, Language, Role};
use uuid::Uuid;

use super::{Deliverer, MailDesk, Outcome};
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
            return Ok(Outcome::Failed(
                vec![n.id],
                DeliveryFailure::MailUnavailable,
            ));
        };
        if n.disabled {
            return Ok(Outcome::Failed(
                vec![n.id],
                DeliveryFailure::RecipientDisabled,
            ));
        }
        let Some(payload) = MailPayload::from_json(&n.payload) else {
            tracing::error!(notification_id = %n.id, "unreadable e-mail in the outbox");
            return Ok(Outcome::Failed(vec![n.id], DeliveryFailure::Unsendable));
        };
        let now = clock.now();
        match payload {
            MailPayload::Case(notice) if notice.event == EventKind::CaseQueued => {
                self.new_cases(desk, n, repo, now, held_until).await
            }
            MailPayload::Case(notice) => {
                Ok(send(desk, n, vec![n.id], &Content::Case(&notice), now).await)
            }
            MailPayload::Digest(digest) => {
                Ok(send(desk, n, vec![n.id], &Content::Digest(&digest), now).await)
            }
        }
    }

    /// The recipient's "new cases" e-mail, if it is its turn: every such e-mail waiting for it,
    /// as one message.
    async fn new_cases(
        &self,
        desk: &MailDesk,
        n: &PendingNotification,
        repo: &dyn Repo,
        now: DateTime<Utc>,
        held_until: DateTime<Utc>,
    ) -> Result<Outcome, RepoError> {
        let event = EventKind::CaseQueued.as_str();
        if let Some(last) = repo
            .take_new_cases_turn(n.recipient_id, now, now - NEW_CASES_EVERY)
            .await?
        {
            return Ok(Outcome::Postponed(last + NEW_CASES_EVERY));
        }
        let waiting = repo
            .take_waiting_emails(n.recipient_id, event, now, held_until)
            .await?;
        if !waiting.iter().any(|(id, _)| *id == n.id) {
            // Taken by another instance meanwhile (its lock ran out here): it sends it.
            repo.give_back_new_cases_turn(n.recipient_id, now).await?;
            return Ok(Outcome::Skipped);
        }
        let mut notices: Vec<CaseNotice> = Vec::with_capacity(waiting.len());
        for (id, json) in &waiting {
            match MailPayload::from_json(json) {
                Some(MailPayload::Case(c)) => notices.push(c),
                _ => {
                    tracing::error!(notification_id = %id, "unreadable e-mail in the outbox: sent without it")
                }
            }
        }
        notices.sort_by_key(|c| c.occurred_at);
        let ids = waiting.into_iter().map(|(id, _)| id).collect();
        let outcome = send(desk, n, ids, &Content::NewCases(&notices), now).await;
        if matches!(outcome, Outcome::Failed(..)) {
            // Nothing went: the retry need not wait for the next turn.
            repo.give_back_new_cases_turn(n.recipient_id, now).await?;
        }
        Ok(outcome)
    }
}

/// Compose and hand over the message for the outbox messages `ids` (`n` leads them).
async fn send(
    desk: &MailDesk,
    n: &PendingNotification,
    ids: Vec<Uuid>,
    content: &Content<'_>,
    at: DateTime<Utc>,
) -> Outcome {
    let to = Addressee {
        email: n.email.clone(),
        name: n.display_name.clone(),
        language: Language::parse(&n.language).unwrap_or(Language::Fr),
        role: n.role.parse::<Role>().unwrap_or(Role::Admin),
    };
    let message = match compose(
        &to,
        content,
        n.id,
        desk.mailer.sender(),
        &desk.public_url,
        at,
    ) {
        Ok(m) => m,
        Err(error) => {
            // An address the message format refuses, for instance.
            tracing::error!(notification_id = %n.id, %error, "cannot compose the e-mail");
            return Outcome::Failed(ids, DeliveryFailure::Unsendable);
        }
    };
    match desk.mailer.send(n.id, &message).await {
        Ok(()) => Outcome::Sent(ids),
        Err(failure) => Outcome::Failed(ids, failure),
    }
}
