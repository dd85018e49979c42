//! How e-mails leave: an SMTP relay (STARTTLS or implicit TLS, a client certificate for relays
//! that require one, as MSSanté operators do, credentials), or, in the demo, a folder of `.eml`
//! files readable by the owner only.

use std::{path::PathBuf, time::Duration};

use anyhow::Context;
use lettre::{
    message::Mailbox,
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, Identity, Tls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use rustls_pki_types::{pem::PemObject, CertificateDer};
use secrecy::ExposeSecret;
use telederm_schemas::DeliveryFailure;
use uuid::Uuid;

use crate::config::{SmtpSettings, SmtpTls};

pub struct Mailer {
    sender: Mailbox,
    via: Via,
    /// The whole exchange with the relay (lettre bounds only the connection): a relay that
    /// stalls must not hold the delivery worker.
    timeout: Duration,
}

enum Via {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

impl Mailer {
    pub fn smtp(s: &SmtpSettings, timeout: Duration) -> anyhow::Result<Mailer> {
        let sender: Mailbox = s
            .sender
            .parse()
            .context("notifications.smtp.sender is not an address")?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port())
            .timeout(Some(timeout));
        builder = match s.tls {
            SmtpTls::None => builder.tls(Tls::None),
            SmtpTls::Starttls => builder.tls(Tls::Required(tls_parameters(s)?)),
            SmtpTls::Implicit => builder.tls(Tls::Wrapper(tls_parameters(s)?)),
        };
        if let (Some(user), Some(password)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Mailer {
            sender,
            via: Via::Smtp(builder.build()),
            timeout,
        })
    }

    /// Messages written as `.eml` files to `dir` (the demo's outbox), made or kept 0700.
    pub fn folder(dir: PathBuf, timeout: Duration) -> anyhow::Result<Mailer> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&dir)
            .with_context(|| format!("cannot create the mail folder {}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("cannot make {} private", dir.display()))?;
        }
        Ok(Mailer {
            timeout,
            sender: Mailbox::new(Some("telederm démo".into()), "no-reply@demo.test".parse()?),
            via: Via::Folder(dir),
        })
    }

    pub fn sender(&self) -> &Mailbox {
        &self.sender
    }

    /// Hand `message` over; `id` names its file in a folder.
    pub async fn send(&self, id: Uuid, message: &Message) -> Result<(), DeliveryFailure> {
        match &self.via {
            Via::Smtp(transport) => {
                let sent = tokio::time::timeout(self.timeout, transport.send(message.clone()));
                match sent.await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => {
                        let failure = classify(&e);
                        // The relay's answer: for the log, not the admins' list.
                        tracing::warn!(notification_id = %id, %failure, error = %e, "e-mail delivery failed");
                        Err(failure)
                    }
                    Err(_) => {
                        tracing::warn!(notification_id = %id, "the mail relay did not answer in time");
                        Err(DeliveryFailure::Timeout)
                    }
                }
            }
            Via::Folder(dir) => write_eml(dir, id, message.formatted()).await.map_err(|e| {
                tracing::warn!(notification_id = %id, error = %e, "cannot write the e-mail file");
                DeliveryFailure::MailUnavailable
            }),
        }
    }
}

fn tls_parameters(s: &SmtpSettings) -> anyhow::Result<TlsParameters> {
    let mut tls = TlsParameters::builder(s.host.clone());
    if let Some(ca) = &s.ca_file {
        let pem = std::fs::read(ca)
            .with_context(|| format!("cannot read notifications.smtp.ca_file {}", ca.display()))?;
        tls = tls.add_root_certificate(Certificate::from_pem(&pem)?);
    }
    match (&s.client_cert, &s.client_key) {
        (Some(cert), Some(key)) => {
            // lettre 0.11's rustls backend reads the key as PEM but takes the certificate as
            // DER: decode the PEM file first (its first certificate: the relay sees no chain).
            let der = CertificateDer::from_pem_file(cert).with_context(|| {
                format!("cannot read a PEM certificate from {}", cert.display())
            })?;
            let key =
                std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?;
            tls = tls.identify_with(Identity::from_pem(&der, &key)?);
        }
        (None, None) => {}
        _ => anyhow::bail!("notifications.smtp: set both client_cert and client_key, or neither"),
    }
    Ok(tls.build_rustls()?)
}

/// What an admin may know of a failed attempt: its category.
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryFailure {
    // The address refused for good; another permanent refusal is about us (credentials, relay
    // access, sender), which the operator can fix: retried.
    let address_refused = e
        .status()
        .is_some_and(|code| matches!(code.to_string().as_str(), "550" | "551" | "553"));
    if e.is_permanent() && address_refused {
        DeliveryFailure::MailRefused
    } else if e.is_permanent() {
        DeliveryFailure::RelayRefused
    } else if e.is_transient() {
        DeliveryFailure::MailDeferred
    } else if e.is_tls() {
        DeliveryFailure::TlsFailed
    } else if e.is_timeout() {
        DeliveryFailure::Timeout
    } else {
        DeliveryFailure::ConnectFailed
    }
}

/// Written whole under a temporary name then renamed, so that a reader never sees half a
/// message; readable by the owner only (it names a patient's case, if not its content).
async fn write_eml(dir: &std::path::Path, id: Uuid, bytes: Vec<u8>) -> std::io::Result<()> {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let tmp = dir.join(format!(".{id}.eml.tmp"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, dir.join(format!("{id}.eml")))
    })
    .await
    .map_err(std::io::Error::other)?
}
