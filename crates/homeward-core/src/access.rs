//! Who may see what (PRODUCT §4). This is the one place the rule lives; the
//! store's list queries are given the same rule as a [`Visibility`] filter so
//! lists, counts and search obey it too.
//!
//! The rule (request grants and named users for RED come with issue 5):
//! - the owning organisation sees its records in full;
//! - CLEAR and GREEN records are visible to every organisation of the network,
//!   with personal data redacted;
//! - AMBER records are visible, redacted, to the members of the record's
//!   sharing group (none if it has no group: deny by default);
//! - AMBER+STRICT and RED records are invisible outside the owner.

use homeward_types::{Marking, OrgId, SharingGroupId};

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

/// What an actor may see of a record owned by `owner` with `marking` and,
/// for AMBER, sharing group `group`.
pub fn sight(
    actor: &Actor,
    owner: OrgId,
    marking: Marking,
    group: Option<SharingGroupId>,
) -> Sight {
    if actor.org_id == owner {
        return Sight::Full;
    }
    match marking {
        Marking::Clear | Marking::Green => Sight::Redacted,
        Marking::Amber => match group {
            Some(g) if actor.groups.contains(&g) => Sight::Redacted,
            _ => Sight::None,
        },
        Marking::AmberStrict | Marking::Red => Sight::None,
    }
}

/// The visibility rule as data, for list queries: a record is listed if its
/// owner is `own_org`, or its marking is one of `network_markings`, or it is
/// AMBER with a sharing group in `groups`.
#[derive(Debug, Clone)]
pub struct Visibility {
    /// The viewer's organisation (full sight).
    pub own_org: OrgId,
    /// Markings visible (redacted) to every organisation.
    pub network_markings: Vec<Marking>,
    /// Sharing groups whose AMBER records the viewer sees (redacted).
    pub groups: Vec<SharingGroupId>,
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
                    foreign != actor.org_id && sight(actor, foreign, *m, None) != Sight::None
                })
                .collect(),
            groups: actor.groups.clone(),
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
            groups: Vec::new(),
        }
    }

    #[test]
    fn owner_sees_everything_others_see_only_network_markings_redacted() {
        let own = OrgId::new();
        let other = OrgId::new();
        let a = actor(own);
        for m in Marking::ALL {
            assert_eq!(sight(&a, own, *m, None), Sight::Full);
        }
        assert_eq!(sight(&a, other, Marking::Clear, None), Sight::Redacted);
        assert_eq!(sight(&a, other, Marking::Green, None), Sight::Redacted);
        assert_eq!(sight(&a, other, Marking::Amber, None), Sight::None);
        assert_eq!(sight(&a, other, Marking::AmberStrict, None), Sight::None);
        assert_eq!(sight(&a, other, Marking::Red, None), Sight::None);
    }

    #[test]
    fn list_filter_agrees_with_sight() {
        let a = actor(OrgId::new());
        let v = Visibility::for_actor(&a);
        assert_eq!(v.network_markings, vec![Marking::Clear, Marking::Green]);
    }

    #[test]
    fn amber_is_seen_by_the_records_sharing_group_only() {
        let other = OrgId::new();
        let g = SharingGroupId::new();
        let mut a = actor(OrgId::new());
        assert_eq!(sight(&a, other, Marking::Amber, Some(g)), Sight::None);
        a.groups.push(g);
        assert_eq!(sight(&a, other, Marking::Amber, Some(g)), Sight::Redacted);
        assert_eq!(sight(&a, other, Marking::Amber, None), Sight::None);
        assert_eq!(
            sight(&a, other, Marking::Amber, Some(SharingGroupId::new())),
            Sight::None
        );
        assert_eq!(sight(&a, other, Marking::AmberStrict, Some(g)), Sight::None);
    }
}
