//! Who may see what (PRODUCT §4). This is the one place the rule lives; the
//! store's list queries are given the same rule as a [`Visibility`] filter so
//! lists, counts and search obey it too.
//!
//! Until sharing groups and request grants land (issue 5), the rule is:
//! - the owning organisation sees its records in full;
//! - CLEAR and GREEN records are visible to every organisation of the network,
//!   with personal data redacted;
//! - AMBER, AMBER+STRICT and RED records are invisible outside the owner
//!   (AMBER's sharing group is empty until groups exist — deny by default).

use homeward_types::{Marking, OrgId};

use crate::Actor;

/// How much of a record a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything, including personal data.
    Full,
    /// The record exists for them, personal data withheld.
    Redacted,
    /// Nothing: the record does not exist for them.
    None,
}

/// What an actor may see of a record owned by `owner` with `marking`.
pub fn sight(actor: &Actor, owner: OrgId, marking: Marking) -> Sight {
    if actor.org_id == owner {
        return Sight::Full;
    }
    match marking {
        Marking::Clear | Marking::Green => Sight::Redacted,
        Marking::Amber | Marking::AmberStrict | Marking::Red => Sight::None,
    }
}

/// The visibility rule as data, for list queries: a record is listed if its
/// owner is `own_org` or its marking is one of `network_markings`.
#[derive(Debug, Clone)]
pub struct Visibility {
    /// The viewer's organisation (full sight).
    pub own_org: OrgId,
    /// Markings visible (redacted) to every organisation.
    pub network_markings: Vec<Marking>,
}

impl Visibility {
    /// The list filter equivalent to [`sight`] for this actor.
    pub fn for_actor(actor: &Actor) -> Self {
        Visibility {
            own_org: actor.org_id,
            network_markings: Marking::ALL
                .iter()
                .copied()
                .filter(|m| {
                    // Same rule as `sight`, evaluated for a foreign owner.
                    let foreign = OrgId(uuid::Uuid::nil());
                    foreign != actor.org_id && sight(actor, foreign, *m) != Sight::None
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credential;
    use homeward_types::{Role, UserId};

    fn actor(org: OrgId) -> Actor {
        Actor {
            user_id: UserId::new(),
            email: "officer@example.test".into(),
            org_id: org,
            role: Role::Officer,
            credential: Credential::Session,
        }
    }

    #[test]
    fn owner_sees_everything_others_see_only_network_markings_redacted() {
        let own = OrgId::new();
        let other = OrgId::new();
        let a = actor(own);
        for m in Marking::ALL {
            assert_eq!(sight(&a, own, *m), Sight::Full);
        }
        assert_eq!(sight(&a, other, Marking::Clear), Sight::Redacted);
        assert_eq!(sight(&a, other, Marking::Green), Sight::Redacted);
        assert_eq!(sight(&a, other, Marking::Amber), Sight::None);
        assert_eq!(sight(&a, other, Marking::AmberStrict), Sight::None);
        assert_eq!(sight(&a, other, Marking::Red), Sight::None);
    }

    #[test]
    fn list_filter_agrees_with_sight() {
        let a = actor(OrgId::new());
        let v = Visibility::for_actor(&a);
        assert_eq!(v.network_markings, vec![Marking::Clear, Marking::Green]);
    }
}
