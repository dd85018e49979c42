//! Who may touch what, beyond the role: territory rules live here and nowhere else.

use crate::domain::{Role, TerritoryCode, User};

/// Coordinators of the territory and admins manage its on-call rota.
pub fn can_manage_rota(user: &User, territory: &TerritoryCode) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Coordinator => user.territories.contains(territory),
        Role::Gp | Role::Dermatologist => false,
    }
}

/// Whoever manages the rota, and dermatologists (who need to see when they are on call).
pub fn can_read_rota(user: &User, territory: &TerritoryCode) -> bool {
    user.role == Role::Dermatologist || can_manage_rota(user, territory)
}

/// Coordinators of the territory and admins read and set its response-time targets.
pub fn can_manage_sla(user: &User, territory: &TerritoryCode) -> bool {
    can_manage_rota(user, territory)
}

/// Admins read the whole audit trail; coordinators the lines of their territories.
pub fn audit_territories(user: &User) -> Option<Option<Vec<TerritoryCode>>> {
    match user.role {
        Role::Admin => Some(None),
        Role::Coordinator => Some(Some(user.territories.clone())),
        Role::Gp | Role::Dermatologist => None,
    }
}

/// Admins set anyone's webhook; every user sets its own.
pub fn can_manage_webhook(user: &User, target: crate::domain::UserId) -> bool {
    user.role == Role::Admin || user.id == target
}
