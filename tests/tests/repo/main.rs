//! The `Repo` contract: the same checks, through the trait, on whichever backend this run uses
//! (SQLite by default, PostgreSQL when `TELEDERM_TEST_DATABASE_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use secrecy::SecretString;
use telederm_schemas as wire;
use telederm_server::{
    db::Effects,
    db::{self, Repo, RepoError},
    domain::{
        now, DisplayName, Email, Role, Shift, ShiftId, Territory, TerritoryCode, User, UserId,
    },
};
use telederm_tests::db::{backend, fresh_database_url};

async fn fresh_repo() -> (Arc<dyn Repo>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = match fresh_database_url().await {
        Some(url) => url,
        None => SecretString::from(format!("sqlite://{}/contract.db", dir.path().display())),
    };
    let repo = db::connect(&url, 4).await.unwrap();
    repo.migrate().await.unwrap();
    (repo, dir)
}

fn territory(code: &str, fallbacks: &[&str]) -> Territory {
    Territory::parse(&wire::CreateTerritory {
        code: code.into(),
        name: format!("Territory {code}"),
        timezone: None,
        fallbacks: fallbacks.iter().map(|f| f.to_string()).collect(),
        working_hours: None,
        holidays: Vec::new(),
    })
    .unwrap()
}

fn code(c: &str) -> TerritoryCode {
    TerritoryCode::parse(c).unwrap()
}

fn user(email: &str, role: Role, home: Option<&str>, territories: &[&str]) -> User {
    User {
        id: UserId::new(),
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("Someone").unwrap(),
        role,
        home_territory: home.map(code),
        territories: territories.iter().map(|t| code(t)).collect(),
        rpps: None,
        webhook_url: None,
        disabled_at: None,
        created_at: now(),
    }
}

fn same_user(a: &User, b: &User) {
    assert_eq!(a.id, b.id);
    assert_eq!(a.email, b.email);
    assert_eq!(a.role, b.role);
    assert_eq!(a.home_territory, b.home_territory);
    assert_eq!(a.territories, b.territories);
    assert_eq!(a.created_at, b.created_at);
    assert_eq!(a.disabled_at, b.disabled_at);
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_database_answers() {
    let (repo, _dir) = fresh_repo().await;
    assert_eq!(repo.backend(), backend());
    repo.migrate().await.unwrap();
    repo.ping().await.unwrap();
}

#[tokio::test]
async fn territories_round_trip_with_ordered_fallbacks() {
    let (repo, _dir) = fresh_repo().await;
    for c in ["13", "84", "04"] {
        repo.create_territory(&territory(c, &[]), now(), &Effects::default())
            .await
            .unwrap();
    }
    let mut t = territory("83", &["84", "13", "04"]);
    repo.create_territory(&t, now(), &Effects::default())
        .await
        .unwrap();
    assert_eq!(repo.territory(&code("83")).await.unwrap(), Some(t.clone()));
    assert!(matches!(
        repo.create_territory(&territory("83", &[]), now(), &Effects::default())
            .await,
        Err(RepoError::Conflict(_))
    ));

    t.fallbacks = vec![code("04")];
    t.timezone = telederm_server::domain::Timezone::parse("Europe/Brussels").unwrap();
    assert!(repo
        .update_territory(&t, &Effects::default())
        .await
        .unwrap());
    assert_eq!(repo.territory(&code("83")).await.unwrap(), Some(t.clone()));
    assert!(!repo
        .update_territory(&territory("99", &[]), &Effects::default())
        .await
        .unwrap());

    let codes: Vec<_> = repo
        .list_territories()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code.to_string())
        .collect();
    assert_eq!(codes, ["04", "13", "83", "84"]);
    assert_eq!(repo.territory(&code("99")).await.unwrap(), None);
}

#[tokio::test]
async fn users_round_trip_and_emails_are_unique() {
    let (repo, _dir) = fresh_repo().await;
    for c in ["13", "84"] {
        repo.create_territory(&territory(c, &[]), now(), &Effects::default())
            .await
            .unwrap();
    }
    let gp = user("gp@x.fr", Role::Gp, Some("13"), &[]);
    let coord = user("coord@x.fr", Role::Coordinator, None, &["13", "84"]);
    repo.create_user(&gp, "$argon2id$gp", None, &Effects::default())
        .await
        .unwrap();
    repo.create_user(&coord, "$argon2id$coord", None, &Effects::default())
        .await
        .unwrap();

    same_user(&repo.user(gp.id).await.unwrap().unwrap(), &gp);
    same_user(&repo.user(coord.id).await.unwrap().unwrap(), &coord);
    let (found, hash) = repo.user_credentials(&coord.email).await.unwrap().unwrap();
    same_user(&found, &coord);
    assert_eq!(hash, "$argon2id$coord");
    assert!(repo.user(UserId::new()).await.unwrap().is_none());

    let copy = user("gp@x.fr", Role::Admin, None, &[]);
    assert!(matches!(
        repo.create_user(&copy, "h", None, &Effects::default())
            .await,
        Err(RepoError::Conflict(_))
    ));
    assert_eq!(repo.list_users().await.unwrap().len(), 2);

    let at = now();
    let disabled = repo
        .disable_user(gp.id, at, &Effects::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(disabled.disabled_at, Some(at));
    // The first disabling time is kept.
    let again = repo
        .disable_user(gp.id, at + Duration::hours(1), &Effects::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.disabled_at, Some(at));
    assert!(repo
        .disable_user(UserId::new(), at, &Effects::default())
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn shifts_overlap_a_period_half_open() {
    let (repo, _dir) = fresh_repo().await;
    repo.create_territory(&territory("13", &[]), now(), &Effects::default())
        .await
        .unwrap();
    let derm = user("derm@x.fr", Role::Dermatologist, None, &[]);
    repo.create_user(&derm, "h", None, &Effects::default())
        .await
        .unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let shift = |start: i64, hours: i64| Shift {
        id: ShiftId::new(),
        dermatologist: derm.id,
        territory: code("13"),
        // Sub-second precision must survive the round trip and still compare correctly.
        starts_at: t0 + Duration::hours(start) + Duration::microseconds(250),
        ends_at: t0 + Duration::hours(start + hours),
    };
    let morning = shift(0, 4);
    let evening = shift(10, 4);
    repo.create_shift(&morning, derm.id, now(), &Effects::default())
        .await
        .unwrap();
    repo.create_shift(&evening, derm.id, now(), &Effects::default())
        .await
        .unwrap();

    assert_eq!(repo.shift(morning.id).await.unwrap(), Some(morning.clone()));
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
        .delete_shift(morning.id, &Effects::default())
        .await
        .unwrap());
    assert!(!repo
        .delete_shift(morning.id, &Effects::default())
        .await
        .unwrap());
    assert_eq!(repo.shift(morning.id).await.unwrap(), None);
}
