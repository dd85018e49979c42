//! `SessionRepo`: browser sessions, found by the hash of their id; a disabled user's go with it.

use telederm_server::{
    db::{Effects, SessionRecord},
    domain::UserId,
};
use uuid::Uuid;

use crate::setup::{audited, mins, World};

fn session(tag: u8, user: Uuid, opened_at_min: i64) -> SessionRecord {
    SessionRecord {
        id_hash: vec![tag; 32],
        user_id: user,
        csrf_token: format!("csrf-{tag}"),
        language: None,
        created_at: mins(opened_at_min),
        last_seen_at: mins(opened_at_min),
    }
}

#[tokio::test]
async fn a_session_is_created_read_touched_and_deleted() {
    let w = World::new().await;
    let repo = &w.repo;
    let s = session(1, w.gp13, 0);
    repo.create_session(&s).await.unwrap();
    assert_eq!(repo.session(&s.id_hash).await.unwrap(), Some(s.clone()));
    assert_eq!(repo.session(&[9; 32]).await.unwrap(), None);

    assert!(repo.touch_session(&s.id_hash, mins(7)).await.unwrap());
    assert!(repo
        .set_session_language(&s.id_hash, Some("en"))
        .await
        .unwrap());
    let read = repo.session(&s.id_hash).await.unwrap().unwrap();
    assert_eq!(
        (read.last_seen_at, read.created_at, read.language.as_deref()),
        (mins(7), mins(0), Some("en"))
    );
    assert!(repo.set_session_language(&s.id_hash, None).await.unwrap());
    assert_eq!(
        repo.session(&s.id_hash).await.unwrap().unwrap().language,
        None
    );

    assert!(repo.delete_session(&s.id_hash).await.unwrap());
    assert!(!repo.delete_session(&s.id_hash).await.unwrap());
    assert_eq!(repo.session(&s.id_hash).await.unwrap(), None);
    assert!(!repo.touch_session(&s.id_hash, mins(8)).await.unwrap());
    assert!(!repo
        .set_session_language(&s.id_hash, Some("fr"))
        .await
        .unwrap());
}

#[tokio::test]
async fn expired_sessions_go_by_idleness_or_by_age() {
    let w = World::new().await;
    let repo = &w.repo;
    // Opened at 0 and used since: too old by age at the cut below.
    let old_but_busy = session(1, w.gp13, 0);
    repo.create_session(&old_but_busy).await.unwrap();
    repo.touch_session(&old_but_busy.id_hash, mins(100))
        .await
        .unwrap();
    // Opened at 50, unused: idle.
    let idle = session(2, w.gp13, 50);
    repo.create_session(&idle).await.unwrap();
    // Opened at 60, used at 95: kept.
    let live = session(3, w.derm1, 60);
    repo.create_session(&live).await.unwrap();
    repo.touch_session(&live.id_hash, mins(95)).await.unwrap();

    let gone = repo
        .delete_expired_sessions(mins(90), mins(30))
        .await
        .unwrap();
    assert_eq!(gone, 2);
    assert!(repo.session(&old_but_busy.id_hash).await.unwrap().is_none());
    assert!(repo.session(&idle.id_hash).await.unwrap().is_none());
    assert!(repo.session(&live.id_hash).await.unwrap().is_some());
}

#[tokio::test]
async fn disabling_a_user_deletes_its_sessions_only() {
    let w = World::new().await;
    let repo = &w.repo;
    let (gp_a, gp_b, derm) = (
        session(1, w.gp13, 0),
        session(2, w.gp13, 1),
        session(3, w.derm1, 2),
    );
    for s in [&gp_a, &gp_b, &derm] {
        repo.create_session(s).await.unwrap();
    }
    repo.disable_user(UserId::from(w.gp13), mins(5), &audited("user.disabled"))
        .await
        .unwrap()
        .unwrap();
    assert!(repo.session(&gp_a.id_hash).await.unwrap().is_none());
    assert!(repo.session(&gp_b.id_hash).await.unwrap().is_none());
    assert!(repo.session(&derm.id_hash).await.unwrap().is_some());

    // Disabling again (or a user without sessions) changes nothing more.
    repo.disable_user(UserId::from(w.gp13), mins(6), &Effects::default())
        .await
        .unwrap();
    assert!(repo.session(&derm.id_hash).await.unwrap().is_some());
}
