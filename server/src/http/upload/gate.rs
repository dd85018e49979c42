//! What every upload passes through before and while its body is read: at most a few uploads at
//! once per user (counted until their photos are sealed), every byte held in memory counted
//! against one budget shared by all uploads (a request that would pass it waits briefly, then is
//! told to come back), and a body that stops sending, or is not whole in time, is cut.

use std::{
    cell::RefCell,
    collections::HashMap,
    rc::Rc,
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::{error::PayloadError, web::Bytes};
use futures_util::{Stream, StreamExt};
use tokio::time::Instant;
use uuid::Uuid;

use crate::{
    domain::UserId,
    error::ApiError,
    memory::{Held, MemoryBudget},
};

/// What a client told to come back later is told to wait: about as long as one upload takes.
pub use crate::photos::intake::RETRY_AFTER_SECS;

#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub max_photo_bytes: usize,
    pub max_request_bytes: usize,
    pub max_photos: usize,
    /// Request bytes held in memory across all uploads at once.
    pub memory_bytes: u64,
    /// How long a request waits for room in that budget before `503 busy`.
    pub busy_wait: Duration,
    /// Uploads of one user in progress at once (from the first byte until their photos are
    /// sealed); one more is `429 rate_limited`.
    pub max_per_user: usize,
    /// A body that sends nothing for this long is cut with `408 request_timeout`.
    pub idle_timeout: Duration,
    /// A body not whole this long after it started is cut with `408 request_timeout`, however
    /// steadily it trickles in.
    pub body_deadline: Duration,
}

pub struct UploadGate {
    limits: UploadLimits,
    memory: MemoryBudget,
    receiving: Arc<Mutex<HashMap<Uuid, usize>>>,
}

impl UploadGate {
    pub fn new(limits: UploadLimits) -> UploadGate {
        UploadGate {
            limits,
            memory: MemoryBudget::new(limits.memory_bytes),
            receiving: Arc::default(),
        }
    }

    pub fn limits(&self) -> UploadLimits {
        self.limits
    }

    /// The budget of request bytes held in memory (its usage is what tests and operators watch).
    pub fn memory(&self) -> &MemoryBudget {
        &self.memory
    }

    /// Lets one more upload of `user` in, or refuses it when the user already has its share.
    pub(super) fn admit(&self, user: UserId) -> Result<Body, ApiError> {
        let user = user.as_uuid();
        {
            let mut receiving = self.receiving.lock().unwrap_or_else(|e| e.into_inner());
            let count = receiving.entry(user).or_default();
            if *count >= self.limits.max_per_user {
                return Err(ApiError::TooManyUploads {
                    limit: self.limits.max_per_user,
                    retry_after_secs: RETRY_AFTER_SECS,
                });
            }
            *count += 1;
        }
        Ok(Body(Rc::new(RefCell::new(BodyState {
            held: self.memory.empty(),
            slot: Arc::new(Slot {
                receiving: Arc::clone(&self.receiving),
                user,
            }),
            prepaid: 0,
            stopped: None,
            draining: false,
        }))))
    }

    /// Takes the size the client declared (`Content-Length`) from the budget before reading any
    /// of the body, so that a request that cannot fit is told so before its client sends it all.
    pub(super) async fn reserve(&self, body: &Body, declared: usize) -> Result<(), ApiError> {
        let bytes = declared.min(self.limits.max_request_bytes) as u64;
        let held = take(&self.memory, self.limits.busy_wait, bytes)
            .await
            .map_err(|why| why.error(self.limits))?;
        let mut state = body.0.borrow_mut();
        state.held.merge(held);
        state.prepaid += bytes;
        Ok(())
    }

    /// The request body, metered: each chunk beyond what was reserved is counted against the
    /// budget before it is passed on, and a body idle for too long, or not whole in time, ends.
    pub(super) fn meter<S>(
        &self,
        body: &Body,
        payload: S,
    ) -> impl Stream<Item = Result<Bytes, PayloadError>> + 'static
    where
        S: Stream<Item = Result<Bytes, PayloadError>> + Unpin + 'static,
    {
        let feed = Feed {
            payload,
            body: Body(Rc::clone(&body.0)),
            memory: self.memory.clone(),
            limits: self.limits,
            deadline: Instant::now() + self.limits.body_deadline,
            seen: 0,
        };
        futures_util::stream::unfold(Some(feed), |feed| async move {
            let mut feed = feed?;
            let chunk = match feed.next_chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => return None,
                Err(Cut::Payload(e)) => return Some((Err(e), None)),
                Err(Cut::Gate(why)) => return Some((feed.body.stop(why), None)),
            };
            feed.seen += chunk.len();
            if feed.seen > feed.limits.max_request_bytes {
                return Some((Err(PayloadError::Overflow), Some(feed)));
            }
            let unpaid = feed.body.pay(chunk.len() as u64);
            if unpaid > 0 {
                match take(&feed.memory, feed.limits.busy_wait, unpaid).await {
                    Ok(held) => feed.body.0.borrow_mut().held.merge(held),
                    Err(why) => return Some((feed.body.stop(why), None)),
                }
            }
            Some((Ok(chunk), Some(feed)))
        })
        // The multipart parser may ask again after the end.
        .fuse()
    }
}

/// Holds `bytes` of the budget, waiting at most `wait` for room.
async fn take(memory: &MemoryBudget, wait: Duration, bytes: u64) -> Result<Held, Stop> {
    match tokio::time::timeout(wait, memory.acquire(bytes)).await {
        Ok(Ok(held)) => Ok(held),
        // Only when the budget is configured smaller than a request, which settings refuse.
        Ok(Err(_)) => Err(Stop::TooLarge),
        Err(_) => Err(Stop::Busy),
    }
}

/// One upload being received: its place among its user's uploads and the memory it holds.
pub(super) struct Body(Rc<RefCell<BodyState>>);

struct BodyState {
    // Fields are dropped in declaration order: the memory goes back before the place does, so a
    // user let in again finds the memory its last upload held already free.
    held: Held,
    slot: Arc<Slot>,
    /// Reserved bytes that no chunk has used yet.
    prepaid: u64,
    stopped: Option<Stop>,
    draining: bool,
}

impl Body {
    /// Moves `bytes` of what the body holds to a photo, which keeps them, and its user's place,
    /// until it is sealed.
    pub(super) fn keep(&self, bytes: usize) -> PhotoHold {
        let mut state = self.0.borrow_mut();
        PhotoHold {
            memory: state.held.split(bytes as u64),
            _slot: Arc::clone(&state.slot),
        }
    }

    /// Adds memory held for the body.
    pub(super) fn hold(&self, held: Held) {
        self.0.borrow_mut().held.merge(held);
    }

    /// The error to answer with when the body was cut by the gate rather than by the client.
    pub(super) fn stopped(&self, limits: UploadLimits) -> Option<ApiError> {
        self.0.borrow().stopped.map(|why| why.error(limits))
    }

    /// The rest of the body is read to be thrown away: no need to hold memory for it.
    pub(super) fn drain(&self) {
        self.0.borrow_mut().draining = true;
    }

    /// Accounts a chunk of `bytes` against what was reserved; returns what it still needs from
    /// the budget (nothing for a body read to be thrown away).
    fn pay(&self, bytes: u64) -> u64 {
        let mut state = self.0.borrow_mut();
        if state.draining {
            return 0;
        }
        let covered = bytes.min(state.prepaid);
        state.prepaid -= covered;
        bytes - covered
    }

    fn stop(&self, why: Stop) -> Result<Bytes, PayloadError> {
        self.0.borrow_mut().stopped = Some(why);
        Err(PayloadError::Incomplete(None))
    }
}

/// What a received photo keeps of its upload until it is sealed: its bytes' share of the upload
/// memory budget, and its user's place among its uploads (so that uploads whose photos wait to be
/// decoded still count against the user's cap).
pub struct PhotoHold {
    // Dropped in declaration order: the memory, then the place.
    memory: Held,
    _slot: Arc<Slot>,
}

impl PhotoHold {
    pub fn bytes(&self) -> u64 {
        self.memory.bytes()
    }
}

#[derive(Debug, Clone, Copy)]
enum Stop {
    Idle,
    Deadline,
    Busy,
    TooLarge,
}

impl Stop {
    fn error(self, limits: UploadLimits) -> ApiError {
        match self {
            Stop::Idle => ApiError::RequestTimeout(format!(
                "the upload sent nothing for {} s and was stopped: send it again",
                limits.idle_timeout.as_secs()
            )),
            Stop::Deadline => ApiError::RequestTimeout(format!(
                "the upload was not complete after {} s and was stopped: send it again on a \
                 faster connection",
                limits.body_deadline.as_secs()
            )),
            Stop::Busy => ApiError::Busy {
                retry_after_secs: RETRY_AFTER_SECS,
            },
            Stop::TooLarge => ApiError::PayloadTooLarge(
                "the submission is larger than the server can hold in memory".into(),
            ),
        }
    }
}

/// Why a body ended early: its client or the connection, or the gate.
enum Cut {
    Payload(PayloadError),
    Gate(Stop),
}

struct Feed<S> {
    payload: S,
    body: Body,
    memory: MemoryBudget,
    limits: UploadLimits,
    deadline: Instant,
    seen: usize,
}

impl<S> Feed<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    /// The next chunk, unless the body has been silent for the idle timeout or its deadline has
    /// passed (checked before each chunk: a steady trickle cannot outlive it).
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Cut> {
        let now = Instant::now();
        if now >= self.deadline {
            return Err(Cut::Gate(Stop::Deadline));
        }
        let idle_until = now + self.limits.idle_timeout;
        let (wake, why) = if self.deadline <= idle_until {
            (self.deadline, Stop::Deadline)
        } else {
            (idle_until, Stop::Idle)
        };
        match tokio::time::timeout_at(wake, self.payload.next()).await {
            Ok(Some(Ok(chunk))) => Ok(Some(chunk)),
            Ok(Some(Err(e))) => Err(Cut::Payload(e)),
            Ok(None) => Ok(None),
            Err(_) => Err(Cut::Gate(why)),
        }
    }
}

/// A user's place among its uploads in progress, given back when dropped.
struct Slot {
    receiving: Arc<Mutex<HashMap<Uuid, usize>>>,
    user: Uuid,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut receiving = self.receiving.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = receiving.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                receiving.remove(&self.user);
            }
        }
    }
}
