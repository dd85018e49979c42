//! Time is injected: services ask the application's `Clock`, so tests move SLA time forward
//! without sleeping.

use std::sync::Mutex;

use chrono::{DateTime, Duration, DurationRound, Utc};

pub trait Clock: Send + Sync {
    /// The current time, at microsecond precision (see `to_micros`).
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        now()
    }
}

/// A clock that moves only when told to (tests, and seeding a demo in the past).
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(to_micros(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to_micros(at);
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t = to_micros(*t + by);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The real time shifted by an offset: the demo seeds its cases in the past through the real
/// services, then puts the offset back to zero.
#[derive(Debug, Default)]
pub struct OffsetClock(std::sync::atomic::AtomicI64);

impl OffsetClock {
    pub fn set_offset(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(0);
        self.0.store(micros, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        now() + Duration::microseconds(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

/// The current time at the microsecond precision both databases keep, so that a value read back
/// equals the value written.
pub fn now() -> DateTime<Utc> {
    to_micros(Utc::now())
}

pub fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}
