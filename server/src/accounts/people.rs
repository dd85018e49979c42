//! Names beside ids: a response looks up the people it mentions in one batch, then names each
//! id it shows, so that no client has to show an id to a person.

use std::collections::HashMap;

use telederm_schemas as wire;
use uuid::Uuid;

use crate::db::{Repo, RepoError};

/// Shown for an id that names no user. Users are never deleted (only disabled, and they keep
/// their name), so this is a bug: each time it is logged as an error.
pub const UNKNOWN: &str = "unknown";

/// The display names of the people one response mentions.
#[derive(Debug, Default)]
pub struct People(HashMap<Uuid, String>);

impl People {
    /// One query for all of `ids` (repeats are asked once).
    pub async fn of(
        repo: &dyn Repo,
        ids: impl IntoIterator<Item = Uuid>,
    ) -> Result<People, RepoError> {
        let mut ids: Vec<Uuid> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(People::default());
        }
        Ok(People(repo.display_names(&ids).await?))
    }

    /// `id` with its name; an id that was not looked up, or names no user, is `unknown`.
    pub fn person(&self, id: Uuid) -> wire::Person {
        let name = match self.0.get(&id) {
            Some(name) => name.clone(),
            None => {
                tracing::error!(user_id = %id, "no user has this id: its name is shown as unknown");
                UNKNOWN.to_owned()
            }
        };
        wire::Person { id, name }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_id_is_named_and_an_unknown_one_is_unknown() {
        let anne = Uuid::new_v4();
        let people = People(HashMap::from([(anne, "Dr Anne Martin".to_owned())]));
        assert_eq!(people.person(anne).name, "Dr Anne Martin");
        let nobody = Uuid::new_v4();
        assert_eq!(
            people.person(nobody),
            wire::Person {
                id: nobody,
                name: UNKNOWN.into()
            }
        );
    }
}
