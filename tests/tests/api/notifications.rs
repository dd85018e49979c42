//! Webhooks: written to the outbox with the event, delivered signed, retried with backoff, parked
//! after the last attempt; payloads carry ids and links, never clinical content.

use chrono::Duration;
use serde_json::json;
use telederm_schemas::{DeliveryFailure, Notification};
use telederm_tests::{
    assert_problem, case_json, spawn_app_with, webhook::Receiver, TestApp, DEMO_PASSWORD,
};

/// A user whose webhook is `path` of the receiver, which is told the user's new secret.
pub async fn user_with_webhook(
    app: &TestApp,
    receiver: &Receiver,
    email: &str,
    role: &str,
    path: &str,
) -> (uuid::Uuid, String) {
    let mut body = json!({"email": email, "display_name": email, "role": role,
                          "password": DEMO_PASSWORD, "webhook_url": receiver.url(path)});
    if role == "gp" {
        body["home_territory"] = json!("13");
    }
    let created = app.create_user_with_secret(body).await;
    let secret = created
        .webhook_secret
        .expect("a secret for the new webhook");
    receiver.expect(path, &secret);
    (created.user.id, secret)
}

/// A dermatologist without a webhook.
pub async fn create_derm(app: &TestApp, email: &str) -> uuid::Uuid {
    app.create_user(
        json!({"email": email, "display_name": email, "role": "dermatologist",
                           "password": DEMO_PASSWORD}),
    )
    .await
}

pub async fn on_call(app: &TestApp, derm: uuid::Uuid) {
    let coord = app.token("coord").await;
    let res = app
        .post(
            "/api/v1/shifts",
            Some(&coord),
            &json!({"dermatologist_id": derm, "territory": "13",
                    "starts_at": app.now() - Duration::hours(1),
                    "ends_at": app.now() + Duration::days(3)}),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn deliveries_are_signed_retried_with_backoff_and_carry_no_clinical_content() {
    let app = spawn_app_with(|s| s.notifications.max_attempts = 5, |s| s).await;
    let receiver = Receiver::start();
    user_with_webhook(&app, &receiver, "gpw@demo.test", "gp", "/gp").await;
    let (derm_id, _) =
        user_with_webhook(&app, &receiver, "dermw@demo.test", "dermatologist", "/derm").await;
    on_call(&app, derm_id).await;
    let (gp, derm) = (
        app.token_for("gpw@demo.test").await,
        app.token_for("dermw@demo.test").await,
    );

    let case = app.submit_small(&gp, "urgent").await;
    receiver.fail_next(2);
    assert_eq!(app.deliver().await.retried, 1);
    assert_eq!(
        app.deliver().await,
        Default::default(),
        "not before the backoff"
    );
    app.advance(Duration::seconds(30));
    assert_eq!(app.deliver().await.retried, 1);
    app.advance(Duration::seconds(59));
    assert_eq!(
        app.deliver().await,
        Default::default(),
        "the second delay is doubled"
    );
    app.advance(Duration::seconds(1));
    assert_eq!(app.deliver().await.delivered, 1);
    assert_eq!(app.deliver().await, Default::default(), "delivered once");

    let seen = receiver.deliveries();
    assert_eq!(
        seen.iter().map(|d| d.status).collect::<Vec<_>>(),
        [500, 500, 204]
    );
    assert!(seen
        .iter()
        .all(|d| d.signature_ok && d.path == "/derm" && d.event == "case.queued"));
    assert!(
        seen.iter().all(|d| d.body == seen[0].body),
        "the same message each time"
    );
    let payload = seen[0].payload.as_object().unwrap();
    let mut keys: Vec<_> = payload.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "case_id",
            "due_at",
            "event",
            "id",
            "link",
            "occurred_at",
            "reference",
            "territory"
        ]
    );
    assert_eq!(payload["case_id"], json!(case.id));
    assert_eq!(
        payload["reference"],
        json!(case.id.simple().to_string()[..8].to_uppercase())
    );
    assert_eq!(payload["due_at"], json!(case.due_at));
    assert!(payload["link"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/api/v1/cases/{}", case.id)));
    let clinical = case_json();
    for field in ["patient_ref", "question", "body_site", "history"] {
        let text = clinical[field].as_str().unwrap();
        assert!(
            !seen[0].body.contains(text),
            "the payload carries the {field}"
        );
    }

    // The rest of the story reaches the GP and the dermatologist who asked.
    app.claim_ok(&derm, case.id).await;
    app.request_info_ok(&derm, case.id, true).await;
    app.advance(Duration::minutes(5));
    app.reply_ok(&gp, case.id).await;
    app.advance(Duration::minutes(5));
    app.answer_ok(&derm, case.id).await;
    assert_eq!(app.deliver().await.delivered, 3);
    let later: Vec<_> = receiver.deliveries()[3..]
        .iter()
        .map(|d| (d.path.clone(), d.event.clone()))
        .collect();
    let expected = [
        ("/gp", "case.info_requested"),
        ("/derm", "case.replied"),
        ("/gp", "case.answered"),
    ];
    assert_eq!(later, expected.map(|(p, e)| (p.to_owned(), e.to_owned())));
}

#[tokio::test]
async fn a_message_is_parked_after_its_last_attempt_and_an_admin_can_retry_it() {
    let app = spawn_app_with(|s| s.notifications.max_attempts = 2, |s| s).await;
    let receiver = Receiver::start();
    let (gp_id, _) = user_with_webhook(&app, &receiver, "gpdown@demo.test", "gp", "/down").await;
    let (gp, derm, admin) = (
        app.token_for("gpdown@demo.test").await,
        app.token("derm1").await,
        app.token("admin").await,
    );
    let case = app.submit_small(&gp, "routine").await;
    app.claim_ok(&derm, case.id).await;
    app.answer_ok(&derm, case.id).await;

    assert_eq!(app.deliver().await.retried, 1);
    app.advance(Duration::seconds(30));
    assert_eq!(app.deliver().await.parked, 1);
    app.advance(Duration::days(1));
    assert_eq!(
        app.deliver().await,
        Default::default(),
        "parked: no more attempts"
    );

    let res = app.get("/api/v1/notifications", Some(&admin)).await;
    assert_eq!(res.status(), 200);
    let parked: Vec<Notification> = res.json().await.unwrap();
    assert_eq!(parked.len(), 1);
    let n = &parked[0];
    assert_eq!(
        (n.recipient_id, n.event.as_str(), n.case_id, n.attempts),
        (gp_id, "case.answered", Some(case.id), 2)
    );
    assert!(n.parked_at.is_some() && n.delivered_at.is_none());
    assert_eq!(n.last_error, Some(DeliveryFailure::HttpStatus));
    for role in ["coord", "gp13", "derm1"] {
        let token = app.token(role).await;
        assert_problem(
            app.get("/api/v1/notifications", Some(&token)).await,
            403,
            "forbidden",
        )
        .await;
    }

    let retry = format!("/api/v1/notifications/{}/retry", n.id);
    assert_eq!(
        app.post(&retry, Some(&admin), &json!({})).await.status(),
        204
    );
    assert_problem(
        app.post(&retry, Some(&admin), &json!({})).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.deliver().await.retried,
        1,
        "back in line, with its attempts counted afresh"
    );
    assert_eq!(receiver.deliveries().len(), 3);
}
