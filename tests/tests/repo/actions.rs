//! `ActionRepo` and `QueueRepo` transitions: each applies from its one starting status, by its
//! one actor, and from anywhere else, or by anyone else, the repo says it did not apply and
//! nothing changed (status, claim, history, records, audit trail).

use chrono::{DateTime, Utc};
use telederm_schemas as wire;
use telederm_server::{
    db::{AnswerRecord, ClaimOutcome, Effects, InfoRequestRecord, ReplyRoute},
    domain::{CaseStatus, Priority},
};
use uuid::Uuid;

use crate::setup::{audit_actions, audited, history, mins, status_of, stored, World};

use CaseStatus::{Answered, Cancelled, Claimed, Closed, InfoRequested, Queued};

const ALL: [CaseStatus; 6] = [Queued, Claimed, InfoRequested, Answered, Closed, Cancelled];

#[derive(Debug, Clone, Copy)]
enum Move {
    Claim,
    Release,
    Answer,
    RequestInfo,
    ReplyToQueue,
    ReplyBackToAsker,
    Cancel,
    Close,
}

const MOVES: [Move; 8] = [
    Move::Claim,
    Move::Release,
    Move::Answer,
    Move::RequestInfo,
    Move::ReplyToQueue,
    Move::ReplyBackToAsker,
    Move::Cancel,
    Move::Close,
];

impl Move {
    /// (from, to, event kind): the lifecycle as the repo must enforce it.
    fn rule(self) -> (CaseStatus, CaseStatus, &'static str) {
        match self {
            Move::Claim => (Queued, Claimed, "claimed"),
            Move::Release => (Claimed, Queued, "released"),
            Move::Answer => (Claimed, Answered, "answered"),
            Move::RequestInfo => (Claimed, InfoRequested, "info_requested"),
            Move::ReplyToQueue => (InfoRequested, Queued, "replied"),
            Move::ReplyBackToAsker => (InfoRequested, Claimed, "replied"),
            Move::Cancel => (Queued, Cancelled, "cancelled"),
            Move::Close => (Answered, Closed, "closed"),
        }
    }
}

pub fn answer(case_id: Uuid, derm: Uuid, at_min: i64) -> AnswerRecord {
    AnswerRecord {
        case_id,
        dermatologist_id: derm,
        answered_at: mins(at_min),
        management: stored(wire::Management::InPersonConsult),
        delay_days: Some(30),
        sealed: b"sealed answer".to_vec(),
    }
}

pub fn info_request(case_id: Uuid, derm: Uuid, at_min: i64) -> InfoRequestRecord {
    InfoRequestRecord {
        id: Uuid::new_v4(),
        case_id,
        dermatologist_id: derm,
        asked_at: mins(at_min),
        wants_new_photos: true,
        sealed: b"sealed question".to_vec(),
        replied_at: None,
        reply_sealed: None,
    }
}

/// A case of gp13 brought to `status` through the repo's own transitions, derm1 acting.
pub async fn case_in(w: &World, status: CaseStatus) -> Uuid {
    let repo = &w.repo;
    let fx = Effects::default();
    let id = w.queued("13", Priority::Urgent, 0, Some(100)).await;
    if matches!(status, Claimed | InfoRequested | Answered | Closed) {
        w.claim(id, w.derm1).await;
    }
    let moved = match status {
        Queued | Claimed => true,
        InfoRequested => repo
            .request_info(&info_request(id, w.derm1, 2), &fx)
            .await
            .unwrap(),
        Answered | Closed => repo.answer(&answer(id, w.derm1, 2), &fx).await.unwrap(),
        Cancelled => repo.cancel(id, w.gp13, mins(1), &fx).await.unwrap(),
    };
    assert!(moved);
    if status == Closed {
        assert!(repo.close(id, w.gp13, mins(3), Some(4), &fx).await.unwrap());
    }
    assert_eq!(w.status(id).await, status);
    id
}

/// Apply the move as `derm` (claims, answers...) or `gp` (replies, cancel, close); whether the
/// repo says it applied.
async fn apply(w: &World, m: Move, id: Uuid, derm: Uuid, gp: Uuid) -> bool {
    let repo = &w.repo;
    let fx = audited("transition");
    let at = mins(20);
    match m {
        Move::Claim => match repo.claim(id, derm, at, mins(50), &fx).await.unwrap() {
            ClaimOutcome::Claimed => true,
            ClaimOutcome::NotQueued => false,
            ClaimOutcome::NotFound => panic!("case {id} not found"),
        },
        Move::Release => repo.release(id, derm, at, &fx).await.unwrap(),
        Move::Answer => repo.answer(&answer(id, derm, 20), &fx).await.unwrap(),
        Move::RequestInfo => repo
            .request_info(&info_request(id, derm, 20), &fx)
            .await
            .unwrap(),
        Move::ReplyToQueue | Move::ReplyBackToAsker => {
            let route = match m {
                Move::ReplyToQueue => ReplyRoute::Queue,
                _ => ReplyRoute::BackTo {
                    dermatologist: w.derm1,
                    lease_until: mins(50),
                },
            };
            repo.reply(id, gp, at, b"sealed reply", &[], route, None, &fx)
                .await
                .unwrap()
        }
        Move::Cancel => repo.cancel(id, gp, at, &fx).await.unwrap(),
        Move::Close => repo.close(id, gp, at, None, &fx).await.unwrap(),
    }
}

/// Everything a refused move must leave as it was.
#[derive(Debug, PartialEq)]
struct Snapshot {
    status: CaseStatus,
    claim: (Option<Uuid>, Option<DateTime<Utc>>),
    waiting_on_gp: (Option<Uuid>, Option<DateTime<Utc>>),
    history: Vec<String>,
    answer: Option<(Uuid, DateTime<Utc>)>,
    info_requests: Vec<(Uuid, Option<DateTime<Utc>>)>,
    audit_lines: usize,
}

async fn snapshot(w: &World, id: Uuid) -> Snapshot {
    let c = w.case(id).await;
    let answer = w.repo.answer_of(id).await.unwrap();
    let asked = w.repo.info_requests_of(id).await.unwrap();
    Snapshot {
        status: status_of(&c),
        claim: (c.claimed_by, c.lease_until),
        waiting_on_gp: (c.info_requested_by, c.paused_at),
        history: history(&w.repo, id).await,
        answer: answer.map(|a| (a.dermatologist_id, a.answered_at)),
        info_requests: asked.iter().map(|r| (r.id, r.replied_at)).collect(),
        audit_lines: audit_actions(&w.repo).await.len(),
    }
}

#[tokio::test]
async fn every_transition_applies_from_its_status_only() {
    let w = World::new().await;
    for m in MOVES {
        let (from, to, kind) = m.rule();
        for status in ALL {
            let id = case_in(&w, status).await;
            let before = snapshot(&w, id).await;
            let audit_before = audit_actions(&w.repo).await.len();
            let applied = apply(&w, m, id, w.derm1, w.gp13).await;
            if status == from {
                assert!(applied, "{m:?} from {status:?}");
                assert_eq!(w.status(id).await, to, "{m:?}");
                let last = history(&w.repo, id).await.pop().unwrap();
                assert_eq!(last, format!("{kind} {from}>{to}"));
                // Its audit line is written with it.
                assert_eq!(audit_actions(&w.repo).await.len(), audit_before + 1);
            } else {
                assert!(!applied, "{m:?} from {status:?} must not apply");
                assert_eq!(snapshot(&w, id).await, before, "{m:?} from {status:?}");
            }
        }
    }
}

#[tokio::test]
async fn every_transition_is_refused_to_anyone_but_its_actor() {
    let w = World::new().await;
    for m in MOVES {
        let (from, to, _) = m.rule();
        let id = case_in(&w, from).await;
        let before = snapshot(&w, id).await;
        // Claims are anyone's to take: the other dermatologist gets it.
        if matches!(m, Move::Claim) {
            assert!(apply(&w, m, id, w.derm2, w.gp84).await);
            assert_eq!(w.repo.claimed_by(id).await.unwrap(), Some(w.derm2));
            continue;
        }
        assert!(
            !apply(&w, m, id, w.derm2, w.gp84).await,
            "{m:?} by someone else"
        );
        assert_eq!(snapshot(&w, id).await, before, "{m:?} by someone else");
        assert!(
            apply(&w, m, id, w.derm1, w.gp13).await,
            "{m:?} by its actor"
        );
        assert_eq!(w.status(id).await, to);
    }
}
