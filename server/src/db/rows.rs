//! Database rows as both backends return them, and their conversion back into domain types.
//! Stored values were validated on the way in; a value that no longer parses is a corrupt row.

use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    DisplayName, Email, Role, Rpps, Shift, Territory, TerritoryCode, TerritoryName, Timezone, User,
    WebhookUrl,
};

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub home_territory: Option<String>,
    pub rpps: Option<String>,
    pub webhook_url: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub struct UserCredentialsRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
pub struct CoordinatorTerritoryRow {
    pub user_id: Uuid,
    pub territory_code: String,
}

#[derive(sqlx::FromRow)]
pub struct TerritoryRow {
    pub code: String,
    pub name: String,
    pub timezone: String,
    pub working_days: String,
    pub day_starts: String,
    pub day_ends: String,
}

#[derive(sqlx::FromRow)]
pub struct HolidayRow {
    pub territory_code: String,
    pub day: chrono::NaiveDate,
}

#[derive(Debug, sqlx::FromRow)]
pub struct FallbackRow {
    pub territory_code: String,
    pub fallback_code: String,
}

#[derive(sqlx::FromRow)]
pub struct ShiftRow {
    pub id: Uuid,
    pub dermatologist_id: Uuid,
    pub territory_code: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> impl FnOnce(String) -> anyhow::Error + '_ {
    move |e| anyhow!("corrupt {what} in the database: {e}")
}

pub fn territory_code(raw: &str) -> anyhow::Result<TerritoryCode> {
    TerritoryCode::parse(raw).map_err(corrupt("territory code"))
}

impl UserRow {
    /// `territories`: the coordinator territories of this user (all rows; others are ignored).
    pub fn into_user(self, territories: &[CoordinatorTerritoryRow]) -> anyhow::Result<User> {
        let territories = territories
            .iter()
            .filter(|t| t.user_id == self.id)
            .map(|t| territory_code(&t.territory_code))
            .collect::<anyhow::Result<_>>()?;
        Ok(User {
            id: self.id.into(),
            email: Email::parse(&self.email).map_err(corrupt("email"))?,
            display_name: DisplayName::parse(&self.display_name).map_err(corrupt("name"))?,
            role: self.role.parse::<Role>().map_err(corrupt("role"))?,
            home_territory: self
                .home_territory
                .as_deref()
                .map(territory_code)
                .transpose()?,
            territories,
            rpps: self
                .rpps
                .as_deref()
                .map(Rpps::parse)
                .transpose()
                .map_err(corrupt("rpps"))?,
            webhook_url: self
                .webhook_url
                .as_deref()
                .map(WebhookUrl::parse)
                .transpose()
                .map_err(corrupt("webhook url"))?,
            disabled_at: self.disabled_at,
            created_at: self.created_at,
        })
    }
}

impl TerritoryRow {
    /// `fallbacks`: fallback rows in position order (rows of other territories are ignored).
    pub fn into_territory(
        self,
        fallbacks: &[FallbackRow],
        holidays: &[HolidayRow],
    ) -> anyhow::Result<Territory> {
        let days: Vec<&str> = self.working_days.split(',').collect();
        Ok(Territory {
            hours: crate::domain::parse_hours_parts(&days, &self.day_starts, &self.day_ends)
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

impl ShiftRow {
    pub fn into_shift(self) -> anyhow::Result<Shift> {
        Ok(Shift {
            id: self.id.into(),
            dermatologist: self.dermatologist_id.into(),
            territory: territory_code(&self.territory_code)?,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        })
    }
}
