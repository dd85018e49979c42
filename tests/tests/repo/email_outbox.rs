//! `OutboxRepo`, for e-mails: each taken with its recipient as it is now, a dermatologist's
//! "new cases" e-mails taken together, put off without counting an attempt, and messages made
//! once by their id.

use telederm_schemas::{Channel, Language};
use telederm_server::{
    db::{Effects, Notification},
    domain::{ChannelChoices, UserId},
};
use uuid::Uuid;

use crate::setup::{mins, notice, World};

fn email(recipient: Uuid, event: &str, at: i64) -> Notification {
    Notification {
        channel: Channel::Email,
        ..notice(recipient, event, None, mins(at))
    }
}

#[tokio::test]
async fn emails_are_taken_with_their_recipient_and_new_cases_go_together() {
    let w = World::new().await;
    let repo = &w.repo;
    repo.set_notification_settings(
        UserId::from(w.derm1),
        Language::En,
        &ChannelChoices::default(),
        &Effects::default(),
    )
    .await
    .unwrap();
    let (q1, q2) = (
        email(w.derm1, "case.queued", 0),
        email(w.derm1, "case.queued", 1),
    );
    let later = email(w.derm1, "case.queued", 30);
    let reminder = email(w.derm1, "sla.reminder", 1);
    let others = email(w.derm2, "case.queued", 1);
    let fx = Effects::default().with(vec![
        q1.clone(),
        q2.clone(),
        later.clone(),
        reminder.clone(),
        others.clone(),
    ]);
    repo.record(&fx).await.unwrap();

    let taken = repo
        .take_due_notifications(mins(2), mins(3), 1)
        .await
        .unwrap();
    let t = &taken[0];
    assert_eq!((t.id, t.channel), (q1.id, Channel::Email));
    assert_eq!(t.email, "derm1@x.fr");
    assert_eq!(
        (t.language.as_str(), t.role.as_str(), t.disabled),
        ("en", "dermatologist", false)
    );
    assert!(!t.display_name.is_empty());

    // The pass holding q1 (until 3) takes derm1's turn (never mailed before: free), then every
    // waiting "new cases" e-mail of derm1, due or not; another pass gets none of them meanwhile.
    let turn = |now, since| repo.take_new_cases_turn(w.derm1, mins(now), mins(since));
    assert_eq!(turn(2, -13).await.unwrap(), None, "the turn is taken");
    assert_eq!(
        turn(2, -13).await.unwrap(),
        Some(mins(2)),
        "and not twice: it went at 2"
    );
    let mut batch: Vec<Uuid> = repo
        .take_waiting_emails(w.derm1, "case.queued", mins(2), mins(3))
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    batch.sort();
    let mut expected = vec![q1.id, q2.id, later.id];
    expected.sort();
    assert_eq!(batch, expected);
    assert!(repo
        .take_waiting_emails(w.derm1, "case.queued", mins(2), mins(4))
        .await
        .unwrap()
        .is_empty());
    for id in &batch {
        repo.notification_delivered(*id, mins(2)).await.unwrap();
    }
    // 15 minutes on, the next turn; given back (its e-mail did not go), it is free again.
    assert_eq!(turn(10, -5).await.unwrap(), Some(mins(2)));
    assert_eq!(turn(17, 2).await.unwrap(), None);
    repo.give_back_new_cases_turn(w.derm1, mins(16))
        .await
        .unwrap();
    assert_eq!(
        turn(18, 3).await.unwrap(),
        Some(mins(17)),
        "not the turn of 16"
    );
    repo.give_back_new_cases_turn(w.derm1, mins(17))
        .await
        .unwrap();
    assert_eq!(turn(18, 3).await.unwrap(), None);
    let derm2 = repo.take_new_cases_turn(w.derm2, mins(2), mins(-13));
    assert_eq!(
        derm2.await.unwrap(),
        None,
        "each dermatologist its own turn"
    );

    // Put off: not due before its time, and no attempt counted.
    repo.notification_postponed(reminder.id, mins(20))
        .await
        .unwrap();
    let due = repo
        .take_due_notifications(mins(5), mins(6), 10)
        .await
        .unwrap();
    assert_eq!(due.iter().map(|n| n.id).collect::<Vec<_>>(), [others.id]);
    repo.notification_delivered(others.id, mins(5))
        .await
        .unwrap();
    let due = repo
        .take_due_notifications(mins(20), mins(21), 10)
        .await
        .unwrap();
    assert_eq!(
        due.iter().map(|n| (n.id, n.attempts)).collect::<Vec<_>>(),
        [(reminder.id, 0)]
    );
}

#[tokio::test]
async fn a_message_made_by_its_id_is_made_once() {
    let w = World::new().await;
    let repo = &w.repo;
    let digest = email(w.coord13, "digest.daily", 0);
    assert!(!repo.has_notification(digest.id).await.unwrap());
    assert!(repo.enqueue_once(&digest).await.unwrap());
    assert!(repo.has_notification(digest.id).await.unwrap());
    let again = Notification {
        payload: "another".into(),
        ..digest.clone()
    };
    assert!(!repo.enqueue_once(&again).await.unwrap());
    let listed = repo.notifications(false, None, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].channel, listed[0].event.as_str()),
        (Channel::Email, "digest.daily")
    );
    let taken = repo
        .take_due_notifications(mins(0), mins(1), 10)
        .await
        .unwrap();
    assert_eq!(taken[0].payload, digest.payload, "the first one stays");
}
