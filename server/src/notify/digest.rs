//! The coordinators' daily digest: once a day, at `notifications.digest_hour` in the zone of the
//! coordinator's first territory, an e-mail with the day before in figures, territory by
//! territory (received, first responses, breaches) and what is open now. Breaches are also told
//! at once (`sla.breached`); the digest is the quiet overview.
//!
//! Each digest's outbox id is derived from its coordinator and day, so that however many
//! instances run this pass, and however often, a day's digest is made once.

use chrono::{DateTime, Days, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use telederm_schemas::{Channel, EventKind, Role};
use uuid::Uuid;

use super::{
    mail::{DigestNotice, MailPayload},
    Notifier,
};
use crate::{
    db::{Notification, Repo, RepoError},
    domain::{Recipient, User},
};

/// Namespace of the digests' ids (UUID v5 of the coordinator and the day).
const DIGEST_IDS: Uuid = Uuid::from_u128(0x5f0c_7a52_9d1e_4b8a_a0c3_61d2_e7f4_b913);

impl Notifier {
    /// Put in the outbox the digests due at `now` and not made yet; returns how many.
    pub async fn enqueue_digests(
        &self,
        repo: &dyn Repo,
        now: DateTime<Utc>,
    ) -> Result<usize, RepoError> {
        let hour = self.digest_hour;
        if !self.email_available() {
            return Ok(0);
        }
        let mut made = 0;
        for coordinator in repo.list_users().await? {
            // One coordinator's failure does not keep the others' digests.
            match self.digest(repo, &coordinator, now, hour).await {
                Ok(true) => made += 1,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(user_id = %coordinator.id, %error, "cannot make the daily digest")
                }
            }
        }
        Ok(made)
    }

    async fn digest(
        &self,
        repo: &dyn Repo,
        user: &User,
        now: DateTime<Utc>,
        hour: u32,
    ) -> Result<bool, RepoError> {
        let wants = Recipient::of(user).is_some_and(|r| {
            r.channels(EventKind::DailyDigest, true)
                .contains(&Channel::Email)
        });
        let Some(first) = user.territories.first() else {
            return Ok(false);
        };
        if user.role != Role::Coordinator || !wants {
            return Ok(false);
        }
        let Some(territory) = repo.territory(first).await? else {
            return Ok(false);
        };
        let tz: Tz = territory.timezone.tz();
        let local = now.with_timezone(&tz);
        if local.hour() < hour {
            return Ok(false);
        }
        let today = local.date_naive();
        let id = Uuid::new_v5(
            &DIGEST_IDS,
            format!("{}:{today}", user.id.as_uuid()).as_bytes(),
        );
        if repo.has_notification(id).await? {
            return Ok(false);
        }
        let Some(yesterday) = today.checked_sub_days(Days::new(1)) else {
            return Ok(false);
        };
        let midnight = |day: chrono::NaiveDate| {
            tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        let (Some(from), Some(to)) = (midnight(yesterday), midnight(today)) else {
            tracing::warn!(%today, zone = %tz, "no local midnight to count the digest's day from");
            return Ok(false);
        };
        let codes: Vec<String> = user.territories.iter().map(ToString::to_string).collect();
        let territories = repo.territory_figures(&codes, from, to, now).await?;
        let payload = MailPayload::Digest(DigestNotice {
            day: yesterday,
            territories,
            link: format!("{}/dashboard", self.public_url()),
        });
        repo.enqueue_once(&Notification {
            id,
            recipient_id: user.id.as_uuid(),
            channel: Channel::Email,
            event: EventKind::DailyDigest.as_str().to_owned(),
            case_id: None,
            payload: payload.to_json(),
            created_at: now,
        })
        .await
    }
}
