//! The dermatologist's workspace in a real browser: the queue fills itself, the next case is
//! taken, a photo is zoomed to 1:1 and compared with another side by side, the answer is coded
//! with ICD-10 found by typing, and the GP reads it; two dermatologists race for one case.

use serde_json::json;
use telederm_tests::{
    browser::{Browser, DESKTOP, TABLET},
    case_json, fixtures,
    pages::{
        case_page::CasePage,
        queue::{Queue, Taken},
        sign_in::SignIn,
    },
    spawn_app, TestApp, DEMO_PASSWORD,
};
use uuid::Uuid;

async fn signed_in(app: &TestApp, email: &str) -> Option<Browser> {
    let browser = Browser::start().await?;
    SignIn::open(&browser, app)
        .await
        .sign_in(email, DEMO_PASSWORD)
        .await;
    Some(browser)
}

/// A case of gp13's with a 1200 x 1000 overview and an 800 x 600 close-up.
async fn submitted(app: &TestApp) -> Uuid {
    let gp = app.token("gp13").await;
    let photos = [
        ("overview", fixtures::jpeg(&fixtures::lesion(1200, 1000))),
        ("closeup", fixtures::jpeg(&fixtures::lesion(800, 600))),
    ];
    let res = app.submit_case(&gp, &case_json(), &photos).await;
    assert_eq!(res.status(), 201);
    res.json::<telederm_schemas::Case>().await.unwrap().id
}

#[tokio::test]
async fn a_long_queue_shows_its_first_fifty_cases_and_says_more_are_waiting() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let photos = [("overview", fixtures::jpeg(&fixtures::lesion(64, 48)))];
    for _ in 0..51 {
        let res = app.submit_case(&gp, &case_json(), &photos).await;
        assert_eq!(res.status(), 201);
    }
    let Some(browser) = signed_in(&app, "derm1@demo.test").await else {
        return;
    };
    let queue = Queue::open(&browser, &app).await;
    assert_eq!(queue.lines().await.len(), 50);
    let more = queue.more().await.expect("a note under the table");
    assert!(
        more.contains("seules les 50 premières de la file sont affichées"),
        "{more}"
    );
    browser.assert_accessible("a long queue").await;
    browser
        .screenshot_page_at("derm-queue-long", &[DESKTOP])
        .await;
}

#[tokio::test]
async fn a_dermatologist_takes_the_next_case_zooms_compares_and_answers_with_icd10() {
    let app = spawn_app().await;
    let Some(browser) = signed_in(&app, "derm1@demo.test").await else {
        return;
    };
    let queue = Queue::open(&browser, &app).await;
    assert_eq!(queue.lines().await, Vec::<String>::new());
    // A case arrives while the queue is open: it shows without a reload.
    let id = submitted(&app).await;
    let line = queue.wait_for(id).await;
    assert!(line.contains("Urgent"), "{line}");
    assert!(line.contains("Femme, 54 ans"), "{line}");
    assert!(line.contains("left forearm"), "{line}");
    assert!(line.contains("Vue d'ensemble, Gros plan"), "{line}");
    assert!(line.contains("Dans les temps"), "{line}");
    browser.assert_accessible("the queue").await;
    browser
        .screenshot_page_at("derm-queue", &[DESKTOP, TABLET])
        .await;

    let review = queue.take_next().await;
    assert_eq!(
        browser.client().current_url().await.unwrap().path(),
        format!("/review/{id}")
    );
    browser.assert_accessible("the taken case").await;

    // Fitted first, then 1:1: one pixel of the stored photo is one pixel of the screen.
    let fitted = review.shown(1).await;
    assert!(fitted.scale < 1.0, "{fitted:?}");
    assert_eq!(fitted.natural, (1200, 1000));
    // The "1" key is the 1:1 button's shortcut.
    review.press("1").await;
    let actual = review.shown(1).await;
    assert_eq!(actual.scale, 1.0, "{actual:?}");
    assert_eq!(actual.natural, (1200, 1000));
    assert!(
        actual.src.contains(&format!("/cases/{id}/photos/")),
        "{actual:?}"
    );
    assert_eq!(review.scale_label().await, "100 %");
    // Zoomed in by the keyboard, up to 800 % and no further.
    for _ in 0..10 {
        review.click("[data-viewer-zoom-in]").await;
        review.press("+").await;
    }
    assert_eq!(review.shown(1).await.scale, 8.0);
    assert_eq!(review.scale_label().await, "800 %");

    // Side by side: the close-up beside the overview, zoom and pan linked.
    review.click("[data-viewer-compare]").await;
    let (left, right) = (review.shown(1).await, review.shown(2).await);
    assert_eq!(right.natural, (800, 600));
    assert_eq!((left.scale, left.translate), (right.scale, right.translate));
    review.click("[data-viewer-zoom-in]").await;
    review.click("[data-viewer-actual]").await;
    let (left, right) = (review.shown(1).await, review.shown(2).await);
    assert_eq!(left.scale, 1.0);
    assert_eq!((left.scale, left.translate), (right.scale, right.translate));
    browser
        .screenshot_page_at("derm-viewer", &[DESKTOP, TABLET])
        .await;

    // Coded by typing "naev".
    let offered = review.search_icd10("naev").await;
    let trunk = "D22.5 · Nævus à mélanocytes du tronc";
    assert!(offered.iter().any(|o| o == trunk), "{offered:?}");
    let notice = review
        .answer(trunk, "Rassurer", "Naevus bénin, surveillance simple.")
        .await;
    assert_eq!(notice, "Réponse envoyée au médecin généraliste.");
    browser.close().await;

    // The GP reads it on its case page.
    let Some(gp) = signed_in(&app, "gp13@demo.test").await else {
        return;
    };
    let page = CasePage::open(&gp, &app, id).await;
    let answer = page.answer().await;
    assert!(
        answer.contains("Nævus à mélanocytes du tronc (D22.5)"),
        "{answer}"
    );
    assert!(answer.contains("Rassurer"), "{answer}");
    assert!(
        answer.contains("Naevus bénin, surveillance simple."),
        "{answer}"
    );
    gp.close().await;
}

#[tokio::test]
async fn two_dermatologists_race_for_one_case_and_exactly_one_gets_it() {
    let app = spawn_app().await;
    let derm3 = app
        .create_user(
            json!({"email": "derm3@demo.test", "display_name": "Dr Derm Trois",
                            "role": "dermatologist", "password": DEMO_PASSWORD}),
        )
        .await;
    let coord = app.token("coord").await;
    let now = app.now();
    let shift = json!({"dermatologist_id": derm3, "territory": "13",
                       "starts_at": now - chrono::Duration::hours(1),
                       "ends_at": now + chrono::Duration::hours(8)});
    assert_eq!(
        app.post("/api/v1/shifts", Some(&coord), &shift)
            .await
            .status(),
        201
    );

    let id = submitted(&app).await;
    let (Some(one), Some(two)) = (
        signed_in(&app, "derm1@demo.test").await,
        signed_in(&app, "derm3@demo.test").await,
    ) else {
        return;
    };
    let (first, second) = (Queue::open(&one, &app).await, Queue::open(&two, &app).await);
    first.wait_for(id).await;
    second.wait_for(id).await;
    let (a, b) = tokio::join!(first.take(id), second.take(id));
    let mut won = 0;
    let mut lost = Vec::new();
    for taken in [a, b] {
        match taken {
            Taken::Case(_) => won += 1,
            Taken::Lost(notice) => lost.push(notice),
        }
    }
    assert_eq!(won, 1, "{lost:?}");
    assert_eq!(
        lost,
        ["Un confrère vient de prendre ce cas. La file est à jour."]
    );
    one.close().await;
    two.close().await;
}
