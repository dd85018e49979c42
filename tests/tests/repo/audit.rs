//! `AuditRepo`: the hash chain, its head, filters, and entries written in the transaction of the
//! change they record (unlinked, then sealed: `audit_seal`).

use std::sync::Arc;

use telederm_server::{
    audit::seal,
    db::{AuditEntry, AuditFilter, AuditRecord, ClaimOutcome, Effects, Repo},
    domain::{
        audit::{link_hash, GENESIS},
        CaseStatus, Priority,
    },
};
use uuid::Uuid;

use crate::setup::{
    audit_actions, code, entry, fresh_repo, history, mins, notice, territory, World,
};

/// Every line is sealed and follows from the one before, and the head names the last.
pub async fn assert_chain_intact(repo: &Arc<dyn Repo>) -> Vec<AuditRecord> {
    let chain = repo.audit_chain(0, 10_000).await.unwrap();
    let mut prev = GENESIS.to_owned();
    for (i, r) in chain.iter().enumerate() {
        assert_eq!(r.seq, i as i64 + 1);
        assert_eq!(
            r.prev_hash.as_deref(),
            Some(prev.as_str()),
            "line {}",
            r.seq
        );
        let hash = link_hash(&prev, r.seq, &r.entry());
        assert_eq!(r.hash.as_deref(), Some(hash.as_str()), "line {}", r.seq);
        prev = hash;
    }
    assert_eq!(repo.audit_head().await.unwrap(), (chain.len() as i64, prev));
    assert_eq!(repo.audit_lines_after(chain.len() as i64).await.unwrap(), 0);
    chain
}

fn varied(i: i64) -> AuditEntry {
    let mut e = entry(&format!("action.{i}"), mins(i));
    if i % 2 == 0 {
        e.actor_id = Some(Uuid::new_v4());
        e.target_type = "case".into();
        e.case_id = Some(Uuid::new_v4());
        e.target_id = e.case_id.map(|c| c.to_string());
        e.territory = Some("13".into());
        e.detail = Some(format!(r#"{{"n":{i}}}"#));
    } else {
        e.request_id = None;
    }
    e
}

#[tokio::test]
async fn entries_are_chained_in_order_and_the_head_names_the_last() {
    let (repo, _dir) = fresh_repo().await;
    let entries: Vec<_> = (0..5).map(varied).collect();
    let fx = |from: usize, to: usize| Effects {
        audit: entries[from..to].to_vec(),
        notify: Vec::new(),
    };
    repo.record(&fx(0, 3)).await.unwrap();
    repo.record(&fx(3, 5)).await.unwrap();
    // Nothing to write: nothing appended.
    repo.record(&Effects::default()).await.unwrap();

    // Numbered in order as written, unlinked until sealed; the head has not moved.
    let written = repo.audit_chain(0, 100).await.unwrap();
    assert_eq!(
        written.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert!(written
        .iter()
        .all(|r| r.hash.is_none() && r.prev_hash.is_none()));
    assert_eq!(repo.audit_head().await.unwrap(), (0, GENESIS.to_owned()));
    assert_eq!(repo.audit_lines_after(0).await.unwrap(), 5);
    assert_eq!(repo.audit_lines_after(3).await.unwrap(), 2);

    let stats = seal(repo.as_ref(), mins(10)).await.unwrap();
    assert_eq!((stats.sealed, stats.gaps_filled), (5, 0));
    let chain = assert_chain_intact(&repo).await;
    let read: Vec<_> = chain.iter().map(AuditRecord::entry).collect();
    assert_eq!(read, entries);
    assert_eq!(chain[0].prev_hash.as_deref(), Some(GENESIS));
    assert_eq!(repo.audit_head().await.unwrap().0, 5);
    // Nothing left: a second pass does nothing.
    assert_eq!(seal(repo.as_ref(), mins(11)).await.unwrap().sealed, 0);

    let seqs = |page: Vec<AuditRecord>| page.iter().map(|r| r.seq).collect::<Vec<_>>();
    assert_eq!(seqs(repo.audit_chain(2, 2).await.unwrap()), [3, 4]);
    assert_eq!(seqs(repo.audit_chain(4, 10).await.unwrap()), [5]);
    assert!(repo.audit_chain(5, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn entries_are_filtered_and_paged_newest_first() {
    let (repo, _dir) = fresh_repo().await;
    let (a, b, derm1, derm2) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let line = |m: i64, actor: Option<Uuid>, action: &str, case: Option<Uuid>, t: Option<&str>| {
        let mut e = entry(action, mins(m));
        e.actor_id = actor;
        e.case_id = case;
        e.territory = t.map(Into::into);
        e
    };
    let all = vec![
        line(0, Some(derm1), "case.read", Some(a), Some("13")),
        line(1, Some(derm2), "case.claimed", Some(a), Some("13")),
        line(2, Some(derm1), "case.read", Some(b), Some("84")),
        line(3, None, "auth.login_failed", None, None),
        line(4, Some(derm1), "case.read", Some(a), Some("13")),
    ];
    repo.record(&Effects {
        audit: all,
        notify: Vec::new(),
    })
    .await
    .unwrap();

    let find = |f: AuditFilter| {
        let repo = repo.clone();
        async move {
            let found = repo.audit_entries(&f).await.unwrap();
            found.iter().map(|r| r.seq).collect::<Vec<_>>()
        }
    };
    let base = || AuditFilter {
        limit: 100,
        ..AuditFilter::default()
    };
    assert_eq!(find(base()).await, [5, 4, 3, 2, 1]);
    assert_eq!(
        find(AuditFilter {
            case_id: Some(a),
            ..base()
        })
        .await,
        [5, 2, 1]
    );
    assert_eq!(
        find(AuditFilter {
            actor_id: Some(derm1),
            ..base()
        })
        .await,
        [5, 3, 1]
    );
    assert_eq!(
        find(AuditFilter {
            action: Some("case.read".into()),
            ..base()
        })
        .await,
        [5, 3, 1]
    );
    // From inclusive, to exclusive.
    assert_eq!(
        find(AuditFilter {
            from: Some(mins(1)),
            to: Some(mins(3)),
            ..base()
        })
        .await,
        [3, 2]
    );
    assert_eq!(
        find(AuditFilter {
            territories: Some(vec!["13".into()]),
            ..base()
        })
        .await,
        [5, 2, 1]
    );
    let both = Some(vec!["13".into(), "84".into()]);
    assert_eq!(
        find(AuditFilter {
            territories: both,
            ..base()
        })
        .await,
        [5, 3, 2, 1]
    );
    assert!(find(AuditFilter {
        territories: Some(Vec::new()),
        ..base()
    })
    .await
    .is_empty());
    assert_eq!(
        find(AuditFilter {
            before_seq: Some(3),
            ..base()
        })
        .await,
        [2, 1]
    );
    assert_eq!(find(AuditFilter { limit: 2, ..base() }).await, [5, 4]);
    let narrow = AuditFilter {
        actor_id: Some(derm1),
        territories: Some(vec!["84".into()]),
        ..base()
    };
    assert_eq!(find(narrow).await, [3]);
}

#[tokio::test]
async fn a_change_commits_with_its_audit_lines_and_notifications_or_not_at_all() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = w.queued("13", Priority::Urgent, 0, None).await;

    // The notification's recipient does not exist: its insert fails, and the claim with it.
    let broken = Effects::audit(entry("case.claimed", mins(1))).with(vec![notice(
        Uuid::new_v4(),
        "case.claimed",
        Some(id),
        mins(1),
    )]);
    assert!(repo
        .claim(id, w.derm1, mins(1), mins(30), &broken)
        .await
        .is_err());
    assert_eq!(w.status(id).await, CaseStatus::Queued);
    assert_eq!(repo.claimed_by(id).await.unwrap(), None);
    assert_eq!(history(repo, id).await, ["submitted >queued"]);
    assert!(repo
        .create_territory(&territory("05", &[]), crate::setup::t0(), &broken)
        .await
        .is_err());
    assert_eq!(repo.territory(&code("05")).await.unwrap(), None);
    assert!(audit_actions(repo).await.is_empty());
    assert!(repo
        .notifications(false, None, 100)
        .await
        .unwrap()
        .is_empty());

    // With a real recipient, all three commit together.
    let note = notice(w.derm2, "case.claimed", Some(id), mins(2));
    let fx = Effects::audit(entry("case.claimed", mins(2))).with(vec![note.clone()]);
    let claimed = repo.claim(id, w.derm1, mins(2), mins(30), &fx).await;
    assert_eq!(claimed.unwrap(), ClaimOutcome::Claimed);
    assert_eq!(repo.claimed_by(id).await.unwrap(), Some(w.derm1));
    assert_eq!(audit_actions(repo).await, ["case.claimed"]);
    let queued = repo.notifications(false, Some(id), 100).await.unwrap();
    assert_eq!(queued.iter().map(|n| n.id).collect::<Vec<_>>(), [note.id]);

    // Recorded on their own: a notification without an audit line.
    let alone = notice(w.derm1, "test.alone", None, mins(3));
    repo.record(&Effects::default().with(vec![alone.clone()]))
        .await
        .unwrap();
    assert_eq!(repo.notifications(false, None, 100).await.unwrap().len(), 2);
    assert_eq!(repo.audit_lines_after(0).await.unwrap(), 1);
    seal(repo.as_ref(), mins(4)).await.unwrap();
    assert_eq!(repo.audit_head().await.unwrap().0, 1);
    assert_chain_intact(repo).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appenders_keep_one_unbroken_chain() {
    let (repo, _dir) = fresh_repo().await;
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let repo = repo.clone();
            tokio::spawn(async move {
                for i in 0..5 {
                    let fx = Effects {
                        audit: vec![varied(t * 10 + i), varied(t * 10 + i + 100)],
                        notify: Vec::new(),
                    };
                    repo.record(&fx).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    // Numbered without a hole, whatever the order they committed in, then sealed in that order.
    assert_eq!(seal(repo.as_ref(), mins(100)).await.unwrap().sealed, 80);
    let chain = assert_chain_intact(&repo).await;
    assert_eq!(chain.len(), 80);
}
