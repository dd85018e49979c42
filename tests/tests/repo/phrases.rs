//! `PhraseRepo`: a dermatologist's saved phrases, its own and no one else's.

use telederm_server::db::PhraseRecord;
use uuid::Uuid;

use crate::setup::{mins, World};

fn phrase(user: Uuid, text: &str, at_min: i64) -> PhraseRecord {
    PhraseRecord {
        id: Uuid::new_v4(),
        user_id: user,
        text: text.to_owned(),
        created_at: mins(at_min),
    }
}

#[tokio::test]
async fn phrases_are_kept_per_user_in_the_order_saved_and_deleted_by_their_owner_only() {
    let w = World::new().await;
    let repo = &w.repo;
    let second = phrase(w.derm1, "Surveillance à un an.", 5);
    let first = phrase(w.derm1, "Lésion bénigne, surveillance simple.", 1);
    let others = phrase(w.derm2, "Exérèse conseillée.", 2);
    for p in [&second, &first, &others] {
        repo.add_phrase(p).await.unwrap();
    }
    assert_eq!(
        repo.phrases(w.derm1).await.unwrap(),
        [first.clone(), second.clone()]
    );
    assert_eq!(
        repo.phrases(w.derm2).await.unwrap(),
        std::slice::from_ref(&others)
    );
    assert!(repo.phrases(w.gp13).await.unwrap().is_empty());

    assert!(
        !repo.delete_phrase(w.derm2, first.id).await.unwrap(),
        "not its own"
    );
    assert!(repo.delete_phrase(w.derm1, first.id).await.unwrap());
    assert!(
        !repo.delete_phrase(w.derm1, first.id).await.unwrap(),
        "gone"
    );
    assert_eq!(repo.phrases(w.derm1).await.unwrap(), [second]);
}
