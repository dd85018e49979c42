//! A budget of bytes shared by every holder: a weighted semaphore whose permits are bytes.
//!
//! A holder asks for what it is about to keep in memory and waits while others hold the rest; what
//! it holds comes back when its [`Held`] is dropped, on success, error or cancellation alike. The
//! budget keeps a high-water mark and counts the holders that had to wait, so that tests and
//! operators can see that the bound held.

use std::sync::Arc;

use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// Bytes held now, the most ever held at once, and how many requests had to wait.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub in_use: u64,
    pub peak: u64,
    pub waits: u64,
}

/// The most one request may hold: the semaphore hands out at most `u32::MAX` permits at once.
pub const MAX_ONE_HOLD: u64 = u32::MAX as u64;

/// Asked for more than a budget can ever give at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{wanted} bytes asked of a budget that gives at most {limit} at once")]
pub struct OverBudget {
    pub wanted: u64,
    pub limit: u64,
}

#[derive(Clone)]
pub struct MemoryBudget {
    inner: Arc<Inner>,
}

struct Inner {
    semaphore: Arc<Semaphore>,
    limit: u64,
    usage: watch::Sender<Usage>,
}

impl MemoryBudget {
    /// A budget of `limit` bytes (at most `Semaphore::MAX_PERMITS`).
    pub fn new(limit: u64) -> MemoryBudget {
        let permits = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .min(Semaphore::MAX_PERMITS);
        MemoryBudget {
            inner: Arc::new(Inner {
                semaphore: Arc::new(Semaphore::new(permits)),
                limit: permits as u64,
                usage: watch::Sender::new(Usage::default()),
            }),
        }
    }

    pub fn limit(&self) -> u64 {
        self.inner.limit
    }

    pub fn usage(&self) -> Usage {
        *self.inner.usage.borrow()
    }

    /// Follows every change of the usage (tests wait on it instead of sleeping).
    pub fn watch(&self) -> watch::Receiver<Usage> {
        self.inner.usage.subscribe()
    }

    /// Waits until `bytes` are free and holds them. More than the whole budget could never be
    /// given: it is refused at once rather than clamped, which would hide what is really held.
    pub async fn acquire(&self, bytes: u64) -> Result<Held, OverBudget> {
        let most = self.inner.limit.min(MAX_ONE_HOLD);
        let Some(n) = u32::try_from(bytes).ok().filter(|_| bytes <= most) else {
            return Err(OverBudget {
                wanted: bytes,
                limit: most,
            });
        };
        let semaphore = Arc::clone(&self.inner.semaphore);
        let permit = match Arc::clone(&semaphore).try_acquire_many_owned(n) {
            Ok(permit) => permit,
            Err(_) => {
                self.inner.usage.send_modify(|u| u.waits += 1);
                match semaphore.acquire_many_owned(n).await {
                    Ok(permit) => permit,
                    // The semaphore is never closed.
                    Err(_) => return Ok(self.empty()),
                }
            }
        };
        self.inner.usage.send_modify(|u| {
            u.in_use += bytes;
            u.peak = u.peak.max(u.in_use);
        });
        Ok(Held {
            permit: Some(permit),
            bytes,
            budget: Arc::clone(&self.inner),
        })
    }

    /// Holds nothing yet; [`Held::merge`] adds to it.
    pub fn empty(&self) -> Held {
        Held {
            permit: None,
            bytes: 0,
            budget: Arc::clone(&self.inner),
        }
    }
}

/// Bytes held against a budget, given back when dropped.
pub struct Held {
    permit: Option<OwnedSemaphorePermit>,
    bytes: u64,
    budget: Arc<Inner>,
}

impl Held {
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Adds what `other` holds (of the same budget) to this.
    pub fn merge(&mut self, mut other: Held) {
        self.bytes += std::mem::take(&mut other.bytes);
        match (&mut self.permit, other.permit.take()) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (mine @ None, theirs) => *mine = theirs,
            (Some(_), None) => {}
        }
    }

    /// Moves up to `bytes` of what this holds into a holder of its own.
    pub fn split(&mut self, bytes: u64) -> Held {
        let bytes = bytes.min(self.bytes);
        let permit = usize::try_from(bytes)
            .ok()
            .and_then(|n| self.permit.as_mut().and_then(|p| p.split(n)));
        let moved = permit.as_ref().map_or(0, |p| p.num_permits() as u64);
        self.bytes -= moved;
        Held {
            permit,
            bytes: moved,
            budget: Arc::clone(&self.budget),
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let bytes = self.bytes;
        if bytes > 0 {
            self.budget.usage.send_modify(|u| u.in_use -= bytes);
        }
        // The permit goes back to the semaphore right after, when the field is dropped.
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;

    #[tokio::test]
    async fn holders_wait_for_each_other_and_give_back_on_drop() {
        let budget = MemoryBudget::new(100);
        let first = budget.acquire(60).await.unwrap();
        let mut second = Box::pin(budget.acquire(60));
        assert!(
            second.as_mut().now_or_never().is_none(),
            "60 + 60 does not fit in 100"
        );
        drop(first);
        let second = second.await.unwrap();
        assert_eq!(budget.usage().in_use, 60);
        drop(second);
        let usage = budget.usage();
        assert_eq!((usage.in_use, usage.peak, usage.waits), (0, 60, 1));
    }

    #[tokio::test]
    async fn more_than_the_whole_budget_is_refused_rather_than_clamped() {
        let budget = MemoryBudget::new(100);
        let over = budget.acquire(101).await.err();
        assert_eq!(
            over,
            Some(OverBudget {
                wanted: 101,
                limit: 100
            })
        );
        assert_eq!(
            budget.usage(),
            Usage::default(),
            "nothing held, nobody waited"
        );
        let all = budget.acquire(100).await.unwrap();
        assert_eq!(all.bytes(), 100);
    }

    #[tokio::test]
    async fn merged_and_split_holders_account_every_byte_once() {
        let budget = MemoryBudget::new(100);
        let mut request = budget.empty();
        request.merge(budget.acquire(30).await.unwrap());
        request.merge(budget.acquire(20).await.unwrap());
        assert_eq!(request.bytes(), 50);
        let photo = request.split(35);
        assert_eq!((photo.bytes(), request.bytes()), (35, 15));
        drop(request);
        assert_eq!(budget.usage().in_use, 35);
        // What was given back can be taken again.
        let more = budget.acquire(65).await.unwrap();
        drop((photo, more));
        assert_eq!(
            budget.usage(),
            Usage {
                in_use: 0,
                peak: 100,
                waits: 0
            }
        );
    }
}
