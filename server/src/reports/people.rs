//! Whom a coordinator may pick by name to filter the audit trail: the dermatologists, and the
//! people of its territories (their GPs and coordinators); an admin, everyone.

use telederm_schemas as wire;

use super::{ReportError, ReportService};
use crate::{
    auth::policy::{territory_scope, TerritoryScope},
    domain::{Role, User},
};

impl ReportService {
    /// By name.
    pub async fn audit_people(&self, caller: &User) -> Result<Vec<wire::Person>, ReportError> {
        let scope = territory_scope(caller).map_err(|_| ReportError::Forbidden)?;
        let mut people: Vec<wire::Person> = self
            .repo
            .list_users()
            .await?
            .iter()
            .filter(|u| match &scope {
                TerritoryScope::Everything => true,
                TerritoryScope::Territories(mine) => {
                    u.role == Role::Dermatologist
                        || u.home_territory.as_ref().is_some_and(|t| mine.contains(t))
                        || u.territories.iter().any(|t| mine.contains(t))
                }
            })
            .map(User::to_person)
            .collect();
        people.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(people)
    }
}
