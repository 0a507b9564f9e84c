//! Who may see what (PRODUCT §4). This is the one place the rule lives; the
//! store's list queries are given the same rule as a [`Visibility`] filter so
//! lists, counts and search obey it too.
//!
//! The rule:
//! - the owning organisation sees its records in full;
//! - CLEAR and GREEN records are visible to every organisation of the network,
//!   with personal data redacted;
//! - AMBER records are visible, redacted, to the members of the record's
//!   sharing group (none if it has no group: deny by default);
//! - AMBER+STRICT and RED records are invisible outside the owner;
//! - whatever the marking, the recipient of a cross-border request about a
//!   case sees that case from sending until the request closes, with exactly
//!   the personal data the request grants ([`with_grants`]). While the
//!   person is flagged still held, only grants of locate and rescue requests
//!   to police stand; grants to an organisation other than police stand only
//!   while the person's consent to share with it is in force.

use homeward_types::{GrantField, Marking, OrgId, OrgKind, RequestKind, SharingGroupId};

use crate::Actor;

/// A set of [`GrantField`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fields(u16);

impl Fields {
    /// No field.
    pub const NONE: Fields = Fields(0);

    fn bit(f: GrantField) -> u16 {
        let i = GrantField::ALL.iter().position(|g| *g == f).unwrap_or(0);
        1 << i
    }

    /// Whether `f` is in the set.
    pub fn has(self, f: GrantField) -> bool {
        self.0 & Self::bit(f) != 0
    }

    /// The set with `f` added.
    pub fn with(self, f: GrantField) -> Fields {
        Fields(self.0 | Self::bit(f))
    }

    /// The fields, in declaration order.
    pub fn list(self) -> Vec<GrantField> {
        GrantField::ALL
            .iter()
            .copied()
            .filter(|f| self.has(*f))
            .collect()
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in both sets.
    pub fn and(self, other: Fields) -> Fields {
        Fields(self.0 & other.0)
    }
}

impl FromIterator<GrantField> for Fields {
    fn from_iter<I: IntoIterator<Item = GrantField>>(iter: I) -> Self {
        iter.into_iter().fold(Fields::NONE, Fields::with)
    }
}

/// How much of a record a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything, including personal data.
    Full,
    /// The record exists for them through a request's grant: these personal
    /// fields shown, the rest withheld.
    Granted(Fields),
    /// The record exists for them, personal data withheld.
    Redacted,
    /// Nothing: the record does not exist for them.
    None,
}

impl Sight {
    /// Whether a personal field is shown.
    pub fn shows(self, f: GrantField) -> bool {
        match self {
            Sight::Full => true,
            Sight::Granted(fields) => fields.has(f),
            Sight::Redacted | Sight::None => false,
        }
    }

    /// What is shown under both sights: what a viewer passes on to
    /// another (an export) is at most what the viewer sees itself and at
    /// most what the recipient may see.
    pub fn meet(self, other: Sight) -> Sight {
        match (self, other) {
            (Sight::None, _) | (_, Sight::None) => Sight::None,
            (Sight::Full, s) | (s, Sight::Full) => s,
            (Sight::Granted(a), Sight::Granted(b)) => Sight::Granted(a.and(b)),
            (Sight::Redacted, _) | (_, Sight::Redacted) => Sight::Redacted,
        }
    }

    /// The personal fields shown.
    pub fn fields(self) -> Vec<GrantField> {
        match self {
            Sight::Full => GrantField::ALL.to_vec(),
            Sight::Granted(f) => f.list(),
            Sight::Redacted | Sight::None => Vec::new(),
        }
    }
}

/// Whether `actor` may read the criminal-justice compartment of a case it
/// sees with `seen`: its criminal-justice staff, if it owns the case or a
/// request grants it the compartment.
pub fn reads_compartment(actor: &Actor, seen: Sight) -> bool {
    actor.role == homeward_types::Role::CriminalJustice && seen.shows(GrantField::CriminalJustice)
}

/// One request's grant, as the access rule needs it.
#[derive(Debug, Clone, Copy)]
pub struct GrantFacts<'a> {
    /// Kind of request.
    pub kind: RequestKind,
    /// Kind of the recipient organisation.
    pub recipient_kind: OrgKind,
    /// Granted fields.
    pub fields: &'a [GrantField],
    /// The person's consent to share with the recipient is in force.
    pub consented: bool,
}

/// Whether a grant may carry personal data now (see the module rule).
pub fn grant_stands(g: &GrantFacts<'_>, still_held: bool) -> Result<(), &'static str> {
    let police = g.recipient_kind == OrgKind::Police;
    if !police && g.fields.contains(&GrantField::CriminalJustice) {
        return Err("the criminal-justice compartment may be granted only to police");
    }
    if still_held && !(police && matches!(g.kind, RequestKind::Locate | RequestKind::Rescue)) {
        return Err(
            "the person is flagged still held: identifying details may go only to police, in a locate or rescue request",
        );
    }
    if !police && !g.consented {
        return Err(
            "the recipient is not a police organisation: sharing personal data with it needs the person's consent (scope share, naming the recipient) in force",
        );
    }
    Ok(())
}

/// The sight of a case once the in-force grants to the viewer's organisation
/// are taken into account: the owner's sight is unchanged; otherwise any
/// standing grant makes the case visible with the union of granted fields
/// (a grant that no longer stands still shows the case, redacted, so the
/// recipient can read the request).
pub fn with_grants(base: Sight, grants: &[GrantFacts<'_>], still_held: bool) -> Sight {
    if base == Sight::Full || grants.is_empty() {
        return base;
    }
    let fields = grants
        .iter()
        .filter(|g| grant_stands(g, still_held).is_ok())
        .flat_map(|g| g.fields.iter().copied())
        .collect::<Fields>();
    Sight::Granted(fields)
}

/// What an actor may see of a record owned by `owner` with `marking` and,
/// for AMBER, sharing group `group`.
pub fn sight(
    actor: &Actor,
    owner: OrgId,
    marking: Marking,
    group: Option<SharingGroupId>,
) -> Sight {
    org_sight(actor.org_id, &actor.groups, owner, marking, group)
}

/// [`sight`] for an organisation rather than one of its users (the
/// recipient of an export): `org` belongs to the sharing groups `groups`.
pub fn org_sight(
    org: OrgId,
    groups: &[SharingGroupId],
    owner: OrgId,
    marking: Marking,
    group: Option<SharingGroupId>,
) -> Sight {
    if org == owner {
        return Sight::Full;
    }
    match marking {
        Marking::Clear | Marking::Green => Sight::Redacted,
        Marking::Amber => match group {
            Some(g) if groups.contains(&g) => Sight::Redacted,
            _ => Sight::None,
        },
        Marking::AmberStrict | Marking::Red => Sight::None,
    }
}

/// The visibility rule as data, for list queries: a record is listed if its
/// owner is `own_org`, or its marking is one of `network_markings`, or it is
/// AMBER with a sharing group in `groups`, or (with `via_requests`) a
/// request to `own_org` about it is in force.
#[derive(Debug, Clone)]
pub struct Visibility {
    /// The viewer's organisation (full sight).
    pub own_org: OrgId,
    /// Markings visible (redacted) to every organisation.
    pub network_markings: Vec<Marking>,
    /// Sharing groups whose AMBER records the viewer sees (redacted).
    pub groups: Vec<SharingGroupId>,
    /// Cases of in-force requests to `own_org` are listed.
    pub via_requests: bool,
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
            via_requests: true,
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

    fn facts(kind: RequestKind, recipient_kind: OrgKind, consented: bool) -> GrantFacts<'static> {
        GrantFacts {
            kind,
            recipient_kind,
            fields: &[GrantField::Names, GrantField::Contacts],
            consented,
        }
    }

    #[test]
    fn grants_show_exactly_their_fields_and_never_widen_the_owners_sight() {
        let g = [facts(RequestKind::Rescue, OrgKind::Police, false)];
        let s = with_grants(Sight::None, &g, false);
        assert!(s.shows(GrantField::Names) && s.shows(GrantField::Contacts));
        assert!(!s.shows(GrantField::Documents) && !s.shows(GrantField::BirthDate));
        assert_eq!(with_grants(Sight::Full, &g, false), Sight::Full);
        assert_eq!(with_grants(Sight::Redacted, &[], false), Sight::Redacted);
    }

    #[test]
    fn still_held_keeps_only_locate_and_rescue_grants_to_police() {
        for kind in RequestKind::ALL {
            for rk in OrgKind::ALL {
                let ok = grant_stands(&facts(*kind, *rk, true), true).is_ok();
                let expected = *rk == OrgKind::Police
                    && matches!(kind, RequestKind::Locate | RequestKind::Rescue);
                assert_eq!(ok, expected, "{kind} to {rk}");
            }
        }
        let s = with_grants(
            Sight::None,
            &[facts(RequestKind::Identify, OrgKind::Police, true)],
            true,
        );
        assert_eq!(s, Sight::Granted(Fields::NONE));
    }

    #[test]
    fn grants_to_non_police_need_consent() {
        assert!(grant_stands(&facts(RequestKind::Repatriate, OrgKind::Ngo, false), false).is_err());
        assert!(grant_stands(&facts(RequestKind::Repatriate, OrgKind::Ngo, true), false).is_ok());
        assert!(grant_stands(&facts(RequestKind::Locate, OrgKind::Police, false), false).is_ok());
    }

    #[test]
    fn the_compartment_is_for_criminal_justice_staff_of_the_owner_or_a_grantee() {
        let mut a = actor(OrgId::new());
        assert!(
            !reads_compartment(&a, Sight::Full),
            "officers of the owner do not"
        );
        a.role = homeward_types::Role::CriminalJustice;
        assert!(reads_compartment(&a, Sight::Full));
        assert!(!reads_compartment(&a, Sight::Redacted));
        let names: Fields = [GrantField::Names].into_iter().collect();
        assert!(!reads_compartment(&a, Sight::Granted(names)));
        assert!(reads_compartment(
            &a,
            Sight::Granted(names.with(GrantField::CriminalJustice))
        ));
        let to_ngo = GrantFacts {
            kind: RequestKind::Identify,
            recipient_kind: OrgKind::Ngo,
            fields: &[GrantField::CriminalJustice],
            consented: true,
        };
        assert!(grant_stands(&to_ngo, false).is_err(), "never to an NGO");
    }

    #[test]
    fn meet_shows_no_more_than_either_side() {
        let names: Fields = [GrantField::Names, GrantField::Contacts]
            .into_iter()
            .collect();
        let docs: Fields = [GrantField::Names, GrantField::Documents]
            .into_iter()
            .collect();
        assert_eq!(Sight::Full.meet(Sight::Full), Sight::Full);
        assert_eq!(
            Sight::Full.meet(Sight::Granted(names)),
            Sight::Granted(names)
        );
        assert_eq!(
            Sight::Granted(docs).meet(Sight::Granted(names)).fields(),
            vec![GrantField::Names]
        );
        assert_eq!(Sight::Granted(names).meet(Sight::Redacted), Sight::Redacted);
        assert_eq!(Sight::Full.meet(Sight::None), Sight::None);
        assert_eq!(Sight::Redacted.meet(Sight::Full), Sight::Redacted);
        assert!(Sight::Redacted.fields().is_empty());
    }

    #[test]
    fn field_sets() {
        let f: Fields = [GrantField::Narrative, GrantField::Names]
            .into_iter()
            .collect();
        assert_eq!(f.list(), vec![GrantField::Names, GrantField::Narrative]);
        assert!(Fields::NONE.is_empty() && !f.is_empty());
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
