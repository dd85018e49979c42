//! `TerritoryRepo`: territories with their ordered fallbacks, working hours and holidays.

use chrono::NaiveDate;
use telederm_schemas as wire;
use telederm_server::{
    db::{Effects, RepoError},
    domain::{calendar::WorkingHours, Territory, Timezone},
};

use crate::setup::{audit_actions, audited, code, fresh_repo, territory};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// 83, with its own hours and holidays.
fn var() -> Territory {
    Territory::parse(&wire::CreateTerritory {
        code: "83".into(),
        name: "Var".into(),
        timezone: Some("Europe/Paris".into()),
        fallbacks: vec!["84".into(), "13".into(), "04".into()],
        working_hours: Some(wire::WorkingHours {
            days: vec!["mon".into(), "wed".into(), "sat".into()],
            start: "07:30".into(),
            end: "18:15".into(),
        }),
        holidays: vec![day(12, 25), day(5, 1)],
    })
    .unwrap()
}

#[tokio::test]
async fn territories_round_trip_with_ordered_fallbacks_hours_and_holidays() {
    let (repo, _dir) = fresh_repo().await;
    for c in ["13", "84", "04"] {
        repo.create_territory(&territory(c, &[]), crate::setup::t0(), &Effects::default())
            .await
            .unwrap();
    }
    let mut t = var();
    repo.create_territory(&t, crate::setup::t0(), &audited("territory.created"))
        .await
        .unwrap();
    assert_eq!(repo.territory(&code("83")).await.unwrap(), Some(t.clone()));

    // A taken code is a conflict, and nothing of the attempt is written.
    assert!(matches!(
        repo.create_territory(
            &territory("83", &[]),
            crate::setup::t0(),
            &audited("territory.again")
        )
        .await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(repo.territory(&code("83")).await.unwrap(), Some(t.clone()));

    // An update replaces every list (fallbacks, holidays), hours, name and timezone.
    t.fallbacks = vec![code("04")];
    t.timezone = Timezone::parse("Europe/Brussels").unwrap();
    t.holidays = [day(7, 14)].into();
    t.hours = WorkingHours::default();
    assert!(repo
        .update_territory(&t, &audited("territory.updated"))
        .await
        .unwrap());
    assert_eq!(repo.territory(&code("83")).await.unwrap(), Some(t.clone()));
    assert!(!repo
        .update_territory(&territory("99", &[]), &audited("territory.missing"))
        .await
        .unwrap());
    assert_eq!(repo.territory(&code("99")).await.unwrap(), None);

    let all = repo.list_territories().await.unwrap();
    let codes: Vec<_> = all.iter().map(|t| t.code.to_string()).collect();
    assert_eq!(codes, ["04", "13", "83", "84"]);
    // Each listed with its own lists.
    assert_eq!(all[2], t);
    assert_eq!(all[0], territory("04", &[]));

    assert_eq!(
        audit_actions(&repo).await,
        ["territory.created", "territory.updated"]
    );
}
