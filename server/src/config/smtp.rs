//! `notifications.smtp`: the mail relay e-mails go through.

use std::path::PathBuf;

use anyhow::bail;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer};

use super::Environment;

/// `notifications.smtp`: the relay. MSSanté operators' relays take STARTTLS and a client
/// certificate issued by their PKI (IGC-Santé): trust their CA with `ca_file`.
#[derive(Debug, Clone, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    /// Defaults to 587 with STARTTLS, 465 with implicit TLS, 25 without TLS.
    pub port: Option<u16>,
    #[serde(default = "SmtpTls::starttls")]
    pub tls: SmtpTls,
    /// An empty value (`TELEDERM__NOTIFICATIONS__SMTP__USERNAME=`) counts as unset, so that a
    /// variable left blank is caught by the "both or neither" check instead of sending "".
    #[serde(default, deserialize_with = "empty_as_none")]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "empty_secret_as_none")]
    pub password: Option<SecretString>,
    /// PEM certificate and key that identify us to relays requiring a client certificate (the
    /// first certificate of the file is presented, without its chain).
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    /// PEM certificates trusted besides the public roots (a relay's own CA).
    pub ca_file: Option<PathBuf>,
    /// `From` of every e-mail, e.g. `telederm <ne-pas-repondre@telederm.example.fr>`.
    pub sender: String,
}

impl SmtpSettings {
    /// Credentials come in pairs, and cross the network only encrypted.
    pub(super) fn check(&self, environment: Environment) -> anyhow::Result<()> {
        let loopback = self.host == "localhost"
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let production = environment == Environment::Production;
        if self.tls == SmtpTls::None && !loopback && (production || self.username.is_some()) {
            bail!("notifications.smtp.tls = \"none\" is only allowed to a relay on this host (credentials and e-mails would cross the network in the clear)");
        }
        if self.username.is_some() != self.password.is_some() {
            bail!("notifications.smtp: set both username and password, or neither");
        }
        Ok(())
    }

    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            SmtpTls::Starttls => 587,
            SmtpTls::Implicit => 465,
            SmtpTls::None => 25,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Upgrade the connection before anything is sent; a relay that cannot is refused.
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// Plain text: only to a relay on this host (refused in production otherwise).
    None,
}

impl SmtpTls {
    fn starttls() -> SmtpTls {
        SmtpTls::Starttls
    }
}

fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    Ok(value.filter(|v| !v.is_empty()))
}

fn empty_secret_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(empty_as_none(d)?.map(SecretString::from))
}
