//! Outcomes recorded by the GP and the answering dermatologist at the same moment: each keeps
//! the fields the other wrote.

use chrono::Duration;
use serde_json::json;
use telederm_schemas::Case;
use telederm_tests::spawn_app;

/// Cases raced at once: the old read-merge-write lost a field in most pairs, so several pairs make
/// the loss certain to show rather than likely.
const PAIRS: usize = 8;

#[tokio::test]
async fn the_gp_and_the_dermatologist_record_different_outcomes_at_once() {
    let app = spawn_app().await;
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let mut cases = Vec::new();
    for _ in 0..PAIRS {
        let case = app.submit_small(&gp, "urgent").await;
        app.claim_ok(&derm, case.id).await;
        app.answer_ok(&derm, case.id).await;
        cases.push(case.id);
    }
    let today = app.today();
    let (biopsy, treatment) = (today + Duration::days(5), today + Duration::days(20));

    let races = cases.iter().map(|id| {
        let (app, gp, derm) = (&app, &gp, &derm);
        async move {
            let (by_gp, by_derm) = tokio::join!(
                app.act(gp, *id, "outcome", json!({ "biopsy_date": biopsy })),
                app.act(derm, *id, "outcome", json!({ "treatment_date": treatment })),
            );
            assert_eq!(
                (by_gp.status().as_u16(), by_derm.status().as_u16()),
                (200, 200)
            );
        }
    });
    futures_util::future::join_all(races).await;

    let mut lost = Vec::new();
    for id in &cases {
        let case: Case = app.case(&gp, *id).await;
        let outcome = case.outcome.unwrap();
        if (outcome.biopsy_date, outcome.treatment_date) != (Some(biopsy), Some(treatment)) {
            lost.push(format!(
                "{id}: biopsy {:?}, treatment {:?}",
                outcome.biopsy_date, outcome.treatment_date
            ));
        }
        let recorded = case
            .events
            .iter()
            .filter(|e| e.kind == "outcome_recorded")
            .count();
        assert_eq!(recorded, 2, "both updates are in the history");
    }
    assert!(lost.is_empty(), "fields lost:\n{}", lost.join("\n"));
}

#[tokio::test]
async fn an_outcome_date_is_checked_against_the_day_the_case_was_sent_where_it_was_sent() {
    let app = spawn_app().await;
    // 23:30 UTC on 1 December is already 2 December in Marseille (territory 13).
    app.clock
        .set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 23, 30, 0).unwrap());
    let (gp, derm) = (app.token("gp13").await, app.token("derm1").await);
    let case = app.submit_small(&gp, "urgent").await;
    app.claim_ok(&derm, case.id).await;
    app.answer_ok(&derm, case.id).await;

    let day_before = app
        .act(
            &gp,
            case.id,
            "outcome",
            json!({"biopsy_date": "2026-12-01"}),
        )
        .await;
    assert_eq!(
        day_before.status(),
        422,
        "1 December is before the case, in Marseille"
    );
    let same_day = app
        .act(
            &gp,
            case.id,
            "outcome",
            json!({"biopsy_date": "2026-12-02"}),
        )
        .await;
    assert_eq!(same_day.status(), 200);
}
