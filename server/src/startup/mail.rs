//! Where notifications lead and how e-mails leave, decided at start-up.

use std::net::TcpListener;

use crate::{
    config::Settings,
    notify::{deliver::MailDesk, mail::Mailer},
};

/// `notifications.public_url`, or the address bound (a wildcard address read as `localhost`).
pub(super) fn public_url(settings: &Settings, listener: &TcpListener) -> anyhow::Result<String> {
    if let Some(url) = &settings.notifications.public_url {
        // As parsed: what reaches a header or a link is the URL the check accepted.
        let url = url::Url::parse(url)?;
        return Ok(url.as_str().trim_end_matches('/').to_owned());
    }
    let addr = listener.local_addr()?;
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Ok(format!("http://{host}:{}", addr.port()))
}

/// How e-mails leave: the SMTP relay, else the folder of `.eml` files, else nowhere.
pub(super) fn open_mail(settings: &Settings, public_url: &str) -> anyhow::Result<Option<MailDesk>> {
    let n = &settings.notifications;
    let timeout = std::time::Duration::from_secs(n.timeout_secs);
    let mailer = match (&n.smtp, &n.mail_dir) {
        (Some(smtp), _) => Mailer::smtp(smtp, timeout)?,
        (None, Some(dir)) => {
            if settings.environment == crate::config::Environment::Production {
                tracing::warn!(dir = %dir.display(), "notifications.mail_dir is set: e-mails are written to files, not sent");
            }
            Mailer::folder(dir.clone(), timeout)?
        }
        (None, None) => {
            tracing::info!("no notifications.smtp: e-mail is off, webhooks only");
            return Ok(None);
        }
    };
    Ok(Some(MailDesk {
        mailer,
        public_url: public_url.to_owned(),
    }))
}
