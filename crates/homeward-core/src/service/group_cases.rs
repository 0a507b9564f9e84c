//! Group cases (C3): one compound, recruiter or event gathering many
//! individual cases. A group case is marked like any case and seen under the
//! same rule ([`crate::access::sight`]); its members keep their own owners,
//! markings and sight, so a viewer of the group sees exactly the members it
//! may see, each redacted as it would be anywhere else. Only the owner's
//! writers add and remove members, with a reason kept in the history of both
//! the group and the member.

use std::collections::BTreeMap;

use homeward_types::wire::{
    CaseGroupsView, GroupCaseInput, GroupCasePage, GroupCaseSummary, GroupCaseView, GroupEventView,
    GroupMemberAdd, GroupMemberRemoval, GroupMemberView, StateCount,
};
use homeward_types::{CaseId, CaseKind, GroupCaseId, Marking, UserId};
use serde_json::json;

use super::accounts::org_view;
use super::cases::require_write;
use super::requests::unknown_org;
use super::views::WITHHELD;
use super::{Homeward, Problems, now_ms, rfc3339};
use crate::access::{Sight, sight};
use crate::audit::AuditDraft;
use crate::model::{Case, GroupCase, GroupEvent};
use crate::normalise::{self, MAX_SHORT};
use crate::{Actor, CoreError, CoreResult};

/// Most members a group case takes.
pub const MAX_MEMBERS: usize = 500;

const NOT_FOUND: CoreError = CoreError::NotFound { what: "group case" };

impl Homeward {
    /// Opens a group case owned by the actor's organisation.
    pub async fn create_group_case(
        &self,
        actor: &Actor,
        input: GroupCaseInput,
    ) -> CoreResult<GroupCaseView> {
        require_write(actor, "open group cases")?;
        let mut p = Problems::default();
        let label = p.text("label", Some(&input.label), MAX_SHORT);
        if label.is_none() {
            p.add("label", "name the compound, recruiter or event");
        }
        let recruiter = p.text("recruiter", input.recruiter.as_deref(), 1_000);
        let mut date = |field: &str, v: Option<&str>| match v.map(str::trim) {
            Some(d) if !d.is_empty() => {
                normalise::partial_date(d).map_err(|m| p.add(field, m)).ok()
            }
            _ => None,
        };
        let period_from = date("period_from", input.period_from.as_deref());
        let period_to = date("period_to", input.period_to.as_deref());
        if let (Some(f), Some(t)) = (&period_from, &period_to)
            && f > t
        {
            p.add("period_to", "is before the start of the period");
        }
        self.check_site(&mut p, actor, input.site_id).await?;
        let marking = input.marking.unwrap_or(Marking::AmberStrict);
        self.check_group(&mut p, actor, marking, input.sharing_group_id)
            .await?;
        p.finish()?;
        let org = self
            .org_cached(actor.org_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let now = now_ms();
        let year = time::OffsetDateTime::now_utc().year();
        let mut group = GroupCase {
            id: GroupCaseId::new(),
            reference: format!("GRP-{}-{year}-", org.country),
            org_id: actor.org_id,
            grouping: input.grouping,
            label: label.unwrap_or_default(),
            site_id: input.site_id,
            recruiter,
            period_from,
            period_to,
            marking,
            sharing_group_id: input.sharing_group_id,
            created_by: actor.user_id,
            created_ms: now,
            updated_ms: now,
        };
        let audit = AuditDraft::by(
            actor,
            "group.create",
            "group_case",
            group.id,
            json!({ "grouping": group.grouping, "marking": marking }),
        );
        group.reference = self.store.insert_group_case(&group, audit).await?;
        self.group_case_view(actor, group.id).await
    }

    /// One page of the group cases the actor may see, newest first.
    pub async fn list_group_cases(
        &self,
        actor: &Actor,
        before: Option<GroupCaseId>,
        limit: u32,
    ) -> CoreResult<GroupCasePage> {
        let limit = limit.clamp(1, super::cases::MAX_PAGE);
        let vis = crate::access::Visibility::for_actor(actor);
        let rows = self.store.group_cases(&vis, before, limit).await?;
        let next_cursor = (rows.len() == limit as usize)
            .then(|| rows.last().map(|g| g.id.to_string()))
            .flatten();
        let mut items = Vec::with_capacity(rows.len());
        for g in &rows {
            items.push(self.group_summary(g).await?);
        }
        Ok(GroupCasePage { items, next_cursor })
    }

    /// A group case the actor may see (else NotFound, as if it did not exist).
    pub(crate) async fn visible_group(
        &self,
        actor: &Actor,
        id: GroupCaseId,
    ) -> CoreResult<GroupCase> {
        let g = self.store.group_case(id).await?.ok_or(NOT_FOUND)?;
        if sight(actor, g.org_id, g.marking, g.sharing_group_id) == Sight::None {
            return Err(NOT_FOUND);
        }
        Ok(g)
    }

    /// A group case the actor's organisation owns, for a change by a writer.
    pub(crate) async fn managed_group(
        &self,
        actor: &Actor,
        id: GroupCaseId,
        action: &'static str,
    ) -> CoreResult<GroupCase> {
        let g = self.visible_group(actor, id).await?;
        if g.org_id != actor.org_id {
            return Err(NOT_FOUND);
        }
        require_write(actor, action)?;
        Ok(g)
    }

    pub(crate) async fn group_summary(&self, g: &GroupCase) -> CoreResult<GroupCaseSummary> {
        let owner = self
            .org_cached(g.org_id)
            .await?
            .map_or_else(|| unknown_org(g.org_id), |o| org_view(&o));
        let site = match g.site_id {
            Some(id) => self.store.site(id).await?.map(|s| s.name),
            None => None,
        };
        Ok(GroupCaseSummary {
            id: g.id,
            reference: g.reference.clone(),
            kind: CaseKind::Group,
            grouping: g.grouping,
            label: g.label.clone(),
            owner,
            marking: g.marking,
            sharing_group_id: g.sharing_group_id,
            site,
            created_at: rfc3339(g.created_ms),
            updated_at: rfc3339(g.updated_ms),
        })
    }

    /// A group case with the members the actor may see, their states at a
    /// glance and the history of those members. Names shown are audited
    /// like a case list's.
    pub async fn group_case_view(
        &self,
        actor: &Actor,
        id: GroupCaseId,
    ) -> CoreResult<GroupCaseView> {
        let g = self.visible_group(actor, id).await?;
        let owner = g.org_id == actor.org_id;
        let (members, cases): (Vec<_>, Vec<Case>) =
            self.store.group_members(id).await?.into_iter().unzip();
        let sights = self.sight_rows(actor, &cases, "group.read").await?;
        let summaries = self.summaries(&cases, &sights).await?;
        let mut counts: BTreeMap<usize, StateCount> = BTreeMap::new();
        let mut views = Vec::new();
        for ((m, seen), case) in members.iter().zip(&sights).zip(summaries) {
            if *seen == Sight::None {
                continue;
            }
            let pos = homeward_types::CaseState::ALL
                .iter()
                .position(|s| *s == case.state)
                .unwrap_or_default();
            counts
                .entry(pos)
                .or_insert(StateCount {
                    state: case.state,
                    count: 0,
                })
                .count += 1;
            views.push(GroupMemberView {
                case,
                added_at: rfc3339(m.added_ms),
                reason: owner.then(|| m.reason.clone()),
            });
        }
        let events = self.store.group_events(id).await?;
        let emails = self
            .emails_of(events.iter().map(|(e, _)| e.actor).collect())
            .await?;
        let history = events
            .iter()
            .filter(|(_, c)| {
                sight(actor, c.org_id, c.marking, c.sharing_group_id) != Sight::None
                    || views.iter().any(|v| v.case.id == c.id)
            })
            .map(|(e, c)| event_view(e, &g, c, owner, &emails))
            .collect();
        Ok(GroupCaseView {
            group: self.group_summary(&g).await?,
            recruiter: g.recruiter.clone().filter(|_| owner),
            period_from: g.period_from.clone(),
            period_to: g.period_to.clone(),
            members: views,
            counts: counts.into_values().collect(),
            history,
            can_manage: owner && actor.role.can_write_cases(),
        })
    }

    async fn emails_of(&self, mut ids: Vec<UserId>) -> CoreResult<BTreeMap<UserId, String>> {
        ids.sort();
        ids.dedup();
        Ok(self.store.user_emails(&ids).await?.into_iter().collect())
    }

    /// Adds a case the actor may see to a group case its organisation owns.
    pub async fn add_group_case_member(
        &self,
        actor: &Actor,
        id: GroupCaseId,
        input: GroupMemberAdd,
    ) -> CoreResult<GroupCaseView> {
        let g = self.managed_group(actor, id, "change group cases").await?;
        let mut p = Problems::default();
        let reason = reason(&mut p, &input.reason);
        let visible = match self.store.case(input.case_id).await? {
            Some(c) => {
                let requests = if c.has(Case::HAS_REQUESTS) {
                    self.store.requests_of_case(c.id).await?
                } else {
                    Vec::new()
                };
                self.case_sight(actor, &c, &requests).await? != Sight::None
            }
            None => false,
        };
        if !visible {
            p.add("case_id", "no such case among the cases you may see");
        }
        p.finish()?;
        if self.store.group_members(id).await?.len() >= MAX_MEMBERS {
            return Err(CoreError::Conflict(format!(
                "a group case takes at most {MAX_MEMBERS} members"
            )));
        }
        self.change_member(actor, &g, input.case_id, true, reason)
            .await?;
        self.group_case_view(actor, id).await
    }

    /// Removes a member from a group case its organisation owns.
    pub async fn remove_group_case_member(
        &self,
        actor: &Actor,
        id: GroupCaseId,
        case_id: CaseId,
        input: GroupMemberRemoval,
    ) -> CoreResult<GroupCaseView> {
        let g = self.managed_group(actor, id, "change group cases").await?;
        let mut p = Problems::default();
        let reason = reason(&mut p, &input.reason);
        p.finish()?;
        if !self
            .change_member(actor, &g, case_id, false, reason)
            .await?
        {
            return Err(CoreError::NotFound {
                what: "group member",
            });
        }
        self.group_case_view(actor, id).await
    }

    async fn change_member(
        &self,
        actor: &Actor,
        g: &GroupCase,
        case_id: CaseId,
        added: bool,
        reason: String,
    ) -> CoreResult<bool> {
        let event = GroupEvent {
            group_id: g.id,
            case_id,
            added,
            reason,
            actor: actor.user_id,
            at_ms: now_ms(),
        };
        let audit = AuditDraft::by(
            actor,
            if added {
                "group.member.add"
            } else {
                "group.member.remove"
            },
            "group_case",
            g.id,
            json!({ "case": case_id }),
        );
        let changed = self.store.change_group_member(&event, audit).await?;
        if added && !changed {
            return Err(CoreError::Conflict(
                "the case is already a member of this group case".into(),
            ));
        }
        Ok(changed)
    }

    /// The group cases a case is in and its history in them, limited to
    /// the group cases the actor may see.
    pub async fn case_group_cases(&self, actor: &Actor, id: CaseId) -> CoreResult<CaseGroupsView> {
        let case = self
            .store
            .case(id)
            .await?
            .ok_or(CoreError::NotFound { what: "case" })?;
        let requests = if case.has(Case::HAS_REQUESTS) {
            self.store.requests_of_case(id).await?
        } else {
            Vec::new()
        };
        if self.case_sight(actor, &case, &requests).await? == Sight::None {
            return Err(CoreError::NotFound { what: "case" });
        }
        let events: Vec<(GroupEvent, GroupCase)> = self
            .store
            .case_group_events(id)
            .await?
            .into_iter()
            .filter(|(_, g)| sight(actor, g.org_id, g.marking, g.sharing_group_id) != Sight::None)
            .collect();
        let emails = self
            .emails_of(events.iter().map(|(e, _)| e.actor).collect())
            .await?;
        let mut current: Vec<&GroupCase> = Vec::new();
        for (e, g) in &events {
            current.retain(|c| c.id != g.id);
            if e.added {
                current.push(g);
            }
        }
        let mut groups = Vec::new();
        for g in current {
            groups.push(self.group_summary(g).await?);
        }
        let history = events
            .iter()
            .map(|(e, g)| event_view(e, g, &case, g.org_id == actor.org_id, &emails))
            .collect();
        Ok(CaseGroupsView { groups, history })
    }
}

fn reason(p: &mut Problems, text: &str) -> String {
    let r = p.text("reason", Some(text), 2_000);
    if r.is_none() {
        p.add(
            "reason",
            "say why (it is kept in the group's and the case's history)",
        );
    }
    r.unwrap_or_default()
}

/// An event as shown; who and why only to the group's owner.
fn event_view(
    e: &GroupEvent,
    g: &GroupCase,
    case: &Case,
    owner: bool,
    emails: &BTreeMap<UserId, String>,
) -> GroupEventView {
    GroupEventView {
        at: rfc3339(e.at_ms),
        action: if e.added { "added" } else { "removed" }.into(),
        group_id: g.id,
        group_reference: g.reference.clone(),
        case_id: case.id,
        case_reference: case.reference.clone(),
        actor: owner.then(|| {
            emails
                .get(&e.actor)
                .cloned()
                .unwrap_or_else(|| WITHHELD.into())
        }),
        reason: owner.then(|| e.reason.clone()),
    }
}
