//! Who may do what: every access decision of the server is taken here, with a typed outcome, and
//! the services ask; no handler, page or worker decides access by itself. Whether a case's
//! status allows an action is the lifecycle's business (`domain::lifecycle`), asked after this.

use uuid::Uuid;

use crate::domain::{CaseStatus, Role, TerritoryCode, User, UserId};

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    /// The caller may know the thing but may not do this (403).
    Forbidden,
    /// None of the caller's business: it is told the thing does not exist (404), whatever its
    /// state.
    Hidden,
}

impl Access {
    fn allowed_if(ok: bool) -> Access {
        if ok {
            Access::Allowed
        } else {
            Access::Forbidden
        }
    }

    pub fn is_allowed(self) -> bool {
        self == Access::Allowed
    }

    /// `Ok` when allowed, else the caller's refusal (each service has its own error).
    pub fn or<E>(self, refused: E) -> Result<(), E> {
        if self.is_allowed() {
            Ok(())
        } else {
            Err(refused)
        }
    }
}

/// Only a role may do this at all (listing one's own cases, working the queue...).
pub fn can_act_as(user: &User, role: Role) -> Access {
    Access::allowed_if(user.role == role)
}

/// A GP with a home territory submits cases (to that territory).
pub fn can_submit_case(user: &User) -> Access {
    can_act_as(user, Role::Gp)
}

/// Checking a photo before sending it is part of submitting: whoever may submit a case.
pub fn can_check_photo(user: &User) -> Access {
    can_submit_case(user)
}

/// Coordinators of the territory and admins manage its on-call rota and its territory settings.
pub fn can_manage_rota(user: &User, territory: &TerritoryCode) -> Access {
    Access::allowed_if(match user.role {
        Role::Admin => true,
        Role::Coordinator => user.territories.contains(territory),
        Role::Gp | Role::Dermatologist => false,
    })
}

/// Coordinators and admins manage rotas (of which territories: `can_manage_rota`).
pub fn can_manage_any_rota(user: &User) -> Access {
    Access::allowed_if(matches!(user.role, Role::Coordinator | Role::Admin))
}

/// Whoever manages the rota, and dermatologists (who need to see when they are on call).
pub fn can_read_rota(user: &User, territory: &TerritoryCode) -> Access {
    Access::allowed_if(
        user.role == Role::Dermatologist || can_manage_rota(user, territory).is_allowed(),
    )
}

/// Coordinators of the territory and admins read its retention period (admins set it:
/// `can_act_as(Admin)`).
pub fn can_read_retention(user: &User, territory: &TerritoryCode) -> Access {
    can_manage_rota(user, territory)
}

/// Coordinators of the territory and admins read and set its response-time targets.
pub fn can_manage_sla(user: &User, territory: &TerritoryCode) -> Access {
    can_manage_rota(user, territory)
}

/// Territories, their fallbacks and settings: admins create and change them; every signed-in
/// user may read them (a GP's page names its territory, a dermatologist's its rota).
pub fn can_manage_territories(user: &User) -> Access {
    can_act_as(user, Role::Admin)
}

/// A territory's working hours and holidays (the calendar its response-time clock counts in)
/// are set by whoever runs its rota; its name, time zone and fallbacks by an admin.
pub fn can_manage_calendar(user: &User, territory: &TerritoryCode) -> Access {
    can_manage_rota(user, territory)
}

/// Which territories' figures, audit lines and cases at risk a user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerritoryScope {
    Everything,
    Territories(Vec<TerritoryCode>),
}

impl TerritoryScope {
    /// The territories a request names, if the user may see them all (`Forbidden` otherwise);
    /// none named: everything the user sees.
    pub fn narrowed_to(self, named: Vec<TerritoryCode>) -> Result<TerritoryScope, Access> {
        match self {
            _ if named.is_empty() => Ok(self),
            TerritoryScope::Everything => Ok(TerritoryScope::Territories(named)),
            TerritoryScope::Territories(mine) => {
                if named.iter().all(|t| mine.contains(t)) {
                    Ok(TerritoryScope::Territories(named))
                } else {
                    Err(Access::Forbidden)
                }
            }
        }
    }
}

/// Admins see every territory's reports and audit lines; coordinators those of their
/// territories; nobody else any.
pub fn territory_scope(user: &User) -> Result<TerritoryScope, Access> {
    match user.role {
        Role::Admin => Ok(TerritoryScope::Everything),
        Role::Coordinator => Ok(TerritoryScope::Territories(user.territories.clone())),
        Role::Gp | Role::Dermatologist => Err(Access::Forbidden),
    }
}

/// Admins create and disable accounts, read key status and the parked notifications.
pub fn can_administer(user: &User) -> Access {
    can_act_as(user, Role::Admin)
}

/// Admins list every user; coordinators list dermatologists (to put them on call).
pub fn can_list_users(user: &User, role: Option<Role>) -> Access {
    Access::allowed_if(matches!(
        (user.role, role),
        (Role::Admin, _) | (Role::Coordinator, Some(Role::Dermatologist))
    ))
}

/// Admins set anyone's webhook; every user sets its own.
pub fn can_manage_webhook(user: &User, target: UserId) -> Access {
    Access::allowed_if(user.role == Role::Admin || user.id == target)
}

/// What a caller does to one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    /// The whole case: clinical text, answer, exchanges, history.
    Read,
    /// Its photos (also for triage, before a claim).
    ReadPhotos,
    Claim,
    Release,
    Answer,
    RequestInfo,
    Reply,
    Cancel,
    Close,
    RecordOutcome,
}

impl CaseAction {
    /// The roles that may attempt the action at all: anyone else is refused before the case is
    /// even looked up.
    pub fn open_to(self, role: Role) -> bool {
        use CaseAction::*;
        match role {
            Role::Gp => matches!(
                self,
                Read | ReadPhotos | Reply | Cancel | Close | RecordOutcome
            ),
            Role::Dermatologist => matches!(
                self,
                Read | ReadPhotos | Claim | Release | Answer | RequestInfo | RecordOutcome
            ),
            Role::Coordinator | Role::Admin => false,
        }
    }
}

/// What the policy needs to know of a case and of the caller's tie to it.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub gp: Uuid,
    pub status: CaseStatus,
    pub claimed_by: Option<Uuid>,
    pub info_requested_by: Option<Uuid>,
    pub answered_by: Option<Uuid>,
    /// The caller, a dermatologist, may take this case from the queue now: it is on call for the
    /// case's territory, or for a fallback the case falls or was offered to.
    pub in_callers_queue: bool,
}

/// A dermatologist's ties to a case.
struct Ties {
    /// It holds the claim.
    holds: bool,
    /// It answered the case.
    answered: bool,
    /// It holds it, asked about it, or answered it.
    party: bool,
}

fn ties(user: &User, case: &CaseFacts) -> Ties {
    let me = Some(user.id.as_uuid());
    let holds = case.status == CaseStatus::Claimed && case.claimed_by == me;
    let asked = case.status == CaseStatus::InfoRequested && case.info_requested_by == me;
    let answered = case.answered_by.is_some() && case.answered_by == me;
    Ties {
        holds,
        answered,
        party: holds || asked || answered,
    }
}

/// Whether `can_act_on` needs `in_callers_queue` to decide: only for a dermatologist that is
/// no party to the case, or that claims it. Otherwise the rota is not read at all (a holder
/// reading its case or its photos costs no rota query).
pub fn needs_rota(user: &User, case: &CaseFacts, action: CaseAction) -> bool {
    user.role == Role::Dermatologist && (action == CaseAction::Claim || !ties(user, case).party)
}

/// Who may do what to a case. A GP knows its own cases only. A dermatologist knows the cases it
/// holds, asked about or answered, and those of the territories it works now; any other case is
/// hidden from it whatever its state, so that no answer tells it the case exists or what state
/// it is in. Whether the case's status allows the action is the lifecycle's business, decided
/// after this.
pub fn can_act_on(user: &User, case: &CaseFacts, action: CaseAction) -> Access {
    use Access::*;
    use CaseAction::*;
    if !action.open_to(user.role) {
        return Forbidden;
    }
    let me = Some(user.id.as_uuid());
    if user.role == Role::Gp {
        return if Some(case.gp) == me { Allowed } else { Hidden };
    }
    let Ties {
        holds,
        answered,
        party,
    } = ties(user, case);
    if !party && !case.in_callers_queue {
        return Hidden;
    }
    let allowed_if = |ok: bool, otherwise: Access| if ok { Allowed } else { otherwise };
    match action {
        Read => allowed_if(party, Hidden),
        ReadPhotos => allowed_if(
            party || (case.status == CaseStatus::Queued && case.in_callers_queue),
            Hidden,
        ),
        Claim => allowed_if(case.in_callers_queue, Forbidden),
        // Someone else's claim is visible to those who work the territory; in any other status
        // the lifecycle refuses (409).
        Release | Answer | RequestInfo => {
            allowed_if(case.status != CaseStatus::Claimed || holds, Forbidden)
        }
        RecordOutcome => allowed_if(answered, Hidden),
        Reply | Cancel | Close => Forbidden,
    }
}

#[cfg(test)]
mod tests;
