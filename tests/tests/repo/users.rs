//! `UserRepo`: accounts, credentials, disabling.

use std::collections::HashMap;

use chrono::Duration;
use telederm_server::{
    db::{Effects, RepoError, WebhookSecretRecord},
    domain::{ChannelChoices, DisplayName, Role, User, UserId},
};
use uuid::Uuid;

use crate::setup::{audit_actions, audited, fresh_repo, t0, territory, user};

fn same_user(a: &User, b: &User) {
    assert_eq!(a.id, b.id);
    assert_eq!(a.email, b.email);
    assert_eq!(a.display_name, b.display_name);
    assert_eq!(a.role, b.role);
    assert_eq!(a.home_territory, b.home_territory);
    assert_eq!(a.territories, b.territories);
    assert_eq!(a.rpps, b.rpps);
    assert_eq!(a.webhook_url, b.webhook_url);
    assert_eq!(a.created_at, b.created_at);
    assert_eq!(a.disabled_at, b.disabled_at);
}

#[tokio::test]
async fn users_round_trip_and_emails_are_unique() {
    let (repo, _dir) = fresh_repo().await;
    for c in ["13", "84"] {
        repo.create_territory(&territory(c, &[]), crate::setup::t0(), &Effects::default())
            .await
            .unwrap();
    }
    let gp = user("gp@x.fr", Role::Gp, Some("13"), &[]);
    // Listed in the order given by the territory codes, whatever the order written.
    let mut coord = user("coord@x.fr", Role::Coordinator, None, &["84", "13"]);
    repo.create_user(&gp, "$argon2id$gp", None, &audited("user.created"))
        .await
        .unwrap();
    repo.create_user(&coord, "$argon2id$coord", None, &audited("user.created"))
        .await
        .unwrap();
    coord.territories.sort();

    same_user(&repo.user(gp.id).await.unwrap().unwrap(), &gp);
    same_user(&repo.user(coord.id).await.unwrap().unwrap(), &coord);
    let (found, hash) = repo.user_credentials(&coord.email).await.unwrap().unwrap();
    same_user(&found, &coord);
    assert_eq!(hash, "$argon2id$coord");
    assert!(repo.user(UserId::new()).await.unwrap().is_none());
    let nobody = telederm_server::domain::Email::parse("nobody@x.fr").unwrap();
    assert!(repo.user_credentials(&nobody).await.unwrap().is_none());

    // A taken email is a conflict, and nothing of the attempt is written.
    let copy = user("gp@x.fr", Role::Admin, None, &[]);
    assert!(matches!(
        repo.create_user(&copy, "h", None, &audited("user.copy"))
            .await,
        Err(RepoError::Conflict(_))
    ));
    assert!(repo.user(copy.id).await.unwrap().is_none());
    assert_eq!(audit_actions(&repo).await, ["user.created", "user.created"]);
    let (_, hash) = repo.user_credentials(&gp.email).await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$gp");
}

#[tokio::test]
async fn users_are_listed_by_creation_then_email() {
    let (repo, _dir) = fresh_repo().await;
    let mut b = user("b@x.fr", Role::Admin, None, &[]);
    let mut a = user("a@x.fr", Role::Admin, None, &[]);
    let mut first = user("z@x.fr", Role::Dermatologist, None, &[]);
    first.created_at = t0() - Duration::hours(1);
    b.created_at = t0();
    a.created_at = t0();
    for u in [&b, &a, &first] {
        repo.create_user(u, "h", None, &Effects::default())
            .await
            .unwrap();
    }
    let listed: Vec<_> = repo.list_users().await.unwrap();
    let emails: Vec<_> = listed.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["z@x.fr", "a@x.fr", "b@x.fr"]);
    same_user(&listed[0], &first);
}

#[tokio::test]
async fn a_user_created_with_a_webhook_secret_has_it_stored() {
    let (repo, _dir) = fresh_repo().await;
    let derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    let secret = WebhookSecretRecord {
        user_id: derm.id.as_uuid(),
        master_key_id: "k1".into(),
        sealed: b"sealed secret".to_vec(),
    };
    repo.create_user(&derm, "h", Some(&secret), &Effects::default())
        .await
        .unwrap();
    assert_eq!(
        repo.webhook_secrets_not_under("k0", 10).await.unwrap(),
        [secret]
    );
}

#[tokio::test]
async fn disabling_keeps_the_first_time_and_is_audited_only_when_it_finds_the_user() {
    let (repo, _dir) = fresh_repo().await;
    let derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    repo.create_user(&derm, "h", None, &Effects::default())
        .await
        .unwrap();

    let at = t0() + Duration::minutes(5);
    let disabled = repo
        .disable_user(derm.id, at, &audited("user.disabled"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(disabled.id, derm.id);
    assert_eq!(disabled.disabled_at, Some(at));
    let again = repo
        .disable_user(derm.id, at + Duration::hours(1), &audited("user.disabled"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.disabled_at, Some(at));
    assert_eq!(
        repo.user(derm.id).await.unwrap().unwrap().disabled_at,
        Some(at)
    );

    assert!(repo
        .disable_user(UserId::new(), at, &audited("user.disabled.nobody"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        audit_actions(&repo).await,
        ["user.disabled", "user.disabled"]
    );
}

#[tokio::test]
async fn display_names_come_in_one_batch_disabled_users_included_unknown_ids_absent() {
    let (repo, _dir) = fresh_repo().await;
    repo.create_territory(
        &territory("13", &[]),
        crate::setup::t0(),
        &Effects::default(),
    )
    .await
    .unwrap();
    let mut gp = user("gp@x.fr", Role::Gp, Some("13"), &[]);
    gp.display_name = DisplayName::parse("Dr Anne Martin").unwrap();
    let mut derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    derm.display_name = DisplayName::parse("Dr Élise Roux").unwrap();
    let other = user("other@x.fr", Role::Admin, None, &[]);
    for u in [&gp, &derm, &other] {
        repo.create_user(u, "h", None, &Effects::default())
            .await
            .unwrap();
    }
    repo.disable_user(derm.id, t0(), &Effects::default())
        .await
        .unwrap();

    let unknown = Uuid::new_v4();
    let names = repo
        .display_names(&[gp.id.as_uuid(), derm.id.as_uuid(), unknown])
        .await
        .unwrap();
    assert_eq!(
        names,
        HashMap::from([
            (gp.id.as_uuid(), "Dr Anne Martin".to_owned()),
            (derm.id.as_uuid(), "Dr Élise Roux".to_owned()),
        ])
    );
    assert!(repo.display_names(&[]).await.unwrap().is_empty());

    // More ids than one `IN` list holds: every batch is read.
    let mut many: Vec<Uuid> = (0..1200).map(|_| Uuid::new_v4()).collect();
    many.push(other.id.as_uuid());
    let names = repo.display_names(&many).await.unwrap();
    assert_eq!(
        names,
        HashMap::from([(other.id.as_uuid(), "Someone".to_owned())])
    );
}

#[tokio::test]
async fn notification_settings_are_kept_and_audited_only_when_the_user_exists() {
    let (repo, _dir) = fresh_repo().await;
    let gp = user("derm@x.fr", Role::Dermatologist, None, &[]);
    repo.create_user(&gp, "h", None, &Effects::default())
        .await
        .unwrap();
    let created = repo.user(gp.id).await.unwrap().unwrap();
    assert_eq!(created.language, telederm_schemas::Language::Fr);
    assert_eq!(created.channels, ChannelChoices::default());

    let changes = std::collections::BTreeMap::from([(
        telederm_schemas::EventKind::CaseReplied,
        telederm_schemas::Channels::Webhook,
    )]);
    let choices = ChannelChoices::default()
        .with(Role::Dermatologist, &changes)
        .unwrap();
    let set = repo
        .set_notification_settings(
            gp.id,
            telederm_schemas::Language::En,
            &choices,
            &audited("user.notifications_set"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(set.language, telederm_schemas::Language::En);
    assert_eq!(set.channels, choices);
    let read = repo.user(gp.id).await.unwrap().unwrap();
    assert_eq!((read.language, read.channels), (set.language, choices));

    let nobody = repo
        .set_notification_settings(
            UserId::new(),
            telederm_schemas::Language::En,
            &ChannelChoices::default(),
            &audited("user.notifications_set.nobody"),
        )
        .await
        .unwrap();
    assert!(nobody.is_none());
    assert_eq!(audit_actions(&repo).await, ["user.notifications_set"]);
}
