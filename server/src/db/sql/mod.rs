//! The repository's SQL, written once for both dialects: `SqlRepo<B>` implements every repo trait
//! over any `Backend` (`db::sqlite`, `db::postgres`), one file per concern.

mod actions;
mod audit;
mod backend;
mod cases;
mod effects;
mod enums;
mod erasure;
mod outbox;
mod phrases;
mod query;
mod queue;
mod sessions;
mod shifts;
mod sla;
mod sla_summary;
mod territories;
mod transitions;
mod users;
mod webhooks;

use async_trait::async_trait;

pub use backend::{Backend, Row, Tx};
pub use enums::{Name, NameList, OptName};
pub use query::{placeholders, Arg, Query, ToArg};

use super::{Repo, RepoError};

/// The repository over one database.
pub struct SqlRepo<B> {
    db: B,
}

impl<B: Backend> SqlRepo<B> {
    pub fn new(db: B) -> SqlRepo<B> {
        SqlRepo { db }
    }
}

#[async_trait]
impl<B: Backend> Repo for SqlRepo<B> {
    fn backend(&self) -> &'static str {
        B::NAME
    }

    async fn migrate(&self) -> Result<(), RepoError> {
        self.db
            .migrate()
            .await
            .map_err(|e| RepoError::Other(e.into()))
    }

    async fn ping(&self) -> Result<(), RepoError> {
        self.db.execute(Query::new("SELECT 1")).await?;
        Ok(())
    }
}
