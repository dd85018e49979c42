//! Case actions decide who may act before they read the request body: a caller who may not read
//! the case learns nothing of it (404 whatever its state), a caller of the wrong role is refused
//! (403) whatever it sent, and neither makes the server read an upload.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use telederm_schemas::Case;
use telederm_tests::{assert_problem, spawn_app, TestApp};
use uuid::Uuid;

/// Longest a refusal may take; the old handlers waited on the body for ever.
const AT_ONCE: Duration = Duration::from_secs(10);

fn answer() -> serde_json::Value {
    json!({"diagnosis": "Seborrhoeic keratosis", "management": "reassure", "report": "Benign."})
}

/// A case of gp13 in each state that derm1 can put it in: queued, claimed, waiting on the GP,
/// answered.
async fn cases_in_every_state(app: &TestApp, gp: &str, derm: &str) -> Vec<(&'static str, Case)> {
    let queued = app.submit_small(gp, "routine").await;
    let claimed = app.submit_small(gp, "routine").await;
    app.claim_ok(derm, claimed.id).await;
    let waiting = app.submit_small(gp, "routine").await;
    app.claim_ok(derm, waiting.id).await;
    app.request_info_ok(derm, waiting.id, false).await;
    let answered = app.submit_small(gp, "routine").await;
    app.claim_ok(derm, answered.id).await;
    app.answer_ok(derm, answered.id).await;
    vec![
        ("queued", queued),
        ("claimed", claimed),
        ("info_requested", waiting),
        ("answered", answered),
    ]
}

/// `POST /cases/{id}/{action}` with a raw body.
async fn post_raw(
    app: &TestApp,
    token: &str,
    case: Uuid,
    action: &str,
    content_type: &str,
    body: &'static str,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/cases/{case}/{action}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_dermatologist_who_may_not_read_the_case_gets_404_whatever_its_state() {
    let app = spawn_app().await;
    let (gp, derm1) = (app.token("gp13").await, app.token("derm1").await);
    // derm2 is on call for 84 only: gp13's cases are none of its business.
    let derm2 = app.token("derm2").await;
    let today = app.now().date_naive();
    let mut wrong = Vec::new();
    for (state, case) in cases_in_every_state(&app, &gp, &derm1).await {
        for (action, body) in [
            ("claim", json!({})),
            ("release", json!({})),
            ("answer", answer()),
            ("request-info", json!({"message": "?"})),
            ("outcome", json!({"biopsy_date": today})),
        ] {
            let res = app.act(&derm2, case.id, action, body).await;
            if res.status() != 404 {
                wrong.push(format!("{action} on a {state} case: {}", res.status()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn another_dermatologist_answering_a_claimed_case_learns_nothing_of_it() {
    let app = spawn_app().await;
    let (gp, derm1, derm2) = (
        app.token("gp13").await,
        app.token("derm1").await,
        app.token("derm2").await,
    );
    let case = app.submit_small(&gp, "urgent").await;
    app.claim_ok(&derm1, case.id).await;
    let claimed = assert_problem(
        app.act(&derm2, case.id, "answer", answer()).await,
        404,
        "not_found",
    )
    .await;
    let unknown = assert_problem(
        app.act(&derm2, Uuid::new_v4(), "answer", answer()).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        claimed.detail, unknown.detail,
        "the same answer as no case at all"
    );
    // Not even a malformed body tells it more.
    let res = post_raw(&app, &derm2, case.id, "answer", "application/json", "{").await;
    assert_problem(res, 404, "not_found").await;
}

#[tokio::test]
async fn the_wrong_role_is_refused_whatever_the_body() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let coord = app.token("coord").await;
    let case = app.submit_small(&gp, "urgent").await;
    app.claim_ok(&derm, case.id).await;
    for (token, action) in [
        (&gp, "answer"),
        (&gp, "request-info"),
        (&derm, "close"),
        (&coord, "outcome"),
    ] {
        for (content_type, body) in [
            ("application/json", "{"),
            ("application/json", r#"{"diagnosis": 5}"#),
            ("text/plain", "hello"),
        ] {
            let res = post_raw(&app, token, case.id, action, content_type, body).await;
            assert_problem(res, 403, "forbidden").await;
        }
    }
}

#[tokio::test]
async fn a_gp_acting_on_another_gps_case_is_refused_before_its_body_is_parsed() {
    let app = spawn_app().await;
    let (gp13, gp84, derm) = (
        app.token("gp13").await,
        app.token("gp84").await,
        app.token("derm1").await,
    );
    for (state, case) in cases_in_every_state(&app, &gp13, &derm).await {
        for action in ["reply", "close", "outcome"] {
            let res = post_raw(&app, &gp84, case.id, action, "application/json", "{").await;
            assert_eq!(res.status(), 404, "{action} on a {state} case");
        }
    }
}

/// A multipart upload that sends its first bytes and then never finishes.
fn endless_multipart() -> reqwest::Body {
    let start = "--b\r\ncontent-disposition: form-data; name=\"reply\"\r\n\
                 content-type: application/json\r\n\r\n{\"message\": \"Here are the";
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(start) })
        .chain(futures_util::stream::pending());
    reqwest::Body::wrap_stream(stream)
}

async fn reply_multipart(
    app: &TestApp,
    token: &str,
    case: Uuid,
    body: reqwest::Body,
) -> reqwest::Response {
    let send = app
        .client
        .post(app.url(&format!("/api/v1/cases/{case}/reply")))
        .bearer_auth(token)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(body)
        .send();
    tokio::time::timeout(AT_ONCE, send)
        .await
        .expect("the server waited for the body")
        .unwrap()
}

#[tokio::test]
async fn a_reply_to_another_gps_case_is_refused_before_its_upload_is_read() {
    let app = spawn_app().await;
    let (gp13, gp84, derm) = (
        app.token("gp13").await,
        app.token("gp84").await,
        app.token("derm1").await,
    );
    let case = app.submit_small(&gp13, "urgent").await;
    app.claim_ok(&derm, case.id).await;
    app.request_info_ok(&derm, case.id, true).await;

    let res = reply_multipart(&app, &gp84, case.id, endless_multipart()).await;
    assert_problem(res, 404, "not_found").await;
    let garbage = reply_multipart(&app, &gp84, case.id, "not multipart at all".into()).await;
    assert_problem(garbage, 404, "not_found").await;
    // Its own GP still replies.
    let res = app.reply_with_photos(&gp13, case.id, "Here.", &[]).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_reply_to_a_case_that_asked_nothing_is_refused_before_its_upload_is_read() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let case = app.submit_small(&gp, "urgent").await;
    let res = reply_multipart(&app, &gp, case.id, endless_multipart()).await;
    assert_problem(res, 409, "invalid_state").await;
}
