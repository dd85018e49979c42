//! Verifying the audit trail's hash chain (`domain::audit::link_hash`): each line's hash covers its
//! content, its position and the previous line's hash, so altering, inserting or deleting a
//! sealed line breaks every later link.

use crate::{
    db::AuditRecord,
    domain::audit::{link_hash, GENESIS},
};

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

    /// Check the next sealed line (the head names it or a later one).
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
        let (Some(prev_hash), Some(hash)) = (&r.prev_hash, &r.hash) else {
            return Err(broken("it has no hash, though the head is past it".into()));
        };
        if *prev_hash != self.hash {
            return Err(broken(
                "its previous hash is not the hash of the line before".into(),
            ));
        }
        if link_hash(prev_hash, r.seq, &r.entry()) != *hash {
            return Err(broken("its content does not match its hash".into()));
        }
        self.seq = r.seq;
        self.hash = hash.clone();
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
