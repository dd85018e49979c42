//! The GP's whole job in a real browser, at phone size: a case with a photo carrying GPS and a
//! blurred one replaced, sent; the list; a question answered with a new photo; the answer read;
//! a biopsy recorded; signed out. And the refusals: a form with what to fix, a photo the server
//! cannot take (a HEIC from a desktop), a form from elsewhere.

use std::path::{Path, PathBuf};

use serde_json::json;
use telederm_tests::{
    browser::{headers::security_headers, Browser, PHONE},
    fixtures,
    pages::{
        case_page::CasePage,
        my_cases::MyCases,
        new_case::{Entry, NewCase},
        sign_in::SignIn,
    },
    spawn_app, TestApp, DEMO_PASSWORD,
};

fn write(dir: &Path, name: &str, bytes: Vec<u8>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

async fn signed_in_gp(app: &TestApp) -> Option<Browser> {
    let browser = Browser::start().await?;
    let landed = SignIn::open(&browser, app)
        .await
        .sign_in("gp13@demo.test", DEMO_PASSWORD)
        .await;
    assert_eq!(landed, app.url("/cases"));
    Some(browser)
}

/// Under 100 KB before photos, and nothing moved as it loaded.
async fn assert_light_and_steady(browser: &Browser, what: &str) {
    let (bytes, loaded) = browser.page_weight().await;
    assert!(
        bytes < 100 * 1024,
        "{what} weighs {bytes} bytes: {loaded:#?}"
    );
    assert!(
        loaded.len() >= 2,
        "{what}: the page and its style at least: {loaded:#?}"
    );
    eprintln!("{what}: {bytes} bytes in {} files", loaded.len());
    assert_eq!(
        browser.layout_shift().await,
        0.0,
        "{what} moved as it loaded"
    );
}

const ENTRY: Entry<'static> = Entry {
    patient_ref: "P-WEB-1",
    age: "47",
    sex: "Femme",
    body_site: "avant-bras gauche",
    question: "Naevus qui change depuis trois mois : mélanome ?",
    consent: true,
};

#[tokio::test]
async fn a_gp_sends_a_case_from_a_phone_and_follows_it_to_the_biopsy() {
    let app = spawn_app().await;
    let Some(browser) = signed_in_gp(&app).await else {
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let gps = write(files.path(), "gps.jpg", fixtures::lesion_gps_jpeg(1));
    let blurred = write(files.path(), "blurred.jpg", fixtures::blurred_jpeg());
    let sharp = fixtures::jpeg(&fixtures::lesion(1200, 1000));
    let sharp = write(files.path(), "closeup.jpg", sharp);
    browser.resize(PHONE).await;

    // The form, filled with a thumb: the body map writes the site.
    let page = NewCase::open(&browser, &app).await;
    assert_light_and_steady(&browser, "the new-case page").await;
    browser.assert_accessible("the new-case page").await;
    page.fill(&ENTRY).await;
    assert_eq!(page.body_site().await, "avant-bras gauche");
    let verdict = page.choose_photo(1, "overview", &gps).await;
    assert!(
        verdict.contains("Photo vérifiée : 480 × 360 pixels."),
        "{verdict}"
    );
    assert!(verdict.contains("position GPS"), "{verdict}");
    let verdict = page.choose_photo(2, "closeup", &blurred).await;
    assert!(verdict.contains("La photo est floue"), "{verdict}");
    browser.screenshot_page("gp-new-case-blurred").await;
    let verdict = page.choose_photo(2, "closeup", &sharp).await;
    assert!(verdict.contains("1200 × 1000"), "{verdict}");
    assert!(!verdict.contains("floue"), "{verdict}");
    browser
        .assert_accessible("the new-case page with its photos")
        .await;
    browser.screenshot_page("gp-new-case").await;

    let case = page.send().await;
    assert_eq!(
        case.done().await,
        "Demande envoyée. Vous serez prévenu dès qu'un dermatologue répond."
    );
    assert_eq!(case.status().await, "En attente d'un dermatologue");
    let id = case.id().await;
    let sent = case.sent().await;
    assert!(
        sent.contains("Naevus qui change depuis trois mois"),
        "{sent}"
    );
    assert!(sent.contains("Femme, 47 ans"), "{sent}");
    assert_eq!(case.photo_links().await.len(), 2);
    assert_light_and_steady(&browser, "the case page").await;
    browser.assert_accessible("the case page").await;
    browser.screenshot_page("gp-case-queued").await;

    let list = MyCases::open(&browser, &app).await;
    let lines = list.lines().await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("P-WEB-1 · avant-bras gauche"),
        "{lines:?}"
    );
    assert!(
        lines[0].contains("En attente d'un dermatologue"),
        "{lines:?}"
    );
    assert!(lines[0].contains("réponse attendue avant"), "{lines:?}");
    assert_light_and_steady(&browser, "my cases").await;
    browser.assert_accessible("my cases").await;
    browser.screenshot_page("gp-my-cases").await;

    // The dermatologist asks for a dermoscopy through the API.
    let derm = app.token("derm1").await;
    let path = |action: &str| format!("/api/v1/cases/{id}/{action}");
    let res = app.post(&path("claim"), Some(&derm), &()).await;
    assert_eq!(res.status(), 200);
    let ask = json!({"message": "Pouvez-vous ajouter une photo en dermoscopie ?",
                     "wants_new_photos": true});
    assert_eq!(
        app.post(&path("request-info"), Some(&derm), &ask)
            .await
            .status(),
        200
    );

    let case = CasePage::open(&browser, &app, id).await;
    let questions = case.questions().await;
    assert!(
        questions.contains("Pouvez-vous ajouter une photo en dermoscopie ?"),
        "{questions}"
    );
    assert!(
        questions.contains("De nouvelles photos sont demandées."),
        "{questions}"
    );
    let lines = MyCases::open(&browser, &app).await.lines().await;
    assert!(
        lines[0].contains("Question à laquelle répondre"),
        "{lines:?}"
    );
    let case = CasePage::open(&browser, &app, id).await;
    browser
        .assert_accessible("the case page with a question")
        .await;
    browser.screenshot_page("gp-case-question").await;
    let (verdict, case) = case
        .reply("Voici la dermoscopie demandée.", "dermoscopy", &sharp)
        .await;
    assert!(verdict.contains("Photo vérifiée"), "{verdict}");
    assert_eq!(case.done().await, "Réponse envoyée au dermatologue.");
    assert_eq!(case.photo_links().await.len(), 3);
    assert!(case
        .questions()
        .await
        .contains("Voici la dermoscopie demandée."));

    // The answer, through the API, read on the page with who gave it.
    let answer = json!({"diagnosis": "Naevus atypique", "icd10": "D22.6",
                        "management": "urgent_biopsy_or_excision", "delay_days": 14,
                        "report": "Exérèse-biopsie sous quinze jours."});
    assert_eq!(
        app.post(&path("answer"), Some(&derm), &answer)
            .await
            .status(),
        200
    );
    let case = CasePage::open(&browser, &app, id).await;
    let read = case.answer().await;
    let derm_name = app.user("derm1").await.display_name;
    assert!(read.contains("Naevus atypique (D22.6)"), "{read}");
    assert!(
        read.contains("Biopsie ou exérèse urgente, sous 14 jours"),
        "{read}"
    );
    assert!(
        read.contains("Exérèse-biopsie sous quinze jours."),
        "{read}"
    );
    assert!(read.contains(&format!("Répondu par {derm_name}")), "{read}");
    browser.assert_accessible("the answered case").await;
    browser.screenshot_page("gp-case-answered").await;

    let biopsy = (app.now() + chrono::Duration::days(3))
        .date_naive()
        .to_string();
    let case = case.record_biopsy(&biopsy).await;
    assert_eq!(case.done().await, "Suite enregistrée.");
    assert_eq!(case.biopsy_date().await, biopsy);
    assert!(case.history().await.contains("Suite enregistrée"));

    // Signed out, the page is closed to the browser.
    case.sign_out().await;
    browser.open(&app.url(&format!("/cases/{id}"))).await;
    assert_eq!(
        browser.client().current_url().await.unwrap().as_str(),
        app.url(&format!("/?next=%2Fcases%2F{id}"))
    );
    browser.close().await;
}

#[tokio::test]
async fn a_refused_send_says_what_to_fix_and_keeps_the_photos() {
    let app = spawn_app().await;
    let Some(browser) = signed_in_gp(&app).await else {
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let heic = fixtures::all()
        .into_iter()
        .find_map(|(name, bytes)| (name == "iphone.heic").then_some(bytes))
        .unwrap();
    let heic = write(files.path(), "IMG_0001.heic", heic);
    let sharp = write(
        files.path(),
        "lesion.jpg",
        fixtures::jpeg(&fixtures::lesion(1200, 1000)),
    );
    let page = NewCase::open(&browser, &app).await;

    // A HEIC from a desktop is explained as soon as it is chosen.
    let verdict = page.choose_photo(1, "overview", &heic).await;
    assert!(verdict.contains("(HEIC)"), "{verdict}");
    assert!(verdict.contains("exportez-la en JPEG"), "{verdict}");
    browser.screenshot_page("gp-new-case-heic").await;
    page.choose_photo(1, "overview", &sharp).await;

    // No consent, no age: refused, everything kept.
    let entry = Entry {
        age: "",
        consent: false,
        ..ENTRY
    };
    page.fill(&entry).await;
    let fixes = page.send_refused().await;
    assert_eq!(
        fixes,
        [
            "Indiquez l'âge du patient, de 0 à 130 ans.",
            "Le consentement du patient est nécessaire pour envoyer la demande."
        ]
    );
    assert_eq!(page.invalid_fields().await, ["age", "consent"]);
    browser.assert_accessible("the refused form").await;
    browser.screenshot_page("gp-new-case-refused").await;

    // Fixed, sent with the photo still chosen.
    page.fill(&ENTRY).await;
    let case = page.send().await;
    assert_eq!(case.photo_links().await.len(), 1);
    browser.close().await;
}

#[tokio::test]
async fn the_gp_pages_answer_in_english_with_security_headers() {
    let app = spawn_app().await;
    let Some(browser) = Browser::start_in("en-GB,en").await else {
        return;
    };
    SignIn::open(&browser, &app)
        .await
        .sign_in("gp13@demo.test", DEMO_PASSWORD)
        .await;
    let list = MyCases::open(&browser, &app).await;
    assert_eq!(browser.text("h1").await, "My cases");
    assert_eq!(list.lines().await, Vec::<String>::new());
    assert_eq!(browser.text(".card").await, "No cases yet.");
    browser.assert_accessible("my cases, empty").await;
    browser.screenshot_page("gp-my-cases-empty-en").await;
    NewCase::open(&browser, &app).await;
    assert_eq!(browser.text("h1").await, "New case");
    for path in ["/cases", "/cases/new"] {
        assert_eq!(security_headers(&app.url(path)).await, Vec::<String>::new());
    }
    browser.close().await;
}
