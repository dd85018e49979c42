//! A change from another site is refused: every page form that changes something must carry the
//! session's CSRF token (the sign-in form: its own, from its cookie), and an `Origin` header,
//! when sent, must be ours.

use reqwest::header;
use telederm_tests::{spawn_app, DEMO_PASSWORD};

use crate::web_browser::{alert, csrf_token, location, Browser};

const REFUSED_FR: &str = "La demande a été refusée : elle ne venait pas d&#39;une page de \
                          telederm ou la page était trop ancienne. Rechargez la page et \
                          recommencez.";

#[tokio::test]
async fn a_post_without_the_sessions_token_is_refused() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let token = csrf_token(&gp.page("/cases", 200).await);

    for fields in [vec![], vec![("csrf", "forged")], vec![("csrf", "")]] {
        let res = gp.post_form("/sign-out", &fields).await;
        assert_eq!(res.status(), 403, "{fields:?}");
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "text/html; charset=utf-8"
        );
        assert_eq!(
            alert(&res.text().await.unwrap()).as_deref(),
            Some(REFUSED_FR)
        );
    }
    // Nothing happened: still signed in.
    gp.page("/cases", 200).await;

    // Another session's token is no better.
    let mut other = Browser::new(&app);
    other.sign_in("gp84", "/cases").await;
    let others = csrf_token(&other.page("/cases", 200).await);
    assert_ne!(others, token);
    assert_eq!(
        gp.post_form("/sign-out", &[("csrf", &others)])
            .await
            .status(),
        403
    );

    // Scripts send it in a header, multipart forms in their action's query.
    let req = gp
        .request(reqwest::Method::POST, "/sign-out")
        .header("x-csrf-token", &token);
    assert_eq!(gp.send(req).await.status(), 303);
    gp.sign_in("gp13", "/cases").await;
    let token = csrf_token(&gp.page("/cases", 200).await);
    let req = gp.request(reqwest::Method::POST, &format!("/sign-out?csrf={token}"));
    assert_eq!(gp.send(req).await.status(), 303);
}

#[tokio::test]
async fn a_foreign_origin_is_refused_even_with_the_token() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.accept_language = Some("en");
    gp.sign_in("gp13", "/cases").await;
    let token = csrf_token(&gp.page("/cases", 200).await);
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let req = gp
            .request(reqwest::Method::POST, "/sign-out")
            .header(header::ORIGIN, origin)
            .form(&[("csrf", token.as_str())]);
        let res = gp.send(req).await;
        assert_eq!(res.status(), 403, "{origin}");
        assert!(alert(&res.text().await.unwrap())
            .unwrap()
            .starts_with("The request was refused"));
    }
    // Our own origin passes.
    let req = gp
        .request(reqwest::Method::POST, "/sign-out")
        .header(header::ORIGIN, &app.address)
        .form(&[("csrf", token.as_str())]);
    assert_eq!(gp.send(req).await.status(), 303);
}

/// Under `Referrer-Policy: no-referrer` a browser posts our own forms with `Origin: null`; it then
/// says where the form came from in `Sec-Fetch-Site`.
#[tokio::test]
async fn a_null_origin_passes_only_from_our_own_pages() {
    let app = spawn_app().await;
    let mut gp = Browser::new(&app);
    gp.sign_in("gp13", "/cases").await;
    let token = csrf_token(&gp.page("/cases", 200).await);
    for site in ["cross-site", "same-site", "none"] {
        let req = gp
            .request(reqwest::Method::POST, "/sign-out")
            .header(header::ORIGIN, "null")
            .header("sec-fetch-site", site)
            .form(&[("csrf", token.as_str())]);
        assert_eq!(gp.send(req).await.status(), 403, "{site}");
    }
    let req = gp
        .request(reqwest::Method::POST, "/sign-out")
        .header(header::ORIGIN, "null")
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf", token.as_str())]);
    assert_eq!(gp.send(req).await.status(), 303);
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_token_and_our_origin() {
    let app = spawn_app().await;
    let form = |token: &str| {
        vec![
            ("email".to_owned(), "gp13@demo.test".to_owned()),
            ("password".to_owned(), DEMO_PASSWORD.to_owned()),
            ("csrf".to_owned(), token.to_owned()),
        ]
    };
    // A form posted from elsewhere has no cookie of ours to match.
    let mut forger = Browser::new(&app);
    let res = forger
        .post_form(
            "/sign-in",
            &[
                ("email", "gp13@demo.test"),
                ("password", DEMO_PASSWORD),
                ("csrf", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(!forger.cookies.contains_key("telederm_session"));

    let mut browser = Browser::new(&app);
    let token = csrf_token(&browser.page("/", 200).await);
    assert_eq!(browser.cookies["telederm_csrf"], token, "double submit");
    let req = browser
        .request(reqwest::Method::POST, "/sign-in")
        .header(header::ORIGIN, "https://evil.example")
        .form(&form(&token));
    assert_eq!(browser.send(req).await.status(), 403);
    let req = browser
        .request(reqwest::Method::POST, "/sign-in")
        .form(&form("another-token-of-the-same-length-0123456789"));
    assert_eq!(browser.send(req).await.status(), 403);
    let req = browser
        .request(reqwest::Method::POST, "/sign-in")
        .header(header::ORIGIN, &app.address)
        .form(&form(&token));
    let res = browser.send(req).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/cases");
    assert!(!browser.cookies.contains_key("telederm_csrf"), "used up");
}

#[tokio::test]
async fn a_change_or_a_page_without_a_session_goes_to_sign_in() {
    let app = spawn_app().await;
    let mut nobody = Browser::new(&app);
    let res = nobody.post_form("/sign-out", &[("csrf", "x")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/");
    // htmx would follow the redirect unseen: it is told where to go instead.
    for method in [reqwest::Method::GET, reqwest::Method::POST] {
        let req = nobody
            .request(method.clone(), "/cases")
            .header("hx-request", "true");
        let res = nobody.send(req).await;
        assert_eq!(res.status(), 401, "{method}");
        assert_eq!(res.headers()["hx-redirect"], "/", "{method}");
    }
}
