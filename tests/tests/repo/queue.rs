//! `QueueRepo::queued_cases`: which queued cases a dermatologist sees, in which order.

use chrono::{TimeZone, Utc};
use telederm_server::{
    db::{CaseRecord, Effects, SlaStep},
    domain::Priority,
};
use uuid::Uuid;

use crate::setup::{case, codes, mins, World};

fn ids(cases: Vec<CaseRecord>) -> Vec<Uuid> {
    cases.into_iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn urgent_first_then_earliest_due_unknown_due_last_then_earliest_submitted() {
    let w = World::new().await;
    let repo = &w.repo;
    use Priority::{Routine, Urgent};
    let routine_due_100 = w.queued("13", Routine, 0, Some(100)).await;
    let urgent_no_due = w.queued("13", Urgent, 10, None).await;
    let urgent_due_200 = w.queued("13", Urgent, 5, Some(200)).await;
    let routine_no_due = w.queued("13", Routine, 1, None).await;
    let urgent_due_50 = w.queued("13", Urgent, 20, Some(50)).await;
    let routine_due_100_later = w.queued("13", Routine, 2, Some(100)).await;
    // Due on a whole second: stored without a fraction, it must still sort by time.
    let whole_second = Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap();
    let routine_due_30 = w
        .submit(case(w.gp13, "13", Routine, mins(3), Some(whole_second)))
        .await;
    let urgent_no_due_earlier = w.queued("13", Urgent, 9, None).await;

    // Not queued, or elsewhere: never listed.
    let claimed = w.queued("13", Urgent, 0, Some(10)).await;
    w.claim(claimed, w.derm1).await;
    let cancelled = w.queued("13", Urgent, 0, Some(10)).await;
    assert!(repo
        .cancel(cancelled, w.gp13, mins(1), &Effects::default())
        .await
        .unwrap());
    let elsewhere = w.queued("84", Urgent, 0, Some(70)).await;

    let expected = [
        urgent_due_50,
        urgent_due_200,
        urgent_no_due_earlier,
        urgent_no_due,
        routine_due_30,
        routine_due_100,
        routine_due_100_later,
        routine_no_due,
    ];
    assert_eq!(
        ids(repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap()),
        expected
    );
    assert_eq!(
        ids(repo.queued_cases(&codes(&["13"]), &[], 3).await.unwrap()),
        expected[..3]
    );
    let both = ids(repo
        .queued_cases(&codes(&["84", "13"]), &[], 50)
        .await
        .unwrap());
    assert_eq!(both[..2], [urgent_due_50, elsewhere]);
    assert_eq!(both.len(), expected.len() + 1);
    assert!(repo.queued_cases(&[], &[], 50).await.unwrap().is_empty());
    assert!(repo
        .queued_cases(&codes(&["04"]), &[], 50)
        .await
        .unwrap()
        .is_empty());

    // Records come back whole.
    let first = &repo.queued_cases(&codes(&["13"]), &[], 1).await.unwrap()[0];
    assert_eq!(
        (first.gp_id, first.due_at, first.claimed_by),
        (w.gp13, Some(mins(50)), None)
    );
    assert_eq!(first.submitted_at, mins(20));
}

#[tokio::test]
async fn cases_of_other_territories_are_seen_once_offered_to_their_fallbacks() {
    let w = World::new().await;
    let repo = &w.repo;
    let here = w.queued("84", Priority::Routine, 0, Some(100)).await;
    let away = w.queued("13", Priority::Urgent, 0, Some(100)).await;
    let not_offered = w.queued("13", Priority::Urgent, 1, Some(90)).await;

    // 13 falls back to 84: its cases show up in 84's queue once offered, not before.
    let mine = codes(&["84"]);
    let offering = codes(&["13"]);
    assert_eq!(
        ids(repo.queued_cases(&mine, &offering, 50).await.unwrap()),
        [here]
    );
    assert!(repo
        .take_sla_step(away, SlaStep::Offer, mins(80), &Effects::default())
        .await
        .unwrap());
    assert_eq!(
        ids(repo.queued_cases(&mine, &offering, 50).await.unwrap()),
        [away, here]
    );
    assert_eq!(
        ids(repo.queued_cases(&[], &offering, 50).await.unwrap()),
        [away]
    );
    // Offered from elsewhere only counts for the territories named.
    assert_eq!(
        ids(repo.queued_cases(&mine, &codes(&["04"]), 50).await.unwrap()),
        [here]
    );
    // 13's own dermatologists see both, offered or not.
    assert_eq!(
        ids(repo.queued_cases(&codes(&["13"]), &[], 50).await.unwrap()),
        [not_offered, away]
    );
}
