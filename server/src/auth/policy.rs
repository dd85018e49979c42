//! Who may touch what, beyond the role: territory rules live here and nowhere else.

use uuid::Uuid;

use crate::domain::{CaseStatus, Role, TerritoryCode, User};

/// Coordinators of the territory and admins manage its on-call rota.
pub fn can_manage_rota(user: &User, territory: &TerritoryCode) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Coordinator => user.territories.contains(territory),
        Role::Gp | Role::Dermatologist => false,
    }
}

/// Whoever manages the rota, and dermatologists (who need to see when they are on call).
pub fn can_read_rota(user: &User, territory: &TerritoryCode) -> bool {
    user.role == Role::Dermatologist || can_manage_rota(user, territory)
}

/// Coordinators of the territory and admins read and set its response-time targets.
pub fn can_manage_sla(user: &User, territory: &TerritoryCode) -> bool {
    can_manage_rota(user, territory)
}

/// Admins read the whole audit trail; coordinators the lines of their territories.
pub fn audit_territories(user: &User) -> Option<Option<Vec<TerritoryCode>>> {
    match user.role {
        Role::Admin => Some(None),
        Role::Coordinator => Some(Some(user.territories.clone())),
        Role::Gp | Role::Dermatologist => None,
    }
}

/// Admins set anyone's webhook; every user sets its own.
pub fn can_manage_webhook(user: &User, target: crate::domain::UserId) -> bool {
    user.role == Role::Admin || user.id == target
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

/// The policy's answer about one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAccess {
    Allowed,
    /// The caller knows the case but may not do this (403).
    Forbidden,
    /// The case is none of the caller's business: it is told the case does not exist (404),
    /// whatever its state.
    Hidden,
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

/// Who may do what to a case. A GP knows its own cases only. A dermatologist knows the cases it
/// holds, asked about or answered, and those of the territories it works now; any other case is
/// hidden from it whatever its state, so that no answer tells it the case exists or what state
/// it is in. Whether the case's status allows the action is the lifecycle's business, decided
/// after this.
pub fn can_act_on(user: &User, case: &CaseFacts, action: CaseAction) -> CaseAccess {
    use CaseAccess::*;
    use CaseAction::*;
    if !action.open_to(user.role) {
        return Forbidden;
    }
    let me = Some(user.id.as_uuid());
    if user.role == Role::Gp {
        return if Some(case.gp) == me { Allowed } else { Hidden };
    }
    let holds = case.status == CaseStatus::Claimed && case.claimed_by == me;
    let asked = case.status == CaseStatus::InfoRequested && case.info_requested_by == me;
    let answered = case.answered_by.is_some() && case.answered_by == me;
    let party = holds || asked || answered;
    if !party && !case.in_callers_queue {
        return Hidden;
    }
    let allowed_if = |ok: bool, otherwise: CaseAccess| if ok { Allowed } else { otherwise };
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
mod tests {
    use super::*;
    use crate::domain::{DisplayName, Email, UserId};
    use CaseAccess::*;
    use CaseAction::*;

    fn user(role: Role) -> User {
        User {
            id: UserId::new(),
            email: Email::parse("someone@example.fr").unwrap(),
            display_name: DisplayName::parse("Someone").unwrap(),
            role,
            home_territory: None,
            territories: Vec::new(),
            rpps: None,
            webhook_url: None,
            disabled_at: None,
            created_at: chrono::Utc::now(),
        }
    }

    fn case(gp: &User, status: CaseStatus, claimed_by: Option<&User>) -> CaseFacts {
        CaseFacts {
            gp: gp.id.as_uuid(),
            status,
            claimed_by: claimed_by.map(|u| u.id.as_uuid()),
            info_requested_by: None,
            answered_by: None,
            in_callers_queue: false,
        }
    }

    #[test]
    fn a_dermatologist_outside_the_territory_learns_nothing_whatever_the_state() {
        let (gp, holder, stranger) = (
            user(Role::Gp),
            user(Role::Dermatologist),
            user(Role::Dermatologist),
        );
        for (status, claimed_by) in [
            (CaseStatus::Queued, None),
            (CaseStatus::Claimed, Some(&holder)),
            (CaseStatus::Answered, None),
            (CaseStatus::Cancelled, None),
        ] {
            let facts = case(&gp, status, claimed_by);
            for action in [
                Read,
                ReadPhotos,
                Claim,
                Release,
                Answer,
                RequestInfo,
                RecordOutcome,
            ] {
                assert_eq!(can_act_on(&stranger, &facts, action), Hidden, "{action:?}");
            }
        }
    }

    #[test]
    fn a_dermatologist_of_the_territory_is_told_why_it_may_not_act() {
        let (gp, holder, colleague) = (
            user(Role::Gp),
            user(Role::Dermatologist),
            user(Role::Dermatologist),
        );
        let mut facts = case(&gp, CaseStatus::Claimed, Some(&holder));
        facts.in_callers_queue = true;
        assert_eq!(can_act_on(&colleague, &facts, Answer), Forbidden);
        assert_eq!(
            can_act_on(&colleague, &facts, Claim),
            Allowed,
            "409 from the lifecycle"
        );
        assert_eq!(can_act_on(&colleague, &facts, Read), Hidden);
        assert_eq!(can_act_on(&holder, &facts, Answer), Allowed);
        assert_eq!(can_act_on(&holder, &facts, RecordOutcome), Hidden);
    }

    #[test]
    fn gps_know_their_own_cases_and_other_roles_are_refused_first() {
        let (gp, other_gp) = (user(Role::Gp), user(Role::Gp));
        let facts = case(&gp, CaseStatus::Queued, None);
        assert_eq!(can_act_on(&gp, &facts, Reply), Allowed);
        assert_eq!(can_act_on(&other_gp, &facts, Reply), Hidden);
        assert_eq!(can_act_on(&gp, &facts, Answer), Forbidden);
        for role in [Role::Coordinator, Role::Admin] {
            assert_eq!(can_act_on(&user(role), &facts, Read), Forbidden);
        }
    }
}
