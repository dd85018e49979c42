//! Signing in, in a real browser: French by default, and a browser's form passes our CSRF and
//! Origin checks (Chromium posts with `Origin: null` under our `Referrer-Policy: no-referrer`).

use telederm_tests::{
    browser::{headers::security_headers, Browser},
    pages::sign_in::SignIn,
    spawn_app, DEMO_PASSWORD,
};

#[tokio::test]
async fn a_gp_signs_in_with_the_browser_and_lands_on_its_cases() {
    let app = spawn_app().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let page = SignIn::open(&browser, &app).await;
    assert_eq!(page.heading().await, "Connexion");
    assert_eq!(security_headers(&app.url("/")).await, Vec::<String>::new());
    browser.screenshot("sign-in").await;
    let landed = page.sign_in("gp13@demo.test", DEMO_PASSWORD).await;
    assert_eq!(landed, app.url("/cases"));
    browser.close().await;
}

#[tokio::test]
async fn a_wrong_password_is_refused_on_the_page() {
    let app = spawn_app().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let page = SignIn::open(&browser, &app).await;
    let landed = page.sign_in("gp13@demo.test", "not-the-password").await;
    assert_eq!(landed, app.url("/sign-in"));
    assert_eq!(
        browser.text("#sign-in-error").await,
        "Adresse e-mail ou mot de passe incorrect."
    );
    browser.close().await;
}
