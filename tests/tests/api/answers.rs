//! Answers, requests for information and replies, cancel and close.

use serde_json::json;
use telederm_schemas::{Case, CaseStatus, Management, Shift};
use telederm_tests::{assert_problem, case_json, fields, fixtures, spawn_app, TestApp};

use crate::fixtures::contains;

async fn submitted_and_claimed(app: &TestApp, gp: &str, derm: &str) -> Case {
    let photo = vec![("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))];
    let case: Case = app
        .submit_case(gp, &case_json(), &photo)
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(&format!("/api/v1/cases/{}/claim", case.id), Some(derm), &())
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn answer_body() -> serde_json::Value {
    json!({"diagnosis": "Dysplastic naevus, melanoma not excluded", "icd10": "D22.6",
           "management": "in_person_consult", "delay_days": 7,
           "report": "Please send the patient to the dermatology clinic within a week."})
}

async fn act(
    app: &TestApp,
    token: &str,
    case: &Case,
    action: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/cases/{}/{action}", case.id),
        Some(token),
        &body,
    )
    .await
}

async fn read(app: &TestApp, token: &str, case: &Case) -> Case {
    let res = app
        .get(&format!("/api/v1/cases/{}", case.id), Some(token))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn request_info_reply_answer_and_close() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let derm_id = app.user("derm1").await.id;
    let case = submitted_and_claimed(&app, &gp, &derm).await;

    let ask =
        json!({"message": "Is it itchy? Please add a dermoscopy photo.", "wants_new_photos": true});
    let res = act(&app, &derm, &case, "request-info", ask).await;
    assert_eq!(res.status(), 200);
    let waiting = read(&app, &gp, &case).await;
    assert_eq!(waiting.status, CaseStatus::InfoRequested);
    assert_eq!(waiting.info_requests.len(), 1);
    assert_eq!(
        waiting.info_requests[0].message,
        "Is it itchy? Please add a dermoscopy photo."
    );
    assert!(waiting.info_requests[0].wants_new_photos);
    assert_eq!(
        read(&app, &derm, &case).await.status,
        CaseStatus::InfoRequested,
        "the asker still sees it"
    );

    let res = act(
        &app,
        &gp,
        &case,
        "reply",
        json!({"message": "Itchy for two weeks."}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let back: Case = res.json().await.unwrap();
    assert_eq!(
        back.status,
        CaseStatus::Claimed,
        "back to the dermatologist who asked"
    );
    assert_eq!(back.claimed_by, Some(derm_id));
    assert_eq!(
        back.info_requests[0].reply.as_deref(),
        Some("Itchy for two weeks.")
    );

    let res = act(&app, &derm, &case, "answer", answer_body()).await;
    assert_eq!(res.status(), 200);
    let answered = read(&app, &gp, &case).await;
    assert_eq!(answered.status, CaseStatus::Answered);
    let answer = answered.answer.as_ref().unwrap();
    assert_eq!(answer.management, Management::InPersonConsult);
    assert_eq!(
        (answer.delay_days, answer.icd10.as_deref()),
        (Some(7), Some("D22.6"))
    );
    assert_eq!(answer.dermatologist_id, derm_id);
    assert_eq!(
        read(&app, &derm, &case).await.answer.as_ref(),
        Some(answer),
        "the answerer still sees it"
    );

    let res = act(&app, &gp, &case, "close", json!({"rating": 5})).await;
    assert_eq!(res.status(), 200);
    let closed = read(&app, &gp, &case).await;
    assert_eq!(closed.status, CaseStatus::Closed);
    let kinds: Vec<_> = closed.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "claimed",
            "info_requested",
            "replied",
            "answered",
            "closed"
        ]
    );

    for (path, bytes) in app.data_folder_bytes() {
        for plain in [
            "Dysplastic naevus",
            "Itchy for two weeks",
            "dermoscopy photo",
            "dermatology clinic",
        ] {
            assert!(
                !contains(&bytes, plain.as_bytes()),
                "{} holds {plain}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_reply_goes_to_the_queue_when_the_asker_is_off_call() {
    let app = spawn_app().await;
    let (gp, derm, coord) = (
        app.token("gp13").await,
        app.token("derm1").await,
        app.token("coord").await,
    );
    let case = submitted_and_claimed(&app, &gp, &derm).await;
    let ask = json!({"message": "How long has it been there?"});
    assert_eq!(
        act(&app, &derm, &case, "request-info", ask).await.status(),
        200
    );
    let shifts: Vec<Shift> = app
        .get("/api/v1/shifts?territory=13", Some(&coord))
        .await
        .json()
        .await
        .unwrap();
    for s in shifts {
        app.delete(&format!("/api/v1/shifts/{}", s.id), Some(&coord))
            .await;
    }
    let res = act(&app, &gp, &case, "reply", json!({"message": "Six months."})).await;
    let back: Case = res.json().await.unwrap();
    assert_eq!(back.status, CaseStatus::Queued);
    assert_eq!(back.claimed_by, None);
}

#[tokio::test]
async fn invalid_transitions_are_409_and_change_nothing() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let photo = vec![("overview", fixtures::jpeg(&fixtures::lesion(16, 16)))];
    let queued: Case = app
        .submit_case(&gp, &case_json(), &photo)
        .await
        .json()
        .await
        .unwrap();

    let p = assert_problem(
        act(&app, &derm, &queued, "answer", answer_body()).await,
        409,
        "invalid_state",
    )
    .await;
    assert_eq!(p.detail, "cannot answer a case that is queued");
    assert_problem(
        act(&app, &gp, &queued, "reply", json!({"message": "hi"})).await,
        409,
        "invalid_state",
    )
    .await;
    assert_problem(
        act(&app, &gp, &queued, "close", json!({})).await,
        409,
        "invalid_state",
    )
    .await;
    assert_eq!(
        read(&app, &gp, &queued).await.events.len(),
        1,
        "nothing changed"
    );

    let answered = submitted_and_claimed(&app, &gp, &derm).await;
    assert_eq!(
        act(&app, &derm, &answered, "answer", answer_body())
            .await
            .status(),
        200
    );
    let p = assert_problem(
        act(&app, &gp, &answered, "cancel", json!({})).await,
        409,
        "invalid_state",
    )
    .await;
    assert_eq!(p.detail, "cannot cancel a case that is answered");
    assert_problem(
        act(&app, &derm, &answered, "answer", answer_body()).await,
        409,
        "invalid_state",
    )
    .await;
    assert_eq!(
        read(&app, &gp, &answered).await.status,
        CaseStatus::Answered
    );

    let res = act(&app, &gp, &queued, "cancel", json!({})).await;
    assert_eq!(
        res.json::<Case>().await.unwrap().status,
        CaseStatus::Cancelled
    );
    assert_problem(
        app.post(
            &format!("/api/v1/cases/{}/claim", queued.id),
            Some(&derm),
            &(),
        )
        .await,
        409,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn only_the_claimer_answers_and_only_the_owner_replies() {
    let app = spawn_app().await;
    let (gp13, gp84) = (app.token("gp13").await, app.token("gp84").await);
    let (derm1, derm2) = (app.token("derm1").await, app.token("derm2").await);
    let case = submitted_and_claimed(&app, &gp13, &derm1).await;
    // derm2 does not work territory 13: the case does not exist for it.
    assert_problem(
        act(&app, &derm2, &case, "answer", answer_body()).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &derm2, &case, "request-info", json!({"message": "?"})).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &gp84, &case, "cancel", json!({})).await,
        404,
        "not_found",
    )
    .await;
    for role in ["coord", "admin"] {
        let token = app.token(role).await;
        assert_problem(
            act(&app, &token, &case, "answer", answer_body()).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(
            act(&app, &token, &case, "reply", json!({"message": "x"})).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_problem(
        act(&app, &gp13, &case, "answer", answer_body()).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn answers_and_ratings_are_validated() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let case = submitted_and_claimed(&app, &gp, &derm).await;
    let mut bad = answer_body();
    bad["diagnosis"] = json!(" ");
    bad["delay_days"] = serde_json::Value::Null;
    bad["icd10"] = json!("not a code!");
    let p = assert_problem(
        act(&app, &derm, &case, "answer", bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["diagnosis", "icd10", "delay_days"]);
    let mut reassure = answer_body();
    reassure["management"] = json!("reassure");
    reassure["delay_days"] = serde_json::Value::Null;
    assert_eq!(
        act(&app, &derm, &case, "answer", reassure).await.status(),
        200
    );
    let p = assert_problem(
        act(&app, &gp, &case, "close", json!({"rating": 7})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["rating"]);
}

#[tokio::test]
async fn outcomes_are_recorded_by_the_gp_or_the_answering_dermatologist() {
    let app = spawn_app().await;
    let (gp, derm, derm2) = (
        app.token("gp13").await,
        app.token("derm1").await,
        app.token("derm2").await,
    );
    let case = submitted_and_claimed(&app, &gp, &derm).await;
    let early = json!({"biopsy_date": "2026-12-03"});
    assert_problem(
        act(&app, &gp, &case, "outcome", early.clone()).await,
        409,
        "invalid_state",
    )
    .await;
    assert_eq!(
        act(&app, &derm, &case, "answer", answer_body())
            .await
            .status(),
        200
    );

    // The day in the territory's zone (13: Paris), as the server dates the case: in UTC it is
    // still the day before for an hour or two after local midnight.
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let biopsy = today + chrono::Duration::days(3);
    let res = act(
        &app,
        &gp,
        &case,
        "outcome",
        json!({"in_person_date": today, "biopsy_date": biopsy}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let res = act(&app, &derm, &case, "outcome",
        json!({"histology_result": "Superficial spreading melanoma, Breslow 0.4 mm", "histology_date": biopsy + chrono::Duration::days(10)})).await;
    assert_eq!(res.status(), 200);
    let seen = read(&app, &gp, &case).await;
    let outcome = seen.outcome.unwrap();
    assert_eq!(
        outcome.in_person_date,
        Some(today),
        "earlier fields are kept"
    );
    assert_eq!(outcome.biopsy_date, Some(biopsy));
    assert_eq!(
        outcome.histology_result.as_deref(),
        Some("Superficial spreading melanoma, Breslow 0.4 mm")
    );
    assert_eq!(
        seen.events
            .iter()
            .filter(|e| e.kind == "outcome_recorded")
            .count(),
        2
    );

    assert_problem(
        act(&app, &derm2, &case, "outcome", early).await,
        404,
        "not_found",
    )
    .await;
    let p = assert_problem(
        act(
            &app,
            &gp,
            &case,
            "outcome",
            json!({"treatment_date": "2001-01-01"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["treatment_date"]);
    for (path, bytes) in app.data_folder_bytes() {
        assert!(
            !contains(&bytes, b"Breslow"),
            "{} holds the histology",
            path.display()
        );
    }
}

#[tokio::test]
async fn a_reply_may_bring_new_photos_through_the_same_intake() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let case = submitted_and_claimed(&app, &gp, &derm).await;
    let ask = json!({"message": "Please add a dermoscopy photo.", "wants_new_photos": true});
    assert_eq!(
        act(&app, &derm, &case, "request-info", ask).await.status(),
        200
    );
    let blobs_before = app.blob_files().len();

    // A damaged photo: refused, and nothing changes.
    let res = app
        .reply_with_photos(
            &gp,
            case.id,
            "Here it is.",
            &[("dermoscopy", fixtures::read("truncated.jpg"))],
        )
        .await;
    assert_problem(res, 422, "image_corrupt").await;
    let unchanged = read(&app, &gp, &case).await;
    assert_eq!(unchanged.status, CaseStatus::InfoRequested);
    assert_eq!(unchanged.photos.len(), 1);
    assert_eq!(app.blob_files().len(), blobs_before);

    let res = app
        .reply_with_photos(
            &gp,
            case.id,
            "Here it is.",
            &[("dermoscopy", fixtures::read("lesion-gps.jpg"))],
        )
        .await;
    assert_eq!(res.status(), 200);
    let back: Case = res.json().await.unwrap();
    assert_eq!(back.status, CaseStatus::Claimed);
    assert_eq!(back.photos.len(), 2);
    let new = &back.photos[1];
    assert!(
        new.metadata_removed.iter().any(|r| r == "gps"),
        "{:?}",
        new.metadata_removed
    );
    assert_eq!(app.blob_files().len(), blobs_before + 1);
    let bytes = app
        .get(
            &format!("/api/v1/cases/{}/photos/{}", case.id, new.id),
            Some(&derm),
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert!(!contains(&bytes, fixtures::PLANTED_SERIAL.as_bytes()));
    assert_eq!(back.info_requests[0].reply.as_deref(), Some("Here it is."));
}
