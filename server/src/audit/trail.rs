use chrono::{DateTime, Utc};
use telederm_schemas as wire;
use uuid::Uuid;

use super::chain::{BrokenLink, Verifier};
use crate::{
    db::{AuditEntry, AuditRecord, Repo, RepoError},
    telemetry::current_request_id,
};

/// Lines checked per query while verifying.
const VERIFY_PAGE: i64 = 1000;

/// An entry for the request being handled (its id is taken from the request's scope).
pub fn entry(
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    action: &str,
    target_type: &str,
    target_id: Option<String>,
) -> AuditEntry {
    let request_id = current_request_id();
    AuditEntry {
        at,
        actor_id: actor,
        action: action.to_owned(),
        target_type: target_type.to_owned(),
        target_id,
        case_id: None,
        territory: None,
        request_id: (request_id != "-").then_some(request_id),
        detail: None,
    }
}

/// A line as the API shows it, with its actor named (`actor`: the caller looks up the names of a
/// page in one batch).
pub fn to_wire(r: AuditRecord, actor: Option<wire::Person>) -> wire::AuditEntry {
    debug_assert_eq!(actor.as_ref().map(|p| p.id), r.actor_id);
    wire::AuditEntry {
        seq: r.seq,
        at: r.at,
        actor_id: r.actor_id,
        actor,
        action: r.action,
        target_type: r.target_type,
        target_id: r.target_id,
        case_id: r.case_id,
        territory: r.territory_code,
        request_id: r.request_id,
        detail: r.detail.and_then(|d| serde_json::from_str(&d).ok()),
        // Empty until the sealer links the line (a moment after it is written).
        hash: r.hash.unwrap_or_default(),
    }
}

/// What verification found: the sealed lines are checked; `pending` lines, appended after the
/// head, await their seal (a moment after they were written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    Intact {
        lines: u64,
        head: String,
        pending: u64,
    },
    Broken {
        lines_checked: u64,
        first_broken: BrokenLink,
        pending: u64,
    },
}

impl VerifyOutcome {
    pub fn to_wire(&self) -> wire::AuditVerification {
        match self {
            VerifyOutcome::Intact {
                lines,
                head,
                pending,
            } => wire::AuditVerification {
                intact: true,
                lines_checked: *lines,
                head_hash: Some(head.clone()),
                first_broken_seq: None,
                reason: None,
                lines_pending: *pending,
            },
            VerifyOutcome::Broken {
                lines_checked,
                first_broken,
                pending,
            } => wire::AuditVerification {
                intact: false,
                lines_checked: *lines_checked,
                head_hash: None,
                first_broken_seq: Some(first_broken.seq),
                reason: Some(first_broken.reason.clone()),
                lines_pending: *pending,
            },
        }
    }
}

/// Walk the sealed chain and report the first broken link, and how many lines await their seal.
pub async fn verify(repo: &dyn Repo) -> Result<VerifyOutcome, RepoError> {
    let mut verifier = Verifier::default();
    // Read the head first: lines sealed while we walk are beyond it and do not count.
    let (head_seq, head_hash) = repo.audit_head().await?;
    let walked = walk(repo, &mut verifier, head_seq).await?;
    let walked = walked.and_then(|()| verifier.finish(head_seq, &head_hash));
    let pending = u64::try_from(repo.audit_lines_after(head_seq).await?).unwrap_or_default();
    Ok(match walked {
        Ok(()) => VerifyOutcome::Intact {
            lines: verifier.checked,
            head: verifier.last_hash().to_owned(),
            pending,
        },
        Err(first_broken) => VerifyOutcome::Broken {
            lines_checked: verifier.checked,
            first_broken,
            pending,
        },
    })
}

/// Check every line up to the head, page after page.
async fn walk(
    repo: &dyn Repo,
    verifier: &mut Verifier,
    head_seq: i64,
) -> Result<Result<(), BrokenLink>, RepoError> {
    while verifier.last_seq() < head_seq {
        let page = repo.audit_chain(verifier.last_seq(), VERIFY_PAGE).await?;
        if page.is_empty() {
            break;
        }
        for r in page.iter().take_while(|r| r.seq <= head_seq) {
            if let Err(first_broken) = verifier.check(r) {
                return Ok(Err(first_broken));
            }
        }
        if page.last().is_some_and(|r| r.seq >= head_seq) {
            break;
        }
    }
    Ok(Ok(()))
}
