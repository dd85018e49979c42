//! The admin's pages over HTTP, as a browser without scripts posts them: users created (with the
//! webhook secret shown once), refused in the page's words, disabled, their secret rotated;
//! territories created and changed; key status; parked notifications retried. Each change is
//! seen by the API and in the audit trail; nobody else opens these pages. The same in a real
//! browser: `tests/web/admin.rs`.

use chrono::Duration;
use reqwest::header;
use telederm_schemas::{AuditPage, KeyStatus, Notification, Territory, User};
use telederm_tests::{spawn_app, spawn_app_with, webhook::Receiver, TestApp, DEMO_PASSWORD};

use crate::web_browser::{csrf_token, location, Browser};

async fn admin(app: &TestApp) -> Browser<'_> {
    let mut b = Browser::new(app);
    b.sign_in("admin", "/admin").await;
    b
}

/// Post a form of `page` (its CSRF token read from the page first).
async fn post(
    b: &mut Browser<'_>,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = csrf_token(&b.page(page, 200).await);
    let mut all = fields.to_vec();
    all.push(("csrf", &token));
    b.post_form(action, &all).await
}

async fn users(app: &TestApp) -> Vec<User> {
    let token = app.token("admin").await;
    app.get("/api/v1/users", Some(&token))
        .await
        .json()
        .await
        .unwrap()
}

async fn audit(app: &TestApp, action: &str) -> AuditPage {
    let token = app.token("admin").await;
    app.get(&format!("/api/v1/audit?action={action}"), Some(&token))
        .await
        .json()
        .await
        .unwrap()
}

/// The secret the page shows, if any.
fn shown_secret(page: &str) -> Option<String> {
    let at = page.find("id=\"secret-value\">")?;
    let rest = &page[at + "id=\"secret-value\">".len()..];
    Some(rest[..rest.find('<')?].to_owned())
}

#[tokio::test]
async fn nobody_but_an_admin_opens_or_posts_the_admin_pages() {
    let app = spawn_app().await;
    for (who, home) in [
        ("coord", "/dashboard"),
        ("gp13", "/cases"),
        ("derm1", "/queue"),
    ] {
        let mut b = Browser::new(&app);
        b.sign_in(who, home).await;
        for page in ["/admin", "/admin/users", "/admin/territories"] {
            let res = b.get(page).await;
            assert_eq!(res.status(), 303, "{who} {page}");
            assert_eq!(location(&res), home);
        }
    }
    let mut coord = Browser::new(&app);
    coord.sign_in("coord", "/dashboard").await;
    let before = users(&app).await.len();
    let res = post(
        &mut coord,
        "/rota",
        "/admin/users",
        &[
            ("email", "x@demo.test"),
            ("display_name", "X"),
            ("role", "admin"),
            ("password", DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(res.status(), 404);
    assert_eq!(users(&app).await.len(), before);
    let res = post(
        &mut coord,
        "/rota",
        "/admin/territories",
        &[("code", "cpts-x"), ("name", "X")],
    )
    .await;
    assert_eq!(res.status(), 403);
    let gp84 = users(&app)
        .await
        .into_iter()
        .find(|u| u.email == "gp84@demo.test")
        .unwrap();
    let res = post(
        &mut coord,
        "/rota",
        &format!("/admin/users/{}/disable", gp84.id),
        &[],
    )
    .await;
    assert_eq!(res.status(), 404);
    assert!(!users(&app).await.iter().any(|u| u.disabled));
}

#[tokio::test]
async fn the_admin_creates_a_user_and_sees_its_webhook_secret_once() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let receiver = Receiver::start();
    let url = receiver.url("/coord84");
    let res = post(
        &mut admin,
        "/admin/users",
        "/admin/users",
        &[
            ("display_name", "Coordinatrice Vaucluse"),
            ("email", "coord84@demo.test"),
            ("password", DEMO_PASSWORD),
            ("rpps", "10101010101"),
            ("role", "coordinator"),
            // A GP's home territory left chosen counts for nothing once the role is coordinator.
            ("home_territory", "13"),
            ("territories", "84"),
            ("webhook_url", &url),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let page = res.text().await.unwrap();
    assert!(page.contains("Utilisateur créé."), "{page}");
    let secret = shown_secret(&page).expect("the new secret");
    assert!(secret.starts_with("whsec_"), "{secret}");

    let created = users(&app)
        .await
        .into_iter()
        .find(|u| u.email == "coord84@demo.test")
        .unwrap();
    assert_eq!(created.territories, ["84"]);
    assert_eq!(created.home_territory, None);
    assert_eq!(created.rpps.as_deref(), Some("10101010101"));
    assert_eq!(created.webhook_url.as_deref(), Some(url.as_str()));
    let admin_user = app.user("admin").await;
    assert!(audit(&app, "user.created")
        .await
        .entries
        .iter()
        .any(|e| e.target_id == Some(created.id.to_string()) && e.actor_id == Some(admin_user.id)));

    // Shown once: the list shows the URL, never the secret.
    let list = admin.page("/admin/users", 200).await;
    assert!(list.contains("Coordinatrice Vaucluse"), "{list}");
    assert!(!list.contains(&secret));
    // The new coordinator signs in.
    let mut other = Browser::new(&app);
    other.sign_in("coord84", "/dashboard").await;
}

#[tokio::test]
async fn a_refused_user_is_told_field_by_field_and_nothing_is_created() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let before = users(&app).await.len();
    let res = post(
        &mut admin,
        "/admin/users",
        "/admin/users",
        &[
            ("display_name", "Dr Nouveau"),
            ("email", "nouveau@demo.test"),
            ("password", "short"),
            ("rpps", "123"),
            ("role", "gp"),
            ("home_territory", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    for (id, message) in [
        ("new-password-error", "12 caractères au moins"),
        ("new-rpps-error", "exactement 11 chiffres"),
        ("new-home_territory-error", "territoire de rattachement"),
    ] {
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {page}"));
        assert!(page[at..at + 300].contains(message), "{id}: {page}");
    }
    // What was typed is kept, the password excepted.
    assert!(page.contains("value=\"nouveau@demo.test\""), "{page}");
    assert!(!page.contains("value=\"short\""), "{page}");

    let res = post(
        &mut admin,
        "/admin/users",
        "/admin/users",
        &[
            ("display_name", "Doublon"),
            ("email", "gp13@demo.test"),
            ("password", DEMO_PASSWORD),
            ("role", "dermatologist"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("déjà utilisée"), "{page}");
    assert_eq!(users(&app).await.len(), before);
}

#[tokio::test]
async fn the_admin_rotates_a_secret_and_disables_an_account() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let receiver = Receiver::start();
    let derm1 = app.user("derm1").await;
    // A webhook URL set from the page makes a secret, shown then.
    let res = post(
        &mut admin,
        "/admin/users",
        &format!("/admin/users/{}/webhook", derm1.id),
        &[("webhook_url", &receiver.url("/derm1"))],
    )
    .await;
    assert_eq!(res.status(), 200);
    let first = shown_secret(&res.text().await.unwrap()).unwrap();
    let res = post(
        &mut admin,
        "/admin/users",
        &format!("/admin/users/{}/webhook-secret", derm1.id),
        &[],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let page = res.text().await.unwrap();
    let second = shown_secret(&page).unwrap();
    assert!(second.starts_with("whsec_") && second != first);
    assert!(page.contains("ancien ne fonctionne plus"), "{page}");
    assert!(audit(&app, "user.webhook_secret_rotated")
        .await
        .entries
        .iter()
        .any(|e| e.target_id == Some(derm1.id.to_string())));

    // A bad URL is refused next to that user's field.
    let res = post(
        &mut admin,
        "/admin/users",
        &format!("/admin/users/{}/webhook", derm1.id),
        &[("webhook_url", "ftp://example.org/x")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(&format!("id=\"webhook-{}-error\"", derm1.id)),
        "{page}"
    );

    // Disabled: it can no longer sign in; no button disables the admin itself.
    let gp84 = app.user("gp84").await;
    let res = post(
        &mut admin,
        "/admin/users",
        &format!("/admin/users/{}/disable", gp84.id),
        &[],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/users?done=disabled");
    let res = app.login_response("gp84@demo.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 401);
    let me = app.user("admin").await;
    let page = admin.page("/admin/users?done=disabled", 200).await;
    assert!(page.contains("Compte désactivé."), "{page}");
    assert!(
        !page.contains(&format!("/admin/users/{}/disable", me.id)),
        "{page}"
    );
    assert!(audit(&app, "user.disabled")
        .await
        .entries
        .iter()
        .any(|e| e.target_id == Some(gp84.id.to_string())));
}

#[tokio::test]
async fn territories_are_created_and_changed_from_the_page() {
    let app = spawn_app().await;
    let mut admin = admin(&app).await;
    let res = post(
        &mut admin,
        "/admin/territories",
        "/admin/territories",
        &[
            ("code", "cpts-etang"),
            ("name", "CPTS de l'étang de Berre"),
            ("timezone", "Europe/Paris"),
            ("fallbacks", "13, 84"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let token = app.token("admin").await;
    let t: Territory = app
        .get("/api/v1/territories/cpts-etang", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(t.fallbacks, ["13", "84"]);
    assert!(audit(&app, "territory.created")
        .await
        .entries
        .iter()
        .any(|e| e.target_id.as_deref() == Some("cpts-etang")));

    for (fields, id, message) in [
        (
            [
                ("code", "13"),
                ("name", "Doublon"),
                ("timezone", "Europe/Paris"),
                ("fallbacks", ""),
            ],
            "new-code-error",
            "déjà ce code",
        ),
        (
            [
                ("code", "cpts-mars"),
                ("name", "Mars"),
                ("timezone", "Mars/Olympus"),
                ("fallbacks", ""),
            ],
            "new-timezone-error",
            "Europe/Paris",
        ),
        (
            [
                ("code", "cpts-loin"),
                ("name", "Loin"),
                ("timezone", "Europe/Paris"),
                ("fallbacks", "99"),
            ],
            "new-fallbacks-error",
            "territoires existants",
        ),
    ] {
        let res = post(
            &mut admin,
            "/admin/territories",
            "/admin/territories",
            &fields,
        )
        .await;
        assert_eq!(res.status(), 422, "{fields:?}");
        let page = res.text().await.unwrap();
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {page}"));
        assert!(page[at..at + 300].contains(message), "{id}: {page}");
    }
    let all: Vec<Territory> = app
        .get("/api/v1/territories", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);

    // 84 renamed, its fallbacks now the new CPTS then 13.
    let res = post(
        &mut admin,
        "/admin/territories",
        "/admin/territories/84",
        &[
            ("name", "Vaucluse (84)"),
            ("timezone", "Europe/Paris"),
            ("fallbacks", "cpts-etang, 13"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let t: Territory = app
        .get("/api/v1/territories/84", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (t.name.as_str(), t.fallbacks.clone()),
        (
            "Vaucluse (84)",
            vec!["cpts-etang".to_owned(), "13".to_owned()]
        )
    );
    let res = post(
        &mut admin,
        "/admin/territories",
        "/admin/territories/84",
        &[
            ("name", "Vaucluse"),
            ("timezone", "Europe/Paris"),
            ("fallbacks", "84"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"t-84-fallbacks-error\""), "{page}");
}

#[tokio::test]
async fn the_overview_shows_the_keys_and_retries_a_parked_notification() {
    let app = spawn_app_with(|s| s.notifications.max_attempts = 1, |s| s).await;
    let receiver = Receiver::start();
    let created = app
        .create_user_with_secret(serde_json::json!({
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

    let mut admin = admin(&app).await;
    let token = app.token("admin").await;
    let keys: KeyStatus = app
        .get("/api/v1/keys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let page = admin.page("/admin", 200).await;
    assert!(
        page.contains(&format!("<code>{}</code>", keys.active)),
        "{page}"
    );
    assert!(page.contains("Dr Injoignable"), "{page}");
    assert!(page.contains("case.answered"), "{page}");
    assert!(
        page.contains("le destinataire a répondu une erreur"),
        "{page}"
    );

    let parked: Vec<Notification> = app
        .get("/api/v1/notifications", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(parked[0].recipient_id, created.user.id);
    let res = post(
        &mut admin,
        "/admin",
        &format!("/admin/notifications/{}/retry", parked[0].id),
        &[],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = admin.page("/admin?done=retried", 200).await;
    assert!(page.contains("de nouveau en file"), "{page}");
    assert!(page.contains("Aucune notification en attente"), "{page}");
    app.advance(Duration::seconds(1));
    assert_eq!(
        app.deliver().await.parked,
        1,
        "tried again (and parked again)"
    );
    assert!(audit(&app, "notification.retried")
        .await
        .entries
        .iter()
        .any(|e| e.target_id == Some(parked[0].id.to_string())));

    // A retry without the page's token changes nothing.
    let res = admin
        .post_form(
            &format!("/admin/notifications/{}/retry", parked[0].id),
            &[("csrf", "forged")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "y@demo.test"),
                ("display_name", "Y"),
                ("role", "admin"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}
