//! A dermatologist's saved phrases: a few sentences it inserts in its reports. Its own wording,
//! kept as it typed it (not a patient's data: nothing of a case goes in).

use uuid::Uuid;

use super::{AccountError, AccountService};
use crate::{
    auth::policy::can_act_as,
    db::PhraseRecord,
    domain::{Role, User, ValidationErrors},
};

/// A few, not a library: the page lists them all beside the report.
pub const MAX_PHRASES: usize = 20;
pub const MAX_PHRASE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub id: Uuid,
    pub text: String,
}

impl AccountService {
    /// `derm`'s phrases, in the order it saved them.
    pub async fn phrases(&self, derm: &User) -> Result<Vec<Phrase>, AccountError> {
        may_keep_phrases(derm)?;
        let records = self.repo.phrases(derm.id.as_uuid()).await?;
        Ok(records
            .into_iter()
            .map(|r| Phrase {
                id: r.id,
                text: r.text,
            })
            .collect())
    }

    pub async fn add_phrase(&self, derm: &User, text: &str) -> Result<Phrase, AccountError> {
        may_keep_phrases(derm)?;
        let text = text.trim();
        let mut e = ValidationErrors::default();
        if text.is_empty() || text.chars().count() > MAX_PHRASE_CHARS {
            e.add("phrase", format!("1 to {MAX_PHRASE_CHARS} characters"));
        } else if self.repo.phrases(derm.id.as_uuid()).await?.len() >= MAX_PHRASES {
            e.add("phrase", format!("at most {MAX_PHRASES} phrases"));
        }
        e.finish(Some(()))?;
        let record = PhraseRecord {
            id: Uuid::new_v4(),
            user_id: derm.id.as_uuid(),
            text: text.to_owned(),
            created_at: self.clock.now(),
        };
        self.repo.add_phrase(&record).await?;
        Ok(Phrase {
            id: record.id,
            text: record.text,
        })
    }

    pub async fn delete_phrase(&self, derm: &User, id: Uuid) -> Result<(), AccountError> {
        may_keep_phrases(derm)?;
        if self.repo.delete_phrase(derm.id.as_uuid(), id).await? {
            Ok(())
        } else {
            Err(AccountError::NotFound("phrase"))
        }
    }
}

fn may_keep_phrases(user: &User) -> Result<(), AccountError> {
    can_act_as(user, Role::Dermatologist).or(AccountError::Forbidden)
}
