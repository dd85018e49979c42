//! Bad photos and bad submissions: a clear 4xx with a stable code, and nothing stored.

use serde_json::json;
use telederm_schemas::CaseSummary;
use telederm_tests::{
    assert_problem, case_json, fields, fixtures, spawn_app, spawn_app_with, TestApp,
};

async fn assert_nothing_stored(app: &TestApp, token: &str) {
    let cases: Vec<CaseSummary> = app
        .get("/api/v1/cases", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert!(cases.is_empty(), "a case was stored");
    assert!(
        app.blob_files().is_empty(),
        "a blob was stored: {:?}",
        app.blob_files()
    );
}

#[tokio::test]
async fn formats_other_than_jpeg_png_and_webp_are_415_with_a_hint() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    for (name, hint) in [
        ("iphone.heic", "JPEG"),
        ("scan.pdf", "photos"),
        ("animation.gif", "JPEG"),
        ("notes.txt", "not a photo"),
    ] {
        let res = app
            .submit_case(&gp, &case_json(), &[("overview", fixtures::read(name))])
            .await;
        let problem = assert_problem(res, 415, "unsupported_format").await;
        assert!(problem.detail.contains(hint), "{name}: {}", problem.detail);
        assert!(
            problem.detail.starts_with("photo 1 (overview)"),
            "{}",
            problem.detail
        );
    }
    assert_nothing_stored(&app, &gp).await;
}

#[tokio::test]
async fn damaged_images_are_422() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &[("overview", fixtures::read("truncated.jpg"))],
        )
        .await;
    assert_problem(res, 422, "image_corrupt").await;
    let mut garbage = b"\xFF\xD8\xFF\xE0".to_vec();
    garbage.extend(std::iter::repeat_n(0x5Au8, 4000));
    let res = app
        .submit_case(&gp, &case_json(), &[("overview", garbage)])
        .await;
    assert_problem(res, 422, "image_corrupt").await;
    assert_nothing_stored(&app, &gp).await;
}

#[tokio::test]
async fn oversize_images_are_refused_from_their_header() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    for name in ["bomb.png", "too-wide.png"] {
        let res = app
            .submit_case(&gp, &case_json(), &[("overview", fixtures::read(name))])
            .await;
        assert_problem(res, 413, "image_too_large").await;
    }
    assert_nothing_stored(&app, &gp).await;
}

#[tokio::test]
async fn size_limits_are_enforced_while_the_body_streams_in() {
    let app = spawn_app_with(
        |s| {
            s.photos.max_photo_bytes = 100 * 1024;
            s.photos.max_request_bytes = 300 * 1024;
        },
        |store| store,
    )
    .await;
    let gp = app.token("gp13").await;
    let big = vec![0xFFu8; 150 * 1024];
    let problem = assert_problem(
        app.submit_case(
            &gp,
            &case_json(),
            &[("overview", fixtures::read("small.jpg")), ("closeup", big)],
        )
        .await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(
        problem.detail.contains("photo 2 (closeup)"),
        "{}",
        problem.detail
    );

    let many: Vec<_> = (0..5)
        .map(|_| ("overview", vec![0xFFu8; 90 * 1024]))
        .collect();
    let problem = assert_problem(
        app.submit_case(&gp, &case_json(), &many).await,
        413,
        "payload_too_large",
    )
    .await;
    assert!(problem.detail.contains("submission"), "{}", problem.detail);
    assert_nothing_stored(&app, &gp).await;
}

#[tokio::test]
async fn the_case_part_is_validated_before_any_photo_work() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let photo = || vec![("overview", fixtures::read("small.jpg"))];

    let mut bad = case_json();
    bad["consent"] = json!(false);
    bad["age"] = json!(150);
    bad["question"] = json!("");
    let problem = assert_problem(
        app.submit_case(&gp, &bad, &photo()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["question", "age", "consent"]);

    let mut wrong_type = case_json();
    wrong_type["priority"] = json!("whenever");
    assert_problem(
        app.submit_case(&gp, &wrong_type, &photo()).await,
        422,
        "validation_failed",
    )
    .await;

    let problem = assert_problem(
        app.submit_case(&gp, &case_json(), &[]).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["photos"]);

    let eleven: Vec<_> = (0..11)
        .map(|_| ("closeup", fixtures::read("small.jpg")))
        .collect();
    let problem = assert_problem(
        app.submit_case(&gp, &case_json(), &eleven).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["photos"]);

    let problem = assert_problem(
        app.submit_case(
            &gp,
            &case_json(),
            &[("selfie", fixtures::read("small.jpg"))],
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["selfie"]);
    assert_nothing_stored(&app, &gp).await;
}

#[tokio::test]
async fn a_submission_must_be_multipart() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let res = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&gp)
        .json(&case_json())
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
    let res = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&gp)
        .header("content-type", "multipart/form-data; boundary=xyz")
        .body("--xyz\r\nnot a part header\r\n")
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "bad_request").await;
    assert_nothing_stored(&app, &gp).await;
}

#[tokio::test]
async fn an_endless_part_header_counts_against_the_request_limit() {
    let app = spawn_app_with(|s| s.photos.max_request_bytes = 300 * 1024, |store| store).await;
    let gp = app.token("gp13").await;
    let mut body =
        b"--cut\r\nContent-Disposition: form-data; name=\"case\"\r\nX-Padding: ".to_vec();
    body.extend(std::iter::repeat_n(b'a', 400 * 1024));
    // Chunked: no Content-Length for the server to check up front.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
    let res = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&gp)
        .header("content-type", "multipart/form-data; boundary=cut")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_problem(res, 413, "payload_too_large").await;
}
