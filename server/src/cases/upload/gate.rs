//! What every upload passes through before and while its body is read: at most a few uploads at
//! once per user, every byte held in memory counted against one budget shared by all uploads (a
//! request that would pass it waits briefly, then is told to come back), and a body that stops
//! sending is cut.

use std::{
    cell::RefCell,
    collections::HashMap,
    rc::Rc,
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::{error::PayloadError, web::Bytes};
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use crate::{
    domain::UserId,
    error::ApiError,
    memory::{Held, MemoryBudget},
};

/// What a client told to come back later is told to wait: about as long as one upload takes.
const RETRY_AFTER_SECS: u64 = 10;

#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub max_photo_bytes: usize,
    pub max_request_bytes: usize,
    pub max_photos: usize,
    /// Request bytes held in memory across all uploads at once.
    pub memory_bytes: u64,
    /// How long a request waits for room in that budget before `503 busy`.
    pub busy_wait: Duration,
    /// Uploads of one user being received at once; one more is `429 rate_limited`.
    pub max_per_user: usize,
    /// A body that sends nothing for this long is cut with `408 request_timeout`.
    pub idle_timeout: Duration,
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
            _slot: Slot {
                receiving: Arc::clone(&self.receiving),
                user,
            },
            held: self.memory.empty(),
            stopped: None,
            draining: false,
        }))))
    }

    /// The request body, metered: each chunk is counted against the budget before it is passed
    /// on, and a body idle for too long ends.
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
            seen: 0,
        };
        futures_util::stream::unfold(Some(feed), |feed| async move {
            let mut feed = feed?;
            let next = tokio::time::timeout(feed.limits.idle_timeout, feed.payload.next()).await;
            let chunk = match next {
                Ok(Some(Ok(chunk))) => chunk,
                Ok(Some(Err(e))) => return Some((Err(e), None)),
                Ok(None) => return None,
                Err(_) => {
                    return Some((feed.body.stop(Stop::Idle(feed.limits.idle_timeout)), None))
                }
            };
            feed.seen += chunk.len();
            if feed.seen > feed.limits.max_request_bytes {
                return Some((Err(PayloadError::Overflow), Some(feed)));
            }
            if feed.body.0.borrow().draining {
                // Read to be thrown away: nothing is kept.
                return Some((Ok(chunk), Some(feed)));
            }
            let wanted = chunk.len() as u64;
            match tokio::time::timeout(feed.limits.busy_wait, feed.memory.acquire(wanted)).await {
                Ok(held) => {
                    feed.body.0.borrow_mut().held.merge(held);
                    Some((Ok(chunk), Some(feed)))
                }
                Err(_) => Some((feed.body.stop(Stop::Busy), None)),
            }
        })
        // The multipart parser may ask again after the end.
        .fuse()
    }
}

/// One upload being received: its place among its user's uploads and the memory it holds.
pub(super) struct Body(Rc<RefCell<BodyState>>);

struct BodyState {
    // Declared first so that it is given back first: once the memory is back, so is the place.
    _slot: Slot,
    held: Held,
    stopped: Option<Stop>,
    draining: bool,
}

impl Body {
    /// Moves `bytes` of what the body holds to a holder that outlives the request (a photo).
    pub(super) fn keep(&self, bytes: usize) -> Held {
        self.0.borrow_mut().held.split(bytes as u64)
    }

    /// The error to answer with when the body was cut by the gate rather than by the client.
    pub(super) fn stopped(&self) -> Option<ApiError> {
        self.0.borrow().stopped.map(Stop::error)
    }

    /// The rest of the body is read to be thrown away: no need to hold memory for it.
    pub(super) fn drain(&self) {
        self.0.borrow_mut().draining = true;
    }

    fn stop(&self, why: Stop) -> Result<Bytes, PayloadError> {
        self.0.borrow_mut().stopped = Some(why);
        Err(PayloadError::Incomplete(None))
    }
}

#[derive(Debug, Clone, Copy)]
enum Stop {
    Idle(Duration),
    Busy,
}

impl Stop {
    fn error(self) -> ApiError {
        match self {
            Stop::Idle(after) => ApiError::RequestTimeout(format!(
                "the upload sent nothing for {} s and was stopped: send it again",
                after.as_secs()
            )),
            Stop::Busy => ApiError::Busy {
                retry_after_secs: RETRY_AFTER_SECS,
            },
        }
    }
}

struct Feed<S> {
    payload: S,
    body: Body,
    memory: MemoryBudget,
    limits: UploadLimits,
    seen: usize,
}

/// A user's place among its uploads being received, given back when dropped.
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
