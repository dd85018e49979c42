//! A photo its GP has just had checked is not decoded again when the GP submits it, and the
//! photos of one submission go through the intake together.
//!
//! Whether a submission decodes is seen from the outside: with every byte of the decode budget
//! taken (as by large photos decoding elsewhere), a photo that needs decoding waits, then gets
//! 503 `busy`; one that does not is stored at once.

use chrono::Duration;
use telederm_schemas::{Case, PhotoCheck};
use telederm_tests::{assert_problem, case_json, fixtures, spawn_app_with, TestApp};

async fn app() -> TestApp {
    spawn_app_with(|s| s.photos.decode_wait_ms = 200, |store| store).await
}

async fn check(app: &TestApp, token: &str, photo: &[u8]) -> PhotoCheck {
    let res = app.check_photo(token, "closeup", photo.to_vec()).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_photo_checked_by_its_gp_is_stored_without_being_decoded_again() {
    let app = app().await;
    let gp = app.token("gp13").await;
    let photo = fixtures::read("lesion-gps.jpg");
    let checked = check(&app, &gp, &photo).await;

    let budget = &app.state.cases.intake().decode_memory;
    let _taken = budget.acquire(budget.limit()).await.unwrap();
    let res = app
        .submit_case(&gp, &case_json(), &[("closeup", photo)])
        .await;
    assert_eq!(res.status(), 201, "stored without waiting for the budget");
    let stored = &res.json::<Case>().await.unwrap().photos[0];
    assert_eq!(stored.sha256, checked.sha256);
    assert_eq!(
        (stored.width, stored.height),
        (checked.width, checked.height)
    );
    assert_eq!(stored.quality_warnings, checked.quality_warnings);
    assert_eq!(stored.metadata_removed, checked.metadata_removed);
    assert_eq!(app.blob_files().len(), 1);
}

#[tokio::test]
async fn another_gps_identical_photo_is_decoded() {
    let app = app().await;
    let (gp, other) = (app.token("gp13").await, app.token("gp84").await);
    let photo = fixtures::read("lesion-gps.jpg");
    check(&app, &gp, &photo).await;

    let budget = &app.state.cases.intake().decode_memory;
    let taken = budget.acquire(budget.limit()).await.unwrap();
    let res = app
        .submit_case(&other, &case_json(), &[("closeup", photo.clone())])
        .await;
    assert_problem(res, 503, "busy").await;
    assert!(app.blob_files().is_empty());

    drop(taken);
    let res = app
        .submit_case(&other, &case_json(), &[("closeup", photo)])
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_check_is_forgotten_after_ten_minutes() {
    let app = app().await;
    let gp = app.token("gp13").await;
    let photo = fixtures::read("lesion-gps.jpg");
    check(&app, &gp, &photo).await;
    app.advance(Duration::minutes(10));
    // A fresh token: the first one may not outlive the clock's jump.
    let gp = app.token("gp13").await;

    let budget = &app.state.cases.intake().decode_memory;
    let _taken = budget.acquire(budget.limit()).await.unwrap();
    let res = app
        .submit_case(&gp, &case_json(), &[("closeup", photo)])
        .await;
    assert_problem(res, 503, "busy").await;
    assert!(app.blob_files().is_empty());
}

#[tokio::test]
async fn a_different_photo_is_decoded_even_just_after_a_check() {
    let app = app().await;
    let gp = app.token("gp13").await;
    check(&app, &gp, &fixtures::read("lesion-gps.jpg")).await;

    let budget = &app.state.cases.intake().decode_memory;
    let _taken = budget.acquire(budget.limit()).await.unwrap();
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &[("closeup", fixtures::read("lesion-orientation-6.jpg"))],
        )
        .await;
    assert_problem(res, 503, "busy").await;
}

#[tokio::test]
async fn the_photos_of_a_case_keep_their_order_and_the_first_refusal_is_the_answer() {
    let app = app().await;
    let gp = app.token("gp13").await;
    let photos = [
        ("overview", fixtures::read("lesion-gps.jpg")),
        ("closeup", fixtures::read("lesion-text.png")),
        ("dermoscopy", fixtures::read("lesion.webp")),
    ];
    let res = app.submit_case(&gp, &case_json(), &photos).await;
    assert_eq!(res.status(), 201);
    let case = res.json::<Case>().await.unwrap();
    let formats: Vec<&str> = case.photos.iter().map(|p| p.format.as_str()).collect();
    assert_eq!(formats, ["jpeg", "png", "webp"]);

    // Photos 2 and 3 are both refused, whichever finishes first: photo 2 is named.
    let refused = [
        ("overview", fixtures::read("lesion-gps.jpg")),
        ("closeup", fixtures::read("truncated.jpg")),
        ("dermoscopy", fixtures::read("too-wide.png")),
    ];
    let res = app.submit_case(&gp, &case_json(), &refused).await;
    let problem = assert_problem(res, 422, "image_corrupt").await;
    assert!(
        problem.detail.starts_with("photo 2 (closeup)"),
        "{}",
        problem.detail
    );
    assert_eq!(app.blob_files().len(), 3, "only the first case's photos");
}
