//! The photo paths once more with the photos in an S3 bucket (the test S3 server, moto) instead
//! of a folder: submission, reading back, the checks on what is read, atomicity and the orphan
//! sweep. They skip without the S3 server unless `TELEDERM_REQUIRE_S3=1`.

use std::time::Duration;

use telederm_schemas::Case;
use telederm_server::{cases::sweep::Swept, config::StorageKind};
use telederm_tests::{
    assert_problem, case_json, db, fixtures, s3::Bucket, spawn_app_on_s3, spawn_app_with,
    store::FailingStore, TestApp,
};

async fn submit(app: &TestApp, token: &str, photos: &[(&str, Vec<u8>)]) -> Case {
    let res = app.submit_case(token, &case_json(), photos).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

fn photo_url(case: &Case, photo: usize) -> String {
    format!("/api/v1/cases/{}/photos/{}", case.id, case.photos[photo].id)
}

fn object_key(case: &Case, photo: usize) -> String {
    format!("photos/{}/{}", case.id, case.photos[photo].id)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn photos_are_sealed_in_the_bucket_and_read_back_whole() {
    let Some(app) = spawn_app_on_s3().await else {
        return;
    };
    assert_eq!(app.settings.storage.kind, StorageKind::S3);
    let bucket = app.bucket.as_ref().unwrap();
    let gp = app.token("gp13").await;
    let case = submit(
        &app,
        &gp,
        &[
            ("overview", fixtures::read("lesion-gps.jpg")),
            ("closeup", fixtures::read("lesion-text.png")),
        ],
    )
    .await;
    let mut expected = vec![object_key(&case, 0), object_key(&case, 1)];
    expected.sort();
    assert_eq!(bucket.keys().await, expected);
    assert!(app.blob_files().is_empty(), "nothing in the local folder");

    let derm = app.token("derm1").await;
    for (i, photo) in case.photos.iter().enumerate() {
        let res = app.get(&photo_url(&case, i), Some(&derm)).await;
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        assert_eq!(
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            photo.sha256
        );
        let sealed = bucket.read(&object_key(&case, i)).await;
        assert!(
            !contains(&sealed, &bytes[..64]),
            "the bucket holds no plaintext"
        );
        for plain in [&b"\xFF\xD8\xFF"[..], b"\x89PNG", b"left forearm", b"P-0042"] {
            assert!(!contains(&sealed, plain));
        }
    }
    assert_eq!(app.get("/readyz", None).await.status(), 200);
}

#[tokio::test]
async fn bytes_changed_in_the_bucket_are_refused() {
    let Some(app) = spawn_app_on_s3().await else {
        return;
    };
    let bucket = app.bucket.as_ref().unwrap();
    let gp = app.token("gp13").await;
    let same = fixtures::read("small.jpg");
    let case = submit(
        &app,
        &gp,
        &[
            ("overview", same.clone()),
            ("closeup", same.clone()),
            ("dermoscopy", same),
        ],
    )
    .await;
    for i in 0..3 {
        assert_eq!(app.get(&photo_url(&case, i), Some(&gp)).await.status(), 200);
    }

    // One flipped bit.
    let mut flipped = bucket.read(&object_key(&case, 0)).await;
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    bucket.write(&object_key(&case, 0), flipped).await;
    // Another photo's sealed bytes, same plaintext and same SHA-256: only the binding to the
    // photo tells them apart.
    let other = bucket.read(&object_key(&case, 2)).await;
    bucket.write(&object_key(&case, 1), other).await;
    for i in [0, 1] {
        let problem = assert_problem(
            app.get(&photo_url(&case, i), Some(&gp)).await,
            500,
            "internal",
        )
        .await;
        assert!(
            !problem.detail.contains("SHA"),
            "a 500 shows nothing internal"
        );
    }
    // Bytes that open but are not the photo recorded: the SHA-256 check.
    let sql = format!(
        "UPDATE photos SET sha256 = '{}' WHERE blob_key = '{}'",
        "0".repeat(64),
        object_key(&case, 2)
    );
    db::execute(&app.settings, &sql).await.unwrap();
    assert_problem(
        app.get(&photo_url(&case, 2), Some(&gp)).await,
        500,
        "internal",
    )
    .await;
}

#[tokio::test]
async fn a_failed_put_leaves_no_object_in_the_bucket() {
    let Some(bucket) = Bucket::create().await else {
        return;
    };
    let app = spawn_app_with(|s| bucket.use_in(s), |store| FailingStore::wrap(store, 3)).await;
    let gp = app.token("gp13").await;
    let photos = [
        ("overview", fixtures::read("lesion-gps.jpg")),
        ("closeup", fixtures::read("lesion-text.png")),
        ("dermoscopy", fixtures::read("lesion.webp")),
    ];
    let res = app.submit_case(&gp, &case_json(), &photos).await;
    assert_problem(res, 500, "internal").await;
    assert_eq!(
        bucket.keys().await,
        Vec::<String>::new(),
        "the two written are removed"
    );
    let cases: Vec<serde_json::Value> = app
        .get("/api/v1/cases", Some(&gp))
        .await
        .json()
        .await
        .unwrap();
    assert!(cases.is_empty());
}

#[tokio::test]
async fn the_sweep_removes_orphan_objects_once_past_the_grace() {
    let Some(app) = spawn_app_on_s3().await else {
        return;
    };
    let bucket = app.bucket.as_ref().unwrap();
    let gp = app.token("gp13").await;
    let case = submit(&app, &gp, &[("overview", fixtures::read("small.jpg"))]).await;
    let orphan = "photos/0f0e0d0c-0000-4000-8000-000000000001/0f0e0d0c-0000-4000-8000-00000000000a";
    bucket
        .write(
            orphan,
            b"sealed bytes of a submission that never committed".to_vec(),
        )
        .await;
    let grace = Duration::from_secs(app.settings.storage.orphan_grace_secs);
    let sweep = || app.state.cases.sweep_orphans(grace);

    assert_eq!(
        sweep().await.unwrap(),
        Swept::default(),
        "younger than the grace"
    );
    assert_eq!(bucket.keys().await.len(), 2);

    app.advance(chrono::Duration::minutes(61));
    let swept = sweep().await.unwrap();
    assert_eq!(
        swept,
        Swept {
            orphan_blobs: 1,
            temp_files: 0,
            folders: 0
        }
    );
    assert_eq!(
        bucket.keys().await,
        [object_key(&case, 0)],
        "the committed photo stays"
    );
    assert_eq!(app.get(&photo_url(&case, 0), Some(&gp)).await.status(), 200);
}

#[tokio::test]
async fn readiness_fails_when_the_bucket_is_gone() {
    let Some(bucket) = Bucket::create().await else {
        return;
    };
    let app = spawn_app_with(|s| bucket.use_in(s), |store| store).await;
    assert_eq!(app.get("/readyz", None).await.status(), 200);
    bucket.remove().await;
    let res = app.get("/readyz", None).await;
    let problem = assert_problem(res, 503, "not_ready").await;
    assert!(problem.detail.contains("photo store"), "{}", problem.detail);
}

#[tokio::test]
async fn a_reply_adds_its_photos_to_the_bucket() {
    let Some(app) = spawn_app_on_s3().await else {
        return;
    };
    let bucket = app.bucket.as_ref().unwrap();
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let case = submit(&app, &gp, &[("overview", fixtures::read("small.jpg"))]).await;
    let claim = app
        .act(&derm, case.id, "claim", serde_json::json!({}))
        .await;
    assert_eq!(claim.status(), 200);
    let ask =
        serde_json::json!({"message": "Please add a dermoscopy photo.", "wants_new_photos": true});
    assert_eq!(
        app.act(&derm, case.id, "request-info", ask).await.status(),
        200
    );

    let photo = fixtures::read("lesion-gps.jpg");
    let res = app
        .reply_with_photos(&gp, case.id, "Here it is.", &[("dermoscopy", photo)])
        .await;
    assert_eq!(res.status(), 200);
    let back: Case = res.json().await.unwrap();
    assert_eq!(back.photos.len(), 2);
    let mut expected = vec![object_key(&back, 0), object_key(&back, 1)];
    expected.sort();
    assert_eq!(bucket.keys().await, expected);
    assert_eq!(
        app.get(&photo_url(&back, 1), Some(&derm)).await.status(),
        200
    );
}
