//! `QueueRepo` claims: exactly once, claim-next in queue order, release by the claimer only,
//! leases that expire.

use telederm_server::{
    db::{ClaimOutcome, Effects},
    domain::{CaseStatus, Priority},
};
use uuid::Uuid;

use crate::setup::{audit_actions, audited, codes, entry, history, micro, mins, World};

#[tokio::test]
async fn a_claim_takes_a_queued_case_once() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = w.queued("13", Priority::Urgent, 0, None).await;
    assert_eq!(repo.claimed_by(id).await.unwrap(), None);

    let outcome = repo
        .claim(id, w.derm1, mins(5), mins(35), &audited("case.claimed"))
        .await;
    assert_eq!(outcome.unwrap(), ClaimOutcome::Claimed);
    let c = w.case(id).await;
    assert_eq!(w.status(id).await, CaseStatus::Claimed);
    assert_eq!(
        (c.claimed_by, c.lease_until),
        (Some(w.derm1), Some(mins(35)))
    );
    assert_eq!(repo.claimed_by(id).await.unwrap(), Some(w.derm1));
    let claimed = &repo.events(id).await.unwrap()[1];
    assert_eq!((claimed.at, claimed.actor_id), (mins(5), Some(w.derm1)));

    let again = repo
        .claim(
            id,
            w.derm2,
            mins(6),
            mins(36),
            &audited("case.claimed.again"),
        )
        .await;
    assert_eq!(again.unwrap(), ClaimOutcome::NotQueued);
    let unknown = repo
        .claim(Uuid::new_v4(), w.derm2, mins(6), mins(36), &audited("x"))
        .await;
    assert_eq!(unknown.unwrap(), ClaimOutcome::NotFound);
    assert_eq!(repo.claimed_by(Uuid::new_v4()).await.unwrap(), None);

    assert_eq!(w.case(id).await.claimed_by, Some(w.derm1));
    assert_eq!(
        history(repo, id).await,
        ["submitted >queued", "claimed queued>claimed"]
    );
    assert_eq!(audit_actions(repo).await, ["case.claimed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_claims_on_one_case_exactly_one_wins() {
    let w = World::new().await;
    let id = w.queued("13", Priority::Urgent, 0, None).await;
    let mut derms = vec![w.derm1, w.derm2];
    for i in 0..6 {
        derms.push(w.dermatologist(&format!("d{i}@x.fr")).await);
    }
    let tasks: Vec<_> = derms
        .iter()
        .map(|&derm| {
            let repo = w.repo.clone();
            tokio::spawn(async move {
                let fx = audited("case.claimed");
                (
                    derm,
                    repo.claim(id, derm, mins(5), mins(35), &fx).await.unwrap(),
                )
            })
        })
        .collect();
    let mut winners = Vec::new();
    for t in tasks {
        let (derm, outcome) = t.await.unwrap();
        match outcome {
            ClaimOutcome::Claimed => winners.push(derm),
            ClaimOutcome::NotQueued => {}
            ClaimOutcome::NotFound => panic!("the case exists"),
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    assert_eq!(w.repo.claimed_by(id).await.unwrap(), Some(winners[0]));
    assert_eq!(
        history(&w.repo, id).await,
        ["submitted >queued", "claimed queued>claimed"]
    );
    assert_eq!(audit_actions(&w.repo).await, ["case.claimed"]);
}

#[tokio::test]
async fn claim_next_takes_the_head_of_the_queue_and_names_the_case_in_its_effects() {
    let w = World::new().await;
    let repo = &w.repo;
    let routine = w.queued("13", Priority::Routine, 0, Some(10)).await;
    let urgent = w.queued("13", Priority::Urgent, 1, Some(100)).await;
    let offered = w.queued("84", Priority::Urgent, 0, Some(50)).await;
    let mine = codes(&["13"]);
    let fx = Effects::audit(entry("case.claimed", mins(5)));

    let next = repo
        .claim_next(&mine, &[], w.derm1, mins(5), mins(35), &fx)
        .await
        .unwrap();
    assert_eq!(next, Some(urgent));
    let c = w.case(urgent).await;
    assert_eq!(
        (c.claimed_by, c.lease_until),
        (Some(w.derm1), Some(mins(35)))
    );
    assert_eq!(
        history(repo, urgent).await,
        ["submitted >queued", "claimed queued>claimed"]
    );
    // The audit line, written without a case, names the one claimed.
    let line = &repo.audit_chain(0, 10).await.unwrap()[0];
    assert_eq!(line.action, "case.claimed");
    assert_eq!(line.case_id, Some(urgent));
    assert_eq!(line.target_id, Some(urgent.to_string()));
    assert_eq!(line.territory_code.as_deref(), Some("13"));

    // 84's case is not offered: it is not taken from 13's queue.
    let offering = codes(&["84"]);
    let none = Effects::default();
    let next = repo
        .claim_next(&mine, &offering, w.derm2, mins(6), mins(36), &none)
        .await;
    assert_eq!(next.unwrap(), Some(routine));
    let next = repo
        .claim_next(&mine, &offering, w.derm2, mins(7), mins(37), &fx)
        .await
        .unwrap();
    assert_eq!(next, None);
    assert_eq!(w.status(offered).await, CaseStatus::Queued);
    assert!(repo
        .claim_next(&[], &[], w.derm2, mins(7), mins(37), &fx)
        .await
        .unwrap()
        .is_none());
    assert_eq!(audit_actions(repo).await, ["case.claimed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claim_next_gives_each_dermatologist_a_different_case() {
    let w = World::new().await;
    let mut cases = Vec::new();
    let mut derms = vec![w.derm1, w.derm2];
    for i in 0..6 {
        cases.push(w.queued("13", Priority::Routine, i, None).await);
        derms.push(w.dermatologist(&format!("d{i}@x.fr")).await);
    }
    derms.truncate(cases.len());
    let tasks: Vec<_> = derms
        .iter()
        .map(|&derm| {
            let repo = w.repo.clone();
            tokio::spawn(async move {
                let (fx, mine) = (Effects::default(), codes(&["13"]));
                let got = repo
                    .claim_next(&mine, &[], derm, mins(9), mins(39), &fx)
                    .await;
                (derm, got.unwrap())
            })
        })
        .collect();
    let mut taken = Vec::new();
    for t in tasks {
        let (derm, got) = t.await.unwrap();
        // As many cases as dermatologists: nobody comes back empty-handed.
        let id = got.expect("a case for each dermatologist");
        assert_eq!(w.repo.claimed_by(id).await.unwrap(), Some(derm));
        taken.push(id);
    }
    taken.sort();
    cases.sort();
    assert_eq!(taken, cases);
    for id in cases {
        assert_eq!(
            history(&w.repo, id).await,
            ["submitted >queued", "claimed queued>claimed"]
        );
    }
}

#[tokio::test]
async fn only_the_claimer_releases_a_claimed_case() {
    let w = World::new().await;
    let repo = &w.repo;
    let id = w.queued("13", Priority::Urgent, 0, None).await;
    assert!(!repo
        .release(id, w.derm1, mins(1), &audited("case.released"))
        .await
        .unwrap());
    w.claim(id, w.derm1).await;

    assert!(!repo
        .release(id, w.derm2, mins(2), &audited("case.released"))
        .await
        .unwrap());
    assert_eq!(repo.claimed_by(id).await.unwrap(), Some(w.derm1));
    assert!(repo
        .release(id, w.derm1, mins(3), &audited("case.released"))
        .await
        .unwrap());
    let c = w.case(id).await;
    assert_eq!(w.status(id).await, CaseStatus::Queued);
    assert_eq!((c.claimed_by, c.lease_until), (None, None));
    assert!(!repo
        .release(id, w.derm1, mins(4), &audited("case.released"))
        .await
        .unwrap());
    assert!(!repo
        .release(Uuid::new_v4(), w.derm1, mins(4), &audited("x"))
        .await
        .unwrap());

    assert_eq!(
        history(repo, id).await,
        [
            "submitted >queued",
            "claimed queued>claimed",
            "released claimed>queued"
        ]
    );
    let released = &repo.events(id).await.unwrap()[2];
    assert_eq!((released.at, released.actor_id), (mins(3), Some(w.derm1)));
    assert_eq!(audit_actions(repo).await, ["case.released"]);
}

#[tokio::test]
async fn leases_that_ended_before_the_time_given_go_back_to_the_queue() {
    let w = World::new().await;
    let repo = &w.repo;
    let short = w.queued("13", Priority::Urgent, 0, None).await;
    let long = w.queued("84", Priority::Urgent, 0, None).await;
    let queued = w.queued("13", Priority::Urgent, 0, None).await;
    assert_eq!(
        repo.claim(short, w.derm1, mins(1), mins(10), &Effects::default())
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );
    assert_eq!(
        repo.claim(long, w.derm2, mins(1), mins(20), &Effects::default())
            .await
            .unwrap(),
        ClaimOutcome::Claimed
    );

    // A lease ending exactly now still holds.
    assert!(repo.expire_leases(mins(10)).await.unwrap().is_empty());
    assert_eq!(
        repo.expire_leases(mins(10) + micro()).await.unwrap(),
        [short]
    );
    assert!(repo
        .expire_leases(mins(10) + micro())
        .await
        .unwrap()
        .is_empty());

    let c = w.case(short).await;
    assert_eq!(w.status(short).await, CaseStatus::Queued);
    assert_eq!((c.claimed_by, c.lease_until), (None, None));
    assert_eq!(repo.claimed_by(long).await.unwrap(), Some(w.derm2));
    assert_eq!(w.status(queued).await, CaseStatus::Queued);
    assert_eq!(
        history(repo, short).await,
        [
            "submitted >queued",
            "claimed queued>claimed",
            "lease_expired claimed>queued"
        ]
    );
    let expired = &repo.events(short).await.unwrap()[2];
    assert_eq!((expired.at, expired.actor_id), (mins(10) + micro(), None));

    // The system's audit line says whose lease it was.
    let line = &repo.audit_chain(0, 10).await.unwrap()[0];
    assert_eq!(line.action, "case.lease_expired");
    assert_eq!((line.actor_id, line.case_id), (None, Some(short)));
    assert_eq!(line.territory_code.as_deref(), Some("13"));
    let detail: serde_json::Value = serde_json::from_str(line.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["held_by"], w.derm1.to_string());

    // Both at once, later.
    assert!(repo
        .claim(short, w.derm1, mins(30), mins(40), &Effects::default())
        .await
        .is_ok());
    let mut both = repo.expire_leases(mins(50)).await.unwrap();
    both.sort();
    let mut expected = vec![short, long];
    expected.sort();
    assert_eq!(both, expected);
    assert_eq!(audit_actions(repo).await.len(), 3);
}
