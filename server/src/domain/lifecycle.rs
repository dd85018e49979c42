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

/// The lifecycle, declared once: each transition, the statuses it starts from, and where it goes.
/// `next`, `sources` and `target` read this table; the repository's conditional updates are
/// generated from it (`UPDATE cases SET status = <target> ... WHERE status IN (<sources>)`).
const TABLE: [(Transition, &[CaseStatus], CaseStatus); 9] = {
    use CaseStatus::*;
    [
        (Transition::Claim, &[Queued], Claimed),
        (Transition::Release, &[Claimed], Queued),
        (Transition::LeaseExpiry, &[Claimed], Queued),
        (Transition::Answer, &[Claimed], Answered),
        (Transition::RequestInfo, &[Claimed], InfoRequested),
        (
            Transition::Reply {
                back_to_asker: true,
            },
            &[InfoRequested],
            Claimed,
        ),
        (
            Transition::Reply {
                back_to_asker: false,
            },
            &[InfoRequested],
            Queued,
        ),
        (Transition::Cancel, &[Queued], Cancelled),
        (Transition::Close, &[Answered], Closed),
    ]
};

fn entry(transition: Transition) -> (&'static [CaseStatus], CaseStatus) {
    TABLE
        .iter()
        .find(|(t, _, _)| *t == transition)
        .map(|(_, from, to)| (*from, *to))
        // Every variant has its row (the table test checks it).
        .unwrap_or((&[], CaseStatus::Queued))
}

/// The status after `transition` from `from`.
pub fn next(from: CaseStatus, transition: Transition) -> Result<CaseStatus, InvalidTransition> {
    let (sources, to) = entry(transition);
    if sources.contains(&from) {
        Ok(to)
    } else {
        Err(InvalidTransition { from, transition })
    }
}

/// Statuses a transition may start from (for conditional updates: `WHERE status IN (...)`).
pub fn sources(transition: Transition) -> Vec<CaseStatus> {
    entry(transition).0.to_vec()
}

/// The status a transition leads to, whichever status it starts from.
pub fn target(transition: Transition) -> CaseStatus {
    entry(transition).1
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
    fn every_transition_has_its_row_and_one_source() {
        for t in [
            Transition::Claim,
            Transition::Release,
            Transition::LeaseExpiry,
            Transition::Answer,
            Transition::RequestInfo,
            Transition::Reply {
                back_to_asker: true,
            },
            Transition::Reply {
                back_to_asker: false,
            },
            Transition::Cancel,
            Transition::Close,
        ] {
            assert!(TABLE.iter().any(|(row, _, _)| *row == t), "{t:?}");
            // A history line names the status it left: one source per transition.
            assert_eq!(sources(t).len(), 1, "{t:?}");
            assert_eq!(next(sources(t)[0], t), Ok(target(t)));
        }
        assert_eq!(target(Transition::Claim), Claimed);
        assert_eq!(
            target(Transition::Reply {
                back_to_asker: false
            }),
            Queued
        );
    }

    #[test]
    fn refusals_read_well() {
        let e = next(Answered, Transition::Cancel).unwrap_err();
        assert_eq!(e.to_string(), "cannot cancel a case that is answered");
        let e = next(Queued, Transition::Answer).unwrap_err();
        assert_eq!(e.to_string(), "cannot answer a case that is queued");
    }
}
