//! Territories: their fallbacks, working hours and holidays.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Effects, RepoError};
use crate::domain::{Territory, TerritoryCode};

#[async_trait]
pub trait TerritoryRepo {
    /// Fails with `Conflict` when the code is taken. `at`: its creation time.
    async fn create_territory(
        &self,
        territory: &Territory,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn territory(&self, code: &TerritoryCode) -> Result<Option<Territory>, RepoError>;
    async fn list_territories(&self) -> Result<Vec<Territory>, RepoError>;
    /// Replaces name, timezone, fallbacks, hours and holidays; `false` when it does not exist.
    async fn update_territory(
        &self,
        territory: &Territory,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
}
