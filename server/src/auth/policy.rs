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
