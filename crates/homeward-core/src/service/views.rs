//! Turning records into what a viewer may see. Redaction happens here, in
//! core, so every surface (API, web UI, exports) gets the same view.

use std::collections::HashMap;

use homeward_types::wire::{
    CaseDetail, CaseSummary, ContactView, DocumentView, NameView, NoteView, OrganisationView,
    PersonView, ReportView, TransitionView,
};
use homeward_types::{GrantField, OrgId, SiteId, UserId};

use super::accounts::org_view;
use super::{Homeward, rfc3339};
use crate::access::Sight;
use crate::model::{Case, CaseBundle, Person, Report, Request};
use crate::{Actor, CoreResult, lifecycle};

/// Shown in place of withheld personal data.
pub const WITHHELD: &str = "(withheld)";

impl Homeward {
    /// Summaries of `rows`, each redacted to its sight in `sights`.
    pub(super) async fn summaries(
        &self,
        rows: &[Case],
        sights: &[Sight],
    ) -> CoreResult<Vec<CaseSummary>> {
        let mut orgs: HashMap<OrgId, OrganisationView> = HashMap::new();
        for c in rows {
            if let std::collections::hash_map::Entry::Vacant(e) = orgs.entry(c.org_id)
                && let Some(o) = self.org_cached(c.org_id).await?
            {
                e.insert(org_view(&o));
            }
        }
        let mut sites: HashMap<SiteId, String> = HashMap::new();
        for id in rows.iter().filter_map(|c| c.site_id) {
            if let std::collections::hash_map::Entry::Vacant(e) = sites.entry(id)
                && let Some(site) = self.store.site(id).await?
            {
                e.insert(site.name);
            }
        }
        Ok(rows
            .iter()
            .zip(sights)
            .map(|(c, seen)| summary(c, *seen, &orgs, &sites))
            .collect())
    }

    pub(super) async fn detail_view(
        &self,
        actor: &Actor,
        b: CaseBundle,
        seen: Sight,
        requests: &[Request],
    ) -> CoreResult<CaseDetail> {
        let full = seen == Sight::Full;
        let mut ids: Vec<UserId> = b.reports.iter().map(|r| r.created_by).collect();
        ids.extend(b.transitions.iter().map(|t| t.actor));
        ids.extend(b.notes.iter().map(|n| n.author));
        ids.sort();
        ids.dedup();
        let emails: HashMap<UserId, String> =
            self.store.user_emails(&ids).await?.into_iter().collect();
        let who = |id: &UserId| {
            if full {
                emails.get(id).cloned().unwrap_or_default()
            } else {
                WITHHELD.to_string()
            }
        };
        let mut summaries = self
            .summaries(std::slice::from_ref(&b.case), &[seen])
            .await?;
        let Some(case) = summaries.pop() else {
            return Err(crate::CoreError::NotFound { what: "case" });
        };
        let allowed_transitions = if full && actor.role.can_write_cases() {
            lifecycle::allowed(b.case.state, b.case.resume_state)
        } else {
            Vec::new()
        };
        let merges = if full {
            self.store.merges_of(b.case.id).await?
        } else {
            Vec::new()
        };
        let report_source = |r: &crate::model::Report| {
            merges
                .iter()
                .find(|m| m.in_force() && m.into_case == b.case.id && m.reports.contains(&r.id))
                .map(|m| m.from_case)
        };
        let (consents, match_notices) = if full {
            let mut views = Vec::new();
            if b.case.has(Case::HAS_CONSENTS) {
                for c in self.store.consents(b.case.id).await? {
                    views.push(self.consent_view(&c).await?);
                }
            }
            let notices = if b.case.has(Case::HAS_NOTICES) {
                self.store.notices(b.case.id).await?
            } else {
                Vec::new()
            };
            (views, self.notice_views(&notices).await?)
        } else {
            (Vec::new(), Vec::new())
        };
        let compartment = self
            .compartment_view(actor, &b.case, seen, requests)
            .await?;
        let requests = self.case_requests(actor, requests).await?;
        let merges = self.merge_views(&merges).await?;
        Ok(CaseDetail {
            merges,
            compartment,
            case,
            release_mode: b.case.release_mode,
            still_held: b.case.still_held,
            granted: match seen {
                Sight::Granted(f) => Some(f.list()),
                _ => None,
            },
            consents,
            requests,
            match_notices,
            person: person_view(&b.person, seen),
            reports: b
                .reports
                .iter()
                .map(|r| ReportView {
                    merged_from: report_source(r),
                    ..report_view(r, seen, who(&r.created_by))
                })
                .collect(),
            transitions: b
                .transitions
                .iter()
                .map(|t| TransitionView {
                    from: t.from,
                    to: t.to,
                    reason: if full {
                        t.reason.clone()
                    } else {
                        WITHHELD.into()
                    },
                    release_mode: t.release_mode,
                    actor: who(&t.actor),
                    at: rfc3339(t.at_ms),
                })
                .collect(),
            notes: if full {
                b.notes
                    .iter()
                    .map(|n| NoteView {
                        id: n.id,
                        author: who(&n.author),
                        at: rfc3339(n.at_ms),
                        body: n.body.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            allowed_transitions,
        })
    }
}

fn summary(
    c: &Case,
    seen: Sight,
    orgs: &HashMap<OrgId, OrganisationView>,
    sites: &HashMap<SiteId, String>,
) -> CaseSummary {
    let full = seen.shows(GrantField::Names);
    CaseSummary {
        id: c.id,
        reference: c.reference.clone(),
        kind: c.kind,
        state: c.state,
        priority: c.priority,
        marking: c.marking,
        sharing_group_id: c.sharing_group_id,
        owner: orgs.get(&c.org_id).cloned().unwrap_or(OrganisationView {
            id: c.org_id,
            name: "(unknown organisation)".into(),
            kind: homeward_types::OrgKind::Government,
            country: String::new(),
        }),
        subject: if full {
            c.subject_display.clone()
        } else {
            WITHHELD.into()
        },
        nationalities: c.nationalities.clone(),
        site: c.site_id.and_then(|s| sites.get(&s).cloned()),
        created_at: rfc3339(c.created_ms),
        updated_at: rfc3339(c.updated_ms),
    }
}

/// A report as the viewer may see it; `created_by` is the filer as shown.
pub(crate) fn report_view(r: &Report, seen: Sight, created_by: String) -> ReportView {
    ReportView {
        id: r.id,
        created_at: rfc3339(r.created_ms),
        created_by,
        reporter_name: r
            .reporter_name
            .clone()
            .filter(|_| seen.shows(GrantField::Reporter)),
        reporter_relationship: r.reporter_relationship.clone(),
        reporter_contact: r
            .reporter_contact
            .clone()
            .filter(|_| seen.shows(GrantField::Reporter)),
        last_contact_date: r.last_contact_date.clone(),
        last_contact_channel: r.last_contact_channel.clone(),
        last_seen_place: r
            .last_seen_place
            .clone()
            .filter(|_| seen.shows(GrantField::LastSeenPlace)),
        recruitment_channel: r.recruitment_channel.clone(),
        job_promised: r.job_promised.clone(),
        narrative: r
            .narrative
            .clone()
            .filter(|_| seen.shows(GrantField::Narrative)),
        merged_from: None,
    }
}

/// A person as the viewer may see them.
pub(crate) fn person_view(p: &Person, seen: Sight) -> PersonView {
    PersonView {
        id: p.id,
        redacted: seen != Sight::Full,
        names: if seen.shows(GrantField::Names) {
            p.names
                .iter()
                .map(|n| NameView {
                    text: n.text.clone(),
                    script: n.script,
                    given: n.given.clone(),
                    family: n.family.clone(),
                    system: n.system.clone(),
                    merged_from: n.merged_from.filter(|_| seen == Sight::Full),
                })
                .collect()
        } else {
            Vec::new()
        },
        sex: p.sex,
        birth_date: if seen.shows(GrantField::BirthDate) {
            p.birth_date.clone()
        } else {
            p.birth_date.as_ref().map(|d| d.chars().take(4).collect())
        },
        nationalities: p.nationalities.clone(),
        documents: if seen.shows(GrantField::Documents) {
            p.documents
                .iter()
                .map(|d| DocumentView {
                    kind: d.kind,
                    number: d.number.clone(),
                    issuing_state: d.issuing_state.clone(),
                    check_digit_valid: d.check_digit_valid,
                    merged_from: d.merged_from.filter(|_| seen == Sight::Full),
                })
                .collect()
        } else {
            Vec::new()
        },
        contacts: if seen.shows(GrantField::Contacts) {
            p.contacts
                .iter()
                .map(|c| ContactView {
                    kind: c.kind,
                    raw: c.raw.clone(),
                    normalised: c.normalised.clone(),
                    merged_from: c.merged_from.filter(|_| seen == Sight::Full),
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}
