//! The web front door as a browser meets it: the sign-in page in French by default and in
//! English when asked, the security headers on pages and API answers alike, assets under
//! content-hashed names cached for good, and a page for an unknown address.

use reqwest::header;
use telederm_tests::spawn_app;

use crate::web_browser::{location, Browser};

const CSP: &str = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; \
                   script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                   frame-ancestors 'none'";

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], CSP, "{what}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{what}");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{what}");
}

#[tokio::test]
async fn the_sign_in_page_is_french_by_default_and_english_when_asked() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let res = browser.get("/").await;
    assert_eq!(res.status(), 200);
    assert_security_headers(&res, "page");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"<html lang="fr">"#));
    assert!(page.contains("<h1>Connexion</h1>"), "{page}");
    assert!(page.contains(r#"<label for="email">Adresse e-mail</label>"#));
    assert!(page.contains(r#"<label for="password">Mot de passe</label>"#));
    assert!(
        page.contains(r##"href="#main">Aller au contenu</a>"##),
        "skip link"
    );
    assert!(
        !page.contains("<script>") && !page.contains("style="),
        "nothing inline"
    );

    let mut english = Browser::new(&app);
    english.accept_language = Some("en-GB,en;q=0.9,fr;q=0.5");
    let page = english.page("/", 200).await;
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("<h1>Sign in</h1>"));
    assert!(page.contains(r#"<label for="email">E-mail address</label>"#));
}

#[tokio::test]
async fn the_language_switch_keeps_the_choice_over_accept_language() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    browser.accept_language = Some("fr-FR");
    let page = browser.page("/", 200).await;
    assert!(page.contains(r#"<a href="/lang/en?next=%2F" lang="en" hreflang="en">English</a>"#));

    let res = browser.get("/lang/en?next=%2F%3Fsession%3Dexpired").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/?session=expired");
    assert_eq!(browser.cookies["lang"], "en");
    let page = browser.page("/?session=expired", 200).await;
    assert!(page.contains("<h1>Sign in</h1>"));
    assert!(page.contains("Your session has expired: please sign in again."));

    // Back to French; another site is never where the switch leads.
    let res = browser
        .get("/lang/fr?next=https%3A%2F%2Fevil.example%2F")
        .await;
    assert_eq!(location(&res), "/");
    assert!(browser.page("/", 200).await.contains("<h1>Connexion</h1>"));
    assert_eq!(browser.get("/lang/de").await.status(), 404);
}

#[tokio::test]
async fn api_answers_carry_the_security_headers_too() {
    let app = spawn_app().await;
    let token = app.token("gp13").await;
    let res = app.me(&token).await;
    assert_eq!(res.status(), 200);
    assert_security_headers(&res, "API answer");
    let res = app.me("not-a-token").await;
    assert_eq!(res.status(), 401);
    assert_security_headers(&res, "API problem");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn assets_are_served_under_their_content_hash_and_cached_for_good() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let page = browser.page("/", 200).await;
    let at = page.find(r#"<link rel="stylesheet" href=""#).unwrap() + 29;
    let href = &page[at..at + page[at..].find('"').unwrap()];
    // `/static/css/app.<8 hex digits>.css`
    let hash = href
        .strip_prefix("/static/css/app.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("{href}"));
    assert!(
        hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{href}"
    );

    let res = browser.get(href).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/css; charset=utf-8"
    );
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_security_headers(&res, "asset");
    let on_disk = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/static/css/app.css"),
    )
    .unwrap();
    assert_eq!(res.bytes().await.unwrap(), on_disk);

    let stale = href.replace(hash, "00000000");
    for wrong in [
        stale.as_str(),
        "/static/css/app.css",
        "/static/css/nothing.00000000.css",
    ] {
        let res = browser.get(wrong).await;
        assert_eq!(res.status(), 404, "{wrong}");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "{wrong}");
    }
    // The whole sign-in page and every asset it names weigh under 100 KB.
    let assets: Vec<&str> = page
        .match_indices("\"/static/")
        .map(|(at, _)| &page[at + 1..][..page[at + 1..].find('"').unwrap()])
        .collect();
    assert!(assets.contains(&href), "{assets:?}");
    let mut total = page.len();
    for asset in assets {
        let res = browser.get(asset).await;
        assert_eq!(res.status(), 200, "{asset}");
        total += res.bytes().await.unwrap().len();
    }
    assert!(total < 100_000, "{total} bytes");
}

#[tokio::test]
async fn an_unknown_page_is_a_page_and_an_unknown_api_path_a_problem() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    browser.accept_language = Some("en");
    let res = browser.get("/no/such/page").await;
    assert_eq!(res.status(), 404);
    assert_security_headers(&res, "404 page");
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("This page does not exist."), "{page}");
    assert!(page.contains(r#"<html lang="en">"#));
    let res = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}
