//! Sealing the audit trail: lines are appended unlinked and `audit::seal` links them in number
//! order. Two sealers at once seal each line once; a sealer that fails midway writes nothing and
//! the next pass resumes; a number without a line is filled; a trail sealed before the change
//! (migration 0013) stays intact.

use std::{path::Path, sync::Arc};

use secrecy::ExposeSecret;
use telederm_server::{
    audit::{seal, verify, VerifyOutcome},
    db::{self, AuditGap, AuditLink, Effects, Repo},
    domain::audit::{link_hash, GENESIS},
};

use crate::{
    audit::assert_chain_intact,
    setup::{empty_database, entry, fresh_repo, mins},
};

async fn append(repo: &Arc<dyn Repo>, n: i64) {
    let audit = (0..n)
        .map(|i| entry(&format!("test.{i}"), mins(i)))
        .collect();
    repo.record(&Effects {
        audit,
        notify: Vec::new(),
    })
    .await
    .unwrap();
}

fn hashes(chain: &[telederm_server::db::AuditRecord]) -> Vec<Option<String>> {
    chain.iter().map(|r| r.hash.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_sealers_one_writes_and_every_line_is_sealed_once_in_order() {
    let (repo, _dir) = fresh_repo().await;
    append(&repo, 3).await;
    let head = repo.audit_head().await.unwrap();
    let page = repo.audit_chain(0, 10).await.unwrap();
    let mut prev = GENESIS.to_owned();
    let links: Vec<AuditLink> = page
        .iter()
        .map(|r| {
            let hash = link_hash(&prev, r.seq, &r.entry());
            AuditLink {
                seq: r.seq,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            }
        })
        .collect();
    assert!(repo.seal_audit(&head, &links).await.unwrap());
    // The second sealer read the same head: it finds it moved and writes nothing.
    assert!(!repo.seal_audit(&head, &links).await.unwrap());
    assert_chain_intact(&repo).await;

    // Appenders and three sealers at once.
    let appenders: Vec<_> = (0..4)
        .map(|_| {
            let repo = repo.clone();
            tokio::spawn(async move {
                for _ in 0..10 {
                    append(&repo, 2).await;
                }
            })
        })
        .collect();
    let sealers: Vec<_> = (0..3)
        .map(|_| {
            let repo = repo.clone();
            tokio::spawn(async move {
                let mut sealed = 0;
                for _ in 0..10 {
                    sealed += seal(repo.as_ref(), mins(60)).await.unwrap().sealed;
                }
                sealed
            })
        })
        .collect();
    for a in appenders {
        a.await.unwrap();
    }
    let mut sealed = 0;
    for s in sealers {
        sealed += s.await.unwrap();
    }
    sealed += seal(repo.as_ref(), mins(60)).await.unwrap().sealed;
    assert_eq!(sealed, 80, "each line sealed once");
    assert_eq!(assert_chain_intact(&repo).await.len(), 83);
}

#[tokio::test]
async fn a_sealer_that_fails_midway_writes_nothing_and_the_next_pass_resumes() {
    let (repo, _dir) = fresh_repo().await;
    append(&repo, 301).await;
    let head = repo.audit_head().await.unwrap();
    // Links for more than one statement's worth of lines, the last for a line that is not there:
    // the first statement succeeds, the second fails, the whole transaction rolls back.
    let mut links: Vec<AuditLink> = (1..=301)
        .map(|seq| AuditLink {
            seq,
            prev_hash: format!("{:064}", seq - 1),
            hash: format!("{seq:064}"),
        })
        .collect();
    links[300].seq = 999;
    assert!(repo.seal_audit(&head, &links).await.is_err());
    assert_eq!(repo.audit_head().await.unwrap(), head);
    let chain = repo.audit_chain(0, 1000).await.unwrap();
    assert!(hashes(&chain).iter().all(Option::is_none), "nothing sealed");

    assert_eq!(seal(repo.as_ref(), mins(5)).await.unwrap().sealed, 301);
    assert_chain_intact(&repo).await;
    // A sealed line is not sealed again.
    let again = AuditLink {
        seq: 301,
        prev_hash: GENESIS.into(),
        hash: GENESIS.into(),
    };
    let head = repo.audit_head().await.unwrap();
    assert!(repo.seal_audit(&head, &[again]).await.is_err());
    assert_eq!(repo.audit_head().await.unwrap(), head);
    assert_chain_intact(&repo).await;
}

#[tokio::test]
async fn a_number_without_a_line_is_filled_and_the_chain_goes_on_past_it() {
    let (repo, _dir) = fresh_repo().await;
    append(&repo, 2).await;
    // Number 4 takes a line before 3 has one (as a sequence hands out numbers on PostgreSQL);
    // nothing will ever take 3.
    let line = entry("test.after", mins(9));
    assert_eq!(
        repo.fill_audit_gap(4, &line).await.unwrap(),
        AuditGap::Filled
    );
    assert_eq!(
        repo.fill_audit_gap(4, &line).await.unwrap(),
        AuditGap::Appeared,
        "a number holds one line"
    );
    assert_eq!(repo.audit_lines_after(0).await.unwrap(), 3);

    let stats = seal(repo.as_ref(), mins(10)).await.unwrap();
    assert_eq!((stats.sealed, stats.gaps_filled), (4, 1));
    let chain = assert_chain_intact(&repo).await;
    let actions: Vec<_> = chain.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["test.0", "test.1", "audit.gap", "test.after"]);
    assert_eq!(chain[2].target_id.as_deref(), Some("3"));
    assert_eq!(chain[2].at, mins(10));
}

/// A database at migration 0010 whose trail was chained the old way (each append under the
/// head's lock), then brought up to date.
#[tokio::test]
async fn a_trail_sealed_before_migration_0013_stays_intact_and_numbering_goes_on() {
    let (url, _dir) = empty_database().await;
    let old = [entry("old.1", mins(1)), entry("old.2", mins(2))];
    let mut prev = GENESIS.to_owned();
    let mut rows = Vec::new();
    for (i, e) in old.iter().enumerate() {
        let seq = i as i64 + 1;
        let hash = link_hash(&prev, seq, e);
        rows.push(format!(
            "INSERT INTO audit_log (seq, at, action, target_type, request_id, prev_hash, hash) \
             VALUES ({seq}, $1, '{}', 'test', 'req-1', '{prev}', '{hash}')",
            e.action
        ));
        prev = hash;
    }
    rows.push(format!(
        "UPDATE audit_head SET seq = 2, hash = '{prev}' WHERE id = 1"
    ));
    migrate_to_0010_and_run(url.expose_secret(), &rows, &old).await;

    let repo = db::connect(&url, 4).await.unwrap();
    repo.migrate().await.unwrap();
    let VerifyOutcome::Intact { lines, pending, .. } = verify(repo.as_ref()).await.unwrap() else {
        panic!("the old chain is intact");
    };
    assert_eq!((lines, pending), (2, 0));
    append(&repo, 1).await;
    assert_eq!(repo.audit_chain(2, 10).await.unwrap()[0].seq, 3);
    assert_eq!(seal(repo.as_ref(), mins(3)).await.unwrap().sealed, 1);
    assert_eq!(assert_chain_intact(&repo).await.len(), 3);
}

/// Apply migrations 0001 to 0010 only, then `statements`, each with a `$1` bound to its line's
/// time.
async fn migrate_to_0010_and_run(
    url: &str,
    statements: &[String],
    lines: &[telederm_server::db::AuditEntry],
) {
    let backend = if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../server/migrations")
        .join(backend);
    let mut migrator = sqlx::migrate::Migrator::new(folder).await.unwrap();
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= 10)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let at = |i: usize| lines.get(i).map_or(mins(0), |e| e.at);
    if backend == "sqlite" {
        let options = url
            .parse::<sqlx::sqlite::SqliteConnectOptions>()
            .unwrap()
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        migrator.run(&pool).await.unwrap();
        for (i, sql) in statements.iter().enumerate() {
            let q = sqlx::query(sql);
            let q = if sql.contains("$1") { q.bind(at(i)) } else { q };
            q.execute(&pool).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        migrator.run(&pool).await.unwrap();
        for (i, sql) in statements.iter().enumerate() {
            let q = sqlx::query(sql);
            let q = if sql.contains("$1") { q.bind(at(i)) } else { q };
            q.execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
}
