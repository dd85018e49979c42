//! Upload memory is bounded across requests: the request bytes of every upload share one budget (a
//! request that would pass it waits briefly, then gets 503 busy; a declared length is taken up
//! front), a user has at most a few uploads in progress at once, until their photos are sealed
//! (429), and a body that stops sending, or is not whole in time, is cut (408) and its memory
//! freed.

use std::time::Duration;

use futures_util::future::join_all;
use telederm_server::memory::Usage;
use telederm_tests::{
    assert_problem, case_json, fixtures, spawn_app, spawn_app_with,
    stall::{Framing, StalledUpload},
    TestApp,
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

/// Six uploads that stop before their closing boundary, three from each of two GPs. Their bodies
/// are chunked (no length declared), so the server counts their bytes as they come.
async fn six_stalled(app: &TestApp, photo_bytes: usize) -> Vec<StalledUpload> {
    let tokens = [app.token("gp13").await, app.token("gp84").await];
    let mut stalled = Vec::new();
    for i in 0..6 {
        let token = &tokens[i % 2];
        let upload =
            StalledUpload::start_with(&app.address, token, photo_bytes, Framing::Chunked).await;
        stalled.push(upload);
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

#[tokio::test]
async fn a_fifth_upload_is_rate_limited_while_four_wait_to_be_decoded() {
    let app = spawn_app().await;
    let decode = &app.state.cases.intake().decode_memory;
    // The decode budget is all taken (as by large photos decoding elsewhere): the four uploads
    // below are received whole, then wait to be decoded.
    let taken = decode.acquire(decode.limit()).await.unwrap();
    let gp = app.token("gp13").await;
    let bytes = fixtures::read("lesion-gps.jpg");
    let (app, gp, case, photo) = (&app, &gp, &case_json(), &[("overview", bytes.clone())]);
    let four = join_all((0..4).map(|_| app.submit_case(gp, case, photo)));
    let fifth = async move {
        let mut watch = app.state.cases.intake().decode_memory.watch();
        tokio::time::timeout(GUARD, watch.wait_for(|u| u.waits >= 4))
            .await
            .expect("the four photos never waited for the decode budget")
            .unwrap();
        // Their bodies are read and given back; each photo keeps its own bytes until sealed.
        let held = app.state.uploads.memory().usage().in_use;
        assert_eq!(held, 4 * bytes.len() as u64);
        let res = app.submit_case(gp, case, photo).await;
        drop(taken);
        res
    };
    let (four, fifth) = tokio::time::timeout(GUARD, async { tokio::join!(four, fifth) })
        .await
        .expect("the uploads were never answered");
    assert_eq!(fifth.headers()["retry-after"], "10");
    let problem = assert_problem(fifth, 429, "rate_limited").await;
    assert!(
        problem.detail.contains("4 uploads in progress"),
        "{}",
        problem.detail
    );
    for res in four {
        assert_eq!(res.status(), 201);
    }
    assert_eq!(app.state.uploads.memory().usage().in_use, 0);
}

#[tokio::test]
async fn a_declared_length_is_taken_up_front_so_what_cannot_fit_is_refused_before_it_is_sent() {
    let app = spawn_app_with(
        |s| {
            small_budget(s);
            s.photos.upload_busy_wait_ms = 200;
        },
        |store| store,
    )
    .await;
    let gp = app.token("gp13").await;
    // Each announces 610 KiB and sends 10 KiB: the first is given its whole length at once.
    let announcing = Framing::Announced { unsent: 600 * 1024 };
    let first = StalledUpload::start_with(&app.address, &gp, 10 * 1024, announcing).await;
    let announced = first.announced.unwrap() as u64;
    assert!(first.body_sent < 12 * 1024);
    let usage = wait_for_upload_memory(&app, |u| u.in_use >= announced).await;
    assert_eq!(usage.in_use, announced);

    // The second would fit by what it has sent, not by what it announces: refused at once,
    // though its client never sends the rest.
    let second = StalledUpload::start_with(&app.address, &gp, 10 * 1024, announcing).await;
    let res = tokio::time::timeout(GUARD, second.response())
        .await
        .expect("the second upload was not refused");
    assert_eq!((res.status, res.code()), (503, "busy".into()));
    assert_eq!(res.header("retry-after"), Some("10"));
    assert_eq!(app.state.uploads.memory().usage().in_use, announced);

    drop(first);
    wait_for_upload_memory(&app, |u| u.in_use == 0).await;
}

#[tokio::test]
async fn a_body_trickling_in_is_cut_at_its_deadline_and_frees_its_memory() {
    let app = spawn_app_with(
        |s| {
            s.photos.body_idle_timeout_secs = 1;
            s.photos.body_deadline_secs = 2;
        },
        |store| store,
    )
    .await;
    let gp = app.token("gp13").await;
    // Chunked, so that the memory held is what has arrived: a byte every 100 ms never lets the
    // 1 s idle timeout pass.
    let upload = StalledUpload::start_with(&app.address, &gp, 10 * 1024, Framing::Chunked).await;
    let sent = upload.body_sent as u64;
    wait_for_upload_memory(&app, |u| u.in_use >= sent).await;
    let res = tokio::time::timeout(
        GUARD,
        upload.trickle_until_answered(Duration::from_millis(100)),
    )
    .await
    .expect("a trickling upload was never cut");
    assert_eq!((res.status, res.code()), (408, "request_timeout".into()));
    assert!(res.body.contains("not complete after 2 s"), "{}", res.body);
    wait_for_upload_memory(&app, |u| u.in_use == 0).await;
    assert!(app.blob_files().is_empty());
}
