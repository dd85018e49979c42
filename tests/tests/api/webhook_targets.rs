//! Webhooks cannot reach inside the network: such URLs are refused when saved and again at every
//! delivery; redirects are not followed; admins see why a delivery failed as a category, never
//! as the text of a connection error.

use serde_json::json;
use telederm_schemas::{DeliveryFailure, Notification};
use telederm_server::{
    db::Effects,
    domain::{UserId, WebhookUrl},
    keys::webhook_secret as secret,
};
use telederm_tests::{assert_problem, fields, spawn_app_with, webhook::Receiver, TestApp};

use crate::notifications::{on_call, user_with_webhook};

const INSIDE: [&str; 8] = [
    "http://127.0.0.1:8080/hook",
    "http://10.0.0.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::1]:9000/",
    "http://localhost:8080/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[fd00:ec2::254]/",
];

async fn strict_app() -> TestApp {
    spawn_app_with(|s| s.notifications.allow_private_targets = false, |s| s).await
}

/// Every message of the outbox, as the admins' list shows it, with its raw JSON.
async fn outbox(app: &TestApp) -> (Vec<Notification>, String) {
    let admin = app.token("admin").await;
    let res = app
        .get("/api/v1/notifications?parked=false", Some(&admin))
        .await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

#[tokio::test]
async fn saving_a_webhook_that_points_inside_the_network_is_refused() {
    let app = strict_app().await;
    let admin = app.token("admin").await;
    let gp = app.token("gp13").await;
    let gp_id = app.user("gp13").await.id;
    for (i, url) in INSIDE.iter().enumerate() {
        let body = json!({"email": format!("inside{i}@example.fr"), "display_name": "X",
                          "role": "dermatologist", "password": "a-long-enough-password",
                          "webhook_url": url});
        let problem = assert_problem(
            app.post("/api/v1/users", Some(&admin), &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), ["webhook_url"], "{url}");
        for token in [&admin, &gp] {
            let res = app
                .put(
                    &format!("/api/v1/users/{gp_id}/webhook"),
                    Some(token),
                    &json!({ "webhook_url": url }),
                )
                .await;
            let problem = assert_problem(res, 422, "validation_failed").await;
            assert_eq!(fields(&problem), ["webhook_url"], "{url}");
        }
    }
    assert_eq!(
        app.user("gp13").await.webhook_url,
        None,
        "nothing was saved"
    );
    // A public address is fine.
    let res = app
        .put(
            &format!("/api/v1/users/{gp_id}/webhook"),
            Some(&gp),
            &json!({ "webhook_url": "http://93.184.215.14/hook" }),
        )
        .await;
    assert_eq!(res.status(), 200);
}

/// A URL saved before the guard existed (written here behind the service's back): its messages
/// are not sent, whichever way it names the inside.
#[tokio::test]
async fn a_message_to_an_inside_target_is_not_sent_and_shows_refused_target() {
    let app = strict_app().await;
    let receiver = Receiver::start();
    let port = receiver.base.rsplit(':').next().unwrap().to_owned();
    let mut recipients = Vec::new();
    for (name, url) in [
        ("loopback", format!("http://127.0.0.1:{port}/a")),
        ("mapped", format!("http://[::ffff:127.0.0.1]:{port}/b")),
        ("name", format!("http://localhost:{port}/c")),
    ] {
        let derm = crate::notifications::create_derm(&app, &format!("{name}@demo.test")).await;
        let key = secret::seal(&app.state.keys, derm, &secret::generate()).unwrap();
        let url = WebhookUrl::parse(&url).unwrap();
        app.state
            .repo
            .set_webhook(
                UserId::from(derm),
                Some(&url),
                Some(&key),
                app.now(),
                &Effects::default(),
            )
            .await
            .unwrap();
        on_call(&app, derm).await;
        recipients.push(derm);
    }
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;

    let stats = app.deliver().await;
    assert_eq!((stats.delivered, stats.retried), (0, 3));
    assert!(receiver.deliveries().is_empty(), "a request got through");
    let (messages, raw) = outbox(&app).await;
    for derm in recipients {
        let m = messages.iter().find(|m| m.recipient_id == derm).unwrap();
        assert_eq!(m.last_error, Some(DeliveryFailure::RefusedTarget));
    }
    // The port as an address has it (`:40213`): its bare digits may occur in an id or a time.
    let at_port = format!(":{port}");
    assert!(
        !raw.contains("127.0.0.1") && !raw.contains(&at_port),
        "{raw}"
    );
}

#[tokio::test]
async fn redirects_timeouts_and_closed_ports_show_a_category_only() {
    let app = spawn_app_with(|s| s.notifications.timeout_secs = 1, |s| s).await;
    let receiver = Receiver::start();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (redirected, _) = user_with_webhook(
        &app,
        &receiver,
        "moved@demo.test",
        "dermatologist",
        "/redirect",
    )
    .await;
    let (slow, _) =
        user_with_webhook(&app, &receiver, "slow@demo.test", "dermatologist", "/slow").await;
    let (closed, _) =
        user_with_webhook(&app, &receiver, "closed@demo.test", "dermatologist", "/x").await;
    let admin = app.token("admin").await;
    let res = app
        .put(
            &format!("/api/v1/users/{closed}/webhook"),
            Some(&admin),
            &json!({ "webhook_url": format!("http://127.0.0.1:{closed_port}/hook") }),
        )
        .await;
    assert_eq!(res.status(), 200);
    for derm in [redirected, slow, closed] {
        on_call(&app, derm).await;
    }
    let gp = app.token("gp13").await;
    app.submit_small(&gp, "urgent").await;

    assert_eq!(app.deliver().await.retried, 3);
    let seen: Vec<String> = receiver.deliveries().into_iter().map(|d| d.path).collect();
    assert_eq!(
        seen,
        ["/redirect"],
        "the redirect was followed, or /slow answered"
    );
    let (messages, raw) = outbox(&app).await;
    let failure = |who| {
        messages
            .iter()
            .find(|m| m.recipient_id == who)
            .unwrap()
            .last_error
    };
    assert_eq!(failure(redirected), Some(DeliveryFailure::HttpStatus));
    assert_eq!(failure(slow), Some(DeliveryFailure::Timeout));
    assert_eq!(failure(closed), Some(DeliveryFailure::ConnectFailed));
    // What admins read of a failure is its category, nothing of the error or the target (ids
    // and times are random digits, hence the status code is looked for in `last_error` only).
    let listed: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let mut categories: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["last_error"].as_str().unwrap())
        .collect();
    categories.sort();
    assert_eq!(categories, ["connect_failed", "http_status", "timeout"]);
    for internal in [
        "sending",
        "connect error",
        "refused",
        "timed out",
        "127.0.0.1",
    ] {
        assert!(
            !raw.to_lowercase().contains(internal),
            "{internal} in {raw}"
        );
    }
}
