//! A submission that fails at any step leaves no case row and no blob (the sweep of what a crash
//! leaves behind is in `sweep.rs`).

use futures_util::stream;
use secrecy::ExposeSecret;
use telederm_schemas::CaseSummary;
use telederm_tests::{
    assert_problem, case_json, db::backend, fixtures, spawn_app, spawn_app_with,
    store::FailingStore, TestApp,
};

async fn cases_of(app: &TestApp, token: &str) -> Vec<CaseSummary> {
    app.get("/api/v1/cases", Some(token))
        .await
        .json()
        .await
        .unwrap()
}

fn three_photos(third: Vec<u8>) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("overview", fixtures::read("lesion-gps.jpg")),
        ("closeup", fixtures::read("lesion-text.png")),
        ("dermoscopy", third),
    ]
}

#[tokio::test]
async fn a_bad_third_photo_stores_nothing() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &three_photos(fixtures::read("truncated.jpg")),
        )
        .await;
    assert_problem(res, 422, "image_corrupt").await;
    assert!(cases_of(&app, &gp).await.is_empty());
    assert!(app.blob_files().is_empty());
}

#[tokio::test]
async fn a_store_failure_removes_the_blobs_already_written() {
    let app = spawn_app_with(|_| {}, |store| FailingStore::wrap(store, 3)).await;
    let gp = app.token("gp13").await;
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &three_photos(fixtures::read("lesion.webp")),
        )
        .await;
    let problem = assert_problem(res, 500, "internal").await;
    assert!(
        !problem.detail.contains("disk full"),
        "a 500 shows nothing internal"
    );
    assert!(cases_of(&app, &gp).await.is_empty());
    assert!(app.blob_files().is_empty(), "{:?}", app.blob_files());
}

#[tokio::test]
async fn a_database_failure_removes_the_blobs_written() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    inject_photo_insert_failure(&app).await;
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &three_photos(fixtures::read("lesion.webp")),
        )
        .await;
    assert_problem(res, 500, "internal").await;
    assert!(
        cases_of(&app, &gp).await.is_empty(),
        "the case row was rolled back"
    );
    assert!(app.blob_files().is_empty(), "{:?}", app.blob_files());
}

/// A trigger that makes every photo insert fail: a real database error inside the transaction.
async fn inject_photo_insert_failure(app: &TestApp) {
    let url = app.settings.database_url();
    if backend() == "postgres" {
        let pool = sqlx::PgPool::connect(url.expose_secret()).await.unwrap();
        sqlx::query(
            "CREATE FUNCTION fail_photos() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "CREATE TRIGGER fail_photos BEFORE INSERT ON photos \
             FOR EACH ROW EXECUTE FUNCTION fail_photos()",
        )
        .execute(&pool)
        .await
        .unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(url.expose_secret())
            .await
            .unwrap();
        sqlx::query(
            "CREATE TRIGGER fail_photos BEFORE INSERT ON photos \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        )
        .execute(&pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn a_client_that_goes_away_mid_upload_leaves_nothing() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let photo = fixtures::read("lesion-gps.jpg");
    let mut head = b"--cut\r\nContent-Disposition: form-data; name=\"case\"\r\n\
        Content-Type: application/json\r\n\r\n"
        .to_vec();
    head.extend(case_json().to_string().into_bytes());
    head.extend_from_slice(
        b"\r\n--cut\r\nContent-Disposition: form-data; name=\"overview\"; filename=\"a.jpg\"\r\n\r\n",
    );
    head.extend_from_slice(&photo[..photo.len() / 2]);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(head),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "gone",
        )),
    ];
    let res = app
        .client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&gp)
        .header("content-type", "multipart/form-data; boundary=cut")
        .body(reqwest::Body::wrap_stream(stream::iter(chunks)))
        .send()
        .await;
    assert!(res.is_err(), "the upload was cut");
    // The server still works, and holds exactly what was completed afterwards.
    let ok = app
        .submit_case(&gp, &case_json(), &[("overview", photo)])
        .await;
    assert_eq!(ok.status(), 201);
    assert_eq!(cases_of(&app, &gp).await.len(), 1);
    assert_eq!(app.blob_files().len(), 1);
}
