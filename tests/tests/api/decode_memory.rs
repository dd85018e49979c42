//! Decoding memory is bounded: a photo whose decoding would take too much memory is refused from
//! its header, and the photos decoded at once share one budget, so large ones wait (for a while,
//! then 503) instead of adding up.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use telederm_server::photos::{inspect, Format};
use telederm_tests::{assert_problem, case_json, fixtures, spawn_app, spawn_app_with};

/// Guards the waits below: a server that never answers fails instead of hanging.
const GUARD: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_16_bit_png_too_large_once_decoded_is_refused_from_its_header() {
    // 100 megapixels (within the pixel limits) at 8 bytes a pixel: 800 MB decoded. Made first:
    // it takes seconds, longer than the server keeps an idle client connection open.
    let png = fixtures::deep_png(10_000, 10_000);
    assert!(png.len() < 1024 * 1024, "{} bytes on the wire", png.len());
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let res = app
        .submit_case(&gp, &case_json(), &[("overview", png)])
        .await;
    let problem = assert_problem(res, 413, "image_too_large").await;
    assert_eq!(
        problem.detail,
        "photo 1 (overview): 10000 x 10000 px would take 789 MiB of memory to decode, more \
         than the 256 MiB allowed for one photo: send it as an ordinary 8-bit JPEG, or smaller"
    );
    // Refused before any decoding: the decode budget was never asked for anything.
    assert_eq!(app.state.cases.intake().decode_memory.usage().peak, 0);
    assert!(app.blob_files().is_empty());
}

#[tokio::test]
async fn a_progressive_jpeg_is_refused_when_its_decoding_not_its_pixels_would_pass_the_cap() {
    // 35 megapixels: 100 MiB of pixels, well under the 256 MiB cap. Progressive, the decoder would
    // also keep every DCT coefficient (2 bytes each, 201 MiB) until the last scan.
    let baseline = fixtures::flat_jpeg(7000, 5000);
    let progressive = fixtures::marked_progressive(&baseline);
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let res = app
        .submit_case(&gp, &case_json(), &[("overview", progressive)])
        .await;
    let problem = assert_problem(res, 413, "image_too_large").await;
    assert_eq!(
        problem.detail,
        "photo 1 (overview): 7000 x 5000 px would take 324 MiB of memory to decode, more than \
         the 256 MiB allowed for one photo: send it as an ordinary 8-bit JPEG, or smaller"
    );
    assert_eq!(
        app.state.cases.intake().decode_memory.usage().peak,
        0,
        "refused from its header"
    );
    assert!(app.blob_files().is_empty());

    // The same pixels as a baseline JPEG are decoded within the cap.
    let res = app
        .submit_case(&gp, &case_json(), &[("overview", baseline)])
        .await;
    assert_eq!(res.status(), 201);
    let peak = app.state.cases.intake().decode_memory.usage().peak;
    assert!(peak > 105_000_000 && peak <= 256 << 20, "{peak}");
}

#[tokio::test]
async fn a_photo_larger_than_the_whole_decode_budget_is_refused_not_decoded_over_it() {
    // Settings refuse a budget below the per-photo cap; were one set anyway, a photo that could
    // never fit would be refused rather than given the whole budget and decoded past it.
    let app = spawn_app_with(|s| s.photos.decode_budget_bytes = 32 << 20, |store| store).await;
    let gp = app.token("gp13").await;
    let jpeg = fixtures::flat_jpeg(4000, 3000);
    let res = app
        .submit_case(&gp, &case_json(), &[("overview", jpeg)])
        .await;
    let problem = assert_problem(res, 413, "image_too_large").await;
    assert_eq!(
        problem.detail,
        "photo 1 (overview) would take 55 MiB of memory to decode, more than the 32 MiB this \
         server decodes at once: send it smaller"
    );
    assert_eq!(app.state.cases.intake().decode_memory.usage().peak, 0);
}

#[tokio::test]
async fn photos_that_wait_too_long_for_the_decode_budget_get_503_and_hold_nothing() {
    let app = spawn_app_with(|s| s.photos.decode_wait_ms = 200, |store| store).await;
    let budget = &app.state.cases.intake().decode_memory;
    // Every byte of the decode budget is taken, as by large photos decoding elsewhere.
    let taken = budget.acquire(budget.limit()).await.unwrap();
    let gp = app.token("gp13").await;
    let (app, case) = (&app, case_json());
    let photo = [("overview", fixtures::read("lesion-gps.jpg"))];
    // Twice as many submissions as the user may have in progress, in two rounds: the second is
    // let in only if the first gave its upload slots back.
    for round in 0..2 {
        let answers = join_all((0..4).map(|_| async {
            let res = app.submit_case(&gp, &case, &photo).await;
            let retry_after = res.headers()["retry-after"].to_str().unwrap().to_owned();
            assert_problem(res, 503, "busy").await;
            retry_after
        }));
        let retry_afters = tokio::time::timeout(GUARD, answers)
            .await
            .expect("photos waited for the decode budget without end");
        assert_eq!(retry_afters, ["10"; 4], "round {round}");
        assert_eq!(
            app.state.uploads.memory().usage().in_use,
            0,
            "round {round}"
        );
    }
    assert!(app.blob_files().is_empty());

    drop(taken);
    let res = app.submit_case(&gp, &case, &photo).await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn eight_concurrent_60_megapixel_photos_wait_for_the_decode_budget() {
    let jpeg = fixtures::flat_jpeg(9600, 6250);
    // As many decoding slots as photos: only the memory budget (512 MiB by default) holds them.
    let app = spawn_app_with(|s| s.photos.concurrency = Some(8), |store| store).await;
    let cost = inspect::cost(Format::Jpeg, &jpeg, &inspect::PhotoLimits::default()).unwrap();
    assert_eq!(cost.pixel_bytes, 180_000_000);
    let budget = app.state.cases.intake().decode_memory.limit();
    assert_eq!(budget, 512 * 1024 * 1024);
    assert!(
        8 * cost.peak_bytes > budget,
        "eight at once would pass the budget"
    );

    // Four uploads each from two GPs (four is the per-user cap).
    let tokens = [app.token("gp13").await, app.token("gp84").await];
    let (app, case) = (&app, case_json());
    let uploads = (0..8).map(|i| {
        let photos = [("overview", jpeg.clone())];
        let (token, case) = (&tokens[i % 2], &case);
        async move { app.submit_case(token, case, &photos).await.status() }
    });
    let statuses = join_all(uploads).await;
    assert_eq!(statuses, [StatusCode::CREATED; 8]);

    let usage = app.state.cases.intake().decode_memory.usage();
    assert_eq!(usage.in_use, 0, "every decode gave its share back");
    assert!(
        usage.peak >= cost.peak_bytes && usage.peak <= budget,
        "peak {} of {budget}",
        usage.peak
    );
    assert!(usage.waits >= 1, "some photos waited for room: {usage:?}");
    eprintln!(
        "decode budget: peak {} MiB of {} MiB, {} waits; process {}",
        usage.peak >> 20,
        budget >> 20,
        usage.waits,
        peak_rss()
    );
}

/// The test process's (client and server) peak resident memory, for the record.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "VmHWM unknown".to_owned())
}
