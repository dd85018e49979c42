//! The settings page in a real browser: a GP reaches it from the header, reads its kinds of
//! event by name with its defaults, chooses otherwise, saves, reads the notice (and the API
//! agrees), then switches its pages to English by saving the language; a coordinator's daily
//! summary offers e-mail or nothing;
//! an admin reads that it gets none. Accessible (axe) and screenshotted, phone and desktop.

use telederm_schemas::{Channels, EventKind, NotificationSettings};
use telederm_tests::{
    browser::Browser,
    pages::{settings::Settings, sign_in::SignIn},
    spawn_app, TestApp, DEMO_PASSWORD,
};

async fn signed_in(app: &TestApp, email: &str) -> Option<Browser> {
    let browser = Browser::start().await?;
    SignIn::open(&browser, app)
        .await
        .sign_in(email, DEMO_PASSWORD)
        .await;
    Some(browser)
}

async fn api_settings(app: &TestApp, who: &str) -> NotificationSettings {
    let token = app.token(who).await;
    let res = app.get("/api/v1/me/notifications", Some(&token)).await;
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_gp_chooses_how_it_hears_of_its_cases_and_its_pages_language() {
    let app = spawn_app().await;
    let Some(browser) = signed_in(&app, "gp13@demo.test").await else {
        return;
    };
    let page = Settings::from_header(&browser, "Préférences").await;
    assert_eq!(page.heading().await, "Préférences");
    assert_eq!(page.email().await, "gp13@demo.test");
    assert_eq!(
        page.kinds().await,
        [
            "Réponse à votre demande",
            "Question du dermatologue",
            "Délai dépassé pour votre demande"
        ]
    );
    assert_eq!(
        page.choices("Réponse à votre demande").await,
        ["E-mail", "Webhook", "Les deux (par défaut)", "Aucun"]
    );
    assert_eq!(
        page.chosen("Réponse à votre demande").await,
        "Les deux (par défaut)"
    );
    browser.assert_accessible("the GP's settings").await;
    browser.screenshot_page("settings-gp").await;

    page.choose("Réponse à votre demande", "E-mail").await;
    page.choose("Délai dépassé pour votre demande", "Aucun")
        .await;
    let saved = page.save().await;
    assert_eq!(saved.notice().await, "Préférences enregistrées.");
    assert_eq!(saved.chosen("Réponse à votre demande").await, "E-mail");
    assert_eq!(
        saved.chosen("Délai dépassé pour votre demande").await,
        "Aucun"
    );
    let told = api_settings(&app, "gp13").await;
    let channels = |kind| {
        told.choices
            .iter()
            .find(|c| c.kind == kind)
            .unwrap()
            .channels
    };
    assert_eq!(channels(EventKind::CaseAnswered), Channels::Email);
    assert_eq!(channels(EventKind::SlaBreached), Channels::None);
    assert_eq!(channels(EventKind::InfoRequested), Channels::Both);
    browser.assert_accessible("the GP's settings, saved").await;

    saved.choose_language("English").await;
    let english = saved.save().await;
    assert_eq!(english.heading().await, "Settings");
    assert_eq!(english.notice().await, "Settings saved.");
    assert_eq!(english.chosen("Your case is answered").await, "E-mail");
    browser
        .assert_accessible("the GP's settings in English")
        .await;
    browser.screenshot_page("settings-gp-en").await;
    browser.close().await;
}

#[tokio::test]
async fn a_coordinators_daily_summary_goes_by_e_mail_or_not_at_all() {
    let app = spawn_app().await;
    let Some(browser) = signed_in(&app, "coord@demo.test").await else {
        return;
    };
    let page = Settings::open(&browser, &app).await;
    assert_eq!(
        page.kinds().await,
        ["Résumé quotidien", "Délai dépassé", "Cas à risque"]
    );
    assert_eq!(
        page.choices("Résumé quotidien").await,
        ["E-mail (par défaut)", "Aucun"]
    );
    page.choose("Résumé quotidien", "Aucun").await;
    let saved = page.save().await;
    assert_eq!(saved.chosen("Résumé quotidien").await, "Aucun");
    browser
        .assert_accessible("the coordinator's settings")
        .await;
    browser.screenshot_page("settings-coord").await;
    browser.close().await;
}

#[tokio::test]
async fn an_admin_sets_its_language_and_reads_that_it_gets_no_notifications() {
    let app = spawn_app().await;
    let Some(browser) = signed_in(&app, "admin@demo.test").await else {
        return;
    };
    let page = Settings::from_header(&browser, "Préférences").await;
    assert!(page.kinds().await.is_empty());
    let said = page.told_of_nothing().await.expect("a sentence");
    assert!(
        said.starts_with("Les administrateurs ne reçoivent aucune notification"),
        "{said}"
    );
    browser.assert_accessible("the admin's settings").await;
    browser.screenshot_page("settings-admin").await;
    page.choose_language("English").await;
    let english = page.save().await;
    assert_eq!(english.heading().await, "Settings");
    browser.close().await;
}
