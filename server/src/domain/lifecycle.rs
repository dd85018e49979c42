//! The case lifecycle: every transition is a function from the current status to the next one, or
//! an `invalid_state` refusal. Handlers never set a status by hand.
//!
//! ```text
//! queued --claim--> claimed --answer--> answered --close--> closed
//!   ^                 |  \--request_info--> info_requested --gp reply--> queued | claimed
//!   +---release / lease expiry
//! queued --cancel (gp)--> cancelled
//! ```

use super::CaseStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Claim,
    Release,
    LeaseExpiry,
    Answer,
    RequestInfo,
    /// The GP's reply; `back_to_asker` when the dermatologist who asked is still on call.
    Reply {
        back_to_asker: bool,
    },
    Cancel,
    Close,
}

impl Transition {
    pub fn name(self) -> &'static str {
        match self {
            Transition::Claim => "claimed",
            Transition::Release => "released",
            Transition::LeaseExpiry => "lease_expired",
            Transition::Answer => "answered",
            Transition::RequestInfo => "info_requested",
            Transition::Reply { .. } => "replied",
            Transition::Cancel => "cancelled",
            Transition::Close => "closed",
        }
    }
}

/// Refused: the case is not in a status this transition starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: CaseStatus,
    pub transition: Transition,
}

impl std::fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let action = match self.transition {
            Transition::Claim => "claim",
            Transition::Release | Transition::LeaseExpiry => "release",
            Transition::Answer => "answer",
            Transition::RequestInfo => "request information on",
            Transition::Reply { .. } => "reply to",
            Transition::Cancel => "cancel",
            Transition::Close => "close",
        };
        write!(
            f,
            "cannot {action} a case that is {}",
            self.from.as_str().replace('_', " ")
        )
    }
}

/// The status after `transition` from `from`.
pub fn next(from: CaseStatus, transition: Transition) -> Result<CaseStatus, InvalidTransition> {
    use CaseStatus::*;
    use Transition::*;
    let to = match (from, transition) {
        (Queued, Claim) => Claimed,
        (Claimed, Release | LeaseExpiry) => Queued,
        (Claimed, Answer) => Answered,
        (Claimed, RequestInfo) => InfoRequested,
        (
            InfoRequested,
            Reply {
                back_to_asker: true,
            },
        ) => Claimed,
        (
            InfoRequested,
            Reply {
                back_to_asker: false,
            },
        ) => Queued,
        (Queued, Cancel) => Cancelled,
        (Answered, Close) => Closed,
        _ => return Err(InvalidTransition { from, transition }),
    };
    Ok(to)
}

/// Statuses a transition may start from (for conditional updates: `WHERE status IN (...)`).
pub fn sources(transition: Transition) -> Vec<CaseStatus> {
    use CaseStatus::*;
    [Queued, Claimed, InfoRequested, Answered, Closed, Cancelled]
        .into_iter()
        .filter(|s| next(*s, transition).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus::*;

    const ALL: [CaseStatus; 6] = [Queued, Claimed, InfoRequested, Answered, Closed, Cancelled];

    #[test]
    fn the_happy_path() {
        let s = next(Queued, Transition::Claim).unwrap();
        let s = next(s, Transition::RequestInfo).unwrap();
        let s = next(
            s,
            Transition::Reply {
                back_to_asker: true,
            },
        )
        .unwrap();
        let s = next(s, Transition::Answer).unwrap();
        assert_eq!(next(s, Transition::Close).unwrap(), Closed);
    }

    #[test]
    fn each_transition_has_exactly_its_sources() {
        assert_eq!(sources(Transition::Claim), [Queued]);
        assert_eq!(sources(Transition::Answer), [Claimed]);
        assert_eq!(
            sources(Transition::Reply {
                back_to_asker: false
            }),
            [InfoRequested]
        );
        assert_eq!(sources(Transition::Cancel), [Queued]);
        assert_eq!(sources(Transition::Close), [Answered]);
    }

    #[test]
    fn closed_and_cancelled_are_final() {
        for t in [
            Transition::Claim,
            Transition::Release,
            Transition::Answer,
            Transition::RequestInfo,
            Transition::Reply {
                back_to_asker: true,
            },
            Transition::Cancel,
            Transition::Close,
        ] {
            assert!(next(Closed, t).is_err());
            assert!(next(Cancelled, t).is_err());
        }
        assert_eq!(ALL.len(), 6);
    }

    #[test]
    fn refusals_read_well() {
        let e = next(Answered, Transition::Cancel).unwrap_err();
        assert_eq!(e.to_string(), "cannot cancel a case that is answered");
        let e = next(Queued, Transition::Answer).unwrap_err();
        assert_eq!(e.to_string(), "cannot answer a case that is queued");
    }
}
