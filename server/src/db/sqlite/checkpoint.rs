//! WAL checkpoints off the write path.
//!
//! By default the connection whose commit takes the WAL past 1,000 pages copies the WAL into the
//! database file then and there, fsync included, while every write queued behind the one writer
//! waits (p99 of 73 KB submissions jumping from 30 ms to 180 ms in some runs). Here the writer
//! never checkpoints (`wal_autocheckpoint = 0` on its connection); this task does, on its own
//! connection, every second. A PASSIVE checkpoint copies what no reader still needs without taking
//! the write lock, and once all of the WAL is copied the writer's next commit starts it over from
//! the beginning.

use std::{sync::Weak, time::Duration};

use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions, SqliteConnection};

/// How often the WAL is copied into the database file.
const EVERY: Duration = Duration::from_secs(1);

/// Checkpoint the database of `options` every second on a connection of its own, for as long
/// as `alive` can be upgraded (the `Sqlite` that owns it is not dropped).
pub async fn spawn<T: Send + Sync + 'static>(
    options: &SqliteConnectOptions,
    alive: Weak<T>,
) -> Result<(), sqlx::Error> {
    let mut conn = options.connect().await?;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if alive.upgrade().is_none() {
                return;
            }
            if let Err(error) = run_once(&mut conn).await {
                tracing::warn!(%error, "WAL checkpoint failed; next try in a second");
            }
        }
    });
    Ok(())
}

/// One PASSIVE checkpoint: `(frames in the WAL, frames copied into the database)`.
pub async fn run_once(conn: &mut SqliteConnection) -> Result<(i64, i64), sqlx::Error> {
    let (_busy, log, copied): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(conn)
        .await?;
    Ok((log, copied))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::{sqlite::SqliteJournalMode, Executor};

    use super::*;
    use crate::db::sqlite::writer::Writer;

    #[tokio::test]
    async fn the_writer_leaves_the_wal_to_the_checkpointer_which_copies_it_all() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("c.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap_or_else(|e| panic!("{e}"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .pragma("wal_autocheckpoint", "0");
        let w = Writer::connect(&options)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Far past the 1,000 pages at which a default writer would checkpoint by itself.
        let mut tx = w.begin().await.unwrap_or_else(|e| panic!("{e}"));
        tx.conn()
            .execute(
                "CREATE TABLE t (b BLOB); \
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
                 INSERT INTO t SELECT randomblob(4000) FROM n",
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
        let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert!(
            size() < 1 << 20,
            "the writer checkpointed: {} bytes",
            size()
        );

        let mut conn = options.connect().await.unwrap_or_else(|e| panic!("{e}"));
        let (log, copied) = run_once(&mut conn).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(log > 2000, "{log} frames");
        assert_eq!(copied, log);
        assert!(size() > 7 << 20, "{} bytes after the checkpoint", size());
    }
}
