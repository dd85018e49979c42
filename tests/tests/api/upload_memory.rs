//! Upload memory is bounded across requests: the request bytes of every upload share one budget (a
//! request that would pass it waits briefly, then gets 503 busy), a user sends at most a few
//! uploads at once (429), and a body that stops sending is cut (408) and its memory freed.

use std::time::Duration;

use telederm_server::memory::Usage;
use telederm_tests::{
    assert_problem, case_json, fixtures, spawn_app, spawn_app_with, stall::StalledUpload, TestApp,
};

/// Guards the waits below: a server that never frees the memory fails instead of hanging.
const GUARD: Duration = Duration::from_secs(30);

async fn wait_for_upload_memory(app: &TestApp, done: impl FnMut(&Usage) -> bool) -> Usage {
    let mut watch = app.state.uploads.memory().watch();
    let usage = tokio::time::timeout(GUARD, watch.wait_for(done))
        .await
        .expect("upload memory never reached the expected state")
        .unwrap();
    *usage
}

/// Six uploads that stop before their closing boundary, three from each of two GPs.
async fn six_stalled(app: &TestApp, photo_bytes: usize) -> Vec<StalledUpload> {
    let tokens = [app.token("gp13").await, app.token("gp84").await];
    let mut stalled = Vec::new();
    for i in 0..6 {
        stalled.push(StalledUpload::start(&app.address, &tokens[i % 2], photo_bytes).await);
    }
    let sent: usize = stalled.iter().map(|s| s.body_sent).sum();
    let usage = wait_for_upload_memory(app, |u| u.in_use >= sent as u64).await;
    assert_eq!(usage.in_use, sent as u64, "every byte received is counted");
    stalled
}

fn small_budget(s: &mut telederm_server::config::Settings) {
    s.photos.upload_budget_bytes = 1024 * 1024;
    s.photos.max_request_bytes = 1024 * 1024;
    s.photos.max_photo_bytes = 1024 * 1024;
}

#[tokio::test]
async fn stalled_uploads_are_cut_after_the_idle_timeout_and_free_their_memory() {
    let app = spawn_app_with(
        |s| {
            small_budget(s);
            s.photos.body_idle_timeout_secs = 1;
        },
        |store| store,
    )
    .await;
    let stalled = six_stalled(&app, 150 * 1024).await;
    for upload in stalled {
        let res = tokio::time::timeout(GUARD, upload.response())
            .await
            .expect("a stalled upload was never cut");
        assert_eq!((res.status, res.code()), (408, "request_timeout".into()));
        assert!(res.body.contains("sent nothing for 1 s"), "{}", res.body);
    }
    let usage = wait_for_upload_memory(&app, |u| u.in_use == 0).await;
    assert!(usage.peak <= 1024 * 1024, "{usage:?}");
    assert!(app.blob_files().is_empty());
}

#[tokio::test]
async fn an_upload_that_would_pass_the_budget_waits_briefly_then_gets_503_busy() {
    let app = spawn_app_with(
        |s| {
            small_budget(s);
            s.photos.upload_busy_wait_ms = 200;
        },
        |store| store,
    )
    .await;
    // Six stalled uploads hold 963 KiB of the 1 MiB budget (and would for 30 s): the 72 KiB
    // photo below does not fit in what is left.
    let stalled = six_stalled(&app, 160 * 1024).await;
    let gp = app.token("gp13").await;
    let photo = [("overview", fixtures::read("lesion-gps.jpg"))];
    let res = app.submit_case(&gp, &case_json(), &photo).await;
    assert_eq!(res.headers()["retry-after"], "10");
    assert_problem(res, 503, "busy").await;
    let usage = app.state.uploads.memory().usage();
    assert!(usage.peak <= 1024 * 1024 && usage.waits >= 1, "{usage:?}");

    // Clients that go away free what they held at once, and the upload then goes through.
    drop(stalled);
    wait_for_upload_memory(&app, |u| u.in_use == 0).await;
    let res = app.submit_case(&gp, &case_json(), &photo).await;
    assert_eq!(res.status(), 201);
    assert_eq!(app.state.uploads.memory().usage().in_use, 0);
}

#[tokio::test]
async fn a_fifth_concurrent_upload_of_one_user_is_rate_limited() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let mut stalled = Vec::new();
    for _ in 0..4 {
        stalled.push(StalledUpload::start(&app.address, &gp, 10 * 1024).await);
    }
    let sent: usize = stalled.iter().map(|s| s.body_sent).sum();
    wait_for_upload_memory(&app, |u| u.in_use >= sent as u64).await;

    let photo = [("overview", fixtures::read("lesion-gps.jpg"))];
    let res = app.submit_case(&gp, &case_json(), &photo).await;
    assert_eq!(res.headers()["retry-after"], "10");
    let problem = assert_problem(res, 429, "rate_limited").await;
    assert!(
        problem.detail.contains("4 uploads in progress"),
        "{}",
        problem.detail
    );
    // The cap is per user: another GP is not held back.
    let other = app.token("gp84").await;
    let res = app.submit_case(&other, &case_json(), &photo).await;
    assert_eq!(res.status(), 201);

    drop(stalled);
    wait_for_upload_memory(&app, |u| u.in_use == 0).await;
    let res = app.submit_case(&gp, &case_json(), &photo).await;
    assert_eq!(res.status(), 201);
}
