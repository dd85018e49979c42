//! Erasure by crypto-shredding: an administrator's erasure of a closed case, and the purge of
//! cases past their territory's retention period. Blobs are read through the `BlobStore` trait,
//! so these run on any store.

use serde_json::{json, Value};
use telederm_schemas::{AuditPage, Case, CaseSummary};
use telederm_server::{
    crypto::{open, ObjectRef},
    retention::Eraser,
    store::{BlobKey, StoreError},
};
use telederm_tests::{assert_problem, fixtures, spawn_app, spawn_app_on_s3, TestApp};
use uuid::Uuid;

use crate::web_browser::Browser;

fn eraser(app: &TestApp) -> Eraser {
    Eraser::new(
        app.state.repo.clone(),
        app.state.store.clone(),
        app.state.clock.clone(),
    )
}

/// A case with everything sealed a case can hold: a question with new photos and its reply, an
/// answer, a histology result; then closed.
async fn closed_case(app: &TestApp, gp: &str, derm: &str) -> Case {
    let case = app.submit_small(gp, "urgent").await;
    app.claim_ok(derm, case.id).await;
    app.request_info_ok(derm, case.id, true).await;
    // The reply, with a new photo, goes back to the dermatologist who asked.
    let photo = vec![("closeup", fixtures::jpeg(&fixtures::lesion(16, 16)))];
    let res = app
        .reply_with_photos(gp, case.id, "Bigger since.", &photo)
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    app.answer_ok(derm, case.id).await;
    let today = app.today();
    app.act_ok(
        gp,
        case.id,
        "outcome",
        json!({"biopsy_date": today, "histology_result": "Melanoma in situ", "histology_date": today}),
    )
    .await;
    app.act_ok(gp, case.id, "close", json!({"rating": 4})).await
}

/// Every figure a coordinator reads, as JSON.
async fn figures(app: &TestApp, coord: &str) -> Vec<Value> {
    let enc = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339().replace('+', "%2B");
    let period = format!(
        "from={}&to={}",
        enc(app.now() - chrono::Duration::days(2)),
        enc(app.now() + chrono::Duration::days(1))
    );
    let mut out = Vec::new();
    for path in [
        format!("/api/v1/reports/sla?{period}"),
        format!("/api/v1/reports/sla?{period}&group_by=priority"),
        format!("/api/v1/reports/sla?{period}&group_by=dermatologist"),
        format!("/api/v1/reports/outcomes?{period}"),
    ] {
        let res = app.get(&path, Some(coord)).await;
        assert_eq!(res.status(), 200, "{path}");
        out.push(res.json().await.unwrap());
    }
    out
}

/// How many of the keys the database and the keyring still hold open one of the sealed photos
/// of `case` (each data key tried as that case's, and as its own case's).
async fn openers(app: &TestApp, sealed: &[(Uuid, Vec<u8>)], case: Uuid) -> usize {
    let records = app
        .state
        .repo
        .data_keys_not_under("none", 10_000)
        .await
        .unwrap();
    let mut opening = 0;
    for record in &records {
        let key = app.state.keys.unwrap(record, record.case_id).unwrap();
        let opens = sealed.iter().any(|(pid, bytes)| {
            [case, record.case_id]
                .iter()
                .any(|owner| open(&key, *owner, ObjectRef::Photo(*pid), bytes).is_ok())
        });
        opening += usize::from(opens);
    }
    opening
}

#[tokio::test]
async fn an_admin_erases_a_closed_case_and_nothing_of_it_opens_any_more() {
    erases_a_closed_case(spawn_app().await).await;
}

/// The same with the photos in a bucket: the objects are deleted, and the sealed bytes saved
/// before open with no key left.
#[tokio::test]
async fn a_case_erased_on_s3_leaves_nothing_that_opens() {
    let Some(app) = spawn_app_on_s3().await else {
        return;
    };
    erases_a_closed_case(app).await;
}

async fn erases_a_closed_case(app: TestApp) {
    let (gp, derm, admin, coord) = (
        app.token("gp13").await,
        app.token("derm1").await,
        app.token("admin").await,
        app.token("coord").await,
    );
    let case = closed_case(&app, &gp, &derm).await;
    let in_progress = app.submit_small(&gp, "routine").await;
    assert_eq!(case.photos.len(), 2, "the submission's and the reply's");
    let store = app.state.store.clone();
    let mut old_blobs = Vec::new();
    for p in &case.photos {
        let sealed = store.get(&BlobKey::photo(case.id, p.id)).await.unwrap();
        old_blobs.push((p.id, sealed));
    }
    let before = figures(&app, &coord).await;
    // The check below finds the key that opens them while there is one.
    assert_eq!(openers(&app, &old_blobs, case.id).await, 1);

    let erase = |token: &str, id: Uuid| {
        let (app, token) = (&app, token.to_owned());
        async move {
            app.post(
                &format!("/api/v1/cases/{id}/erase"),
                Some(&token),
                &json!({}),
            )
            .await
        }
    };
    // Not the GP's to erase, and not a case still in progress.
    assert_problem(erase(&gp, case.id).await, 403, "forbidden").await;
    assert_problem(erase(&admin, in_progress.id).await, 409, "invalid_state").await;
    assert_problem(erase(&admin, Uuid::new_v4()).await, 404, "not_found").await;
    assert_eq!(erase(&admin, case.id).await.status(), 204);
    assert_problem(erase(&admin, case.id).await, 410, "case_erased").await;

    // Erased everywhere a reader looks.
    for token in [&gp, &derm] {
        let res = app
            .get(&format!("/api/v1/cases/{}", case.id), Some(token))
            .await;
        assert_problem(res, 410, "case_erased").await;
    }
    let photo = format!("/api/v1/cases/{}/photos/{}", case.id, case.photos[0].id);
    assert_problem(app.get(&photo, Some(&gp)).await, 410, "case_erased").await;
    let list: Vec<CaseSummary> = app
        .get("/api/v1/cases", Some(&gp))
        .await
        .json()
        .await
        .unwrap();
    let line = list.iter().find(|c| c.id == case.id).unwrap();
    assert_eq!(
        (
            line.patient_ref.as_str(),
            line.body_site.as_str(),
            line.photo_count
        ),
        ("(erased)", "(erased)", 0)
    );
    let mut browser = Browser::new(&app);
    browser.sign_in("gp13", "/cases").await;
    let page = browser.page(&format!("/cases/{}", case.id), 410).await;
    assert!(page.contains("Cette demande a été effacée"), "{page}");
    let list = browser.page("/cases", 200).await;
    assert!(list.contains("Demande effacée"), "{list}");

    // The sealed bytes saved before are gone from the store, and no key left opens them.
    for (pid, _) in &old_blobs {
        let gone = store.get(&BlobKey::photo(case.id, *pid)).await;
        assert!(matches!(gone, Err(StoreError::NotFound(_))), "{gone:?}");
    }
    let repo = &app.state.repo;
    assert!(repo.data_key(case.id).await.unwrap().is_none());
    let stored = repo.case(case.id).await.unwrap().unwrap();
    assert!(stored.clinical.is_empty() && stored.erased_at.is_some());
    assert_eq!(openers(&app, &old_blobs, case.id).await, 0);
    let remaining = repo.data_keys_not_under("none", 10_000).await.unwrap();
    assert!(!remaining.is_empty(), "the case in progress keeps its key");

    // The figures are those of before; the trail has one erasure line and still verifies.
    assert_eq!(figures(&app, &coord).await, before);
    app.seal_audit().await;
    let trail: AuditPage = app
        .get(
            &format!("/api/v1/audit?case={}&action=case.erased", case.id),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trail.entries.len(), 1);
    assert_eq!(
        trail.entries[0].detail,
        Some(json!({"reason": "administrator"}))
    );
    let verified = app.verify_audit(&admin).await;
    assert!(verified.intact, "{verified:?}");
}

#[tokio::test]
async fn purge_erases_only_closed_cases_past_their_territorys_retention() {
    let app = spawn_app().await;
    let (gp13, gp84, derm1, derm2, admin, coord) = (
        app.token("gp13").await,
        app.token("gp84").await,
        app.token("derm1").await,
        app.token("derm2").await,
        app.token("admin").await,
        app.token("coord").await,
    );
    let retention = "/api/v1/territories/13/retention";
    let got: Value = app.get(retention, Some(&coord)).await.json().await.unwrap();
    assert_eq!(got, json!({"retention_days": 3650}));
    let set = |token: &str, days: u32| {
        let (app, token) = (&app, token.to_owned());
        async move {
            app.put(retention, Some(&token), &json!({"retention_days": days}))
                .await
        }
    };
    assert_problem(set(&coord, 30).await, 403, "forbidden").await;
    assert_problem(set(&admin, 0).await, 422, "validation_failed").await;
    assert_eq!(set(&admin, 30).await.status(), 200);
    let got: Value = app.get(retention, Some(&coord)).await.json().await.unwrap();
    assert_eq!(got, json!({"retention_days": 30}));

    let old13 = closed_case(&app, &gp13, &derm1).await;
    let old84 = closed_case(&app, &gp84, &derm2).await;
    let answered = app.submit_small(&gp13, "urgent").await;
    app.claim_ok(&derm1, answered.id).await;
    app.answer_ok(&derm1, answered.id).await;
    let before = figures(&app, &coord).await;

    app.advance(chrono::Duration::days(29));
    assert!(eraser(&app).purge(None).await.unwrap().erased.is_empty());
    app.advance(chrono::Duration::days(2));
    let report = eraser(&app).purge(None).await.unwrap();
    assert_eq!(report.erased, vec![old13.id], "84 keeps its cases 10 years");
    assert_eq!(report.blobs_left, 0);
    let res = app
        .get(&format!("/api/v1/cases/{}", old13.id), Some(&gp13))
        .await;
    assert_problem(res, 410, "case_erased").await;

    // With a date, every case closed before it, whatever its territory; never an open one.
    let report = eraser(&app).purge(Some(app.now())).await.unwrap();
    assert_eq!(report.erased, vec![old84.id]);
    assert_eq!(
        app.case(&gp13, answered.id).await.status.to_string(),
        "answered"
    );
    app.clock.set(app.now() - chrono::Duration::days(31));
    assert_eq!(figures(&app, &coord).await, before);
    app.seal_audit().await;
    let verified = app.verify_audit(&admin).await;
    assert!(verified.intact, "{verified:?}");
}
