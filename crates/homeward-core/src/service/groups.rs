//! Sharing groups and markings (PRODUCT §4): TLP:AMBER records are seen by
//! the owner and the members of the record's sharing group. Groups are
//! managed by the organisation that created them; markings are changed only
//! by the owner of the record, and lowering one is audited as such.

use homeward_types::wire::{
    CaseDetail, GroupMemberInput, MarkingInput, SharingGroupInput, SharingGroupView,
};
use homeward_types::{CaseId, Marking, OrgId, Role, SharingGroupId};
use serde_json::json;

use super::accounts::org_view;
use super::{Homeward, Problems, now_ms};
use crate::audit::AuditDraft;
use crate::model::SharingGroup;
use crate::{Actor, CoreError, CoreResult};

fn require_admin(actor: &Actor, action: &'static str) -> CoreResult<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(CoreError::Forbidden {
            role: actor.role.to_string(),
            action,
        })
    }
}

impl Homeward {
    /// Checks that `group` fits `marking` and that the actor's organisation
    /// belongs to it; adds field errors to `p`.
    pub(crate) async fn check_group(
        &self,
        p: &mut Problems,
        actor: &Actor,
        marking: Marking,
        group: Option<SharingGroupId>,
    ) -> CoreResult<()> {
        match (marking, group) {
            (Marking::Amber, Some(g)) => {
                let member = match self.store.group(g).await? {
                    Some(grp) => grp.members.contains(&actor.org_id),
                    None => false,
                };
                if !member {
                    p.add(
                        "sharing_group_id",
                        "no such sharing group among your organisation's groups",
                    );
                }
            }
            (_, Some(_)) => p.add(
                "sharing_group_id",
                "a sharing group applies only to the amber marking",
            ),
            _ => {}
        }
        Ok(())
    }

    /// Creates a sharing group owned by the actor's organisation (admins).
    pub async fn create_group(
        &self,
        actor: &Actor,
        input: SharingGroupInput,
    ) -> CoreResult<SharingGroupView> {
        require_admin(actor, "manage sharing groups")?;
        let mut p = Problems::default();
        let name = p.text("name", Some(&input.name), 200);
        if name.is_none() {
            p.add("name", "is required");
        }
        p.finish()?;
        let group = SharingGroup {
            id: SharingGroupId::new(),
            owner_org: actor.org_id,
            name: name.unwrap_or_default(),
            members: vec![actor.org_id],
            created_ms: now_ms(),
        };
        let audit = AuditDraft::by(
            actor,
            "group.create",
            "sharing_group",
            group.id,
            json!({ "name": group.name }),
        );
        self.store.insert_group(&group, audit).await?;
        self.group_view(&group).await
    }

    /// Adds an organisation to a group the actor's organisation owns (admins).
    pub async fn add_group_member(
        &self,
        actor: &Actor,
        group: SharingGroupId,
        input: GroupMemberInput,
    ) -> CoreResult<SharingGroupView> {
        require_admin(actor, "manage sharing groups")?;
        let g = self
            .store
            .group(group)
            .await?
            .filter(|g| g.members.contains(&actor.org_id))
            .ok_or(CoreError::NotFound {
                what: "sharing group",
            })?;
        if g.owner_org != actor.org_id {
            return Err(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "change a group another organisation manages",
            });
        }
        if self.org_cached(input.org_id).await?.is_none() {
            return Err(CoreError::invalid("org_id", "no such organisation"));
        }
        let audit = AuditDraft::by(
            actor,
            "group.member.add",
            "sharing_group",
            group,
            json!({ "org": input.org_id }),
        );
        self.store
            .add_group_member(group, input.org_id, now_ms(), audit)
            .await?;
        let updated = self.store.group(group).await?.ok_or(CoreError::NotFound {
            what: "sharing group",
        })?;
        self.group_view(&updated).await
    }

    /// The groups the actor's organisation belongs to.
    pub async fn list_groups(&self, actor: &Actor) -> CoreResult<Vec<SharingGroupView>> {
        let mut out = Vec::new();
        for g in self.store.groups_of(actor.org_id).await? {
            out.push(self.group_view(&g).await?);
        }
        Ok(out)
    }

    /// Changes a case's marking (owner organisation, officers and admins).
    pub async fn change_marking(
        &self,
        actor: &Actor,
        id: CaseId,
        input: MarkingInput,
    ) -> CoreResult<CaseDetail> {
        let case = self
            .own_case_for_change(actor, id, "change markings")
            .await?;
        let mut p = Problems::default();
        self.check_group(&mut p, actor, input.marking, input.sharing_group_id)
            .await?;
        if case.still_held && super::privacy::public_marking(input.marking) {
            p.add("marking", super::privacy::STILL_HELD_BLOCKS);
        }
        let lowered = input.marking.rank() < case.marking.rank();
        let reason = p.text("reason", input.reason.as_deref(), 2_000);
        if lowered && reason.is_none() {
            p.add(
                "reason",
                "say why the marking is lowered (it widens who may see the case)",
            );
        }
        p.finish()?;
        let audit = AuditDraft::by(
            actor,
            if lowered {
                "case.marking.lower"
            } else {
                "case.marking.change"
            },
            "case",
            id,
            json!({
                "from": case.marking, "to": input.marking,
                "group": input.sharing_group_id, "reason": reason,
            }),
        );
        let changed = self
            .store
            .change_marking(
                id,
                case.marking,
                input.marking,
                input.sharing_group_id,
                now_ms(),
                audit,
            )
            .await?;
        if !changed {
            return Err(CoreError::Conflict(
                "the marking changed while you were looking at it; reload and try again".into(),
            ));
        }
        self.case_detail(actor, id).await
    }

    async fn group_view(&self, g: &SharingGroup) -> CoreResult<SharingGroupView> {
        let view = |id: OrgId, o: Option<crate::model::Organisation>| {
            o.map(|o| org_view(&o))
                .unwrap_or(homeward_types::wire::OrganisationView {
                    id,
                    name: "(unknown organisation)".into(),
                    kind: homeward_types::OrgKind::Government,
                    country: String::new(),
                })
        };
        let owner = view(g.owner_org, self.org_cached(g.owner_org).await?);
        let mut members = Vec::new();
        for m in &g.members {
            members.push(view(*m, self.org_cached(*m).await?));
        }
        Ok(SharingGroupView {
            id: g.id,
            name: g.name.clone(),
            owner,
            members,
        })
    }
}
