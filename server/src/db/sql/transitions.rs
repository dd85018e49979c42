//! Every change of a case's status goes through `StatusChange`: one conditional `UPDATE` whose
//! new status and `WHERE status IN (...)` come from the lifecycle's declaration of the transition
//! (`domain::lifecycle`), so a case moves only along a declared edge, and only once however many
//! try at the same moment (the losers match no row). Each change leaves a history line
//! (`event_in`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{placeholders, Arg, Query, Row, ToArg, Tx};
use crate::db::RepoError;
use crate::domain::{
    lifecycle::{sources, target, Transition},
    CaseStatus,
};

/// `UPDATE cases SET status = <target>, <set> WHERE (<cases>) AND status IN (<sources>)`.
pub(super) struct StatusChange {
    transition: Transition,
    cases: String,
    set: &'static str,
    args: Vec<Arg>,
}

impl StatusChange {
    /// `transition` for the cases `cases` selects (e.g. `id = $1 AND claimed_by = $2`); the
    /// parameters of `cases` and `set` are bound in order from `$1`, the statuses after them.
    pub fn of(transition: Transition, cases: impl Into<String>) -> StatusChange {
        StatusChange {
            transition,
            cases: cases.into(),
            set: "",
            args: Vec::new(),
        }
    }

    /// Columns written with the status, e.g. `claimed_by = $2, lease_until = $3`.
    pub fn set(mut self, assignments: &'static str) -> StatusChange {
        self.set = assignments;
        self
    }

    pub fn bind(mut self, value: impl ToArg) -> StatusChange {
        self.args.push(value.to_arg());
        self
    }

    fn query(self, returning: &str) -> Query {
        let n = self.args.len();
        let from = sources(self.transition);
        let set = if self.set.is_empty() {
            String::new()
        } else {
            format!(", {}", self.set)
        };
        let returning = if returning.is_empty() {
            String::new()
        } else {
            format!(" RETURNING {returning}")
        };
        let sql = format!(
            "UPDATE cases SET status = ${}{set} WHERE ({}) AND status IN ({}){returning}",
            n + 1,
            self.cases,
            placeholders(n + 2, from.len()),
        );
        Query {
            sql: sql.into(),
            args: self.args,
        }
        .bind(target(self.transition))
        .bind_all(from)
    }

    /// `true` when the one case selected moved; `false` when it was not in a status the
    /// transition starts from, or did not match (nothing changed).
    pub async fn apply(self, tx: &mut impl Tx) -> Result<bool, RepoError> {
        Ok(tx.execute(self.query("")).await? == 1)
    }

    /// Move every case selected that may move, returning `columns` of each one moved.
    pub async fn apply_returning<R: Row>(
        self,
        tx: &mut impl Tx,
        columns: &str,
    ) -> Result<Vec<R>, RepoError> {
        Ok(tx.fetch_all(self.query(columns)).await?)
    }
}

/// The history line of a transition of one case.
pub(super) async fn transition_event_in(
    tx: &mut impl Tx,
    case_id: Uuid,
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    transition: Transition,
) -> Result<(), RepoError> {
    // Every transition starts from one status (the lifecycle's tests check it).
    let from = sources(transition).first().copied();
    event_in(
        tx,
        case_id,
        at,
        actor,
        transition.name(),
        from,
        target(transition),
    )
    .await
}

/// One line of a case's history: a transition, or an event that leaves the status as it is.
#[allow(clippy::too_many_arguments)]
pub(super) async fn event_in(
    tx: &mut impl Tx,
    case_id: Uuid,
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    kind: &str,
    from: Option<CaseStatus>,
    to: CaseStatus,
) -> Result<(), RepoError> {
    tx.execute(
        Query::new(
            "INSERT INTO case_events (case_id, at, actor_id, kind, from_status, to_status) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(case_id)
        .bind(at)
        .bind(actor)
        .bind(kind)
        .bind(from)
        .bind(to),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statuses_follow_the_callers_parameters() {
        let q = StatusChange::of(Transition::Claim, "id = $3")
            .set("claimed_by = $1, lease_until = $2")
            .bind(Uuid::nil())
            .bind(None::<DateTime<Utc>>)
            .bind(Uuid::nil())
            .query("id");
        assert_eq!(
            q.sql,
            "UPDATE cases SET status = $4, claimed_by = $1, lease_until = $2 \
             WHERE (id = $3) AND status IN ($5) RETURNING id"
        );
        assert_eq!(
            q.args[3..],
            [CaseStatus::Claimed.to_arg(), CaseStatus::Queued.to_arg()]
        );
    }
}
