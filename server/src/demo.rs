//! Demo data, so that a newcomer can try every role at once: two territories that back each other
//! up, a GP in each, a dermatologist on call for each over the coming 7 days, a coordinator of
//! both and an admin. Running it again tops up the rota and changes nothing else.

mod cases;

pub use cases::seed_cases;

use chrono::{DateTime, Duration, Utc};
use telederm_schemas as wire;

use crate::{
    accounts::AccountService,
    db::{Effects, Repo},
    domain::{Email, NewShift, NewUser, Role, Territory, TerritoryCode},
};

pub const PASSWORD: &str = "demo-password";

/// (email, name, role, home territory, coordinated territories)
type DemoUser = (
    &'static str,
    &'static str,
    Role,
    Option<&'static str>,
    &'static [&'static str],
);

const USERS: [DemoUser; 6] = [
    (
        "gp13@demo.test",
        "Dr Camille Roux (GP, Marseille)",
        Role::Gp,
        Some("13"),
        &[],
    ),
    (
        "gp84@demo.test",
        "Dr Julien Morel (GP, Avignon)",
        Role::Gp,
        Some("84"),
        &[],
    ),
    (
        "derm1@demo.test",
        "Dr Léa Fabre (dermatologist)",
        Role::Dermatologist,
        None,
        &[],
    ),
    (
        "derm2@demo.test",
        "Dr Hugo Blanc (dermatologist)",
        Role::Dermatologist,
        None,
        &[],
    ),
    (
        "coord@demo.test",
        "Inès Garnier (coordinator)",
        Role::Coordinator,
        None,
        &["13", "84"],
    ),
    ("admin@demo.test", "Admin", Role::Admin, None, &[]),
];

/// (code, name, fallback)
const TERRITORIES: [(&str, &str, &str); 2] =
    [("13", "Bouches-du-Rhône", "84"), ("84", "Vaucluse", "13")];

/// French public holidays, for business-time targets.
const HOLIDAYS: [&str; 11] = [
    "2026-11-01",
    "2026-11-11",
    "2026-12-25",
    "2027-01-01",
    "2027-03-29",
    "2027-05-01",
    "2027-05-08",
    "2027-05-06",
    "2027-07-14",
    "2027-08-15",
    "2027-12-25",
];

/// Who is on call where: (dermatologist, territory).
const ROTA: [(&str, &str); 2] = [("derm1@demo.test", "13"), ("derm2@demo.test", "84")];

/// `accounts` creates the users, on the same database as `repo`; the rota starts `now`.
pub async fn seed(
    repo: &dyn Repo,
    accounts: &AccountService,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    // Each territory names the other as its fallback: create both, then link them.
    for (code, name, _) in TERRITORIES {
        let parsed = TerritoryCode::parse(code).map_err(anyhow::Error::msg)?;
        if repo.territory(&parsed).await?.is_none() {
            repo.create_territory(
                &territory(code, name, &[])?,
                crate::domain::now(),
                &Effects::default(),
            )
            .await?;
        }
    }
    for (code, _, fallback) in TERRITORIES {
        let parsed = TerritoryCode::parse(code).map_err(anyhow::Error::msg)?;
        let Some(mut t) = repo.territory(&parsed).await? else {
            continue;
        };
        // Once: a later change by an admin stays.
        if t.fallbacks.is_empty() {
            t.fallbacks = vec![TerritoryCode::parse(fallback).map_err(anyhow::Error::msg)?];
            repo.update_territory(&t, &Effects::default()).await?;
        }
    }
    for (email, name, role, home, territories) in USERS {
        let parsed = Email::parse(email).map_err(anyhow::Error::msg)?;
        if repo.user_credentials(&parsed).await?.is_some() {
            continue;
        }
        let new = NewUser::parse(wire::CreateUser {
            email: email.into(),
            display_name: name.into(),
            role,
            password: PASSWORD.into(),
            home_territory: home.map(Into::into),
            territories: territories.iter().map(|t| t.to_string()).collect(),
            rpps: None,
            webhook_url: None,
        })
        .map_err(|e| anyhow::anyhow!("demo user {email}: {:?}", e.into_fields()))?;
        accounts
            .create_user(new, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo user {email}: {e}"))?;
    }
    top_up_rota(repo, now).await
}

/// Make sure each demo dermatologist is on call from `now` until at least 7 days ahead. A
/// dermatologist's shifts in one territory may not overlap, so a top-up only fills the gap after
/// the shifts it already has.
pub async fn top_up_rota(repo: &dyn Repo, now: DateTime<Utc>) -> anyhow::Result<()> {
    let horizon = now + Duration::days(7);
    // From ten days back: the demo cases are seeded in the past, through the real rules.
    let (first, last) = (now - Duration::days(10), horizon + Duration::days(1));
    let admin = demo_user(repo, "admin@demo.test").await?;
    for (email, code) in ROTA {
        let derm = demo_user(repo, email).await?;
        let territory = TerritoryCode::parse(code).map_err(anyhow::Error::msg)?;
        let mine: Vec<_> = repo
            .shifts_overlapping(&territory, first, last)
            .await?
            .into_iter()
            .filter(|s| s.dermatologist == derm.id)
            .collect();
        let covered_until = mine
            .iter()
            .filter(|s| s.starts_at <= now)
            .map(|s| s.ends_at)
            .max();
        if covered_until.is_some_and(|end| end >= horizon) {
            continue;
        }
        let start = covered_until.map_or(first, |end| end.max(first));
        let end = mine
            .iter()
            .map(|s| s.starts_at)
            .filter(|t| *t >= start)
            .fold(last, |a, b| a.min(b));
        if end <= start {
            continue;
        }
        let shift = NewShift::parse(&wire::CreateShift {
            dermatologist_id: derm.id.as_uuid(),
            territory: code.into(),
            starts_at: start,
            ends_at: end,
        })
        .map_err(|e| anyhow::anyhow!("demo shift: {:?}", e.into_fields()))?;
        repo.create_shift(shift.shift(), admin.id, now, &Effects::default())
            .await?;
    }
    Ok(())
}

async fn demo_user(repo: &dyn Repo, email: &str) -> anyhow::Result<crate::domain::User> {
    let parsed = Email::parse(email).map_err(anyhow::Error::msg)?;
    repo.user_credentials(&parsed)
        .await?
        .map(|(u, _)| u)
        .ok_or_else(|| anyhow::anyhow!("demo user {email} missing"))
}

fn territory(code: &str, name: &str, fallbacks: &[&str]) -> anyhow::Result<Territory> {
    Territory::parse(&wire::CreateTerritory {
        code: code.into(),
        name: name.into(),
        timezone: Some("Europe/Paris".into()),
        fallbacks: fallbacks.iter().map(|f| f.to_string()).collect(),
        working_hours: None,
        holidays: HOLIDAYS
            .iter()
            .filter_map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect(),
    })
    .map_err(|e| anyhow::anyhow!("demo territory {code}: {:?}", e.into_fields()))
}

/// What to print at start, so that the newcomer knows how to log in.
pub fn banner(base_url: &str, outbox: Option<&std::path::Path>) -> String {
    let mut out =
        format!("\ntelederm demo at {base_url}\nEvery demo user has the password `{PASSWORD}`:\n");
    for (email, name, role, home, territories) in USERS {
        let place = home
            .map(|h| format!("territory {h}"))
            .unwrap_or_else(|| match territories {
                [] => String::new(),
                ts => format!("territories {}", ts.join(", ")),
            });
        let place = match ROTA.iter().find(|(e, _)| *e == email) {
            Some((_, t)) => format!("on call for {t}"),
            None => place,
        };
        out.push_str(&format!(
            "  {email:<18} {:<14} {place:<22} {name}\n",
            role.as_str()
        ));
    }
    out.push_str(&format!(
        "Try: curl -s {base_url}/api/v1/auth/login -H 'content-type: application/json' \
         -d '{{\"email\":\"gp13@demo.test\",\"password\":\"{PASSWORD}\"}}'\n"
    ));
    if let Some(dir) = outbox {
        out.push_str(&format!(
            "E-mails are not sent: each is written to {} as a .eml file (open it with a mail \
             client, or `ls -t` the folder and read the newest).\n",
            dir.display()
        ));
    }
    out
}
