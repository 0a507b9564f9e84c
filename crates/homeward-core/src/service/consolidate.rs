//! Consolidation (C3): possible duplicates at intake, found by the matching
//! engine across scripts and romanisations, and merge/unmerge of cases.

use std::collections::{BTreeMap, HashMap};

use homeward_types::wire::{
    MatchFieldView, MergeInput, MergeView, PossibleDuplicate, UnmergeInput,
};
use homeward_types::{CaseId, CaseState, MergeId, OrgId, UserId};
use serde_json::json;

use super::cases::require_write;
use super::{Homeward, Problems, now_ms, rfc3339};
use crate::access::Sight;
use crate::audit::AuditDraft;
use crate::model::{Case, Merge, Person, Transition};
use crate::people::person_record;
use crate::store::{MergeChange, UnmergeChange};
use crate::{Actor, CoreError, CoreResult, lifecycle};

/// At or above: shown to the reporter as a possible duplicate (if they may
/// see the case).
pub const DUPLICATE_SHOWN: f64 = 0.5;
/// At or above: another organisation holding the case is announced by a
/// blind match notice.
pub const NOTICE_AT: f64 = 0.8;
/// Candidates asked of the index per record.
const TOP_K: usize = 10;

/// What the index found for one new or existing case.
pub(crate) struct IntakeMatches {
    /// Cases the actor may see, most probable first.
    pub(crate) duplicates: Vec<PossibleDuplicate>,
    /// Hidden cases of other organisations (holder case, holder organisation).
    pub(crate) hidden: Vec<(CaseId, OrgId)>,
}

impl Homeward {
    /// Builds the people index from the store (call at start-up so the
    /// first report does not wait for it); later calls only catch up.
    pub async fn warm_people_index(&self) -> CoreResult<usize> {
        self.people.catch_up(self.store.as_ref()).await?;
        Ok(self.people.len())
    }

    /// Candidates for `case`'s subject: each open case the engine finds at
    /// or above [`DUPLICATE_SHOWN`], as a possible duplicate when the actor
    /// may see its names, otherwise (another organisation's, at or above
    /// [`NOTICE_AT`]) as a hidden holder.
    pub(crate) async fn intake_matches(
        &self,
        actor: &Actor,
        case: &Case,
        person: &Person,
    ) -> CoreResult<IntakeMatches> {
        self.people
            .catch_up_unless_busy(self.store.as_ref())
            .await?;
        let found = self
            .people
            .query_many(&[person_record(case, person)], TOP_K)?
            .pop()
            .unwrap_or_default();
        let found: Vec<_> = found
            .into_iter()
            .filter(|(id, c)| *id != case.id && c.probability >= DUPLICATE_SHOWN)
            .collect();
        let ids: Vec<CaseId> = found.iter().map(|(id, _)| *id).collect();
        let cases: HashMap<CaseId, Case> = self
            .store
            .cases_in(&ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut out = IntakeMatches {
            duplicates: Vec::new(),
            hidden: Vec::new(),
        };
        for (id, cand) in found {
            let Some(other) = cases.get(&id) else {
                continue;
            };
            if lifecycle::is_final(other.state) {
                continue;
            }
            let requests = if other.has(Case::HAS_REQUESTS) {
                self.store.requests_of_case(other.id).await?
            } else {
                Vec::new()
            };
            // Only cases the reporter fully sees are shown: the explanation
            // speaks of every field (a document, a birth date), which a
            // grant of names alone does not cover.
            let seen = self.case_sight(actor, other, &requests).await?;
            if seen == Sight::Full {
                out.duplicates.push(PossibleDuplicate {
                    case_id: other.id,
                    reference: other.reference.clone(),
                    subject: other.subject_display.clone(),
                    state: other.state,
                    organisation: self.org_view_of(other.org_id).await?,
                    probability: cand.probability,
                    explanation: cand.explanation.clone(),
                    fields: cand
                        .fields
                        .iter()
                        .map(|f| MatchFieldView {
                            field: f.field.clone(),
                            agreement: f.agreement.clone(),
                            weight: f.weight,
                        })
                        .collect(),
                    mergeable: other.org_id == case.org_id
                        && !lifecycle::is_final(case.state)
                        && actor.role.can_write_cases(),
                });
            } else if other.org_id != actor.org_id && cand.probability >= NOTICE_AT {
                out.hidden.push((other.id, other.org_id));
            }
        }
        Ok(out)
    }

    /// Open cases the actor may see whose subject may be the same person as
    /// this case's, most probable first. Only for the case's owner.
    pub async fn possible_duplicates(
        &self,
        actor: &Actor,
        id: CaseId,
    ) -> CoreResult<Vec<PossibleDuplicate>> {
        let bundle = self
            .store
            .case_bundle(id)
            .await?
            .filter(|b| b.case.org_id == actor.org_id)
            .ok_or(CoreError::NotFound { what: "case" })?;
        if lifecycle::is_final(bundle.case.state) {
            return Ok(Vec::new());
        }
        Ok(self
            .intake_matches(actor, &bundle.case, &bundle.person)
            .await?
            .duplicates)
    }

    /// Merges case `input.from` into case `into` (both of the actor's
    /// organisation, both open): `from` becomes `duplicate`, its reports,
    /// names, documents and contacts join `into`, each with its source.
    pub async fn merge_cases(
        &self,
        actor: &Actor,
        into: CaseId,
        input: MergeInput,
    ) -> CoreResult<MergeView> {
        let own = |c: Option<crate::model::CaseBundle>| {
            c.filter(|b| b.case.org_id == actor.org_id)
                .ok_or(CoreError::NotFound { what: "case" })
        };
        let into_b = own(self.store.case_bundle(into).await?)?;
        require_write(actor, "merge cases")?;
        let mut p = Problems::default();
        let reason = p.text("reason", Some(&input.reason), 2_000);
        if reason.is_none() {
            p.add(
                "reason",
                "say why these are the same person (shown in both histories)",
            );
        }
        if input.from == into {
            p.add("from", "a case cannot be merged into itself");
        }
        p.finish()?;
        let from_b = own(self.store.case_bundle(input.from).await?).map_err(|_| {
            CoreError::Invalid(vec![homeward_types::wire::FieldError {
                field: "from".into(),
                message: "no case of your organisation has this id; a case of another \
                          organisation is merged by its owner, after a request"
                    .into(),
            }])
        })?;
        for (b, which) in [(&into_b, "this case"), (&from_b, "the other case")] {
            if lifecycle::is_final(b.case.state) {
                return Err(CoreError::Conflict(format!(
                    "{which} ({}) is {}; only open cases are merged",
                    b.case.reference,
                    b.case.state.label()
                )));
            }
        }
        let reason = reason.unwrap_or_default();
        let now = now_ms();
        let merge = Merge {
            id: MergeId::new(),
            into_case: into,
            from_case: input.from,
            from_state: from_b.case.state,
            from_resume_state: from_b.case.resume_state,
            reports: from_b.reports.iter().map(|r| r.id).collect(),
            reason: reason.clone(),
            created_by: actor.user_id,
            created_ms: now,
            undone_by: None,
            undone_ms: None,
            undo_reason: None,
        };
        let into_search_text = format!("{} | {}", into_b.case.search_text, from_b.case.search_text);
        let transitions = vec![
            timeline(
                &into_b.case,
                into_b.case.state,
                format!("merged in {}: {reason}", from_b.case.reference),
                actor.user_id,
                now,
            ),
            timeline(
                &from_b.case,
                CaseState::Duplicate,
                format!("merged into {}: {reason}", into_b.case.reference),
                actor.user_id,
                now,
            ),
        ];
        let audit = AuditDraft::by(
            actor,
            "case.merge",
            "case",
            into,
            json!({ "merge": merge.id, "from": input.from, "reports": merge.reports }),
        );
        let change = MergeChange {
            merge: merge.clone(),
            into_search_text,
            transitions,
        };
        if !self.store.merge_cases(&change, audit).await? {
            return Err(CoreError::Conflict(
                "one of the cases changed while you were looking at it; reload and try again"
                    .into(),
            ));
        }
        self.reindex(into).await?;
        self.people.remove(input.from);
        let views = self.merge_views(&[merge]).await?;
        views
            .into_iter()
            .next()
            .ok_or(CoreError::NotFound { what: "merge" })
    }

    /// Undoes a merge: both cases return exactly as they were (the merged-in
    /// case to its earlier state), with the undo in both histories.
    pub async fn unmerge(
        &self,
        actor: &Actor,
        id: MergeId,
        input: UnmergeInput,
    ) -> CoreResult<MergeView> {
        let merge = self
            .store
            .merge(id)
            .await?
            .ok_or(CoreError::NotFound { what: "merge" })?;
        let cases = self
            .store
            .cases_in(&[merge.into_case, merge.from_case])
            .await?;
        let (Some(into), Some(from)) = (
            cases.iter().find(|c| c.id == merge.into_case),
            cases.iter().find(|c| c.id == merge.from_case),
        ) else {
            return Err(CoreError::NotFound { what: "merge" });
        };
        if into.org_id != actor.org_id {
            return Err(CoreError::NotFound { what: "merge" });
        }
        require_write(actor, "unmerge cases")?;
        let mut p = Problems::default();
        let reason = p.text("reason", Some(&input.reason), 2_000);
        if reason.is_none() {
            p.add("reason", "say why these are not the same person");
        }
        p.finish()?;
        if !merge.in_force() {
            return Err(CoreError::Conflict("this merge was already undone".into()));
        }
        if into.state == CaseState::Duplicate {
            return Err(CoreError::Conflict(format!(
                "{} was itself merged into another case since; undo that merge first",
                into.reference
            )));
        }
        if lifecycle::is_final(into.state) {
            return Err(CoreError::Conflict(format!(
                "{} is {}; a merge is undone only while the case is open",
                into.reference,
                into.state.label()
            )));
        }
        // The absorbing case's search text, from the names it keeps.
        let into_names = self
            .store
            .case_bundle(merge.into_case)
            .await?
            .map(|b| b.person.names)
            .unwrap_or_default();
        let kept: Vec<_> = into_names
            .into_iter()
            .filter(|n| n.merged_from != Some(merge.from_case))
            .collect();
        let into_search_text = super::cases::search_text(&kept);
        let reason = reason.unwrap_or_default();
        let now = now_ms();
        let transitions = vec![
            timeline(
                into,
                into.state,
                format!("unmerged {}: {reason}", from.reference),
                actor.user_id,
                now,
            ),
            timeline(
                from,
                merge.from_state,
                format!("unmerged from {}: {reason}", into.reference),
                actor.user_id,
                now,
            ),
        ];
        let audit = AuditDraft::by(
            actor,
            "case.unmerge",
            "case",
            merge.into_case,
            json!({ "merge": merge.id, "from": merge.from_case, "reports": merge.reports }),
        );
        let change = UnmergeChange {
            merge: merge.clone(),
            into_search_text,
            by: actor.user_id,
            at_ms: now,
            reason,
            transitions,
        };
        if !self.store.unmerge_cases(&change, audit).await? {
            return Err(CoreError::Conflict(
                "the cases changed while you were looking at them, or one was purged under the \
                 retention period; nothing was undone"
                    .into(),
            ));
        }
        self.reindex(merge.into_case).await?;
        self.reindex(merge.from_case).await?;
        let undone = self
            .store
            .merge(id)
            .await?
            .ok_or(CoreError::NotFound { what: "merge" })?;
        let views = self.merge_views(&[undone]).await?;
        views
            .into_iter()
            .next()
            .ok_or(CoreError::NotFound { what: "merge" })
    }

    /// Puts a case's subject, as now stored, back in the people index.
    async fn reindex(&self, id: CaseId) -> CoreResult<()> {
        if let Some(b) = self.store.case_bundle(id).await? {
            if lifecycle::is_final(b.case.state) {
                self.people.remove(id);
            } else {
                self.people.upsert(&b.case, &b.person);
            }
        }
        Ok(())
    }

    pub(crate) async fn merge_views(&self, merges: &[Merge]) -> CoreResult<Vec<MergeView>> {
        if merges.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<CaseId> = merges
            .iter()
            .flat_map(|m| [m.into_case, m.from_case])
            .collect();
        ids.sort();
        ids.dedup();
        let refs: BTreeMap<CaseId, String> = self
            .store
            .cases_in(&ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c.reference))
            .collect();
        let mut users: Vec<UserId> = merges.iter().map(|m| m.created_by).collect();
        users.sort();
        users.dedup();
        let emails: HashMap<UserId, String> =
            self.store.user_emails(&users).await?.into_iter().collect();
        Ok(merges
            .iter()
            .map(|m| MergeView {
                id: m.id,
                into_case: m.into_case,
                into_reference: refs.get(&m.into_case).cloned().unwrap_or_default(),
                from_case: m.from_case,
                from_reference: refs.get(&m.from_case).cloned().unwrap_or_default(),
                from_state: m.from_state,
                reason: m.reason.clone(),
                by: emails.get(&m.created_by).cloned().unwrap_or_default(),
                at: rfc3339(m.created_ms),
                undone_at: m.undone_ms.map(rfc3339),
                undo_reason: m.undo_reason.clone(),
            })
            .collect())
    }
}

/// A timeline entry of `case` (a move to `to`, or a note of an event when
/// `to` is its current state).
fn timeline(case: &Case, to: CaseState, reason: String, actor: UserId, at_ms: i64) -> Transition {
    Transition {
        case_id: case.id,
        from: case.state,
        to,
        reason,
        release_mode: None,
        actor,
        at_ms,
    }
}
