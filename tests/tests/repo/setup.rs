//! Shared set-up: a fresh repository per test, a small world of territories and users in it,
//! fixed times, and builders for the records the trait takes.
//!
//! Records still carry some fields as strings where the domain has enums (`status`, `priority`,
//! ...). Tests never compare those strings: they go through `stored` (enum -> field) and
//! `as_enum` (field -> enum), which work unchanged whether the field is the enum's name or the
//! enum itself, so records moving to enums needs no change here.

use std::{fmt::Display, str::FromStr, sync::Arc};

use chrono::{DateTime, Duration, TimeZone, Utc};
use secrecy::SecretString;
use telederm_schemas as wire;
use telederm_server::{
    db::{self, AuditEntry, CaseRecord, DataKeyRecord, Effects, Notification, PhotoRecord, Repo},
    domain::{
        CaseStatus, DisplayName, Email, PhotoKind, Priority, Role, Sex, Territory, TerritoryCode,
        User, UserId,
    },
};
use telederm_tests::db::fresh_database_url;
use uuid::Uuid;

pub async fn fresh_repo() -> (Arc<dyn Repo>, tempfile::TempDir) {
    let (repo, dir) = unmigrated_repo().await;
    repo.migrate().await.unwrap();
    (repo, dir)
}

/// A repository on an empty database (SQLite file, or a fresh PostgreSQL database).
pub async fn unmigrated_repo() -> (Arc<dyn Repo>, tempfile::TempDir) {
    let (url, dir) = empty_database().await;
    (db::connect(&url, 8).await.unwrap(), dir)
}

/// The URL of an empty database of the backend under test: a fresh PostgreSQL database, or a
/// SQLite file in the folder returned (it lives as long as the folder).
pub async fn empty_database() -> (SecretString, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = match fresh_database_url().await {
        Some(url) => url,
        None => SecretString::from(format!("sqlite://{}/repo.db", dir.path().display())),
    };
    (url, dir)
}

/// Runs `statements` on the database at `url` outside the repository (to put it back in an
/// older schema's shape), then returns the first text column of `query`'s rows.
pub async fn raw_sql(url: &str, statements: &[String], query: &str) -> Vec<Option<String>> {
    if url.starts_with("sqlite:") {
        raw_sql_on::<sqlx::Sqlite>(url, statements, query).await
    } else {
        raw_sql_on::<sqlx::Postgres>(url, statements, query).await
    }
}

async fn raw_sql_on<DB>(url: &str, statements: &[String], query: &str) -> Vec<Option<String>>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    Option<String>: sqlx::Type<DB> + for<'r> sqlx::Decode<'r, DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let pool = sqlx::Pool::<DB>::connect(url).await.unwrap();
    for sql in statements {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let rows = sqlx::query_scalar(query).fetch_all(&pool).await.unwrap();
    pool.close().await;
    rows
}

// ---------------------------------------------------------------- adapters: records <-> domain

/// A record field from its domain value (`status: stored(CaseStatus::Queued)`): the value's
/// name while the field is a string, the value itself once the field has the domain type.
pub fn stored<T: FromStr>(value: impl Display) -> T
where
    T::Err: std::fmt::Debug,
{
    value.to_string().parse().unwrap()
}

/// A record field as its domain value (`as_enum::<CaseStatus>(&c.status)`), from its name or
/// from the value itself.
pub fn as_enum<E: FromStr>(field: &impl Display) -> E
where
    E::Err: std::fmt::Debug,
{
    field.to_string().parse().unwrap()
}

pub fn status_of(c: &CaseRecord) -> CaseStatus {
    as_enum(&c.status)
}

/// Territory codes as the queue and SLA methods take them.
pub fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| c.to_string()).collect()
}

/// An optional record field, rendered (`""` for none).
fn shown(field: &Option<impl Display>) -> String {
    field.as_ref().map(ToString::to_string).unwrap_or_default()
}

// ---------------------------------------------------------------- times

/// Monday 2 March 2026, 09:00:00.123456 UTC: the microseconds must survive every round trip.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + Duration::microseconds(123_456)
}

/// `m` minutes after `t0`.
pub fn mins(m: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(m)
}

pub fn micro() -> Duration {
    Duration::microseconds(1)
}

// ---------------------------------------------------------------- territories and users

pub fn code(c: &str) -> TerritoryCode {
    TerritoryCode::parse(c).unwrap()
}

pub fn territory(code: &str, fallbacks: &[&str]) -> Territory {
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

pub fn user(email: &str, role: Role, home: Option<&str>, territories: &[&str]) -> User {
    User {
        id: UserId::new(),
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("Someone").unwrap(),
        role,
        home_territory: home.map(code),
        territories: territories.iter().map(|t| code(t)).collect(),
        rpps: None,
        webhook_url: None,
        language: telederm_schemas::Language::Fr,
        channels: Default::default(),
        disabled_at: None,
        created_at: t0(),
    }
}

/// Territories `84`, `13` (falls back to 84) and `04` (falls back to 13, then 84), two GPs,
/// two dermatologists and a coordinator of 13, none with a webhook.
pub struct World {
    pub repo: Arc<dyn Repo>,
    pub gp13: Uuid,
    pub gp84: Uuid,
    pub derm1: Uuid,
    pub derm2: Uuid,
    pub coord13: Uuid,
    _dir: tempfile::TempDir,
}

impl World {
    pub async fn new() -> World {
        let (repo, dir) = fresh_repo().await;
        for (c, fallbacks) in [
            ("84", &[][..]),
            ("13", &["84"][..]),
            ("04", &["13", "84"][..]),
        ] {
            repo.create_territory(&territory(c, fallbacks), t0(), &Effects::default())
                .await
                .unwrap();
        }
        let mut w = World {
            repo,
            gp13: Uuid::nil(),
            gp84: Uuid::nil(),
            derm1: Uuid::nil(),
            derm2: Uuid::nil(),
            coord13: Uuid::nil(),
            _dir: dir,
        };
        w.gp13 = w.add(user("gp13@x.fr", Role::Gp, Some("13"), &[])).await;
        w.gp84 = w.add(user("gp84@x.fr", Role::Gp, Some("84"), &[])).await;
        w.derm1 = w.dermatologist("derm1@x.fr").await;
        w.derm2 = w.dermatologist("derm2@x.fr").await;
        w.coord13 = w
            .add(user("coord13@x.fr", Role::Coordinator, None, &["13"]))
            .await;
        w
    }

    pub async fn add(&self, u: User) -> Uuid {
        self.repo
            .create_user(&u, "$argon2id$x", None, &Effects::default())
            .await
            .unwrap();
        u.id.as_uuid()
    }

    pub async fn dermatologist(&self, email: &str) -> Uuid {
        self.add(user(email, Role::Dermatologist, None, &[])).await
    }

    /// Insert the case (no photos), with a data key; its id.
    pub async fn submit(&self, case: CaseRecord) -> Uuid {
        self.repo
            .create_case(&case, &[], &data_key(case.id, "k1"), &Effects::default())
            .await
            .unwrap();
        case.id
    }

    /// A queued case of the territory's GP (13 or 84), submitted at `submitted` minutes, due at
    /// `due` minutes if given.
    pub async fn queued(
        &self,
        territory: &str,
        priority: Priority,
        submitted: i64,
        due: Option<i64>,
    ) -> Uuid {
        let gp = if territory == "84" {
            self.gp84
        } else {
            self.gp13
        };
        self.submit(case(
            gp,
            territory,
            priority,
            mins(submitted),
            due.map(mins),
        ))
        .await
    }

    pub async fn case(&self, id: Uuid) -> CaseRecord {
        self.repo.case(id).await.unwrap().unwrap()
    }

    pub async fn status(&self, id: Uuid) -> CaseStatus {
        status_of(&self.case(id).await)
    }

    /// Claim the queued case for `derm`, its lease ending at `mins(60)`.
    pub async fn claim(&self, id: Uuid, derm: Uuid) {
        let outcome = self
            .repo
            .claim(id, derm, mins(1), mins(60), &Effects::default())
            .await
            .unwrap();
        assert_eq!(outcome, db::ClaimOutcome::Claimed);
    }
}

// ---------------------------------------------------------------- cases

/// A queued case of `territory`; with a due time, its SLA steps fall at 50 % and 80 % of the
/// way from submission to it.
pub fn case(
    gp: Uuid,
    territory: &str,
    priority: Priority,
    submitted_at: DateTime<Utc>,
    due_at: Option<DateTime<Utc>>,
) -> CaseRecord {
    let target = due_at.map(|d| d - submitted_at);
    CaseRecord {
        id: Uuid::new_v4(),
        gp_id: gp,
        territory_code: territory.into(),
        status: stored(CaseStatus::Queued),
        priority: stored(priority),
        age: 54,
        sex: stored(Sex::Female),
        phototype: Some(2),
        clinical: b"sealed clinical text".to_vec(),
        consent_at: submitted_at,
        submitted_at,
        due_at,
        claimed_by: None,
        lease_until: None,
        info_requested_by: None,
        sla_clock: due_at.map(|_| stored("calendar")),
        sla_target_secs: target.map(|t| t.num_seconds()),
        remind_at: target.map(|t| submitted_at + t / 2),
        warn_at: target.map(|t| submitted_at + t * 4 / 5),
        paused_at: None,
        offered_at: None,
        erased_at: None,
    }
}

pub fn data_key(case_id: Uuid, master: &str) -> DataKeyRecord {
    DataKeyRecord {
        case_id,
        master_key_id: master.into(),
        wrapped: format!("wrapped {case_id} under {master}").into_bytes(),
    }
}

pub fn photo(case_id: Uuid, position: i32, at: DateTime<Utc>) -> PhotoRecord {
    PhotoRecord {
        id: Uuid::new_v4(),
        case_id,
        position,
        kind: stored(PhotoKind::Closeup),
        format: stored("jpeg"),
        width: 640,
        height: 480,
        bytes: 12_345,
        sha256: format!("{:064x}", position),
        blob_key: format!("{case_id}/{position}"),
        metadata_removed: r#"["gps"]"#.into(),
        quality_warnings: "[]".into(),
        created_at: at,
    }
}

/// The case's history, one `kind from>to` line per event, oldest first.
pub async fn history(repo: &Arc<dyn Repo>, case_id: Uuid) -> Vec<String> {
    repo.events(case_id)
        .await
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}>{}",
                e.kind,
                shown(&e.from_status),
                shown(&e.to_status)
            )
        })
        .collect()
}

// ---------------------------------------------------------------- effects

/// An audit line by nobody in particular.
pub fn entry(action: &str, at: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        at,
        actor_id: None,
        action: action.into(),
        target_type: "test".into(),
        target_id: None,
        case_id: None,
        territory: None,
        request_id: Some("req-1".into()),
        detail: None,
    }
}

/// Effects of one audit line.
pub fn audited(action: &str) -> Effects {
    Effects::audit(entry(action, t0()))
}

/// A webhook message to `recipient`, due when created.
pub fn notice(
    recipient: Uuid,
    event: &str,
    case_id: Option<Uuid>,
    at: DateTime<Utc>,
) -> Notification {
    Notification {
        id: Uuid::new_v4(),
        recipient_id: recipient,
        channel: telederm_schemas::Channel::Webhook,
        event: event.into(),
        case_id,
        payload: format!(r#"{{"event":"{event}"}}"#),
        created_at: at,
    }
}

/// Every audit action, in chain order.
pub async fn audit_actions(repo: &Arc<dyn Repo>) -> Vec<String> {
    repo.audit_chain(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect()
}
