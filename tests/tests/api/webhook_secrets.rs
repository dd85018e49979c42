//! Each webhook recipient signs with its own secret: made when its URL is set, shown once,
//! stored sealed, rotatable; one receiver cannot forge messages for another.

use chrono::Duration;
use serde_json::json;
use telederm_schemas::{DeliveryFailure, Notification, User, UserWithSecret};
use telederm_server::{
    db::Effects,
    domain::{UserId, WebhookUrl},
    keys,
    startup::open_database,
};
use telederm_tests::{assert_problem, fields, spawn_app, webhook::Receiver, TestApp};

use crate::notifications::{create_derm, on_call, user_with_webhook};

async fn rotate(app: &TestApp, token: &str, user: uuid::Uuid) -> reqwest::Response {
    app.post(
        &format!("/api/v1/users/{user}/webhook-secret"),
        Some(token),
        &json!({}),
    )
    .await
}

async fn put_webhook(
    app: &TestApp,
    token: &str,
    user: uuid::Uuid,
    url: Option<&str>,
) -> reqwest::Response {
    app.put(
        &format!("/api/v1/users/{user}/webhook"),
        Some(token),
        &json!({ "webhook_url": url }),
    )
    .await
}

#[tokio::test]
async fn each_recipient_signs_with_its_own_secret_and_rotation_retires_the_old_one() {
    let app = spawn_app().await;
    let receiver = Receiver::start();
    let (a, secret_a) =
        user_with_webhook(&app, &receiver, "a@demo.test", "dermatologist", "/a").await;
    let (b, secret_b) =
        user_with_webhook(&app, &receiver, "b@demo.test", "dermatologist", "/b").await;
    assert_ne!(secret_a, secret_b);
    assert!(secret_a.starts_with("whsec_"));
    on_call(&app, a).await;
    on_call(&app, b).await;
    let (gp, admin) = (app.token("gp13").await, app.token("admin").await);

    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.delivered, 2);
    let seen = receiver.deliveries();
    let to = |path: &str| seen.iter().find(|d| d.path == path).unwrap().clone();
    assert!(to("/a").signed_with(&secret_a) && !to("/a").signed_with(&secret_b));
    assert!(to("/b").signed_with(&secret_b) && !to("/b").signed_with(&secret_a));

    // Shown once: never in a listing.
    let listed = app
        .get("/api/v1/users", Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    assert!(!listed.contains(&secret_a) && !listed.contains("webhook_secret"));

    let res = rotate(&app, &admin, a).await;
    assert_eq!(res.status(), 200);
    let rotated: UserWithSecret = res.json().await.unwrap();
    let new_a = rotated.webhook_secret.unwrap();
    assert_eq!(rotated.user.id, a);
    assert_ne!(new_a, secret_a);

    // The receiver still holds the old secret: the next message does not verify with it.
    app.submit_small(&gp, "urgent").await;
    let stats = app.deliver().await;
    assert_eq!((stats.delivered, stats.retried), (1, 1));
    let last_a = receiver
        .deliveries()
        .into_iter()
        .rfind(|d| d.path == "/a")
        .unwrap();
    assert_eq!(last_a.status, 401);
    assert!(last_a.signed_with(&new_a) && !last_a.signed_with(&secret_a));

    receiver.expect("/a", &new_a);
    app.advance(Duration::seconds(30));
    assert_eq!(app.deliver().await.delivered, 1);
    assert!(receiver.deliveries().last().unwrap().signature_ok);
}

#[tokio::test]
async fn a_user_sets_its_own_webhook_and_no_one_elses() {
    let app = spawn_app().await;
    let receiver = Receiver::start();
    let gp_id = app.user("gp13").await.id;
    let derm_id = app.user("derm1").await.id;
    let (gp, admin) = (app.token("gp13").await, app.token("admin").await);

    let res = put_webhook(&app, &gp, gp_id, Some(&receiver.url("/mine"))).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "no-store",
        "a secret is never cached"
    );
    let set: UserWithSecret = res.json().await.unwrap();
    assert!(set.webhook_secret.unwrap().starts_with("whsec_"));
    let me: User = app.me(&gp).await.json().await.unwrap();
    assert_eq!(me.webhook_url, Some(receiver.url("/mine")));
    let raw = app.me(&gp).await.text().await.unwrap();
    assert!(!raw.contains("whsec_"));
    let res = rotate(&app, &gp, gp_id).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");

    // An empty or misspelt body is refused, not read as "stop webhooks".
    for body in [json!({}), json!({ "webhookUrl": null })] {
        let res = app
            .put(&format!("/api/v1/users/{gp_id}/webhook"), Some(&gp), &body)
            .await;
        assert_problem(res, 422, "validation_failed").await;
    }
    let me: User = app.me(&gp).await.json().await.unwrap();
    assert_eq!(me.webhook_url, Some(receiver.url("/mine")), "still set");

    for res in [
        put_webhook(&app, &gp, derm_id, Some(&receiver.url("/theirs"))).await,
        rotate(&app, &gp, derm_id).await,
    ] {
        assert_problem(res, 403, "forbidden").await;
    }
    let problem = assert_problem(
        put_webhook(&app, &admin, derm_id, Some("ftp://x.fr")).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["webhook_url"]);
    assert_problem(
        put_webhook(&app, &admin, uuid::Uuid::new_v4(), None).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(rotate(&app, &admin, derm_id).await, 409, "invalid_state").await;

    // An admin sets and removes anyone's webhook.
    let res = put_webhook(&app, &admin, derm_id, Some(&receiver.url("/derm"))).await;
    assert_eq!(res.status(), 200);
    let res = put_webhook(&app, &admin, derm_id, None).await;
    assert_eq!(res.status(), 200);
    let removed: UserWithSecret = res.json().await.unwrap();
    assert_eq!(
        (removed.user.webhook_url, removed.webhook_secret),
        (None, None)
    );
    assert_problem(rotate(&app, &admin, derm_id).await, 409, "invalid_state").await;

    // Recorded, without the URL (it may carry the receiver's token) or the secret.
    let audit = app
        .get(&format!("/api/v1/audit?actor={gp_id}"), Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        audit.contains("\"user.webhook_set\"") && audit.contains("user.webhook_secret_rotated")
    );
    assert!(
        !audit.contains("/mine") && !audit.contains("whsec_"),
        "{audit}"
    );
}

/// A URL set before per-recipient secrets has none: its messages wait (`no_secret`) until an
/// admin or the user rotates it.
#[tokio::test]
async fn a_webhook_without_a_secret_sends_nothing_until_one_is_made() {
    let app = spawn_app().await;
    let receiver = Receiver::start();
    let derm = create_derm(&app, "old@demo.test").await;
    let url = WebhookUrl::parse(&receiver.url("/old")).unwrap();
    app.state
        .repo
        .set_webhook(
            UserId::from(derm),
            Some(&url),
            None,
            app.now(),
            &Effects::default(),
        )
        .await
        .unwrap();
    on_call(&app, derm).await;
    let (gp, admin) = (app.token("gp13").await, app.token("admin").await);
    app.submit_small(&gp, "urgent").await;

    assert_eq!(app.deliver().await.retried, 1);
    assert!(receiver.deliveries().is_empty());
    let listed: Vec<Notification> = app
        .get("/api/v1/notifications?parked=false", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0].last_error, Some(DeliveryFailure::NoSecret));

    let rotated: UserWithSecret = rotate(&app, &admin, derm).await.json().await.unwrap();
    receiver.expect("/old", &rotated.webhook_secret.unwrap());
    app.advance(Duration::seconds(30));
    assert_eq!(app.deliver().await.delivered, 1);
    assert!(receiver.deliveries()[0].signature_ok);
}

#[tokio::test]
async fn master_key_rotation_keeps_webhook_secrets_readable() {
    let app = spawn_app().await;
    let receiver = Receiver::start();
    let (derm, secret) =
        user_with_webhook(&app, &receiver, "kept@demo.test", "dermatologist", "/k").await;
    on_call(&app, derm).await;

    let repo = open_database(&app.settings).await.unwrap();
    let key_file = app.settings.key_file();
    let report = keys::rotate(repo.as_ref(), &key_file).await.unwrap();
    assert_eq!(report.resealed, 1);
    let status = keys::status(repo.as_ref(), &key_file).await.unwrap();
    let active = status
        .keys
        .iter()
        .find(|k| k.id == report.new_key_id)
        .unwrap();
    assert_eq!(active.webhook_secrets, 1);
    assert!(status
        .keys
        .iter()
        .all(|k| k.id == report.new_key_id || k.webhook_secrets == 0));

    // The running server meets a secret sealed by a key it had not loaded, and signs on.
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;
    assert_eq!(app.deliver().await.delivered, 1);
    assert!(receiver.deliveries()[0].signed_with(&secret));
}
