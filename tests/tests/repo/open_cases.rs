//! `SlaRepo::open_cases`: the cases open now, whenever submitted, as the coordinators' dashboard
//! sees them (times of the ladder, no clinical field).

use telederm_server::{
    db::{Effects, OpenCaseRow},
    domain::{CaseStatus, Priority},
};
use uuid::Uuid;

use crate::{
    actions::{answer, info_request},
    setup::{as_enum, codes, mins, World},
};

fn ids(rows: &[OpenCaseRow]) -> Vec<Uuid> {
    rows.iter().map(|r| r.id).collect()
}

#[tokio::test]
async fn open_cases_are_queued_claimed_or_waiting_on_the_gp_oldest_first() {
    let w = World::new().await;
    let repo = &w.repo;
    let fx = Effects::default();
    let waiting = w.queued("13", Priority::Urgent, -5000, Some(100)).await;
    w.claim(waiting, w.derm1).await;
    assert!(repo
        .request_info(&info_request(waiting, w.derm1, 20), &fx)
        .await
        .unwrap());
    let claimed = w.queued("13", Priority::Routine, 0, Some(200)).await;
    w.claim(claimed, w.derm1).await;
    let queued84 = w.queued("84", Priority::Urgent, 10, None).await;
    let answered = w.queued("13", Priority::Urgent, 5, Some(100)).await;
    w.claim(answered, w.derm2).await;
    assert!(repo
        .answer(&answer(answered, w.derm2, 30), &fx)
        .await
        .unwrap());
    let cancelled = w.queued("13", Priority::Urgent, 6, None).await;
    assert!(repo.cancel(cancelled, w.gp13, mins(7), &fx).await.unwrap());

    let all = repo.open_cases(None).await.unwrap();
    assert_eq!(ids(&all), [waiting, claimed, queued84]);
    let c = &all[1];
    assert_eq!(
        (
            c.territory_code.as_str(),
            as_enum::<Priority>(&c.priority),
            as_enum::<CaseStatus>(&c.status),
            c.submitted_at
        ),
        ("13", Priority::Routine, CaseStatus::Claimed, mins(0))
    );
    // The ladder's times: 50 %, 80 % and 100 % of a 200-minute target.
    assert_eq!(
        (c.remind_at, c.warn_at, c.due_at),
        (Some(mins(100)), Some(mins(160)), Some(mins(200)))
    );
    assert_eq!(
        as_enum::<CaseStatus>(&all[0].status),
        CaseStatus::InfoRequested
    );
    let q = &all[2];
    assert_eq!((q.remind_at, q.warn_at, q.due_at), (None, None, None));

    let only = |list: &'static [&'static str]| async move {
        ids(&repo.open_cases(Some(codes(list).as_slice())).await.unwrap())
    };
    assert_eq!(only(&["84"]).await, [queued84]);
    assert_eq!(only(&["13"]).await, [waiting, claimed]);
    assert!(only(&["04"]).await.is_empty());
    assert!(only(&[]).await.is_empty());
}
