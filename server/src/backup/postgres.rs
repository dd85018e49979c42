//! PostgreSQL: `pg_dump --format=custom` in a snapshot exported from our own repeatable-read
//! transaction, which reads the blob list at the same instant; `pg_restore` brings it back.
//!
//! Version rule: `pg_dump` must be of the server's major version or newer (PostgreSQL's own
//! rule), and `pg_restore` of the dumping `pg_dump`'s major version or newer (it cannot read a
//! newer archive format). Both are checked before anything runs.

use std::{path::Path, process::Command};

use anyhow::{bail, Context};
use sqlx::{postgres::PgConnection, Connection, Executor};

use super::{files, DatabaseSnapshot, Snapshot};

pub(super) const FILE: &str = "database.pgdump";

pub(super) fn latest_migration() -> i64 {
    sqlx::migrate!("./migrations/postgres")
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

pub(super) async fn snapshot(url: &str, dest: &Path, pg_dump: &Path) -> anyhow::Result<Snapshot> {
    let dump_major = tool_major(pg_dump)?;
    let mut conn = PgConnection::connect(url).await?;
    let server: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int")
        .fetch_one(&mut conn)
        .await?;
    let server_major = u32::try_from(server / 10000)?;
    if dump_major < server_major {
        bail!(
            "{} is version {dump_major}, older than the PostgreSQL server ({server_major}): install pg_dump {server_major} or newer and name it with --pg-dump",
            pg_dump.display()
        );
    }
    let mut tx = conn.begin().await?;
    tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?;
    let blob_keys = sqlx::query_scalar("SELECT blob_key FROM photos ORDER BY blob_key")
        .fetch_all(&mut *tx)
        .await?;
    let migration_version =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *tx)
            .await?;
    let mut cmd = libpq_command(pg_dump, url)?;
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={id}"))
        .arg("--file")
        .arg(dest);
    run(cmd, "pg_dump").await?;
    // The exported snapshot lives as long as this transaction: end it only now.
    tx.commit().await?;
    files::set_mode(dest, 0o600)?;
    files::sync(dest)?;
    Ok(Snapshot {
        file: FILE,
        blob_keys,
        migration_version,
        pg_dump_major: Some(dump_major),
    })
}

pub(super) async fn refuse_unless_empty(url: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(url).await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut conn)
    .await?;
    conn.close().await?;
    if tables > 0 {
        bail!("refusing to restore: the database already has {tables} tables; restore needs an empty database (create a new one, or drop this one first)");
    }
    Ok(())
}

pub(super) async fn restore(
    archive: &Path,
    url: &str,
    pg_restore: &Path,
    dumped: &DatabaseSnapshot,
) -> anyhow::Result<()> {
    let restore_major = tool_major(pg_restore)?;
    if let Some(dump_major) = dumped.pg_dump_major {
        if restore_major < dump_major {
            bail!(
                "{} is version {restore_major}, older than the pg_dump that wrote the backup ({dump_major}): use pg_restore {dump_major} or newer (--pg-restore)",
                pg_restore.display()
            );
        }
    }
    let mut cmd = libpq_command(pg_restore, url)?;
    // Owners and grants of the old cluster need not exist here: the connecting role owns it all.
    cmd.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ])
    .arg(archive);
    run(cmd, "pg_restore").await
}

/// `tool` pointed at the database, the password in the environment rather than in its
/// arguments (which any local user may list).
fn libpq_command(tool: &Path, url: &str) -> anyhow::Result<Command> {
    let mut parsed = url::Url::parse(url).context("database.url is not a URL")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    parsed
        .set_password(None)
        .map_err(|()| anyhow::anyhow!("database.url cannot carry a password"))?;
    let mut cmd = Command::new(tool);
    cmd.arg("--no-password")
        .arg(format!("--dbname={parsed}"))
        .env_remove("PGPASSWORD");
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    Ok(cmd)
}

/// The major version `tool --version` prints (`pg_dump (PostgreSQL) 16.4 ...` gives 16).
fn tool_major(tool: &Path) -> anyhow::Result<u32> {
    let out = Command::new(tool)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot run {} (install the PostgreSQL client, or name it with --pg-dump / --pg-restore)", tool.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    major_of(&text).with_context(|| {
        format!(
            "cannot read the version of {}: {}",
            tool.display(),
            text.trim()
        )
    })
}

fn major_of(version: &str) -> Option<u32> {
    version
        .split(')')
        .nth(1)?
        .trim()
        .split(['.', ' '])
        .next()?
        .parse()
        .ok()
}

async fn run(mut cmd: Command, what: &'static str) -> anyhow::Result<()> {
    let out = tokio::task::spawn_blocking(move || cmd.output()).await??;
    if !out.status.success() {
        // Its messages name tables and options, never row content.
        bail!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::major_of;

    #[test]
    fn the_major_version_is_read_from_what_the_tools_print() {
        assert_eq!(
            major_of("pg_dump (PostgreSQL) 15.10 (Debian 15.10-0+deb12u1)\n"),
            Some(15)
        );
        assert_eq!(major_of("pg_restore (PostgreSQL) 17.2\n"), Some(17));
        assert_eq!(major_of("pg_dump (PostgreSQL) 9.6.24\n"), Some(9));
        assert_eq!(major_of("something else"), None);
    }
}
