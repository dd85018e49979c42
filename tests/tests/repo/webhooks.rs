//! `WebhookRepo`: a user's webhook URL with its sealed secret, rotation of the sealing key.

use telederm_server::{
    db::{Effects, WebhookSecretRecord},
    domain::{UserId, WebhookUrl},
};
use uuid::Uuid;

use crate::setup::{audit_actions, audited, mins, World};

fn sealed(user: Uuid, master: &str, text: &str) -> WebhookSecretRecord {
    WebhookSecretRecord {
        user_id: user,
        master_key_id: master.into(),
        sealed: text.as_bytes().to_vec(),
    }
}

#[tokio::test]
async fn a_webhook_is_set_with_its_secret_and_removed_with_it() {
    let w = World::new().await;
    let repo = &w.repo;
    let url = WebhookUrl::parse("https://hooks.example/a").unwrap();
    let first = sealed(w.derm1, "k1", "first");
    let user = repo
        .set_webhook(
            UserId::from(w.derm1),
            Some(&url),
            Some(&first),
            mins(1),
            &audited("webhook.set"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (user.id.as_uuid(), user.webhook_url.clone()),
        (w.derm1, Some(url.clone()))
    );
    assert_eq!(
        repo.user(UserId::from(w.derm1))
            .await
            .unwrap()
            .unwrap()
            .webhook_url,
        Some(url)
    );
    assert_eq!(
        repo.webhook_secrets_not_under("k0", 10).await.unwrap(),
        [first]
    );

    // A new URL comes with a new secret, replacing the old one.
    let other = WebhookUrl::parse("https://hooks.example/b").unwrap();
    let second = sealed(w.derm1, "k2", "second");
    repo.set_webhook(
        UserId::from(w.derm1),
        Some(&other),
        Some(&second),
        mins(2),
        &Effects::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        repo.webhook_secrets_not_under("k0", 10).await.unwrap(),
        [second]
    );

    let removed = repo
        .set_webhook(
            UserId::from(w.derm1),
            None,
            None,
            mins(3),
            &audited("webhook.removed"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(removed.webhook_url, None);
    assert!(repo
        .webhook_secrets_not_under("k0", 10)
        .await
        .unwrap()
        .is_empty());
    assert!(repo.webhook_secret_counts().await.unwrap().is_empty());

    let nobody = repo
        .set_webhook(
            UserId::new(),
            None,
            None,
            mins(4),
            &audited("webhook.nobody"),
        )
        .await;
    assert!(nobody.unwrap().is_none());
    assert_eq!(
        audit_actions(repo).await,
        ["webhook.set", "webhook.removed"]
    );
}

#[tokio::test]
async fn a_secret_is_replaced_only_for_a_user_with_a_webhook() {
    let w = World::new().await;
    let repo = &w.repo;
    let url = WebhookUrl::parse("https://hooks.example/a").unwrap();
    repo.set_webhook(
        UserId::from(w.derm1),
        Some(&url),
        Some(&sealed(w.derm1, "k1", "old")),
        mins(1),
        &Effects::default(),
    )
    .await
    .unwrap();

    let fresh = sealed(w.derm1, "k1", "rotated");
    assert!(repo
        .replace_webhook_secret(&fresh, mins(2), &audited("webhook.rotated"))
        .await
        .unwrap());
    assert_eq!(
        repo.webhook_secrets_not_under("k0", 10).await.unwrap(),
        [fresh]
    );
    // No URL, no secret.
    let unhooked = sealed(w.derm2, "k1", "never");
    assert!(!repo
        .replace_webhook_secret(&unhooked, mins(3), &audited("webhook.never"))
        .await
        .unwrap());
    assert!(!repo
        .replace_webhook_secret(&sealed(Uuid::new_v4(), "k1", "x"), mins(3), &audited("x"))
        .await
        .unwrap());
    assert_eq!(
        repo.webhook_secret_counts().await.unwrap(),
        [("k1".to_owned(), 1)]
    );
    assert_eq!(audit_actions(repo).await, ["webhook.rotated"]);
}

#[tokio::test]
async fn secrets_are_resealed_page_by_page_unless_they_changed_meanwhile() {
    let w = World::new().await;
    let repo = &w.repo;
    let mut users = vec![w.derm1, w.derm2, w.coord13];
    users.sort();
    let url = WebhookUrl::parse("https://hooks.example/a").unwrap();
    for u in &users {
        repo.set_webhook(
            UserId::from(*u),
            Some(&url),
            Some(&sealed(*u, "k1", "s")),
            mins(1),
            &Effects::default(),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        repo.webhook_secret_counts().await.unwrap(),
        [("k1".to_owned(), 3)]
    );

    // Pages in user id order.
    let page = repo.webhook_secrets_not_under("k2", 2).await.unwrap();
    assert_eq!(
        page.iter().map(|s| s.user_id).collect::<Vec<_>>(),
        users[..2]
    );
    assert!(repo
        .webhook_secrets_not_under("k1", 10)
        .await
        .unwrap()
        .is_empty());

    let (old, new) = (page[0].clone(), sealed(users[0], "k2", "resealed"));
    assert!(repo
        .reseal_webhook_secret(&old, &new, mins(2))
        .await
        .unwrap());
    // Resealing from a stale copy does not undo it.
    assert!(!repo
        .reseal_webhook_secret(&old, &sealed(users[0], "k3", "stale"), mins(3))
        .await
        .unwrap());
    // Nor does it overwrite a secret rotated meanwhile under the same key.
    let rotated = sealed(users[1], "k1", "rotated");
    assert!(repo
        .replace_webhook_secret(&rotated, mins(3), &Effects::default())
        .await
        .unwrap());
    assert!(!repo
        .reseal_webhook_secret(&page[1], &sealed(users[1], "k2", "late"), mins(4))
        .await
        .unwrap());

    assert_eq!(
        repo.webhook_secret_counts().await.unwrap(),
        [("k1".to_owned(), 2), ("k2".to_owned(), 1)]
    );
    let rest = repo.webhook_secrets_not_under("k2", 10).await.unwrap();
    assert_eq!(rest, [rotated, sealed(users[2], "k1", "s")]);
}
