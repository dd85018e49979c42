//! Webhook URLs and secrets from the terminal: the secret is printed once, rotation prints a new
//! one, and a user manages its own webhook with `me`.

use telederm_tests::{spawn_app, webhook::Receiver};

use crate::story::User;

fn secret_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let record = if v.is_array() { &v[0] } else { &v };
    record["webhook_secret"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_secrets_are_printed_once_and_rotated_from_the_terminal() {
    let app = spawn_app().await;
    let receiver = Receiver::start();
    let admin = User::login(&app, "admin@demo.test").await;
    let gp = User::login(&app, "gp13@demo.test").await;
    let derm1 = app.user("derm1").await.id.to_string();

    let added = admin
        .run(
            &[
                "users",
                "add",
                "--email",
                "hooked@demo.test",
                "--name",
                "Dr Hook",
                "--role",
                "dermatologist",
                "--webhook-url",
                &receiver.url("/hooked"),
                "--password-stdin",
                "--output",
                "json",
            ],
            "a-long-enough-password\n",
        )
        .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let first = secret_of(&added.stdout);
    assert!(first.starts_with("whsec_"));
    assert!(added.stderr.contains("not shown again"), "{}", added.stderr);

    let set = admin
        .ok(&[
            "users",
            "webhook",
            &derm1,
            "--url",
            &receiver.url("/derm1"),
            "--output",
            "table",
        ])
        .await;
    let line = set
        .lines()
        .find(|l| l.starts_with("webhook_secret"))
        .unwrap_or_else(|| panic!("no secret in {set}"));
    let derm_secret = line.split_whitespace().nth(1).unwrap().to_owned();
    assert!(derm_secret.starts_with("whsec_") && derm_secret != first);
    assert!(set.contains(&receiver.url("/derm1")));

    let rotated = admin
        .ok(&["users", "webhook-secret", &derm1, "--output", "json"])
        .await;
    let rotated = secret_of(&rotated);
    assert!(rotated.starts_with("whsec_") && rotated != derm_secret);

    // A GP sets its own webhook, and nobody else's.
    let mine = gp
        .ok(&[
            "users",
            "webhook",
            "me",
            "--url",
            &receiver.url("/gp"),
            "--output",
            "json",
        ])
        .await;
    assert!(secret_of(&mine).starts_with("whsec_"));
    let refused = gp
        .run(&["users", "webhook-secret", &derm1, "--output", "json"], "")
        .await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("forbidden"), "{}", refused.stderr);
    let removed = gp
        .ok(&["users", "webhook", "me", "--remove", "--output", "json"])
        .await;
    let removed: serde_json::Value = serde_json::from_str(&removed).unwrap();
    assert!(removed["webhook_url"].is_null() && removed.get("webhook_secret").is_none());

    let usage = gp.run(&["users", "webhook", "me"], "").await;
    assert_eq!(usage.code, 2, "--url or --remove is required");
}
