use chrono::{DateTime, Duration, Utc};
use telederm_schemas as wire;

use super::{clock::to_micros, ShiftId, TerritoryCode, UserId, ValidationErrors};

/// A single shift may not be longer than this (a typo guard: a year-long shift is a mistake).
pub const MAX_SHIFT_HOURS: i64 = 31 * 24;

/// An on-call shift covering `[starts_at, ends_at)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub id: ShiftId,
    pub dermatologist: UserId,
    pub territory: TerritoryCode,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Shift {
    pub fn covers(&self, t: DateTime<Utc>) -> bool {
        self.starts_at <= t && t < self.ends_at
    }

    /// `dermatologist`: this shift's dermatologist, named.
    pub fn to_wire(&self, dermatologist: wire::Person) -> wire::Shift {
        debug_assert_eq!(dermatologist.id, self.dermatologist.as_uuid());
        wire::Shift {
            id: self.id.as_uuid(),
            dermatologist_id: self.dermatologist.as_uuid(),
            dermatologist,
            territory: self.territory.to_string(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }
}

/// A validated shift request; the dermatologist and territory must still be checked to exist.
pub struct NewShift(Shift);

impl NewShift {
    pub fn parse(req: &wire::CreateShift) -> Result<NewShift, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let territory = errors.check("territory", TerritoryCode::parse(&req.territory));
        if req.ends_at <= req.starts_at {
            errors.add("ends_at", "must be after starts_at");
        } else if req.ends_at - req.starts_at > Duration::hours(MAX_SHIFT_HOURS) {
            errors.add(
                "ends_at",
                format!("a shift lasts at most {MAX_SHIFT_HOURS} hours"),
            );
        }
        let shift = territory.map(|territory| {
            NewShift(Shift {
                id: ShiftId::new(),
                dermatologist: UserId::from(req.dermatologist_id),
                territory,
                starts_at: to_micros(req.starts_at),
                ends_at: to_micros(req.ends_at),
            })
        });
        errors.finish(shift)
    }

    pub fn shift(&self) -> &Shift {
        &self.0
    }

    pub fn into_shift(self) -> Shift {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(hours: i64) -> wire::CreateShift {
        let start = Utc::now();
        wire::CreateShift {
            dermatologist_id: uuid::Uuid::new_v4(),
            territory: "13".into(),
            starts_at: start,
            ends_at: start + Duration::hours(hours),
        }
    }

    #[test]
    fn end_must_follow_start() {
        assert!(NewShift::parse(&req(0)).is_err());
        assert!(NewShift::parse(&req(-1)).is_err());
        assert!(NewShift::parse(&req(12)).is_ok());
        assert!(NewShift::parse(&req(MAX_SHIFT_HOURS + 1)).is_err());
    }

    #[test]
    fn covers_is_half_open() {
        let s = NewShift::parse(&req(2)).unwrap().into_shift();
        assert!(s.covers(s.starts_at));
        assert!(!s.covers(s.ends_at));
    }
}
