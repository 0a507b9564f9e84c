//! Exporting a group package for a recipient organisation. Each member
//! shows what the recipient may see of it under the sharing rules
//! ([`Homeward::org_case_sight`]: marking, sharing groups, requests to it in
//! force) and never more than the exporter sees itself ([`Sight::meet`]).
//! A still-held member blocks the export unless the recipient is police with
//! a locate or rescue request about that member in force — the same test a
//! grant passes ([`grant_stands`]). Every export is audited, and each member
//! of another organisation than the recipient is a disclosure in its owner's
//! log.

use homeward_types::wire::{GroupExportInput, GroupPackage, PackageMember};
use homeward_types::{GroupCaseId, OrgKind, SharingGroupId};
use serde_json::json;

use super::accounts::org_view;
use super::privacy::STILL_HELD_BLOCKS;
use super::views::{WITHHELD, person_view, report_view};
use super::{Homeward, Problems, now_ms, rfc3339};
use crate::access::{GrantFacts, Sight, grant_stands};
use crate::audit::AuditDraft;
use crate::model::{Case, Disclosure, Request};
use crate::{Actor, CoreError, CoreResult};

/// Whether a request to `recipient` about a still-held person lets its data
/// go to the recipient now.
fn still_held_basis(requests: &[Request], recipient: homeward_types::OrgId, kind: OrgKind) -> bool {
    requests.iter().filter(|r| r.grants_to(recipient)).any(|r| {
        grant_stands(
            &GrantFacts {
                kind: r.kind,
                recipient_kind: kind,
                fields: &r.grant,
                // Consent is not what decides here: only police qualify.
                consented: true,
            },
            true,
        )
        .is_ok()
    })
}

impl Homeward {
    /// A group package for `input.recipient_org`, by the owner's writers;
    /// audited before it is returned.
    pub async fn export_group_case(
        &self,
        actor: &Actor,
        id: GroupCaseId,
        input: GroupExportInput,
    ) -> CoreResult<GroupPackage> {
        let g = self.managed_group(actor, id, "export group cases").await?;
        let recipient = self.org_cached(input.recipient_org).await?;
        let Some(recipient) = recipient else {
            let mut p = Problems::default();
            p.add("recipient_org", "no such organisation");
            p.finish()?;
            return Err(CoreError::NotFound {
                what: "organisation",
            });
        };
        let groups: Vec<SharingGroupId> = self
            .store
            .groups_of(recipient.id)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();

        let mut chosen: Vec<(Case, Sight, Vec<Request>)> = Vec::new();
        let mut blocked: Vec<String> = Vec::new();
        for (_, case) in self.store.group_members(id).await? {
            let requests = if case.has(Case::HAS_REQUESTS) {
                self.store.requests_of_case(case.id).await?
            } else {
                Vec::new()
            };
            let mine = self.case_sight(actor, &case, &requests).await?;
            let theirs = self
                .org_case_sight(recipient.id, &groups, &case, &requests)
                .await?;
            let shown = mine.meet(theirs);
            if shown == Sight::None {
                continue;
            }
            if case.still_held
                && case.org_id != recipient.id
                && !still_held_basis(&requests, recipient.id, recipient.kind)
            {
                blocked.push(case.reference.clone());
            }
            chosen.push((case, shown, requests));
        }
        if !blocked.is_empty() {
            let mut p = Problems::default();
            p.add(
                "recipient_org",
                format!(
                    "{STILL_HELD_BLOCKS} ({}); only police with a locate or rescue request about the person in force may receive it",
                    blocked.join(", ")
                ),
            );
            p.finish()?;
        }

        let basis = format!(
            "group package {} ({}) exported for {}",
            g.reference, g.label, recipient.name
        );
        let mut audit = vec![AuditDraft::by(
            actor,
            "group.export",
            "group_case",
            g.id,
            json!({
                "recipient": recipient.id,
                "cases": chosen.iter().map(|(c, _, _)| c.id).collect::<Vec<_>>(),
            }),
        )];
        let mut members = Vec::with_capacity(chosen.len());
        let rows: Vec<Case> = chosen.iter().map(|(c, _, _)| c.clone()).collect();
        let sights: Vec<Sight> = chosen.iter().map(|(_, s, _)| *s).collect();
        let summaries = self.summaries(&rows, &sights).await?;
        for ((case, shown, requests), summary) in chosen.into_iter().zip(summaries) {
            let Some(bundle) = self.store.case_bundle(case.id).await? else {
                continue;
            };
            let fields = shown.fields();
            if case.org_id != recipient.id {
                let mut why = basis.clone();
                for r in requests.iter().filter(|r| r.grants_to(recipient.id)) {
                    why.push_str("; ");
                    why.push_str(&r.basis());
                }
                audit.push(
                    AuditDraft::by(
                        actor,
                        "group.export.case",
                        "case",
                        case.id,
                        json!({ "group": g.id, "fields": fields }),
                    )
                    .disclosing(Disclosure {
                        owner_org: case.org_id,
                        recipient_org: Some(recipient.id),
                        case_id: Some(case.id),
                        fields: fields.clone(),
                        basis: why,
                    }),
                );
            }
            members.push(PackageMember {
                case: summary,
                still_held: case.still_held,
                fields,
                person: person_view(&bundle.person, shown),
                reports: bundle
                    .reports
                    .iter()
                    .map(|r| report_view(r, shown, WITHHELD.into()))
                    .collect(),
            });
        }
        self.store.append_audit(audit).await?;
        Ok(GroupPackage {
            group: self.group_summary(&g).await?,
            recipient: org_view(&recipient),
            generated_at: rfc3339(now_ms()),
            members,
        })
    }
}
