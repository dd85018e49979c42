//! Master key rotation re-wraps every data key without touching photos; a running server keeps
//! reading every case.

use telederm_schemas::Case;
use telederm_server::{keys, startup::open_database};
use telederm_tests::{assert_problem, case_json, fixtures, spawn_app};

/// (master key, data keys it wraps), oldest key first.
fn data_keys(status: &keys::KeyStatus) -> Vec<(String, i64)> {
    status
        .keys
        .iter()
        .map(|k| (k.id.clone(), k.data_keys))
        .collect()
}

#[tokio::test]
async fn rotation_rewraps_data_keys_and_cases_stay_readable() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let mut cases = Vec::new();
    for _ in 0..3 {
        let res = app
            .submit_case(
                &gp,
                &case_json(),
                &[("overview", fixtures::read("small.jpg"))],
            )
            .await;
        cases.push(res.json::<Case>().await.unwrap());
    }
    let blobs_before: Vec<_> = app
        .blob_files()
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();

    let repo = open_database(&app.settings).await.unwrap();
    let key_file = app.settings.key_file();
    let before = keys::status(repo.as_ref(), &key_file).await.unwrap();
    assert_eq!(data_keys(&before), [(before.active.clone(), 3)]);

    let report = keys::rotate(repo.as_ref(), &key_file).await.unwrap();
    assert_eq!(report.rewrapped, 3);
    assert_ne!(report.new_key_id, before.active);
    let after = keys::status(repo.as_ref(), &key_file).await.unwrap();
    assert_eq!(after.active, report.new_key_id);
    assert_eq!(
        data_keys(&after),
        [(before.active.clone(), 0), (report.new_key_id.clone(), 3)]
    );
    assert!(after.unknown.is_empty());

    // Photo blobs are untouched, byte for byte.
    for (path, bytes) in &blobs_before {
        assert_eq!(&std::fs::read(path).unwrap(), bytes);
    }
    // The running server meets keys wrapped by a master key it had not loaded, and reads on.
    for case in &cases {
        let res = app
            .get(&format!("/api/v1/cases/{}", case.id), Some(&gp))
            .await;
        assert_eq!(res.status(), 200);
        let photo = &case.photos[0];
        let res = app
            .get(
                &format!("/api/v1/cases/{}/photos/{}", case.id, photo.id),
                Some(&gp),
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    // A case submitted now, on the running server, goes under the new master key.
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &[("overview", fixtures::read("small.jpg"))],
        )
        .await;
    assert_eq!(res.status(), 201);
    let now = keys::status(repo.as_ref(), &key_file).await.unwrap();
    assert_eq!(
        data_keys(&now),
        [(before.active.clone(), 0), (report.new_key_id.clone(), 4)]
    );
    // A second rotation right away has everything to move again, and nothing is lost.
    let again = keys::rotate(repo.as_ref(), &key_file).await.unwrap();
    assert_eq!(again.rewrapped, 4);
}

#[tokio::test]
async fn a_sealed_photo_moved_to_another_photo_does_not_open() {
    // Two identical photos: same plaintext, same SHA-256, so only the AAD (which binds each
    // ciphertext to its photo id) can tell a swapped blob.
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let same = fixtures::read("small.jpg");
    let photos = [("overview", same.clone()), ("closeup", same)];
    let case: Case = app
        .submit_case(&gp, &case_json(), &photos)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(case.photos[0].sha256, case.photos[1].sha256);
    let dir = app.settings.blobs_dir().join(format!("photos/{}", case.id));
    let a = dir.join(case.photos[0].id.to_string());
    let b = dir.join(case.photos[1].id.to_string());
    let url = format!("/api/v1/cases/{}/photos/{}", case.id, case.photos[0].id);
    assert_eq!(app.get(&url, Some(&gp)).await.status(), 200);
    std::fs::copy(&b, &a).unwrap();
    assert_problem(app.get(&url, Some(&gp)).await, 500, "internal").await;
}

#[tokio::test]
async fn rotations_do_not_run_at_once() {
    let app = spawn_app().await;
    let repo = open_database(&app.settings).await.unwrap();
    let key_file = app.settings.key_file();
    let mut lock_name = key_file.clone().into_os_string();
    lock_name.push(".lock");
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_name)
        .unwrap();
    held.lock().unwrap();
    let err = keys::rotate(repo.as_ref(), &key_file).await.err().unwrap();
    assert!(err.to_string().contains("another `keys rotate`"), "{err}");
    held.unlock().unwrap();
    assert!(keys::rotate(repo.as_ref(), &key_file).await.is_ok());
}

#[tokio::test]
async fn a_destroyed_data_key_leaves_the_other_cases_readable() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let derm = app.token("derm1").await;
    let photo = || vec![("overview", fixtures::read("small.jpg"))];
    let kept: Case = app
        .submit_case(&gp, &case_json(), &photo())
        .await
        .json()
        .await
        .unwrap();
    let gone: Case = app
        .submit_case(&gp, &case_json(), &photo())
        .await
        .json()
        .await
        .unwrap();
    destroy_data_key(&app, gone.id).await;

    let list: Vec<telederm_schemas::CaseSummary> = app
        .get("/api/v1/cases", Some(&gp))
        .await
        .json()
        .await
        .unwrap();
    let find = |id| list.iter().find(|c| c.id == id).unwrap();
    assert_eq!(find(kept.id).body_site, "left forearm");
    assert_eq!(find(gone.id).body_site, "(unreadable)");
    let queue: Vec<telederm_schemas::QueueItem> = app
        .get("/api/v1/queue", Some(&derm))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue.iter().map(|q| q.id).collect::<Vec<_>>(), [kept.id]);
}

/// Crypto-shredding one case: delete its wrapped data key.
async fn destroy_data_key(app: &telederm_tests::TestApp, case_id: uuid::Uuid) {
    use secrecy::ExposeSecret;
    let url = app.settings.database_url();
    if telederm_tests::db::backend() == "postgres" {
        let pool = sqlx::PgPool::connect(url.expose_secret()).await.unwrap();
        sqlx::query("DELETE FROM data_keys WHERE case_id = $1")
            .bind(case_id)
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(url.expose_secret())
            .await
            .unwrap();
        sqlx::query("DELETE FROM data_keys WHERE case_id = $1")
            .bind(case_id)
            .execute(&pool)
            .await
            .unwrap();
    }
}
