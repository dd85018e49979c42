//! Creating user accounts: one path for the API, the `admin create-user` command and the demo.

use chrono::{DateTime, Utc};

use crate::{
    audit,
    auth::password::hash_password,
    db::{Effects, Repo},
    domain::{NewUser, User, UserId, ValidationErrors},
    error::ApiError,
};

/// Check that the territories it names exist, hash the password, store the user (recorded in the
/// audit trail as done by `by`, or by an operator's command when `None`).
pub async fn create_user(
    repo: &dyn Repo,
    new: NewUser,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<User, ApiError> {
    let mut missing = ValidationErrors::default();
    for (field, code) in new.referenced_territories() {
        if repo.territory(code).await?.is_none() {
            missing.add(field, format!("territory `{code}` does not exist"));
        }
    }
    missing.finish(Some(()))?;
    let hash = hash_password(new.password.secret().clone()).await?;
    let user = User {
        id: UserId::new(),
        email: new.email,
        display_name: new.display_name,
        role: new.role,
        home_territory: new.home_territory,
        territories: new.territories,
        rpps: new.rpps,
        webhook_url: new.webhook_url,
        disabled_at: None,
        created_at: at,
    };
    let mut entry = audit::entry(
        at,
        by.map(|u| u.as_uuid()),
        "user.created",
        "user",
        Some(user.id.to_string()),
    )
    .detail(serde_json::json!({ "role": user.role.as_str() }));
    entry.territory = user.home_territory.as_ref().map(ToString::to_string);
    repo.create_user(&user, &hash, &Effects::audit(entry))
        .await?;
    Ok(user)
}
