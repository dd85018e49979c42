//! `users webhook` and `users webhook-secret`: a user's webhook URL and its signing secret, which
//! the server shows once, in the answer to the change that made it.

use telederm_schemas::{SetWebhook, UserWithSecret};
use uuid::Uuid;

use super::Context;
use crate::{client::Client, output};

/// A user id, or `me`.
pub async fn user_id(client: &Client, raw: &str) -> anyhow::Result<Uuid> {
    if raw == "me" {
        return Ok(client.me().await?.id);
    }
    raw.parse()
        .map_err(|_| anyhow::anyhow!("`{raw}` is neither a user id nor `me`"))
}

/// Set (`Some`) or remove (`None`) a user's webhook URL.
pub async fn set(ctx: &Context, id: &str, url: Option<String>) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let id = user_id(&client, id).await?;
    let body = SetWebhook { webhook_url: url };
    let changed: UserWithSecret = client
        .put(&format!("api/v1/users/{id}/webhook"), &body)
        .await?;
    print(ctx, &changed)
}

/// A new signing secret for a user's webhook.
pub async fn rotate(ctx: &Context, id: &str) -> anyhow::Result<()> {
    let client = ctx.authenticated_client()?;
    let id = user_id(&client, id).await?;
    let rotated: UserWithSecret = client
        .post(&format!("api/v1/users/{id}/webhook-secret"), &())
        .await?;
    print(ctx, &rotated)
}

pub fn print(ctx: &Context, u: &UserWithSecret) -> anyhow::Result<()> {
    output::print_record(
        ctx.output,
        u,
        &[
            ("id", u.user.id.to_string()),
            ("email", u.user.email.clone()),
            (
                "webhook_url",
                u.user.webhook_url.clone().unwrap_or_default(),
            ),
            (
                "webhook_secret",
                u.webhook_secret.clone().unwrap_or_default(),
            ),
        ],
    )?;
    if u.webhook_secret.is_some() {
        eprintln!("Give the webhook secret to the receiver now: it is not shown again.");
    }
    Ok(())
}
