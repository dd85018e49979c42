use chrono::{DateTime, Duration, DurationRound, Utc};

/// The current time at the microsecond precision both databases keep, so that a value read back
/// equals the value written.
pub fn now() -> DateTime<Utc> {
    to_micros(Utc::now())
}

pub fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}
