//! The audit trail's hash chain: each line's hash covers its content, its position and the
//! previous line's hash, so altering, inserting or deleting a line breaks every later link.

use sha2::{Digest, Sha256};

use crate::db::{AuditEntry, AuditRecord};

/// The `prev_hash` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 (hex) over a JSON array of the line's fields: unambiguous, and stable across backends
/// because every value is rendered here, not by the database.
pub fn link_hash(prev_hash: &str, seq: i64, e: &AuditEntry) -> String {
    let canonical = serde_json::json!([
        seq,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.actor_id.map(|u| u.to_string()),
        e.action,
        e.target_type,
        e.target_id,
        e.case_id.map(|u| u.to_string()),
        e.territory,
        e.request_id,
        e.detail,
        prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The first line that does not follow from the one before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

/// Checks lines in order, page after page.
pub struct Verifier {
    seq: i64,
    hash: String,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            seq: 0,
            hash: GENESIS.to_owned(),
            checked: 0,
        }
    }
}

impl Verifier {
    pub fn last_seq(&self) -> i64 {
        self.seq
    }

    pub fn last_hash(&self) -> &str {
        &self.hash
    }

    pub fn check(&mut self, r: &AuditRecord) -> Result<(), BrokenLink> {
        let broken = |reason: String| BrokenLink { seq: r.seq, reason };
        if r.seq != self.seq + 1 {
            return Err(BrokenLink {
                seq: self.seq + 1,
                reason: format!(
                    "line {} is missing (the next line is {})",
                    self.seq + 1,
                    r.seq
                ),
            });
        }
        if r.prev_hash != self.hash {
            return Err(broken(
                "its previous hash is not the hash of the line before".into(),
            ));
        }
        if link_hash(&r.prev_hash, r.seq, &r.entry()) != r.hash {
            return Err(broken("its content does not match its hash".into()));
        }
        self.seq = r.seq;
        self.hash = r.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// After the last line: the head row must name it, or lines were cut off the end.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<(), BrokenLink> {
        if head_seq != self.seq || head_hash != self.hash {
            return Err(BrokenLink {
                seq: self.seq + 1,
                reason: format!(
                    "the chain ends at line {} but its head names line {head_seq}",
                    self.seq
                ),
            });
        }
        Ok(())
    }
}
