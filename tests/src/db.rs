//! A fresh database for each test.

use secrecy::SecretString;
use sqlx::{postgres::PgConnection, Connection, Executor};

pub const TEST_DATABASE_URL: &str = "TELEDERM_TEST_DATABASE_URL";

/// `None` means the server's default (a SQLite file in the test's data folder); with
/// `TELEDERM_TEST_DATABASE_URL` set, a newly created PostgreSQL database on that server.
pub async fn fresh_database_url() -> Option<SecretString> {
    let admin_url = std::env::var(TEST_DATABASE_URL).ok()?;
    let name = format!("telederm_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&admin_url).await.unwrap();
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .unwrap();
    conn.close().await.unwrap();
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&name);
    Some(SecretString::from(url.to_string()))
}

/// Which backend this run of the suite exercises.
pub fn backend() -> &'static str {
    if std::env::var(TEST_DATABASE_URL).is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// Change the audit log behind the server's back, as someone with write access to the database
/// could: the append-only triggers are removed first.
pub async fn tamper_with_audit_log(settings: &telederm_server::config::Settings, sql: &str) {
    use secrecy::ExposeSecret;
    let url = settings.database_url();
    let url = url.expose_secret();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        conn.execute("DROP TRIGGER audit_log_no_update")
            .await
            .unwrap();
        conn.execute("DROP TRIGGER audit_log_no_delete")
            .await
            .unwrap();
        conn.execute(sql).await.unwrap();
    } else {
        let mut conn = PgConnection::connect(url).await.unwrap();
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
            .await
            .unwrap();
        conn.execute(sql).await.unwrap();
    }
}

/// Run one statement on the app's database; the error text when it fails.
pub async fn execute(
    settings: &telederm_server::config::Settings,
    sql: &str,
) -> Result<(), String> {
    use secrecy::ExposeSecret;
    let url = settings.database_url();
    let url = url.expose_secret();
    let result = if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        conn.execute(sql).await.map(|_| ())
    } else {
        let mut conn = PgConnection::connect(url).await.unwrap();
        conn.execute(sql).await.map(|_| ())
    };
    result.map_err(|e| e.to_string())
}

/// The number of rows of every table of the app's database, by table name: what a test compares
/// before and after a request that must store nothing.
pub async fn row_counts(settings: &telederm_server::config::Settings) -> Vec<(String, i64)> {
    use secrecy::ExposeSecret;
    let url = settings.database_url();
    let url = url.expose_secret();
    let mut counts = Vec::new();
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for table in tables {
            let sql = format!(r#"SELECT COUNT(*) FROM "{table}""#);
            let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut conn).await.unwrap();
            counts.push((table, n));
        }
    } else {
        let mut conn = PgConnection::connect(url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        for table in tables {
            let sql = format!(r#"SELECT COUNT(*) FROM "{table}""#);
            let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut conn).await.unwrap();
            counts.push((table, n));
        }
    }
    counts
}
