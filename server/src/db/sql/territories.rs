//! `TerritoryRepo`: territories with their ordered fallbacks, working hours and holidays.

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{
    effects::effects_in,
    users::{corrupt, territory_code},
    Backend, Query, SqlRepo, Tx,
};
use crate::db::{conflict_on_unique, Effects, RepoError, TerritoryRepo};
use crate::domain::{
    calendar::WorkingHours, parse_hours_parts, weekday_name, Territory, TerritoryCode,
    TerritoryName, Timezone,
};

const TERRITORY_COLUMNS: &str = "code, name, timezone, working_days, day_starts, day_ends";

#[async_trait]
impl<B: Backend> TerritoryRepo for SqlRepo<B> {
    async fn create_territory(
        &self,
        t: &Territory,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        tx.execute(
            Query::new(
                "INSERT INTO territories (code, name, timezone, created_at, working_days, \
                 day_starts, day_ends) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(t.code.as_str())
            .bind(t.name.as_str())
            .bind(t.timezone.name())
            .bind(at)
            .bind(working_days(&t.hours))
            .bind(t.hours.start.format("%H:%M").to_string())
            .bind(t.hours.end.format("%H:%M").to_string()),
        )
        .await
        .map_err(|e| conflict_on_unique(e, "this territory already exists"))?;
        territory_lists_in(&mut tx, t, false).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn territory(&self, code: &TerritoryCode) -> Result<Option<Territory>, RepoError> {
        let q = Query::new(format!(
            "SELECT {TERRITORY_COLUMNS} FROM territories WHERE code = $1"
        ))
        .bind(code.as_str());
        let Some(row) = self.db.fetch_optional::<TerritoryRow>(q).await? else {
            return Ok(None);
        };
        let fallbacks = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT territory_code, fallback_code FROM territory_fallbacks \
                     WHERE territory_code = $1 ORDER BY position",
                )
                .bind(code.as_str()),
            )
            .await?;
        let holidays = self
            .db
            .fetch_all(
                Query::new(
                    "SELECT territory_code, day FROM territory_holidays \
                     WHERE territory_code = $1 ORDER BY day",
                )
                .bind(code.as_str()),
            )
            .await?;
        Ok(Some(row.into_territory(&fallbacks, &holidays)?))
    }

    async fn list_territories(&self) -> Result<Vec<Territory>, RepoError> {
        let rows = self
            .db
            .fetch_all::<TerritoryRow>(Query::new(format!(
                "SELECT {TERRITORY_COLUMNS} FROM territories ORDER BY code"
            )))
            .await?;
        let fallbacks = self
            .db
            .fetch_all(Query::new(
                "SELECT territory_code, fallback_code FROM territory_fallbacks \
                 ORDER BY territory_code, position",
            ))
            .await?;
        let holidays = self
            .db
            .fetch_all(Query::new(
                "SELECT territory_code, day FROM territory_holidays ORDER BY territory_code, day",
            ))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_territory(&fallbacks, &holidays))
            .collect::<anyhow::Result<_>>()?)
    }

    async fn update_territory(&self, t: &Territory, fx: &Effects) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let updated = tx
            .execute(
                Query::new(
                    "UPDATE territories SET name = $2, timezone = $3, working_days = $4, \
                     day_starts = $5, day_ends = $6 WHERE code = $1",
                )
                .bind(t.code.as_str())
                .bind(t.name.as_str())
                .bind(t.timezone.name())
                .bind(working_days(&t.hours))
                .bind(t.hours.start.format("%H:%M").to_string())
                .bind(t.hours.end.format("%H:%M").to_string()),
            )
            .await?;
        if updated == 0 {
            return Ok(false);
        }
        territory_lists_in(&mut tx, t, true).await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Write the territory's fallbacks and holidays (replacing the old ones if `replace`).
async fn territory_lists_in(
    tx: &mut impl Tx,
    t: &Territory,
    replace: bool,
) -> Result<(), RepoError> {
    if replace {
        for table in ["territory_fallbacks", "territory_holidays"] {
            tx.execute(
                Query::new(format!("DELETE FROM {table} WHERE territory_code = $1"))
                    .bind(t.code.as_str()),
            )
            .await?;
        }
    }
    for (position, fallback) in t.fallbacks.iter().enumerate() {
        tx.execute(
            Query::new(
                "INSERT INTO territory_fallbacks (territory_code, position, fallback_code) \
                 VALUES ($1, $2, $3)",
            )
            .bind(t.code.as_str())
            .bind(position as i32)
            .bind(fallback.as_str()),
        )
        .await?;
    }
    for day in &t.holidays {
        tx.execute(
            Query::new("INSERT INTO territory_holidays (territory_code, day) VALUES ($1, $2)")
                .bind(t.code.as_str())
                .bind(*day),
        )
        .await?;
    }
    Ok(())
}

/// `mon,tue,...` as stored.
fn working_days(h: &WorkingHours) -> String {
    h.days
        .iter()
        .map(|d| weekday_name(*d))
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(sqlx::FromRow)]
struct TerritoryRow {
    code: String,
    name: String,
    timezone: String,
    working_days: String,
    day_starts: String,
    day_ends: String,
}

#[derive(sqlx::FromRow)]
struct HolidayRow {
    territory_code: String,
    day: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct FallbackRow {
    territory_code: String,
    fallback_code: String,
}

impl TerritoryRow {
    /// `fallbacks`: fallback rows in position order (rows of other territories are ignored).
    fn into_territory(
        self,
        fallbacks: &[FallbackRow],
        holidays: &[HolidayRow],
    ) -> anyhow::Result<Territory> {
        let days: Vec<&str> = self.working_days.split(',').collect();
        Ok(Territory {
            hours: parse_hours_parts(&days, &self.day_starts, &self.day_ends)
                .map_err(corrupt("working hours"))?,
            holidays: holidays
                .iter()
                .filter(|h| h.territory_code == self.code)
                .map(|h| h.day)
                .collect(),
            code: territory_code(&self.code)?,
            name: TerritoryName::parse(&self.name).map_err(corrupt("territory name"))?,
            timezone: Timezone::parse(&self.timezone).map_err(corrupt("timezone"))?,
            fallbacks: fallbacks
                .iter()
                .filter(|f| f.territory_code == self.code)
                .map(|f| territory_code(&f.fallback_code))
                .collect::<anyhow::Result<_>>()
                .context("fallbacks")?,
        })
    }
}
