//! The access matrix, asked of the policy directly (the HTTP suite asks it through the API).

use super::*;
use crate::domain::{DisplayName, Email, UserId};
use Access::*;
use CaseAction::*;

mod matrix;

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
        language: telederm_schemas::Language::Fr,
        channels: Default::default(),
        disabled_at: None,
        created_at: chrono::DateTime::UNIX_EPOCH,
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

#[test]
fn only_gps_check_photos() {
    assert_eq!(can_check_photo(&user(Role::Gp)), Allowed);
    for role in [Role::Dermatologist, Role::Coordinator, Role::Admin] {
        assert_eq!(can_check_photo(&user(role)), Forbidden, "{role:?}");
    }
}

/// The rota is read only when `needs_rota` says so: whenever it says no, the decision is the
/// same whatever the rota would have said; and a stranger's decisions do hang on it.
#[test]
fn the_rota_is_skipped_only_where_it_cannot_change_the_decision() {
    let (gp, me, other) = (
        user(Role::Gp),
        user(Role::Dermatologist),
        user(Role::Dermatologist),
    );
    let all = [
        Read,
        ReadPhotos,
        Claim,
        Release,
        Answer,
        RequestInfo,
        Reply,
        Cancel,
        Close,
        RecordOutcome,
    ];
    let statuses = [
        CaseStatus::Queued,
        CaseStatus::Claimed,
        CaseStatus::InfoRequested,
        CaseStatus::Answered,
        CaseStatus::Closed,
        CaseStatus::Cancelled,
    ];
    let someone = [None, Some(&me), Some(&other)];
    let mut skipped = 0;
    let mut hanging_on_rota = 0;
    for caller in [&gp, &me, &user(Role::Coordinator)] {
        for status in statuses {
            for claimed_by in someone {
                for asked_by in someone {
                    for answered_by in someone {
                        let mut facts = case(&gp, status, claimed_by);
                        facts.info_requested_by = asked_by.map(|u| u.id.as_uuid());
                        facts.answered_by = answered_by.map(|u| u.id.as_uuid());
                        for action in all {
                            let off = can_act_on(caller, &facts, action);
                            facts.in_callers_queue = true;
                            let on = can_act_on(caller, &facts, action);
                            facts.in_callers_queue = false;
                            if needs_rota(caller, &facts, action) {
                                hanging_on_rota += usize::from(on != off);
                            } else {
                                skipped += 1;
                                assert_eq!(on, off, "{caller:?} {action:?} {facts:?}");
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(skipped > 0 && hanging_on_rota > 0);
}
