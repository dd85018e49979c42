//! A user's notification settings: its language and, per kind of event its role is told of,
//! where it hears of it (e-mail, webhook, both, none). Each user sets its own.

use telederm_schemas as wire;

use super::{AccountError, AccountService};
use crate::{audit, db::Effects, domain::User};

impl AccountService {
    /// Where `user`'s notifications go; `email_available`: whether this server sends e-mail.
    pub fn notification_settings(
        &self,
        user: &User,
        email_available: bool,
    ) -> wire::NotificationSettings {
        wire::NotificationSettings {
            language: user.language,
            email: user.email.to_string(),
            email_available,
            webhook_configured: user.webhook_url.is_some(),
            choices: user.channels.list(user.role),
        }
    }

    /// Change `user`'s language and the channels named in `req`; the others keep their choice.
    pub async fn set_notification_settings(
        &self,
        user: &User,
        req: &wire::SetNotificationSettings,
        email_available: bool,
    ) -> Result<wire::NotificationSettings, AccountError> {
        let channels = user.channels.with(user.role, &req.channels)?;
        let language = req.language.unwrap_or(user.language);
        let entry = audit::entry(
            self.clock.now(),
            Some(user.id.as_uuid()),
            "user.notifications_set",
            "user",
            Some(user.id.to_string()),
        )
        .detail(serde_json::json!({
            "language": language,
            "channels": req.channels,
        }));
        let updated = self
            .repo
            .set_notification_settings(user.id, language, &channels, &Effects::audit(entry))
            .await?
            .ok_or(AccountError::NotFound("user"))?;
        Ok(self.notification_settings(&updated, email_available))
    }
}
