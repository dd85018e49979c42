//! The chain sealer: links the lines appended since the head, in number order, and moves the head
//! (`domain::audit::link_hash`). Changes append their lines unlinked so that they never wait for
//! each other; a background worker calls `seal` shortly after (tests call it by hand).
//!
//! Safe with several instances at once: the head moves with a conditional update, so of two
//! sealers of the same lines one writes and the other finds the head moved and stops. A sealer
//! that stops midway (crash, lost connection) has written nothing: its transaction rolls back,
//! and the next pass starts again from the head.

use chrono::{DateTime, Utc};

use crate::{
    db::{AuditEntry, AuditGap, AuditLink, AuditRecord, Repo, RepoError},
    domain::audit::link_hash,
};

/// Lines read and sealed per transaction: short enough not to hold SQLite's writer long.
const SEAL_BATCH: i64 = 500;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SealStats {
    pub sealed: u64,
    /// Numbers whose append rolled back, now held by an `audit.gap` line.
    pub gaps_filled: u64,
}

/// Seal every line appended so far, in order; stops early at a number whose append is still in
/// flight (the next pass carries on) or when another sealer is ahead.
pub async fn seal(repo: &dyn Repo, now: DateTime<Utc>) -> Result<SealStats, RepoError> {
    let mut stats = SealStats::default();
    loop {
        let head = repo.audit_head().await?;
        let page = repo.audit_chain(head.0, SEAL_BATCH).await?;
        let (links, next) = links_after(&head, &page);
        if !links.is_empty() {
            if !repo.seal_audit(&head, &links).await? {
                return Ok(stats);
            }
            stats.sealed += links.len() as u64;
        }
        match next {
            Next::Done => return Ok(stats),
            Next::MorePages => {}
            // On PostgreSQL numbers come from a sequence: a missing one belongs to a transaction
            // still running, or to one that rolled back, whose number will never be used.
            Next::Gap(seq) => match repo.fill_audit_gap(seq, &gap_line(seq, now)).await? {
                AuditGap::Filled => stats.gaps_filled += 1,
                AuditGap::Appeared => {}
                AuditGap::InFlight => return Ok(stats),
            },
        }
    }
}

enum Next {
    /// Everything read was sealed and nothing more is waiting.
    Done,
    /// A whole page was sealed: there may be more.
    MorePages,
    /// This number has no line yet, though later ones do.
    Gap(i64),
}

/// The links of the lines that follow the head without a hole, and what comes after them.
fn links_after(head: &(i64, String), page: &[AuditRecord]) -> (Vec<AuditLink>, Next) {
    let (mut seq, mut prev) = head.clone();
    let mut links = Vec::with_capacity(page.len());
    for r in page {
        if r.seq != seq + 1 {
            return (links, Next::Gap(seq + 1));
        }
        let hash = link_hash(&prev, r.seq, &r.entry());
        links.push(AuditLink {
            seq: r.seq,
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
        seq = r.seq;
    }
    let full = i64::try_from(page.len()).is_ok_and(|n| n >= SEAL_BATCH);
    (links, if full { Next::MorePages } else { Next::Done })
}

/// The line that takes a number whose append rolled back, so that every number has its line and
/// a missing one always means a deleted line.
fn gap_line(seq: i64, now: DateTime<Utc>) -> AuditEntry {
    AuditEntry {
        at: now,
        actor_id: None,
        action: "audit.gap".into(),
        target_type: "audit".into(),
        target_id: Some(seq.to_string()),
        case_id: None,
        territory: None,
        request_id: None,
        detail: Some(serde_json::json!({ "reason": "append rolled back" }).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::GENESIS;

    fn line(seq: i64) -> AuditRecord {
        AuditRecord {
            seq,
            at: DateTime::from_timestamp(1_700_000_000 + seq, 0).unwrap_or_default(),
            actor_id: None,
            action: format!("test.{seq}"),
            target_type: "test".into(),
            target_id: None,
            case_id: None,
            territory_code: None,
            request_id: None,
            detail: None,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn lines_are_linked_from_the_head_in_order() {
        let head = (2, "h2".to_owned());
        let (links, next) = links_after(&head, &[line(3), line(4)]);
        assert!(matches!(next, Next::Done));
        assert_eq!(links[0].prev_hash, "h2");
        assert_eq!(links[0].hash, link_hash("h2", 3, &line(3).entry()));
        assert_eq!(links[1].prev_hash, links[0].hash);
        assert_eq!(
            links[1].hash,
            link_hash(&links[0].hash, 4, &line(4).entry())
        );
    }

    #[test]
    fn linking_stops_before_a_missing_number() {
        let head = (0, GENESIS.to_owned());
        let (links, next) = links_after(&head, &[line(1), line(2), line(4)]);
        assert_eq!(links.iter().map(|l| l.seq).collect::<Vec<_>>(), [1, 2]);
        assert!(matches!(next, Next::Gap(3)));
        let (links, next) = links_after(&head, &[line(2)]);
        assert!(links.is_empty());
        assert!(matches!(next, Next::Gap(1)));
    }
}
