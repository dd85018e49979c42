//! A webhook: the message's JSON POSTed to the recipient's URL, signed with the recipient's own
//! secret. The target is checked before each attempt (see `target`), the client follows no
//! redirect and uses no proxy (a proxy would resolve names itself, out of the guard's sight). A
//! failure is recorded as a category only: what a connection error says about the inside of the
//! network is for the server log, not for the admins' list.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Utc};
use telederm_schemas::DeliveryFailure;

use super::{
    sign::{self, DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER},
    target::{GuardedResolver, Refused, TargetPolicy},
};
use crate::{
    db::{PendingNotification, WebhookSecretRecord},
    keys::{webhook_secret as secret, KeyService},
};

pub struct WebhookSender {
    client: reqwest::Client,
    targets: TargetPolicy,
}

impl WebhookSender {
    pub fn new(timeout: StdDuration, targets: TargetPolicy) -> anyhow::Result<WebhookSender> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            // A webhook that redirects is misconfigured; following it could lead anywhere,
            // inside the network included.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver(targets)))
            .user_agent(concat!("telederm/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(WebhookSender { client, targets })
    }

    pub async fn send(
        &self,
        n: &PendingNotification,
        keys: &KeyService,
        at: DateTime<Utc>,
    ) -> Result<(), DeliveryFailure> {
        let url = n.webhook_url.as_deref().ok_or(DeliveryFailure::NoWebhook)?;
        let url = url::Url::parse(url).map_err(|_| DeliveryFailure::RefusedTarget)?;
        // Names are checked by the client's resolver; literal addresses never reach it.
        if let Err(refused) = self.targets.check_url(&url) {
            tracing::warn!(notification_id = %n.id, %refused, "webhook target refused");
            return Err(DeliveryFailure::RefusedTarget);
        }
        let secret = self.secret(n, keys)?;
        let timestamp = at.timestamp();
        let body = n.payload.as_bytes().to_vec();
        let signature = sign::signature(&secret, timestamp, &body);
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
            .map_err(|e| {
                let failure = classify(&e);
                // Without the URL: it may carry a token of the receiver's.
                tracing::info!(notification_id = %n.id, %failure, error = %e.without_url(), "webhook delivery failed");
                failure
            })?;
        if response.status().is_success() {
            Ok(())
        } else {
            tracing::info!(notification_id = %n.id, status = %response.status(), "webhook answered an error");
            Err(DeliveryFailure::HttpStatus)
        }
    }

    /// The recipient's signing secret, opened.
    fn secret(
        &self,
        n: &PendingNotification,
        keys: &KeyService,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, DeliveryFailure> {
        let (Some(master_key_id), Some(sealed)) = (&n.secret_key_id, &n.secret_sealed) else {
            return Err(DeliveryFailure::NoSecret);
        };
        let record = WebhookSecretRecord {
            user_id: n.recipient_id,
            master_key_id: master_key_id.clone(),
            sealed: sealed.clone(),
        };
        secret::open(keys, &record).map_err(|error| {
            tracing::error!(notification_id = %n.id, %error, "cannot open the recipient's webhook secret");
            DeliveryFailure::NoSecret
        })
    }
}

/// What an admin may know of a failed request: its category.
fn classify(e: &reqwest::Error) -> DeliveryFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.downcast_ref::<Refused>().is_some() {
            return DeliveryFailure::RefusedTarget;
        }
        source = err.source();
    }
    if e.is_timeout() {
        DeliveryFailure::Timeout
    } else {
        DeliveryFailure::ConnectFailed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender(allow_private: bool) -> WebhookSender {
        let targets = TargetPolicy {
            allow_private,
            require_https: false,
        };
        WebhookSender::new(StdDuration::from_secs(5), targets).unwrap()
    }

    /// A name that resolves inside the network is refused by the client's own resolver, before
    /// any connection: the check cannot be raced by a second DNS answer.
    #[tokio::test]
    async fn the_client_never_connects_to_a_name_resolving_inside() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!(
            "http://localhost:{}/hook",
            listener.local_addr().unwrap().port()
        );
        let error = sender(false).client.post(&url).send().await.unwrap_err();
        assert_eq!(classify(&error), DeliveryFailure::RefusedTarget);
        assert_eq!(
            listener.accept().unwrap_err().kind(),
            std::io::ErrorKind::WouldBlock,
            "a connection was made"
        );
    }

    #[tokio::test]
    async fn a_closed_port_is_a_connection_failure() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let error = sender(true)
            .client
            .post(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(classify(&error), DeliveryFailure::ConnectFailed);
    }
}
