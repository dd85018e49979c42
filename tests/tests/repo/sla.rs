//! `SlaRepo`: policies, the escalation ladder's candidates and its steps, each taken once.

use telederm_server::{
    db::{Effects, SlaCandidate, SlaPolicyRecord, SlaStep},
    domain::{CaseStatus, Priority},
};
use uuid::Uuid;

use crate::{
    actions::case_in,
    setup::{as_enum, audit_actions, audited, history, micro, mins, stored, World},
};

fn policy(
    territory: &str,
    priority: Priority,
    minutes: i64,
    clock: &str,
    by: Option<Uuid>,
) -> SlaPolicyRecord {
    SlaPolicyRecord {
        territory_code: territory.into(),
        priority: stored(priority),
        target_minutes: minutes,
        clock: stored(clock),
        updated_at: mins(minutes),
        updated_by: by,
    }
}

fn same_policy(a: &SlaPolicyRecord, b: &SlaPolicyRecord) {
    assert_eq!(a.territory_code, b.territory_code);
    assert_eq!(
        as_enum::<Priority>(&a.priority),
        as_enum::<Priority>(&b.priority)
    );
    assert_eq!(
        (a.target_minutes, a.updated_at, a.updated_by),
        (b.target_minutes, b.updated_at, b.updated_by)
    );
    assert_eq!(a.clock.to_string(), b.clock.to_string());
}

#[tokio::test]
async fn policies_are_saved_per_territory_and_priority_and_replaced() {
    let w = World::new().await;
    let repo = &w.repo;
    assert!(repo.sla_policies("13").await.unwrap().is_empty());
    let routine = policy("13", Priority::Routine, 2880, "business", Some(w.coord13));
    let urgent = policy("13", Priority::Urgent, 240, "calendar", None);
    repo.save_sla_policy(&routine, &audited("sla.saved"))
        .await
        .unwrap();
    repo.save_sla_policy(&urgent, &audited("sla.saved"))
        .await
        .unwrap();
    repo.save_sla_policy(
        &policy("84", Priority::Urgent, 60, "calendar", None),
        &Effects::default(),
    )
    .await
    .unwrap();

    // Urgent first.
    let saved = repo.sla_policies("13").await.unwrap();
    assert_eq!(saved.len(), 2);
    same_policy(&saved[0], &urgent);
    same_policy(&saved[1], &routine);

    let replaced = policy("13", Priority::Urgent, 120, "business", Some(w.coord13));
    repo.save_sla_policy(&replaced, &audited("sla.saved"))
        .await
        .unwrap();
    let saved = repo.sla_policies("13").await.unwrap();
    assert_eq!(saved.len(), 2);
    same_policy(&saved[0], &replaced);
    assert_eq!(repo.sla_policies("84").await.unwrap().len(), 1);
    assert!(repo.sla_policies("04").await.unwrap().is_empty());
    assert_eq!(
        audit_actions(repo).await,
        ["sla.saved", "sla.saved", "sla.saved"]
    );
}

type Flags = (bool, bool, bool);

/// (case, reminded, offered, breached) of each candidate at `m` minutes, earliest due first.
async fn candidates(w: &World, m: i64) -> Vec<(Uuid, Flags)> {
    let all = w.repo.sla_candidates(mins(m), 100).await.unwrap();
    all.iter()
        .map(|c| (c.id, (c.reminded, c.offered, c.breached)))
        .collect()
}

async fn step(w: &World, id: Uuid, step: SlaStep, m: i64) -> bool {
    w.repo
        .take_sla_step(id, step, mins(m), &audited(step.event()))
        .await
        .unwrap()
}

const NONE: Flags = (false, false, false);

#[tokio::test]
async fn each_step_of_the_ladder_falls_due_once_and_is_taken_once() {
    let w = World::new().await;
    let repo = &w.repo;
    // Steps at 50 %, 80 %, 100 %: q at 50, 80, 100; c at 100, 160, 200; later at 150, 240, 300.
    let q = w.queued("13", Priority::Urgent, 0, Some(100)).await;
    let c = w.queued("84", Priority::Routine, 0, Some(200)).await;
    w.claim(c, w.derm1).await;
    let later = w.queued("13", Priority::Routine, 0, Some(300)).await;
    w.queued("13", Priority::Routine, 0, None).await;
    let answered = case_in(&w, CaseStatus::Answered).await;
    let waiting = case_in(&w, CaseStatus::InfoRequested).await;

    assert!(w
        .repo
        .sla_candidates(mins(50) - micro(), 100)
        .await
        .unwrap()
        .is_empty());
    let all: Vec<SlaCandidate> = repo.sla_candidates(mins(50), 100).await.unwrap();
    assert_eq!(all.len(), 1);
    let first = &all[0];
    assert_eq!((first.id, first.territory_code.as_str()), (q, "13"));
    assert_eq!(as_enum::<CaseStatus>(&first.status), CaseStatus::Queued);
    assert_eq!(
        (first.remind_at, first.warn_at, first.due_at),
        (mins(50), mins(80), mins(100))
    );
    assert_eq!((first.reminded, first.offered, first.breached), NONE);

    // Remind: queued cases only.
    assert!(step(&w, q, SlaStep::Remind, 50).await);
    assert!(!step(&w, q, SlaStep::Remind, 51).await);
    assert!(candidates(&w, 79).await.is_empty());
    assert_eq!(candidates(&w, 80).await, [(q, (true, false, false))]);
    assert!(!step(&w, c, SlaStep::Remind, 100).await);

    // Offer: queued or claimed; the first offer's time stays.
    assert!(step(&w, q, SlaStep::Offer, 80).await);
    assert!(!step(&w, q, SlaStep::Offer, 90).await);
    assert_eq!(w.case(q).await.offered_at, Some(mins(80)));
    assert!(candidates(&w, 99).await.is_empty());
    // At 100 the claimed case's reminder is due, but a claimed case is not reminded.
    assert_eq!(candidates(&w, 100).await, [(q, (true, true, false))]);

    // Breach.
    assert!(step(&w, q, SlaStep::Breach, 100).await);
    assert!(!step(&w, q, SlaStep::Breach, 101).await);
    // Nothing more until `later`'s reminder at 150.
    assert!(candidates(&w, 149).await.is_empty());
    assert_eq!(candidates(&w, 150).await, [(later, NONE)]);

    // The claimed case is offered and breached too; earliest due first; the limit holds.
    assert_eq!(candidates(&w, 160).await, [(c, NONE), (later, NONE)]);
    let first_only = repo.sla_candidates(mins(160), 1).await.unwrap();
    assert_eq!(first_only.iter().map(|c| c.id).collect::<Vec<_>>(), [c]);
    assert!(step(&w, c, SlaStep::Offer, 160).await);
    assert!(step(&w, c, SlaStep::Breach, 200).await);
    assert!(step(&w, later, SlaStep::Remind, 150).await);
    assert_eq!(candidates(&w, 1000).await, [(later, (true, false, false))]);

    // Answered, or waiting on the GP: no step applies.
    for id in [answered, waiting] {
        for s in [SlaStep::Remind, SlaStep::Offer, SlaStep::Breach] {
            assert!(!step(&w, id, s, 1000).await, "{s:?} on {id}");
        }
    }
    assert!(!step(&w, Uuid::new_v4(), SlaStep::Offer, 1000).await);

    assert_eq!(
        history(repo, q).await,
        [
            "submitted >queued",
            "sla_reminder queued>queued",
            "sla_escalated queued>queued",
            "sla_breached queued>queued"
        ]
    );
    assert_eq!(
        history(repo, c).await[2..],
        [
            "sla_escalated claimed>claimed",
            "sla_breached claimed>claimed"
        ]
    );
    let reminder = &repo.events(q).await.unwrap()[1];
    assert_eq!((reminder.at, reminder.actor_id), (mins(50), None));
    assert_eq!(
        audit_actions(repo).await,
        [
            "sla_reminder",
            "sla_escalated",
            "sla_breached",
            "sla_escalated",
            "sla_breached",
            "sla_reminder"
        ]
    );
}
