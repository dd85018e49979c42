//! The admin's pages in a real browser: the overview with the key in use, a coordinator created
//! with a webhook (its secret shown once), a new secret for it, the territories. Accessible (axe)
//! and screenshotted at every step.

use telederm_schemas::KeyStatus;
use telederm_tests::{
    browser::Browser,
    pages::{
        admin::{AdminPage, NewUser},
        sign_in::SignIn,
    },
    spawn_app_with,
    webhook::Receiver,
    DEMO_PASSWORD,
};

#[tokio::test]
async fn the_admin_creates_a_user_and_rotates_its_secret() {
    let app = spawn_app_with(|s| s.notifications.max_attempts = 1, |s| s).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    // A GP whose webhook is down: the answer to its case is parked after its one attempt.
    let receiver = Receiver::start();
    app.create_user_with_secret(serde_json::json!({
        "email": "gpdown@demo.test", "display_name": "Dr Injoignable", "role": "gp",
        "password": DEMO_PASSWORD, "home_territory": "13",
        "webhook_url": receiver.url("/down")}))
        .await;
    let (gp, derm) = (
        app.token_for("gpdown@demo.test").await,
        app.token("derm1").await,
    );
    let case = app.submit_small(&gp, "routine").await;
    app.claim_ok(&derm, case.id).await;
    app.answer_ok(&derm, case.id).await;
    assert_eq!(app.deliver().await.parked, 1);

    let landed = SignIn::open(&browser, &app)
        .await
        .sign_in("admin@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(landed, app.url("/admin"));

    let token = app.token("admin").await;
    let keys: KeyStatus = app
        .get("/api/v1/keys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let overview = AdminPage::open(&browser, &app, "/admin").await;
    assert_eq!(overview.active_key().await, keys.active);
    let parked = overview.parked().await;
    assert!(parked.contains("Dr Injoignable"), "{parked}");
    assert!(parked.contains("case.answered"), "{parked}");
    assert!(
        parked.contains("le destinataire a répondu une erreur"),
        "{parked}"
    );
    browser.assert_accessible("the admin's overview").await;
    browser.screenshot_page("admin-overview").await;

    let url = receiver.url("/coord84");
    let users = AdminPage::open(&browser, &app, "/admin/users").await;
    browser.assert_accessible("the users").await;
    let users = users
        .create_user(&NewUser {
            name: "Coordinatrice Vaucluse",
            email: "coord84@demo.test",
            password: DEMO_PASSWORD,
            role: "Coordinateur",
            territories: &["84"],
            webhook_url: &url,
        })
        .await;
    assert_eq!(users.done().await, "Utilisateur créé.");
    let first = users.secret().await.expect("the new secret, shown once");
    assert!(first.starts_with("whsec_"), "{first}");
    assert!(users
        .user_names()
        .await
        .contains(&"Coordinatrice Vaucluse".to_owned()));
    browser.assert_accessible("the users, a secret shown").await;
    browser.screenshot_page("admin-users-secret").await;

    let users = users.rotate_secret("Coordinatrice Vaucluse").await;
    let second = users.secret().await.expect("the new secret");
    assert!(second.starts_with("whsec_") && second != first);
    assert!(users.done().await.contains("ancien ne fonctionne plus"));

    // Shown once: the list, opened again, shows neither.
    let again = AdminPage::open(&browser, &app, "/admin/users").await;
    assert_eq!(again.secret().await, None);
    browser.screenshot_page("admin-users").await;

    AdminPage::open(&browser, &app, "/admin/territories").await;
    browser.assert_accessible("the territories").await;
    browser.screenshot_page("admin-territories").await;
    browser.close().await;
}
