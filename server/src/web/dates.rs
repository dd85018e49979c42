//! Times on pages: the formatting is the i18n room's (e-mails share it); here, the territories'
//! zones a page needs.

use chrono_tz::Tz;

pub use crate::i18n::dates::{format_date, format_datetime, format_duration};
use crate::rota::RotaService;

/// Territories' time zones, each read once per page (a list's lines are mostly of one territory).
#[derive(Default)]
pub struct Zones(std::collections::HashMap<String, Tz>);

impl Zones {
    pub async fn of(&mut self, rota: &RotaService, territory: &str) -> Tz {
        if let Some(tz) = self.0.get(territory) {
            return *tz;
        }
        let tz = zone_of(rota, territory).await;
        self.0.insert(territory.to_owned(), tz);
        tz
    }
}

/// The time zone of a territory (Paris when it cannot be read: times are then still shown).
pub async fn zone_of(rota: &RotaService, territory: &str) -> Tz {
    match rota.territory(territory).await {
        Ok(t) => t.timezone.tz(),
        Err(e) => {
            tracing::warn!(territory, error = %e, "territory's time zone unknown");
            chrono_tz::Europe::Paris
        }
    }
}
