//! The coordinator's pages: the dashboard of response times against the targets (`dashboard`,
//! its charts in `charts`, its tables as CSV in `downloads`) and the audit trail (`audit`).
//! Thin over `ReportService`, like the JSON API, with the same territory scope
//! (`auth::policy::territory_scope`): a coordinator's territories, every territory for an admin.
//! No page here shows a clinical field or a photo: cases are named by a short reference.
//!
//! - `period`: the period and territory chosen in the dashboard's form;
//! - `tables`: the dashboard's tables, in the page's words (the CSV downloads write the same).

mod audit;
mod charts;
mod dashboard;
mod downloads;
mod period;
mod tables;

use actix_web::web::ServiceConfig;

use crate::{
    auth::policy::{territory_scope, TerritoryScope},
    domain::{Territory, User},
    http::AppState,
    web::errors::WebError,
};

pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(dashboard::show)
        .service(downloads::table)
        .service(audit::trail);
}

/// The territories `user` reports on, by name; `None`: its role has no such pages (GPs and
/// dermatologists go back to their own home).
async fn places_of(state: &AppState, user: &User) -> Result<Option<Vec<Territory>>, WebError> {
    let Ok(scope) = territory_scope(user) else {
        return Ok(None);
    };
    let all = state
        .rota
        .territories()
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("territories: {e}")))?;
    Ok(Some(match scope {
        TerritoryScope::Everything => all,
        TerritoryScope::Territories(mine) => {
            all.into_iter().filter(|t| mine.contains(&t.code)).collect()
        }
    }))
}

use super::layout::case_ref as short_ref;
