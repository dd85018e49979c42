//! `POST /api/v1/photos/check`: one photo through the real intake pipeline, for GPs, refused as a
//! submission would refuse it, and nothing of it kept.

use std::time::Duration;

use telederm_schemas::{Case, PhotoCheck};
use telederm_tests::{
    assert_problem, case_json,
    db::row_counts,
    fixtures, spawn_app, spawn_app_with,
    stall::{Framing, StalledUpload},
    TestApp,
};

async fn check_ok(app: &TestApp, token: &str, kind: &str, bytes: Vec<u8>) -> PhotoCheck {
    let res = app.check_photo(token, kind, bytes).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_jpeg_with_gps_is_checked_and_its_gps_would_be_removed() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let photo = fixtures::read("lesion-gps.jpg");
    let check = check_ok(&app, &gp, "overview", photo.clone()).await;
    assert_eq!(check.format, "jpeg");
    for removed in ["gps", "camera", "datetime", "xmp", "comment"] {
        assert!(
            check.metadata_removed.iter().any(|r| r == removed),
            "{removed} in {:?}",
            check.metadata_removed
        );
    }
    assert!(check.bytes > 0 && check.bytes < photo.len() as u64);
    let body = serde_json::to_string(&check).unwrap();
    assert!(!body.contains(fixtures::PLANTED_SERIAL) && !body.contains(fixtures::PLANTED_MAKE));
}

#[tokio::test]
async fn the_check_answers_what_a_submission_then_stores() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let photo = fixtures::read("lesion-text.png");
    let check = check_ok(&app, &gp, "closeup", photo.clone()).await;
    let res = app
        .submit_case(&gp, &case_json(), &[("closeup", photo)])
        .await;
    assert_eq!(res.status(), 201);
    let stored = &res.json::<Case>().await.unwrap().photos[0];
    assert_eq!(
        (&check.format, check.width, check.height, check.bytes),
        (&stored.format, stored.width, stored.height, stored.bytes)
    );
    assert_eq!(check.sha256, stored.sha256);
    assert_eq!(check.metadata_removed, stored.metadata_removed);
    assert_eq!(check.quality_warnings, stored.quality_warnings);
}

#[tokio::test]
async fn a_blurred_photo_gets_the_blur_warning_and_a_sharp_one_does_not() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let blurred = check_ok(&app, &gp, "closeup", fixtures::blurred_jpeg()).await;
    let codes: Vec<&str> = blurred
        .quality_warnings
        .iter()
        .map(|w| w.code.as_str())
        .collect();
    assert_eq!(codes, ["blurred"]);
    assert!(!blurred.quality_warnings[0].message.is_empty());
    let sharp = fixtures::jpeg(&fixtures::lesion(1200, 1000));
    let sharp = check_ok(&app, &gp, "closeup", sharp).await;
    assert_eq!(sharp.quality_warnings, []);
}

#[tokio::test]
async fn photos_a_submission_refuses_are_refused_alike() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    for (name, status, code, hint) in [
        (
            "iphone.heic",
            415,
            "unsupported_format",
            "export the photo as JPEG",
        ),
        (
            "animation.gif",
            415,
            "unsupported_format",
            "send the photo as JPEG",
        ),
        ("truncated.jpg", 422, "image_corrupt", "damaged"),
        ("bomb.png", 413, "image_too_large", "photo 1 (dermoscopy)"),
    ] {
        let res = app
            .check_photo(&gp, "dermoscopy", fixtures::read(name))
            .await;
        let problem = assert_problem(res, status, code).await;
        assert!(problem.detail.contains(hint), "{name}: {}", problem.detail);
    }
}

#[tokio::test]
async fn only_gps_may_check_photos() {
    let app = spawn_app().await;
    for role in ["derm1", "coord", "admin"] {
        let token = app.token(role).await;
        let res = app
            .check_photo(&token, "overview", fixtures::read("lesion-gps.jpg"))
            .await;
        assert_problem(res, 403, "forbidden").await;
    }
    let anonymous = app
        .client
        .post(app.url("/api/v1/photos/check"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401, "unauthenticated").await;
}

#[tokio::test]
async fn one_photo_part_and_nothing_else() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let photo = || reqwest::multipart::Part::bytes(fixtures::read("small.jpg")).file_name("a.jpg");
    let send = |form: reqwest::multipart::Form| {
        app.client
            .post(app.url("/api/v1/photos/check"))
            .bearer_auth(&gp)
            .multipart(form)
            .send()
    };
    let two = reqwest::multipart::Form::new()
        .part("overview", photo())
        .part("closeup", photo());
    assert_problem(send(two).await.unwrap(), 422, "validation_failed").await;
    let none = reqwest::multipart::Form::new().text("note", "hello");
    assert_problem(send(none).await.unwrap(), 422, "validation_failed").await;
    let json = app
        .post("/api/v1/photos/check", Some(&gp), &case_json())
        .await;
    assert_problem(json, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_check_writes_nothing_to_the_blob_store_or_the_database() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let rows_before = row_counts(&app.settings).await;
    check_ok(&app, &gp, "overview", fixtures::read("lesion-gps.jpg")).await;
    check_ok(&app, &gp, "closeup", fixtures::blurred_jpeg()).await;
    let refused = app
        .check_photo(&gp, "overview", fixtures::read("iphone.heic"))
        .await;
    assert_problem(refused, 415, "unsupported_format").await;
    assert_eq!(app.blob_files(), Vec::<std::path::PathBuf>::new());
    assert_eq!(row_counts(&app.settings).await, rows_before);
    assert!(
        rows_before.iter().any(|(t, _)| t == "audit_log") && rows_before.len() > 5,
        "every table is counted: {rows_before:?}"
    );
}

#[tokio::test]
async fn a_check_has_the_upload_limits_of_a_submission() {
    let app = spawn_app_with(|s| s.photos.max_photo_bytes = 64 * 1024, |store| store).await;
    let gp = app.token("gp13").await;
    let photo = fixtures::read("lesion-gps.jpg");
    assert!(photo.len() > 64 * 1024);
    let res = app.check_photo(&gp, "overview", photo).await;
    let problem = assert_problem(res, 413, "payload_too_large").await;
    assert!(problem.detail.contains("64 KiB"), "{}", problem.detail);
}

#[tokio::test]
async fn a_check_counts_among_the_users_uploads_in_progress() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    // Chunked: the server counts each upload's bytes as they come, so once they are all counted
    // all four uploads have been let in.
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let upload = StalledUpload::start_with(&app.address, &gp, 1024, Framing::Chunked).await;
        stalled.push(upload);
    }
    let sent: usize = stalled.iter().map(|s| s.body_sent).sum();
    let mut watch = app.state.uploads.memory().watch();
    tokio::time::timeout(
        Duration::from_secs(30),
        watch.wait_for(|u| u.in_use >= sent as u64),
    )
    .await
    .expect("the stalled uploads never arrived")
    .unwrap();
    let res = app
        .check_photo(&gp, "overview", fixtures::read("small.jpg"))
        .await;
    assert_problem(res, 429, "rate_limited").await;
    drop(stalled);
}
