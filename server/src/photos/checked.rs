//! What the decoding of a checked photo found, remembered for a short while so that the
//! submission of the same photo does not decode it again.
//!
//! The GP's form checks each photo as soon as it is chosen (the API offers the same check), and
//! the submission sends the same file minutes later: decoding it twice doubles the cost of the
//! most expensive stage. An entry is keyed by its user and by the SHA-256 of the stripped bytes,
//! the very bytes whose decoding it records (the same file stripped again gives the same bytes),
//! so a hit proves nothing about any other file. Nothing of the photo is kept: no bytes, only
//! its size in pixels and its quality warnings. Entries are never shared between users, expire
//! after [`TTL`], and the oldest go first beyond [`CAPACITY`].

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use hashlink::LinkedHashMap;

use crate::{domain::UserId, photos::quality::QualityWarning};

/// How long a check is remembered: the time a GP takes to fill in the rest of the form.
pub const TTL: Duration = Duration::minutes(10);
/// The most checks remembered at once (a few hundred bytes each): far more than the GPs of one
/// server check in ten minutes; beyond it the oldest are forgotten, which only costs a decode.
pub const CAPACITY: usize = 4096;

/// What the whole-image proof and the quality check found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    pub width: u32,
    pub height: u32,
    pub warnings: Vec<QualityWarning>,
}

type Key = (UserId, [u8; 32]);

struct Entry {
    at: DateTime<Utc>,
    outcome: CheckOutcome,
}

/// Shared by every clone (the intake is cloned into each request).
#[derive(Clone, Default)]
pub struct CheckedPhotos {
    entries: Arc<Mutex<LinkedHashMap<Key, Entry>>>,
}

impl CheckedPhotos {
    /// Remembers what `user`'s check of the photo whose stripped bytes hash to `sha256` found.
    pub fn remember(
        &self,
        user: UserId,
        sha256: [u8; 32],
        outcome: CheckOutcome,
        now: DateTime<Utc>,
    ) {
        let mut entries = self.lock();
        // Inserted at the back: the map stays in order of time, oldest first.
        entries.insert((user, sha256), Entry { at: now, outcome });
        while entries.len() > CAPACITY || entries.front().is_some_and(|(_, e)| expired(e, now)) {
            entries.pop_front();
        }
    }

    /// What `user`'s own check of these bytes found, if it is recent enough.
    pub fn recall(
        &self,
        user: UserId,
        sha256: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Option<CheckOutcome> {
        let mut entries = self.lock();
        let key = (user, *sha256);
        match entries.get(&key) {
            Some(entry) if !expired(entry, now) => Some(entry.outcome.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// How many checks are remembered now.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LinkedHashMap<Key, Entry>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn expired(entry: &Entry, now: DateTime<Utc>) -> bool {
    now - entry.at >= TTL
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(width: u32) -> CheckOutcome {
        CheckOutcome {
            width,
            height: 1000,
            warnings: Vec::new(),
        }
    }

    fn start() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-30T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_check_is_recalled_by_its_user_only() {
        let checked = CheckedPhotos::default();
        let (gp, other) = (UserId::new(), UserId::new());
        checked.remember(gp, [1; 32], outcome(1200), start());
        assert_eq!(checked.recall(gp, &[1; 32], start()), Some(outcome(1200)));
        assert_eq!(checked.recall(other, &[1; 32], start()), None);
        assert_eq!(checked.recall(gp, &[2; 32], start()), None);
    }

    #[test]
    fn a_check_expires() {
        let checked = CheckedPhotos::default();
        let gp = UserId::new();
        checked.remember(gp, [1; 32], outcome(1200), start());
        let almost = start() + TTL - Duration::seconds(1);
        assert!(checked.recall(gp, &[1; 32], almost).is_some());
        assert_eq!(checked.recall(gp, &[1; 32], start() + TTL), None);
        assert!(checked.is_empty(), "the expired entry is dropped");
    }

    #[test]
    fn the_oldest_checks_go_first_and_expired_ones_are_swept() {
        let checked = CheckedPhotos::default();
        let gp = UserId::new();
        for i in 0..=CAPACITY {
            let mut sha = [0; 32];
            sha[..8].copy_from_slice(&(i as u64).to_be_bytes());
            checked.remember(gp, sha, outcome(i as u32), start());
        }
        assert_eq!(checked.len(), CAPACITY);
        assert_eq!(
            checked.recall(gp, &[0; 32], start()),
            None,
            "the first went"
        );
        // A check made after the others expired sweeps them.
        checked.remember(gp, [9; 32], outcome(1), start() + TTL);
        assert_eq!(checked.len(), 1);
    }

    #[test]
    fn checking_again_renews_the_entry() {
        let checked = CheckedPhotos::default();
        let gp = UserId::new();
        checked.remember(gp, [1; 32], outcome(1), start());
        checked.remember(gp, [2; 32], outcome(2), start() + Duration::minutes(5));
        checked.remember(gp, [1; 32], outcome(1), start() + Duration::minutes(8));
        let later = start() + Duration::minutes(16);
        assert_eq!(checked.recall(gp, &[2; 32], later), None);
        assert_eq!(checked.recall(gp, &[1; 32], later), Some(outcome(1)));
    }
}
