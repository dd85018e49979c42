//! Browser sessions: sign-in with the API's accounts, throttle and audit sets an HttpOnly,
//! SameSite=Strict cookie; the session ends after 30 minutes unused, 12 hours after sign-in, at
//! sign-out, and as soon as its user is disabled. A cookie opens no API call and a bearer token
//! no page.

use chrono::Duration;
use reqwest::header;
use telederm_tests::{spawn_app, DEMO_PASSWORD};

use crate::web_browser::{alert, location, Browser};

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_session_cookie_and_lands_on_the_role_home() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    let res = gp.sign_in_as("gp13@demo.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/cases");
    let set: Vec<&str> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("telederm_session="))
        .unwrap_or_else(|| panic!("{set:?}"));
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    assert!(
        !session.contains("Secure"),
        "plain HTTP in development: {session}"
    );
    let page = gp.page("/cases", 200).await;
    assert!(page.contains("<h1>Mes demandes</h1>"), "{page}");
    assert!(
        page.contains("Dr Camille Roux"),
        "the signed-in person's name: {page}"
    );
    assert!(page.contains(r#"<form method="post" action="/sign-out">"#));

    // Signed in, `/` leads home; other roles have their placeholder, in both languages.
    let res = gp.get("/").await;
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/cases".into())
    );
    let mut derm = Browser::new(&app);
    derm.sign_in("derm1", "/queue").await;
    assert_eq!(location(&derm.get("/cases").await), "/queue");
    assert_eq!(location(&derm.get("/home").await), "/queue");
    let mut coord = Browser::new(&app);
    coord.sign_in("coord", "/dashboard").await;
    assert_eq!(location(&coord.get("/home").await), "/dashboard");

    // Recorded in the audit trail like an API login.
    let actions: Vec<String> = app
        .state
        .repo
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "auth.login").count(),
        3,
        "gp13, derm1, coord: {actions:?}"
    );
}

#[tokio::test]
async fn a_refused_sign_in_says_so_in_the_page_language_and_keeps_the_email() {
    let app = spawn_app().await;
    for (lang, refusal) in [
        (
            "fr-FR,fr;q=0.9",
            "Adresse e-mail ou mot de passe incorrect.",
        ),
        ("en-US,en;q=0.9", "Wrong e-mail address or password."),
    ] {
        let mut browser = Browser::new(&app);
        browser.accept_language = Some(lang);
        let res = browser
            .sign_in_as("gp84@demo.test", "not-the-password")
            .await;
        assert_eq!(res.status(), 422, "{lang}");
        assert!(!browser.cookies.contains_key("telederm_session"));
        let page = res.text().await.unwrap();
        assert_eq!(alert(&page).as_deref(), Some(refusal), "{lang}");
        assert!(
            page.contains(r#"value="gp84@demo.test""#),
            "the e-mail is kept"
        );
        // An unknown account gets the very same answer.
        let res = browser.sign_in_as("nobody@demo.test", "x").await;
        assert_eq!(res.status(), 422);
        assert_eq!(alert(&res.text().await.unwrap()).as_deref(), Some(refusal));
    }
}

#[tokio::test]
async fn the_api_throttle_holds_the_pages_off_too_with_the_wait() {
    let app = spawn_app().await;
    let limit = app.settings.auth.max_failures_per_account;
    let mut browser = Browser::new(&app);
    for _ in 0..limit {
        let res = browser.sign_in_as("gp13@demo.test", "guess").await;
        assert_eq!(res.status(), 422);
    }
    let res = browser.sign_in_as("gp13@demo.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 840 && wait <= 900, "{wait}");
    assert_eq!(
        alert(&res.text().await.unwrap()).as_deref(),
        Some("Trop de tentatives échouées. Réessayez dans 15 minutes.")
    );
    // The same count as the API's: the API is held off for this account too.
    assert_eq!(
        app.login_response("gp13@demo.test", DEMO_PASSWORD)
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn a_session_ends_after_30_minutes_unused() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    for _ in 0..3 {
        app.advance(Duration::minutes(29));
        gp.page("/cases", 200).await;
    }
    app.advance(Duration::minutes(30));
    let res = gp.get("/cases").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/?session=expired&next=%2Fcases");
    let page = gp.page("/?session=expired", 200).await;
    assert!(page.contains("Votre session a expiré : reconnectez-vous."));
    // Gone for good, not only until the next request.
    assert_eq!(location(&gp.get("/cases").await), "/?next=%2Fcases");
}

#[tokio::test]
async fn a_session_ends_12_hours_after_sign_in_however_busy() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let mut elapsed = Duration::zero();
    while elapsed + Duration::minutes(25) < Duration::hours(12) {
        app.advance(Duration::minutes(25));
        elapsed += Duration::minutes(25);
        gp.page("/cases", 200).await;
    }
    app.advance(Duration::hours(12) - elapsed);
    let res = gp.get("/cases").await;
    assert_eq!(location(&res), "/?session=expired&next=%2Fcases");
    // Signing in again opens a new one.
    gp.sign_in("gp13", "/cases").await;
    gp.page("/cases", 200).await;
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let stolen = gp.cookies["telederm_session"].clone();
    let page = gp.page("/cases", 200).await;
    let token = crate::web_browser::csrf_token(&page);
    let res = gp.post_form("/sign-out", &[("csrf", &token)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/?session=signed-out");
    assert!(
        !gp.cookies.contains_key("telederm_session"),
        "cookie removed"
    );
    assert!(gp
        .page("/?session=signed-out", 200)
        .await
        .contains("Vous êtes déconnecté."));

    // The old cookie, replayed, opens nothing.
    gp.cookies.insert("telederm_session".into(), stolen);
    assert_eq!(location(&gp.get("/cases").await), "/?next=%2Fcases");
    let actions: Vec<String> = app
        .state
        .repo
        .audit_chain(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"auth.logout".to_owned()), "{actions:?}");
}

#[tokio::test]
async fn a_disabled_users_session_stops_at_once() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp84", "/cases").await;
    gp.page("/cases", 200).await;
    let gp_id = app.user("gp84").await.id;
    let admin = app.token("admin").await;
    let res = app
        .post(&format!("/api/v1/users/{gp_id}/disable"), Some(&admin), &())
        .await;
    assert_eq!(res.status(), 200);
    let res = gp.get("/cases").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/?next=%2Fcases");
    // And it cannot sign in again.
    let res = gp.sign_in_as("gp84@demo.test", DEMO_PASSWORD).await;
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_cookie_opens_no_api_call_and_a_bearer_token_no_page() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let res = gp.get("/api/v1/me").await;
    assert_eq!(
        res.status(),
        401,
        "the session cookie is not an API credential"
    );

    let token = app.token("gp13").await;
    let mut stranger = Browser::new(&app);
    let req = stranger
        .request(reqwest::Method::GET, "/cases")
        .bearer_auth(&token);
    let res = stranger.send(req).await;
    assert_eq!(res.status(), 303, "a bearer token is not a session");
    assert_eq!(location(&res), "/?next=%2Fcases");
    let req = stranger
        .request(reqwest::Method::GET, "/")
        .bearer_auth(&token);
    let page = stranger.send(req).await.text().await.unwrap();
    assert!(page.contains("<h1>Connexion</h1>"));
}

/// A link from an e-mail opens its page once signed in; a `next` that leaves our site is ignored.
#[tokio::test]
async fn signing_in_from_a_link_lands_on_its_page_and_only_on_ours() {
    let app = spawn_app().await;
    let token = app.token("gp13").await;
    let case = app.submit_small(&token, "urgent").await;
    let mut gp = Browser::new(&app);
    let link = format!("/cases/{}", case.id);
    let res = gp.get(&link).await;
    assert_eq!(res.status(), 303);
    let to_sign_in = location(&res);
    assert_eq!(to_sign_in, format!("/?next=%2Fcases%2F{}", case.id));
    let page = gp.page(&to_sign_in, 200).await;
    assert!(page.contains(&format!(
        r#"<input type="hidden" name="next" value="{link}">"#
    )));
    let csrf = crate::web_browser::csrf_token(&page);
    let res = gp
        .post_form(
            "/sign-in",
            &[
                ("email", "gp13@demo.test"),
                ("password", DEMO_PASSWORD),
                ("next", link.as_str()),
                ("csrf", csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(location(&res), link);
    gp.page(&link, 200).await;

    for elsewhere in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let mut other = Browser::new(&app);
        let page = other
            .page(&format!("/?next={}", urlencoding(elsewhere)), 200)
            .await;
        assert!(!page.contains(r#"name="next""#), "{elsewhere} kept: {page}");
        let csrf = crate::web_browser::csrf_token(&page);
        let res = other
            .post_form(
                "/sign-in",
                &[
                    ("email", "gp13@demo.test"),
                    ("password", DEMO_PASSWORD),
                    ("next", elsewhere),
                    ("csrf", csrf.as_str()),
                ],
            )
            .await;
        assert_eq!(location(&res), "/cases", "{elsewhere}");
    }
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
