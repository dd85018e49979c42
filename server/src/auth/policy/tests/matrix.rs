//! The access matrices of the HTTP suite (`tests/tests/api/access.rs`, `case_access.rs`), asked of
//! the policy (and, for case actions, the lifecycle after it) directly: the same cells, the same
//! statuses, without a server. A change of rule shows here first, then in the HTTP suite.

use super::user;
use crate::{
    auth::policy::{
        can_act_on, can_administer, can_list_users, can_manage_calendar, can_manage_rota,
        can_manage_territories, can_read_rota, Access, CaseAction, CaseFacts,
    },
    domain::{
        lifecycle::{next, Transition},
        CaseStatus, Role, TerritoryCode, User,
    },
};

/// What a front door answers for a policy outcome (then, when allowed, for the lifecycle's).
fn status(access: Access, ok: u16) -> u16 {
    match access {
        Access::Allowed => ok,
        Access::Forbidden => 403,
        Access::Hidden => 404,
    }
}

mod administration {
    use super::*;

    fn territory_13() -> TerritoryCode {
        TerritoryCode::parse("13").unwrap()
    }

    fn coordinator() -> User {
        let mut u = user(Role::Coordinator);
        u.territories = vec![territory_13(), TerritoryCode::parse("84").unwrap()];
        u
    }

    /// Callers: gp, dermatologist, coordinator (of 13 and 84), admin. (Anonymous callers never
    /// reach the policy: 401.) Territories are readable by every signed-in user: no rule.
    #[test]
    fn every_administration_and_rota_rule_for_every_role() {
        let callers = [
            user(Role::Gp),
            user(Role::Dermatologist),
            coordinator(),
            user(Role::Admin),
        ];
        let t = territory_13();
        type Rule = fn(&User, &TerritoryCode) -> Access;
        let matrix: [(&str, Rule, u16, [u16; 4]); 10] = [
            (
                "list users",
                |u, _| can_list_users(u, None),
                200,
                [403, 403, 403, 200],
            ),
            (
                "list dermatologists",
                |u, _| can_list_users(u, Some(Role::Dermatologist)),
                200,
                [403, 403, 200, 200],
            ),
            (
                "create user",
                |u, _| can_administer(u),
                201,
                [403, 403, 403, 201],
            ),
            (
                "disable user",
                |u, _| can_administer(u),
                200,
                [403, 403, 403, 200],
            ),
            (
                "create territory",
                |u, _| can_manage_territories(u),
                201,
                [403, 403, 403, 201],
            ),
            (
                "update territory",
                |u, _| can_manage_territories(u),
                200,
                [403, 403, 403, 200],
            ),
            (
                "set territory calendar",
                can_manage_calendar,
                200,
                [403, 403, 200, 200],
            ),
            ("list shifts", can_read_rota, 200, [403, 200, 200, 200]),
            ("create shift", can_manage_rota, 201, [403, 403, 201, 201]),
            ("delete shift", can_manage_rota, 204, [403, 403, 204, 204]),
        ];
        for (what, rule, ok, expected) in matrix {
            let got: Vec<u16> = callers.iter().map(|c| status(rule(c, &t), ok)).collect();
            assert_eq!(got, expected, "{what}");
        }
    }
}

mod cases {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Situation {
        Queued,
        Claimed,
        InfoRequested,
        Answered,
    }

    #[derive(Debug, Clone, Copy)]
    enum Call {
        Read,
        Photo,
        Claim,
        Release,
        Answer,
        RequestInfo,
        Reply,
        Cancel,
        Close,
        Outcome,
    }

    use Call::*;
    use Situation::*;

    /// As in `case_access.rs`, without its anonymous column: gp13 (the case's GP), gp84, derm1
    /// (on call for 13; claims in the situations), derm2 (on call for 84 only), derm3 (also on
    /// call for 13), coord, admin.
    const MATRIX: &[(Call, Situation, [u16; 7])] = &[
        (Read, Queued, [200, 404, 404, 404, 404, 403, 403]),
        (Read, Claimed, [200, 404, 200, 404, 404, 403, 403]),
        (Read, InfoRequested, [200, 404, 200, 404, 404, 403, 403]),
        (Read, Answered, [200, 404, 200, 404, 404, 403, 403]),
        (Photo, Queued, [200, 404, 200, 404, 200, 403, 403]),
        (Photo, Claimed, [200, 404, 200, 404, 404, 403, 403]),
        (Claim, Queued, [403, 403, 200, 404, 200, 403, 403]),
        (Claim, Claimed, [403, 403, 409, 404, 409, 403, 403]),
        (Claim, Answered, [403, 403, 409, 404, 409, 403, 403]),
        (Release, Claimed, [403, 403, 204, 404, 403, 403, 403]),
        (Release, Queued, [403, 403, 409, 404, 409, 403, 403]),
        (Answer, Claimed, [403, 403, 200, 404, 403, 403, 403]),
        (Answer, Queued, [403, 403, 409, 404, 409, 403, 403]),
        (Answer, Answered, [403, 403, 409, 404, 409, 403, 403]),
        (RequestInfo, Claimed, [403, 403, 200, 404, 403, 403, 403]),
        (
            RequestInfo,
            InfoRequested,
            [403, 403, 409, 404, 409, 403, 403],
        ),
        (Reply, InfoRequested, [200, 404, 403, 403, 403, 403, 403]),
        (Reply, Queued, [409, 404, 403, 403, 403, 403, 403]),
        (Cancel, Queued, [200, 404, 403, 403, 403, 403, 403]),
        (Cancel, Answered, [409, 404, 403, 403, 403, 403, 403]),
        (Close, Answered, [200, 404, 403, 403, 403, 403, 403]),
        (Close, Claimed, [409, 404, 403, 403, 403, 403, 403]),
        (Outcome, Answered, [200, 404, 200, 404, 404, 403, 403]),
        (Outcome, Claimed, [409, 404, 404, 404, 404, 403, 403]),
    ];

    struct People {
        gp13: User,
        gp84: User,
        derm1: User,
        derm2: User,
        derm3: User,
        coord: User,
        admin: User,
    }

    /// The facts a case in `situation` shows `caller`: derm1 and derm3 work territory 13.
    fn facts(p: &People, situation: Situation, caller: &User) -> CaseFacts {
        let derm1 = Some(p.derm1.id.as_uuid());
        CaseFacts {
            gp: p.gp13.id.as_uuid(),
            status: match situation {
                Queued => CaseStatus::Queued,
                Claimed => CaseStatus::Claimed,
                InfoRequested => CaseStatus::InfoRequested,
                Answered => CaseStatus::Answered,
            },
            claimed_by: derm1.filter(|_| situation == Claimed),
            info_requested_by: derm1.filter(|_| situation == InfoRequested),
            answered_by: derm1.filter(|_| situation == Answered),
            in_callers_queue: caller.id == p.derm1.id || caller.id == p.derm3.id,
        }
    }

    /// The policy, then (when it allows) the lifecycle, as the case service asks them.
    fn answer(caller: &User, facts: &CaseFacts, call: Call) -> u16 {
        let (action, transition, ok) = match call {
            Read => (CaseAction::Read, None, 200),
            Photo => (CaseAction::ReadPhotos, None, 200),
            Claim => (CaseAction::Claim, Some(Transition::Claim), 200),
            Release => (CaseAction::Release, Some(Transition::Release), 204),
            Answer => (CaseAction::Answer, Some(Transition::Answer), 200),
            RequestInfo => (CaseAction::RequestInfo, Some(Transition::RequestInfo), 200),
            Reply => (
                CaseAction::Reply,
                Some(Transition::Reply {
                    back_to_asker: true,
                }),
                200,
            ),
            Cancel => (CaseAction::Cancel, Some(Transition::Cancel), 200),
            Close => (CaseAction::Close, Some(Transition::Close), 200),
            Outcome => (CaseAction::RecordOutcome, None, 200),
        };
        let access = can_act_on(caller, facts, action);
        if access != Access::Allowed {
            return status(access, ok);
        }
        let state_allows = match (call, transition) {
            (Outcome, _) => matches!(facts.status, CaseStatus::Answered | CaseStatus::Closed),
            (_, Some(t)) => next(facts.status, t).is_ok(),
            (_, None) => true,
        };
        if state_allows {
            ok
        } else {
            409
        }
    }

    #[test]
    fn every_case_action_for_every_role_and_situation() {
        let p = People {
            gp13: user(Role::Gp),
            gp84: user(Role::Gp),
            derm1: user(Role::Dermatologist),
            derm2: user(Role::Dermatologist),
            derm3: user(Role::Dermatologist),
            coord: user(Role::Coordinator),
            admin: user(Role::Admin),
        };
        let callers = [
            &p.gp13, &p.gp84, &p.derm1, &p.derm2, &p.derm3, &p.coord, &p.admin,
        ];
        for (call, situation, expected) in MATRIX {
            let got: Vec<u16> = callers
                .iter()
                .map(|c| answer(c, &facts(&p, *situation, c), *call))
                .collect();
            assert_eq!(&got[..], &expected[..], "{call:?} on a {situation:?} case");
        }
    }
}
