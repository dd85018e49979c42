//! `OutboxRepo`: notifications taken when due, locked while being sent, delivered, retried or
//! parked, and put back in line by hand.

use std::collections::HashSet;

use telederm_server::{
    db::{Effects, Notification, PendingNotification, WebhookSecretRecord},
    domain::{UserId, WebhookUrl},
};
use uuid::Uuid;

use crate::setup::{audit_actions, audited, mins, notice, World};

const URL: &str = "https://hooks.example/derm1";

fn secret(user: Uuid) -> WebhookSecretRecord {
    WebhookSecretRecord {
        user_id: user,
        master_key_id: "k1".into(),
        sealed: b"sealed secret".to_vec(),
    }
}

async fn hook(w: &World, user: Uuid) {
    let url = WebhookUrl::parse(URL).unwrap();
    let (secret, fx) = (secret(user), Effects::default());
    let set = w
        .repo
        .set_webhook(UserId::from(user), Some(&url), Some(&secret), mins(0), &fx);
    assert!(set.await.unwrap().is_some());
}

async fn enqueue(w: &World, notes: &[Notification]) {
    w.repo
        .record(&Effects::default().with(notes.to_vec()))
        .await
        .unwrap();
}

fn ids(taken: &[PendingNotification]) -> Vec<Uuid> {
    taken.iter().map(|n| n.id).collect()
}

#[tokio::test]
async fn notifications_are_taken_when_due_and_locked_while_sent() {
    let w = World::new().await;
    let repo = &w.repo;
    let derm3 = w.dermatologist("derm3@x.fr").await;
    hook(&w, w.derm1).await;
    hook(&w, derm3).await;
    repo.disable_user(UserId::from(derm3), mins(0), &Effects::default())
        .await
        .unwrap();
    let case_id = Uuid::new_v4();
    let n1 = notice(w.derm1, "case.queued", Some(case_id), mins(0));
    let n2 = notice(w.derm2, "case.queued", None, mins(1));
    let n3 = notice(derm3, "case.queued", None, mins(2));
    let n4 = notice(w.derm1, "sla.breached", Some(case_id), mins(10));
    enqueue(&w, &[n1.clone(), n2.clone(), n3.clone(), n4.clone()]).await;

    let taken = repo
        .take_due_notifications(mins(5), mins(6), 10)
        .await
        .unwrap();
    assert_eq!(ids(&taken), [n1.id, n2.id, n3.id]);
    let t1 = &taken[0];
    assert_eq!(
        (t1.recipient_id, t1.event.as_str(), t1.case_id),
        (w.derm1, "case.queued", Some(case_id))
    );
    assert_eq!((&t1.payload, t1.attempts), (&n1.payload, 0));
    assert_eq!(t1.webhook_url.as_deref(), Some(URL));
    assert_eq!(
        (t1.secret_key_id.as_deref(), t1.secret_sealed.as_deref()),
        (Some("k1"), Some(&b"sealed secret"[..]))
    );
    // No webhook: no URL nor secret. Disabled: no URL, whatever it had.
    assert_eq!(
        (&taken[1].webhook_url, &taken[1].secret_key_id),
        (&None, &None)
    );
    assert_eq!(taken[2].webhook_url, None);
    // Locked until 6: nobody else takes them meanwhile.
    assert!(repo
        .take_due_notifications(mins(5), mins(6), 10)
        .await
        .unwrap()
        .is_empty());

    repo.notification_delivered(n1.id, mins(5)).await.unwrap();
    repo.notification_failed(n2.id, mins(5), Some(mins(30)), "no_webhook")
        .await
        .unwrap();
    repo.notification_failed(n3.id, mins(5), None, "no_webhook")
        .await
        .unwrap();
    // Delivered, waiting for its retry, parked, not yet due: nothing at 6.
    assert!(repo
        .take_due_notifications(mins(6), mins(7), 10)
        .await
        .unwrap()
        .is_empty());
    // Earliest attempt first, and the limit holds.
    assert_eq!(
        ids(&repo
            .take_due_notifications(mins(30), mins(31), 1)
            .await
            .unwrap()),
        [n4.id]
    );
    let retried = repo
        .take_due_notifications(mins(30), mins(31), 10)
        .await
        .unwrap();
    assert_eq!(ids(&retried), [n2.id]);
    assert_eq!(retried[0].attempts, 1);

    let all = repo.notifications(false, None, 10).await.unwrap();
    assert_eq!(
        all.iter().map(|n| n.id).collect::<Vec<_>>(),
        [n4.id, n3.id, n2.id, n1.id]
    );
    let (r4, r3, r2, r1) = (&all[0], &all[1], &all[2], &all[3]);
    assert_eq!(
        (r1.delivered_at, r1.attempts, &r1.last_error, r1.parked_at),
        (Some(mins(5)), 1, &None, None)
    );
    assert_eq!(
        (r2.next_attempt_at, r2.attempts, r2.last_error.as_deref()),
        (mins(30), 1, Some("no_webhook"))
    );
    assert_eq!((r2.delivered_at, r2.parked_at), (None, None));
    assert_eq!(
        (r3.parked_at, r3.attempts, r3.last_error.as_deref()),
        (Some(mins(5)), 1, Some("no_webhook"))
    );
    assert_eq!(
        (r4.recipient_id, r4.event.as_str(), r4.case_id),
        (w.derm1, "sla.breached", Some(case_id))
    );
    assert_eq!(
        (r4.created_at, r4.next_attempt_at, r4.attempts),
        (mins(10), mins(10), 0)
    );
}

#[tokio::test]
async fn parked_notifications_are_listed_and_put_back_in_line() {
    let w = World::new().await;
    let repo = &w.repo;
    let case_id = Uuid::new_v4();
    let parked = notice(w.derm1, "case.queued", Some(case_id), mins(0));
    let delivered = notice(w.derm1, "case.queued", Some(case_id), mins(1));
    let other = notice(w.derm2, "case.queued", None, mins(2));
    enqueue(&w, &[parked.clone(), delivered.clone(), other.clone()]).await;
    repo.notification_failed(parked.id, mins(3), None, "timeout")
        .await
        .unwrap();
    repo.notification_delivered(delivered.id, mins(3))
        .await
        .unwrap();

    let listed = |parked_only, case, limit| async move {
        let found = repo.notifications(parked_only, case, limit).await.unwrap();
        found.into_iter().map(|n| n.id).collect::<Vec<_>>()
    };
    assert_eq!(listed(true, None, 10).await, [parked.id]);
    assert_eq!(
        listed(false, Some(case_id), 10).await,
        [delivered.id, parked.id]
    );
    assert_eq!(listed(false, None, 2).await, [other.id, delivered.id]);
    assert!(listed(true, Some(Uuid::new_v4()), 10).await.is_empty());

    assert!(repo
        .retry_notification(parked.id, mins(40), &audited("notification.retried"))
        .await
        .unwrap());
    let back = &repo.notifications(false, Some(case_id), 10).await.unwrap()[1];
    assert_eq!(
        (back.id, back.parked_at, back.attempts, back.next_attempt_at),
        (parked.id, None, 0, mins(40))
    );
    assert!(listed(true, None, 10).await.is_empty());
    // Only a parked message goes back in line.
    for id in [parked.id, delivered.id, other.id, Uuid::new_v4()] {
        assert!(!repo
            .retry_notification(id, mins(41), &audited("notification.again"))
            .await
            .unwrap());
    }
    assert_eq!(audit_actions(repo).await, ["notification.retried"]);
    let due = repo
        .take_due_notifications(mins(40), mins(41), 10)
        .await
        .unwrap();
    assert_eq!(ids(&due), [other.id, parked.id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_takers_never_take_the_same_notification() {
    let w = World::new().await;
    let notes: Vec<_> = (0..20)
        .map(|i| notice(w.derm1, "case.queued", None, mins(i)))
        .collect();
    enqueue(&w, &notes).await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let repo = w.repo.clone();
            tokio::spawn(async move {
                repo.take_due_notifications(mins(30), mins(40), 5)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for t in tasks {
        for n in t.await.unwrap() {
            assert!(seen.insert(n.id), "{} taken twice", n.id);
        }
    }
    // Whatever the takers left is still there for the next one, and nothing more.
    for n in w
        .repo
        .take_due_notifications(mins(30), mins(40), 100)
        .await
        .unwrap()
    {
        assert!(seen.insert(n.id), "{} taken twice", n.id);
    }
    assert_eq!(seen, notes.iter().map(|n| n.id).collect());
}
