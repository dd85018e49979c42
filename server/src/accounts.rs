//! Creating user accounts: one path for the API, the `admin create-user` command and the demo.

use crate::{
    auth::password::hash_password,
    db::Repo,
    domain::{now, NewUser, User, UserId, ValidationErrors},
    error::ApiError,
};

/// Check that the territories it names exist, hash the password, store the user.
pub async fn create_user(repo: &dyn Repo, new: NewUser) -> Result<User, ApiError> {
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
        created_at: now(),
    };
    repo.create_user(&user, &hash).await?;
    Ok(user)
}
