//! `ShiftRepo`: on-call shifts, one dermatologist in one territory for a period.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use super::{effects::effects_in, users::territory_code, Backend, Query, SqlRepo, Tx};
use crate::db::{Effects, RepoError, ShiftRepo};
use crate::domain::{Shift, ShiftId, TerritoryCode, UserId};

const SHIFT_COLUMNS: &str = "id, dermatologist_id, territory_code, starts_at, ends_at";

#[async_trait]
impl<B: Backend> ShiftRepo for SqlRepo<B> {
    async fn create_shift(
        &self,
        s: &Shift,
        created_by: UserId,
        at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<(), RepoError> {
        let mut tx = self.db.begin().await?;
        lock_dermatologist(&mut tx, s.dermatologist).await?;
        refuse_overlap(&mut tx, s, None).await?;
        tx.execute(
            Query::new(
                "INSERT INTO oncall_shifts (id, dermatologist_id, territory_code, starts_at, \
                 ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(s.id.as_uuid())
            .bind(s.dermatologist.as_uuid())
            .bind(s.territory.as_str())
            .bind(s.starts_at)
            .bind(s.ends_at)
            .bind(created_by.as_uuid())
            .bind(at),
        )
        .await?;
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn shift(&self, id: ShiftId) -> Result<Option<Shift>, RepoError> {
        let q = Query::new(format!(
            "SELECT {SHIFT_COLUMNS} FROM oncall_shifts WHERE id = $1"
        ))
        .bind(id.as_uuid());
        let row = self.db.fetch_optional::<ShiftRow>(q).await?;
        Ok(row.map(ShiftRow::into_shift).transpose()?)
    }

    async fn shifts_overlapping(
        &self,
        territory: &TerritoryCode,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Shift>, RepoError> {
        let q = Query::new(format!(
            "SELECT {SHIFT_COLUMNS} FROM oncall_shifts \
             WHERE territory_code = $1 AND starts_at < $3 AND ends_at > $2 \
             ORDER BY starts_at, id"
        ))
        .bind(territory.as_str())
        .bind(from)
        .bind(to);
        let rows = self.db.fetch_all::<ShiftRow>(q).await?;
        Ok(rows
            .into_iter()
            .map(ShiftRow::into_shift)
            .collect::<anyhow::Result<_>>()?)
    }

    async fn move_shift(
        &self,
        id: ShiftId,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        fx: &Effects,
    ) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let q = Query::new(format!(
            "SELECT {SHIFT_COLUMNS} FROM oncall_shifts WHERE id = $1"
        ))
        .bind(id.as_uuid());
        let Some(row) = tx.fetch_optional::<ShiftRow>(q).await? else {
            return Ok(false);
        };
        let moved = Shift {
            starts_at,
            ends_at,
            ..row.into_shift()?
        };
        lock_dermatologist(&mut tx, moved.dermatologist).await?;
        refuse_overlap(&mut tx, &moved, Some(id)).await?;
        let updated = tx
            .execute(
                Query::new("UPDATE oncall_shifts SET starts_at = $2, ends_at = $3 WHERE id = $1")
                    .bind(id.as_uuid())
                    .bind(starts_at)
                    .bind(ends_at),
            )
            .await?;
        if updated == 0 {
            return Ok(false);
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_shift(&self, id: ShiftId, fx: &Effects) -> Result<bool, RepoError> {
        let mut tx = self.db.begin().await?;
        let deleted = tx
            .execute(Query::new("DELETE FROM oncall_shifts WHERE id = $1").bind(id.as_uuid()))
            .await?;
        if deleted == 0 {
            return Ok(false);
        }
        effects_in(&mut tx, fx).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// A write to the dermatologist's row first: concurrent changes to one dermatologist's shifts
/// queue up behind it (a row lock on PostgreSQL, the write lock on SQLite), so each one's overlap
/// check sees the others.
async fn lock_dermatologist(tx: &mut impl Tx, dermatologist: UserId) -> Result<(), RepoError> {
    tx.execute(Query::new("UPDATE users SET id = id WHERE id = $1").bind(dermatologist.as_uuid()))
        .await?;
    Ok(())
}

/// `Conflict` when the dermatologist has another shift in the territory (than `except`) that
/// overlaps `s`.
async fn refuse_overlap(
    tx: &mut impl Tx,
    s: &Shift,
    except: Option<ShiftId>,
) -> Result<(), RepoError> {
    let overlapping = tx
        .fetch_optional::<ShiftRow>(
            Query::new(format!(
                "SELECT {SHIFT_COLUMNS} FROM oncall_shifts \
                 WHERE dermatologist_id = $1 AND territory_code = $2 \
                 AND starts_at < $4 AND ends_at > $3 AND id <> $5 ORDER BY starts_at LIMIT 1"
            ))
            .bind(s.dermatologist.as_uuid())
            .bind(s.territory.as_str())
            .bind(s.starts_at)
            .bind(s.ends_at)
            .bind(except.map_or(Uuid::nil(), |id| id.as_uuid())),
        )
        .await?;
    if let Some(row) = overlapping {
        let other = row.into_shift()?;
        return Err(RepoError::Conflict(format!(
            "this dermatologist is already on call for {} from {} to {} (shift {})",
            other.territory,
            other.starts_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            other.ends_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            other.id,
        )));
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ShiftRow {
    id: Uuid,
    dermatologist_id: Uuid,
    territory_code: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

impl ShiftRow {
    fn into_shift(self) -> anyhow::Result<Shift> {
        Ok(Shift {
            id: self.id.into(),
            dermatologist: self.dermatologist_id.into(),
            territory: territory_code(&self.territory_code)?,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        })
    }
}
