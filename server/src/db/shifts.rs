//! On-call shifts: the rota.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Effects, RepoError};
use crate::domain::{Shift, ShiftId, TerritoryCode, UserId};

#[async_trait]
pub trait ShiftRepo {
    /// Fails with `Conflict` when the dermatologist already has a shift in that territory that
    /// overlaps this one. `at`: its creation time.
    async fn create_shift(
        &self,
        shift: &Shift,
        created_by: UserId,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<(), RepoError>;
    async fn shift(&self, id: ShiftId) -> Result<Option<Shift>, RepoError>;
    /// Shifts of the territory that overlap `[from, to)`, earliest first.
    async fn shifts_overlapping(
        &self,
        territory: &TerritoryCode,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Shift>, RepoError>;
    /// `false` when there was no such shift.
    async fn delete_shift(&self, id: ShiftId, fx: &Effects) -> Result<bool, RepoError>;
    /// New times for a shift, in place (same id), with `Conflict` as `create_shift` when the
    /// dermatologist has another shift there that overlaps them; `false` when there was no such
    /// shift.
    async fn move_shift(
        &self,
        id: ShiftId,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError>;
}
