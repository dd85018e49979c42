//! Leftovers of submissions that never committed (orphan blobs, temporary files, empty case
//! folders) are swept at start-up and then periodically, once they are older than the grace.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use telederm_server::{
    cases::sweep::Swept,
    startup::{open_database, open_store, Application},
};
use telederm_tests::{case_json, fixtures, spawn_app, TestApp};

async fn submit_one(app: &TestApp) -> Vec<PathBuf> {
    let gp = app.token("gp13").await;
    let res = app
        .submit_case(
            &gp,
            &case_json(),
            &[("overview", fixtures::read("small.jpg"))],
        )
        .await;
    assert_eq!(res.status(), 201);
    app.blob_files()
}

fn plant(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn age(path: &Path, by: Duration) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - by)
        .unwrap();
}

#[tokio::test]
async fn the_start_up_sweep_removes_orphan_blobs_only() {
    let app = spawn_app().await;
    let kept = submit_one(&app).await;
    let orphans = app
        .settings
        .blobs_dir()
        .join("photos/0f0e0d0c-0000-4000-8000-000000000001");
    let old = orphans.join("0f0e0d0c-0000-4000-8000-00000000000a");
    let young = orphans.join("0f0e0d0c-0000-4000-8000-00000000000b");
    plant(&old, b"sealed bytes of a submission that never committed");
    plant(&young, b"sealed bytes of a submission being committed");
    age(&old, Duration::from_secs(2 * 3600));

    // A second instance starting on the same database and store runs the sweep.
    let repo = open_database(&app.settings).await.unwrap();
    let store = open_store(&app.settings).unwrap();
    Application::build_with(&app.settings, repo, store)
        .await
        .unwrap();

    assert!(!old.exists(), "the old orphan is swept");
    assert!(young.exists(), "a recent blob is spared");
    assert!(kept.iter().all(|p| p.exists()), "referenced blobs stay");
}

#[tokio::test]
async fn the_periodic_sweep_removes_leftovers_once_past_the_grace() {
    let app = spawn_app().await;
    let kept = submit_one(&app).await;
    let photos = app.settings.blobs_dir().join("photos");
    let orphan =
        photos.join("0f0e0d0c-0000-4000-8000-000000000002/0f0e0d0c-0000-4000-8000-00000000000c");
    let temp = photos.join("0f0e0d0c-0000-4000-8000-000000000003/.tmp-0f0e0d0c");
    let empty = photos.join("0f0e0d0c-0000-4000-8000-000000000004");
    plant(
        &orphan,
        b"sealed bytes of a submission that never committed",
    );
    plant(&temp, b"half a put");
    std::fs::create_dir_all(&empty).unwrap();
    let grace = Duration::from_secs(app.settings.storage.orphan_grace_secs);
    assert_eq!(grace, Duration::from_secs(3600), "the default grace");
    assert_eq!(app.settings.storage.sweep_secs, 600, "the default period");
    let sweep = || app.state.cases.sweep_orphans(grace);

    app.clock.advance(chrono::Duration::minutes(50));
    assert_eq!(
        sweep().await.unwrap(),
        Swept::default(),
        "all younger than an hour"
    );
    assert!(orphan.exists() && temp.exists() && empty.exists());

    app.clock.advance(chrono::Duration::minutes(20));
    let swept = sweep().await.unwrap();
    assert_eq!(
        swept,
        Swept {
            orphan_blobs: 1,
            temp_files: 1,
            folders: 3
        }
    );
    assert!(!orphan.exists() && !temp.exists() && !empty.exists());
    assert!(!orphan.parent().unwrap().exists() && !temp.parent().unwrap().exists());
    assert!(
        kept.iter().all(|p| p.exists()),
        "the committed case's photo stays"
    );
    let (mut now, mut before) = (app.blob_files(), kept);
    now.sort();
    before.sort();
    assert_eq!(now, before);
}
