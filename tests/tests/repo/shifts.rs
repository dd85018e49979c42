//! `ShiftRepo`: the on-call rota.

use chrono::{Duration, TimeZone, Utc};
use telederm_server::{
    db::{Effects, RepoError},
    domain::{Role, Shift, ShiftId, UserId},
};

use crate::setup::{audit_actions, audited, code, fresh_repo, territory, user};

fn shift(derm: UserId, territory: &str, start_hour: i64, hours: i64) -> Shift {
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    Shift {
        id: ShiftId::new(),
        dermatologist: derm,
        territory: code(territory),
        // Sub-second precision must survive the round trip and still compare correctly.
        starts_at: t0 + Duration::hours(start_hour) + Duration::microseconds(250),
        ends_at: t0 + Duration::hours(start_hour + hours),
    }
}

#[tokio::test]
async fn shifts_overlap_a_period_half_open() {
    let (repo, _dir) = fresh_repo().await;
    repo.create_territory(
        &territory("13", &[]),
        crate::setup::t0(),
        &Effects::default(),
    )
    .await
    .unwrap();
    let derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    repo.create_user(&derm, "h", None, &Effects::default())
        .await
        .unwrap();
    let morning = shift(derm.id, "13", 0, 4);
    let evening = shift(derm.id, "13", 10, 4);
    let t0 = morning.starts_at - Duration::microseconds(250);
    repo.create_shift(
        &morning,
        derm.id,
        crate::setup::t0(),
        &audited("shift.created"),
    )
    .await
    .unwrap();
    repo.create_shift(
        &evening,
        derm.id,
        crate::setup::t0(),
        &audited("shift.created"),
    )
    .await
    .unwrap();

    assert_eq!(repo.shift(morning.id).await.unwrap(), Some(morning.clone()));
    assert_eq!(repo.shift(ShiftId::new()).await.unwrap(), None);
    let all = repo
        .shifts_overlapping(&code("13"), t0 - Duration::days(1), t0 + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(all, [morning.clone(), evening.clone()]);
    // A period that ends when the evening shift starts does not overlap it.
    let first = repo
        .shifts_overlapping(&code("13"), t0 + Duration::hours(3), evening.starts_at)
        .await
        .unwrap();
    assert_eq!(first, std::slice::from_ref(&morning));
    // Ten microseconds into the morning, before its odd start: nothing yet.
    let none = repo
        .shifts_overlapping(
            &code("13"),
            t0 - Duration::hours(1),
            t0 + Duration::microseconds(10),
        )
        .await
        .unwrap();
    assert!(none.is_empty());
    assert!(repo
        .shifts_overlapping(&code("84"), t0, t0 + Duration::days(1))
        .await
        .unwrap()
        .is_empty());

    assert!(repo
        .delete_shift(morning.id, &audited("shift.deleted"))
        .await
        .unwrap());
    assert!(!repo
        .delete_shift(morning.id, &audited("shift.deleted.again"))
        .await
        .unwrap());
    assert_eq!(repo.shift(morning.id).await.unwrap(), None);
    assert_eq!(
        audit_actions(&repo).await,
        ["shift.created", "shift.created", "shift.deleted"]
    );
}

#[tokio::test]
async fn a_dermatologist_cannot_be_on_call_twice_in_a_territory_at_once() {
    let (repo, _dir) = fresh_repo().await;
    for c in ["13", "84"] {
        repo.create_territory(&territory(c, &[]), crate::setup::t0(), &Effects::default())
            .await
            .unwrap();
    }
    let derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    let other = user("other@x.fr", Role::Dermatologist, None, &[]);
    for u in [&derm, &other] {
        repo.create_user(u, "h", None, &Effects::default())
            .await
            .unwrap();
    }
    let day = shift(derm.id, "13", 0, 8);
    repo.create_shift(&day, derm.id, crate::setup::t0(), &Effects::default())
        .await
        .unwrap();

    let overlapping = shift(derm.id, "13", 7, 4);
    match repo
        .create_shift(
            &overlapping,
            derm.id,
            crate::setup::t0(),
            &audited("shift.overlapping"),
        )
        .await
    {
        Err(RepoError::Conflict(message)) => assert!(message.contains(&day.id.to_string())),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(repo.shift(overlapping.id).await.unwrap(), None);
    assert!(audit_actions(&repo).await.is_empty());

    // Another territory, another dermatologist, or right after: all fine.
    let mut after = shift(derm.id, "13", 8, 2);
    after.starts_at = day.ends_at;
    for s in [
        shift(derm.id, "84", 2, 4),
        shift(other.id, "13", 2, 4),
        after,
    ] {
        repo.create_shift(&s, derm.id, crate::setup::t0(), &Effects::default())
            .await
            .unwrap();
        assert_eq!(repo.shift(s.id).await.unwrap(), Some(s));
    }
}

#[tokio::test]
async fn a_shift_moves_in_place_unless_its_new_times_overlap_another_of_the_dermatologist() {
    let (repo, _dir) = fresh_repo().await;
    repo.create_territory(
        &territory("13", &[]),
        crate::setup::t0(),
        &Effects::default(),
    )
    .await
    .unwrap();
    let derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    repo.create_user(&derm, "h", None, &Effects::default())
        .await
        .unwrap();
    let morning = shift(derm.id, "13", 0, 4);
    let evening = shift(derm.id, "13", 10, 4);
    for s in [&morning, &evening] {
        repo.create_shift(s, derm.id, crate::setup::t0(), &Effects::default())
            .await
            .unwrap();
    }
    // Later in the morning: in place, same id, audited with it.
    let (starts, ends) = (
        morning.starts_at + Duration::hours(1),
        morning.ends_at + Duration::hours(2),
    );
    assert!(repo
        .move_shift(morning.id, starts, ends, &audited("shift.moved"))
        .await
        .unwrap());
    let moved = repo.shift(morning.id).await.unwrap().unwrap();
    assert_eq!((moved.starts_at, moved.ends_at), (starts, ends));
    assert_eq!(moved.dermatologist, derm.id);
    assert_eq!(audit_actions(&repo).await, ["shift.moved"]);

    // Onto the evening: refused, nothing changed, nothing audited.
    let onto = (evening.starts_at - Duration::hours(1), evening.ends_at);
    let refused = repo
        .move_shift(morning.id, onto.0, onto.1, &audited("shift.moved"))
        .await;
    assert!(
        matches!(refused, Err(RepoError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(repo.shift(morning.id).await.unwrap(), Some(moved));
    assert_eq!(audit_actions(&repo).await, ["shift.moved"]);
    // Over itself is no overlap; a shift that is gone is said so.
    assert!(repo
        .move_shift(
            evening.id,
            evening.starts_at,
            evening.ends_at + Duration::hours(1),
            &Effects::default()
        )
        .await
        .unwrap());
    assert!(!repo
        .move_shift(ShiftId::new(), starts, ends, &Effects::default())
        .await
        .unwrap());
}
