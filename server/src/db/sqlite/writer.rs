//! SQLite's one writer, with group commit.
//!
//! Every write transaction runs on one connection, in turn (a FIFO lock: no busy-wait retries).
//! With `synchronous = FULL` each commit waits for the disk (milliseconds on this kind of
//! machine), which would cap writes at a few hundred a second. So a transaction's commit only
//! releases its savepoint inside an outer transaction, and a flusher task commits that outer
//! transaction for everyone at once: the transactions that queued for the writer while the
//! previous commit was on its way to the disk share the next one. `commit` still returns only
//! once the transaction is on disk, or fails if the group's commit failed: nothing is
//! acknowledged before it is durable.
//!
//! Inside a group, a transaction sees the writes of those before it, as if they had committed
//! (they commit together or not at all). A transaction dropped without `commit` or `rollback`
//! (an error, a cancelled request) leaves its savepoint open: whoever takes the writer next rolls
//! it back first.

use std::sync::{Arc, Weak};

use sqlx::{
    migrate::{MigrateError, Migrator},
    sqlite::SqliteConnectOptions,
    ConnectOptions, Executor, SqliteConnection,
};
use tokio::sync::{watch, Mutex, Notify, OwnedMutexGuard};

/// SQLite result codes after which it may have rolled the whole transaction back by itself
/// (<https://www.sqlite.org/lang_transaction.html>): BUSY, NOMEM, IOERR, FULL.
const ROLLS_BACK_ALL: [i64; 4] = [5, 7, 10, 13];

/// A group's outcome, once its commit has run.
type Outcome = Option<Result<(), String>>;

pub struct Writer {
    slot: Arc<Mutex<Slot>>,
    flush: Arc<Notify>,
}

struct Slot {
    conn: SqliteConnection,
    /// The outer transaction of the current group, when one is open.
    group: Option<Group>,
    /// A transaction's savepoint left open by a dropped `WriteTx`.
    abandoned: bool,
    /// SQLite may have rolled back the outer transaction: end the group as failed.
    poisoned: bool,
}

struct Group {
    done: watch::Sender<Outcome>,
}

impl Writer {
    pub async fn connect(options: &SqliteConnectOptions) -> Result<Writer, sqlx::Error> {
        let conn = options.connect().await?;
        let slot = Arc::new(Mutex::new(Slot {
            conn,
            group: None,
            abandoned: false,
            poisoned: false,
        }));
        let flush = Arc::new(Notify::new());
        tokio::spawn(flusher(Arc::downgrade(&slot), flush.clone()));
        Ok(Writer { slot, flush })
    }

    /// Wait for the writer, then open a transaction (a savepoint in the group's transaction).
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let mut slot = self.slot.clone().lock_owned().await;
        slot.settle().await;
        if slot.group.is_none() {
            slot.conn.execute("BEGIN IMMEDIATE").await?;
            slot.group = Some(Group {
                done: watch::channel(None).0,
            });
        }
        if let Err(e) = slot.conn.execute("SAVEPOINT tx").await {
            slot.poison_if_lost(&e);
            self.flush.notify_one();
            return Err(e);
        }
        Ok(WriteTx {
            slot: Some(slot),
            flush: self.flush.clone(),
        })
    }

    /// Run the migrations on the connection, between groups.
    pub async fn migrate(&self, migrator: &'static Migrator) -> Result<(), MigrateError> {
        let mut slot = self.slot.lock().await;
        slot.settle().await;
        slot.end_group().await;
        migrator.run_direct(&mut slot.conn).await
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // The flusher stops once the writer and its last transaction are gone.
        self.flush.notify_one();
    }
}

/// One transaction on the writer. Dropping it rolls it back (when the writer is next taken).
pub struct WriteTx {
    slot: Option<OwnedMutexGuard<Slot>>,
    flush: Arc<Notify>,
}

impl WriteTx {
    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.slot_mut().conn
    }

    /// Note a failed statement: after some errors SQLite ends the whole transaction itself.
    pub fn check<T>(&mut self, r: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if let Err(e) = &r {
            self.slot_mut().poison_if_lost(e);
        }
        r
    }

    /// Keep the writes: returns once the group they joined is on disk.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let Some(mut slot) = self.slot.take() else {
            return Err(sqlx::Error::WorkerCrashed);
        };
        if let Err(e) = slot.conn.execute("RELEASE SAVEPOINT tx").await {
            slot.poison_if_lost(&e);
            slot.abandoned = true;
            drop(slot);
            self.flush.notify_one();
            return Err(e);
        }
        let mut done = match &slot.group {
            Some(group) => group.done.subscribe(),
            None => return Err(sqlx::Error::WorkerCrashed),
        };
        drop(slot);
        self.flush.notify_one();
        let outcome = done
            .wait_for(Option::is_some)
            .await
            .map_err(|_| group_failed("the writer stopped"))?;
        match &*outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(group_failed(e)),
            None => Err(group_failed("no outcome")),
        }
    }

    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        let Some(mut slot) = self.slot.take() else {
            return Ok(());
        };
        slot.abandoned = true;
        slot.settle().await;
        drop(slot);
        self.flush.notify_one();
        Ok(())
    }

    fn slot_mut(&mut self) -> &mut Slot {
        // `slot` is only taken by `commit` and `rollback`, which consume the transaction.
        self.slot.as_deref_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Some(mut slot) = self.slot.take() {
            slot.abandoned = true;
            drop(slot);
            self.flush.notify_one();
        }
    }
}

impl Slot {
    /// Roll back a savepoint left open, and end a group that SQLite may have rolled back.
    async fn settle(&mut self) {
        if self.abandoned && !self.poisoned {
            let undone = self.conn.execute("ROLLBACK TO SAVEPOINT tx").await;
            let released = self.conn.execute("RELEASE SAVEPOINT tx").await;
            if undone.is_err() || released.is_err() {
                self.poisoned = true;
            }
        }
        self.abandoned = false;
        if self.poisoned {
            // Ignored: the transaction may already be gone.
            let _ = self.conn.execute("ROLLBACK").await;
            if let Some(group) = self.group.take() {
                group
                    .done
                    .send_replace(Some(Err("the transaction was rolled back".into())));
            }
            self.poisoned = false;
        }
    }

    /// Commit the group's transaction and tell its members.
    async fn end_group(&mut self) {
        let Some(group) = self.group.take() else {
            return;
        };
        let outcome = match self.conn.execute("COMMIT").await {
            Ok(_) => Ok(()),
            Err(e) => {
                let _ = self.conn.execute("ROLLBACK").await;
                Err(e.to_string())
            }
        };
        if let Err(error) = &outcome {
            tracing::error!(%error, "a group commit failed: its transactions were refused");
        }
        group.done.send_replace(Some(outcome));
    }

    fn poison_if_lost(&mut self, e: &sqlx::Error) {
        let code = e
            .as_database_error()
            .and_then(|d| d.code())
            .and_then(|c| c.parse::<i64>().ok());
        if code.is_some_and(|c| ROLLS_BACK_ALL.contains(&(c & 0xff))) {
            self.poisoned = true;
        }
    }
}

/// Commits each group once the transactions queued before it have joined it.
async fn flusher(slot: Weak<Mutex<Slot>>, flush: Arc<Notify>) {
    loop {
        flush.notified().await;
        let Some(slot) = slot.upgrade() else {
            return;
        };
        // The lock is fair: the transactions already waiting join this group first.
        let mut slot = slot.lock_owned().await;
        slot.settle().await;
        slot.end_group().await;
    }
}

fn group_failed(why: &str) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!(
        "the group commit failed: {why}"
    )))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::{sqlite::SqliteJournalMode, Connection};

    use super::*;

    async fn writer() -> (Writer, SqliteConnectOptions, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}/w.db", dir.path().display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap_or_else(|e| panic!("{e}"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let w = Writer::connect(&options)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut tx = w.begin().await.unwrap_or_else(|e| panic!("{e}"));
        tx.conn()
            .execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
        (w, options, dir)
    }

    async fn insert(w: &Writer, n: i64) -> WriteTx {
        let mut tx = w.begin().await.unwrap_or_else(|e| panic!("{e}"));
        let done = sqlx::query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(tx.conn())
            .await;
        tx.check(done).unwrap_or_else(|e| panic!("{e}"));
        tx
    }

    /// What another connection reads: only what was committed.
    async fn committed(options: &SqliteConnectOptions) -> Vec<i64> {
        let mut conn = options.connect().await.unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT n FROM t ORDER BY n")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        conn.close().await.unwrap_or_else(|e| panic!("{e}"));
        rows.into_iter().map(|(n,)| n).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_transactions_commit_each_before_their_commit_returns() {
        let (w, options, _dir) = writer().await;
        let w = Arc::new(w);
        let tasks: Vec<_> = (0..40)
            .map(|n| {
                let (w, options) = (w.clone(), options.clone());
                tokio::spawn(async move {
                    insert(&w, n)
                        .await
                        .commit()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    // Acknowledged: another connection sees it.
                    assert!(committed(&options).await.contains(&n));
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(committed(&options).await, (0..40).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_transaction_rolled_back_or_dropped_leaves_the_others_of_its_group() {
        let (w, options, _dir) = writer().await;
        // One after the other on the writer, before any group commit: one group.
        let kept = insert(&w, 1).await;
        let kept = tokio::spawn(kept.commit());
        insert(&w, 2)
            .await
            .rollback()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        drop(insert(&w, 3).await);
        // A statement that fails leaves its transaction usable, and dropping it undoes it all.
        let mut failed = insert(&w, 4).await;
        let duplicate = sqlx::query("INSERT INTO t (n) VALUES (1)")
            .execute(failed.conn())
            .await;
        assert!(failed.check(duplicate).is_err());
        drop(failed);
        insert(&w, 5)
            .await
            .commit()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        kept.await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(committed(&options).await, [1, 5]);
    }

    #[tokio::test]
    async fn a_transaction_abandoned_alone_is_rolled_back_and_the_file_unlocked() {
        let (w, options, _dir) = writer().await;
        drop(insert(&w, 7).await);
        // The flusher ends the group: another connection may write (no busy wait).
        let mut other = options
            .clone()
            .busy_timeout(std::time::Duration::from_secs(5))
            .connect()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query("INSERT INTO t (n) VALUES (8)")
            .execute(&mut other)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        other.close().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(committed(&options).await, [8]);
    }
}
