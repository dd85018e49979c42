//! Where notifications lead and how e-mails leave, decided at start-up.

use std::net::TcpListener;

use crate::{
    config::Settings,
    notify::{deliver::MailDesk, mail::Mailer},
};

/// `notifications.public_url`, or the address bound (a wildcard address read as `localhost`).
pub(super) fn public_url(settings: &Settings, listener: &TcpListener) -> anyhow::Result<String> {
    if let Some(url) = &settings.notifications.public_url {
        return Ok(url.trim_end_matches('/').to_owned());
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
        (None, Some(dir)) => Mailer::folder(dir.clone())?,
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
