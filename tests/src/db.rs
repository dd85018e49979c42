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
