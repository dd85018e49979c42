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
