//! `Repo` itself: which backend, migrations, readiness.

use telederm_server::domain::audit::GENESIS;
use telederm_tests::db::backend;

use crate::setup::unmigrated_repo;

#[tokio::test]
async fn migrations_create_the_schema_once_and_the_database_answers() {
    let (repo, _dir) = unmigrated_repo().await;
    assert_eq!(repo.backend(), backend());
    repo.ping().await.unwrap();
    // Before the migrations there is nothing to read from.
    assert!(repo.list_territories().await.is_err());

    repo.migrate().await.unwrap();
    assert!(repo.list_territories().await.unwrap().is_empty());
    // The audit chain starts at its genesis link.
    assert_eq!(repo.audit_head().await.unwrap(), (0, GENESIS.to_owned()));

    // Again: nothing to do, nothing lost.
    repo.migrate().await.unwrap();
    assert_eq!(repo.audit_head().await.unwrap(), (0, GENESIS.to_owned()));
    repo.ping().await.unwrap();
}
