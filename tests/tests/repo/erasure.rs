//! Erasure: a case's data key, photos and sealed text go in one transaction, only from the
//! statuses given; what reports count stays. Retention periods per territory.

use telederm_server::{
    db::Effects,
    domain::CaseStatus::{self, *},
};
use uuid::Uuid;

use crate::{
    actions::case_in,
    setup::{audit_actions, audited, data_key, mins, photo, World},
};

#[tokio::test]
async fn erasing_a_case_destroys_its_key_photos_and_text_and_keeps_its_figures() {
    let w = World::new().await;
    let repo = &w.repo;
    let closed = case_in(&w, Closed).await;
    let queued = w
        .queued("13", telederm_server::domain::Priority::Routine, 0, None)
        .await;
    let mut c = telederm_server::db::CaseRecord {
        id: Uuid::new_v4(),
        ..w.case(queued).await
    };
    c.clinical = b"sealed".to_vec();
    let pictured = c.id;
    let photos = [photo(pictured, 0, mins(0)), photo(pictured, 1, mins(0))];
    repo.create_case(&c, &photos, &data_key(pictured, "k1"), &Effects::default())
        .await
        .unwrap();

    // Only from the statuses given.
    let none = repo
        .erase_case(
            queued,
            &[Closed, Cancelled],
            mins(10),
            &audited("case.erased"),
        )
        .await
        .unwrap();
    assert_eq!(none, None);
    assert!(repo.data_key(queued).await.unwrap().is_some());
    let mut keys = repo
        .erase_case(pictured, &[Queued], mins(10), &audited("case.erased"))
        .await
        .unwrap()
        .unwrap();
    keys.sort();
    let mut expected: Vec<String> = photos.iter().map(|p| p.blob_key.clone()).collect();
    expected.sort();
    assert_eq!(keys, expected);
    assert!(repo.photos_of_cases(&[pictured]).await.unwrap().is_empty());
    assert!(!repo
        .referenced_blob_keys()
        .await
        .unwrap()
        .iter()
        .any(|k| keys.contains(k)));

    let events_before = repo.events(closed).await.unwrap().len();
    let answered_at = repo.answer_of(closed).await.unwrap().unwrap().answered_at;
    let erased = repo
        .erase_case(closed, &[Closed], mins(10), &audited("case.erased"))
        .await
        .unwrap();
    assert_eq!(erased, Some(Vec::new()));
    let c = w.case(closed).await;
    assert_eq!(
        (c.erased_at, c.clinical.is_empty(), c.phototype),
        (Some(mins(10)), true, None)
    );
    assert!(repo.data_key(closed).await.unwrap().is_none());
    let answer = repo.answer_of(closed).await.unwrap().unwrap();
    assert_eq!(
        (answer.sealed.is_empty(), answer.answered_at),
        (true, answered_at)
    );
    assert_eq!(repo.events(closed).await.unwrap().len(), events_before);
    // Once only.
    let again = repo
        .erase_case(closed, &[Closed], mins(11), &Effects::default())
        .await
        .unwrap();
    assert_eq!(again, None);
    let erasures = audit_actions(repo)
        .await
        .into_iter()
        .filter(|a| a == "case.erased")
        .count();
    assert_eq!(erasures, 2);
}

#[tokio::test]
async fn closed_cases_are_found_by_closing_time_and_territory_and_periods_are_kept() {
    let w = World::new().await;
    let repo = &w.repo;
    let closed = case_in(&w, Closed).await; // closed at mins(3), in 13
    let _answered = case_in(&w, CaseStatus::Answered).await;
    assert_eq!(
        repo.closed_before("13", mins(3), 10).await.unwrap(),
        Vec::<Uuid>::new()
    );
    assert_eq!(
        repo.closed_before("13", mins(4), 10).await.unwrap(),
        vec![closed]
    );
    assert!(repo
        .closed_before("84", mins(4), 10)
        .await
        .unwrap()
        .is_empty());
    repo.erase_case(closed, &[Closed], mins(5), &Effects::default())
        .await
        .unwrap();
    assert!(repo
        .closed_before("13", mins(6), 10)
        .await
        .unwrap()
        .is_empty());

    let periods = repo.retention_periods().await.unwrap();
    assert_eq!(
        periods,
        vec![
            ("04".into(), 3650),
            ("13".into(), 3650),
            ("84".into(), 3650)
        ]
    );
    assert!(repo
        .set_retention_days("13", 30, &audited("territory.retention_set"))
        .await
        .unwrap());
    assert!(!repo
        .set_retention_days("nowhere", 30, &Effects::default())
        .await
        .unwrap());
    let periods = repo.retention_periods().await.unwrap();
    assert_eq!(periods[1], ("13".into(), 30));
}
