//! Rescue-list reconciliation (C3): a list of people released in a raid or
//! handover is linked, with the matching engine, against every open case of
//! the network. The uploader learns which rows are its own cases; each other
//! owner is notified of the rows that may be its cases, and nothing of the
//! others'; owners confirm (the case moves to `released`) or reject.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use homeward_match::{Candidate, PersonRecord, prepare};
use homeward_types::wire::{
    ListMatchDecision, ListMatchView, RescueListDetail, RescueListSummary, RescueListView,
    TransitionInput,
};
use homeward_types::{CaseId, CaseState, ListMatchId, OrgId, ReleaseMode, RescueListId};
use serde_json::json;

use super::accounts::org_view;
use super::requests::unknown_org;
use super::{Homeward, Problems, now_ms, rfc3339};
use crate::audit::AuditDraft;
use crate::model::{Case, ListFile, ListMatch, RescueList};
use crate::{Actor, CoreError, CoreResult, Credential, lifecycle};

/// At or above: the row is confidently the person of the case.
pub const MATCHED: f64 = 0.9;
/// At or above (and below [`MATCHED`]): queued for the owner's review.
pub const REVIEW: f64 = 0.5;
/// Most rows in one list.
pub const MAX_ROWS: usize = 200_000;

/// Rows queried against the people index between progress reports.
const CHUNK: usize = 1_000;

/// Rows of a reconciliation done so far, shared with whoever shows progress.
#[derive(Debug, Default)]
pub struct ReconcileProgress {
    /// Usable rows to link (known once the list is read).
    pub total: AtomicUsize,
    /// Rows linked so far.
    pub done: AtomicUsize,
}

/// Lets other tasks run between chunks of CPU-bound work.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// A rescue list to reconcile.
#[derive(Debug, Clone)]
pub struct RescueListInput {
    /// Name, e.g. "Myawaddy handover, 2026-11-20".
    pub name: String,
    /// SHA-256 of the file as received.
    pub file_sha256: String,
    /// How the people left (a confirmed match records it).
    pub release_mode: ReleaseMode,
    /// The rows, `record_id` being the row's line in the file.
    pub rows: Vec<PersonRecord>,
    /// The file as received (kept for audit and undo).
    pub file: Option<ListFile>,
}

/// Who uploads: a signed-in user, or an operator on the command line acting
/// for an organisation.
#[derive(Debug, Clone, Copy)]
pub enum Uploader<'a> {
    /// A user (officer, admin or criminal-justice staff).
    User(&'a Actor),
    /// The CLI, for this organisation.
    Cli(OrgId),
}

fn row_text(r: &PersonRecord) -> String {
    let mut parts = vec![r.names.join(" / ")];
    parts.extend(r.birth_date.clone());
    parts.extend(r.nationality.clone());
    parts.extend(r.passport_no.clone());
    parts.extend(r.id_no.clone());
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
        .chars()
        .take(500)
        .collect()
}

impl Homeward {
    /// Links a rescue list against every open case of the network, records
    /// it with the possible matches, and notifies the owners.
    pub async fn reconcile_rescue_list(
        &self,
        by: Uploader<'_>,
        input: RescueListInput,
    ) -> CoreResult<RescueListSummary> {
        self.reconcile_with_progress(by, input, None).await
    }

    /// [`Self::reconcile_rescue_list`], counting the rows done in
    /// `progress` (for a progress bar or page).
    pub async fn reconcile_with_progress(
        &self,
        by: Uploader<'_>,
        input: RescueListInput,
        progress: Option<&ReconcileProgress>,
    ) -> CoreResult<RescueListSummary> {
        let org = match by {
            Uploader::User(actor) => {
                super::cases::require_write(actor, "reconcile rescue lists")?;
                actor.org_id
            }
            Uploader::Cli(org) => org,
        };
        let mut p = Problems::default();
        let name = p.text("name", Some(&input.name), 200);
        if name.is_none() {
            p.add(
                "name",
                "name the list, e.g. \"Myawaddy handover, 2026-11-20\"",
            );
        }
        if input.rows.len() > MAX_ROWS {
            p.add("rows", format!("at most {MAX_ROWS} rows in one list"));
        }
        p.finish()?;
        if self.org_cached(org).await?.is_none() {
            return Err(CoreError::NotFound {
                what: "organisation",
            });
        }
        // Rows without a name or a document cannot be linked.
        let usable: Vec<&PersonRecord> = input
            .rows
            .iter()
            .filter(|r| {
                prepare(r, false).is_ok_and(|pr| {
                    !pr.names.is_empty() || pr.passport.is_some() || pr.id_no.is_some()
                })
            })
            .collect();
        let unusable = input.rows.len() - usable.len();
        if let Some(p) = progress {
            p.total.store(usable.len(), Ordering::Relaxed);
        }
        // Each row against every open case, through the people index.
        self.people.catch_up(self.store.as_ref()).await?;
        let mut found: Vec<Vec<(CaseId, Candidate)>> = Vec::with_capacity(usable.len());
        for chunk in usable.chunks(CHUNK) {
            let records: Vec<PersonRecord> = chunk.iter().map(|r| (*r).clone()).collect();
            found.extend(self.people.query_many(&records, 3)?);
            if let Some(p) = progress {
                p.done.fetch_add(chunk.len(), Ordering::Relaxed);
            }
            YieldNow(false).await;
        }
        let mut ids: Vec<CaseId> = found
            .iter()
            .flatten()
            .filter(|(_, c)| c.probability >= REVIEW)
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids.dedup();
        let open: HashMap<CaseId, Case> = self
            .store
            .cases_in(&ids)
            .await?
            .into_iter()
            .filter(|c| !lifecycle::is_final(c.state))
            .map(|c| (c.id, c))
            .collect();
        // The best open case for each row.
        let best: Vec<Option<(&Case, &Candidate)>> = found
            .iter()
            .map(|cands| {
                cands
                    .iter()
                    .filter(|(_, c)| c.probability >= REVIEW)
                    .filter_map(|(id, c)| Some((open.get(id)?, c)))
                    .max_by(|a, b| a.1.probability.total_cmp(&b.1.probability))
            })
            .collect();
        let list = RescueList {
            id: RescueListId::new(),
            org_id: org,
            name: name.unwrap_or_default(),
            file_sha256: input.file_sha256.clone(),
            rows: input.rows.len(),
            unusable,
            release_mode: input.release_mode,
            created_by: match by {
                Uploader::User(a) => Some(a.user_id),
                Uploader::Cli(_) => None,
            },
            created_ms: now_ms(),
            withdrawn_ms: None,
            withdrawn_by: None,
            file_name: input.file.as_ref().map(|f| f.name.clone()),
        };
        let mut matches = Vec::new();
        for (row, hit) in best.iter().enumerate() {
            let Some((c, cand)) = hit else { continue };
            let record = usable[row];
            let p = cand.probability;
            matches.push(ListMatch {
                id: ListMatchId::new(),
                list_id: list.id,
                row: record.record_id.parse().unwrap_or(row + 1),
                row_text: row_text(record),
                case_id: c.id,
                owner_org: c.org_id,
                probability: p,
                explanation: cand.explanation.clone(),
                strength: if p >= MATCHED { "matched" } else { "review" }.into(),
                status: "pending".into(),
                decided_by: None,
                decided_ms: None,
            });
        }
        let matched = matches.iter().filter(|m| m.strength == "matched").count();
        let review = matches.len() - matched;
        let notified: BTreeSet<OrgId> = matches
            .iter()
            .map(|m| m.owner_org)
            .filter(|o| *o != org)
            .collect();
        let detail = json!({
            "name": list.name, "sha256": list.file_sha256, "rows": list.rows,
            "unusable": unusable, "matched": matched, "review": review,
            "notified": notified.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        let audit = match by {
            Uploader::User(a) => {
                AuditDraft::by(a, "rescue_list.reconcile", "rescue_list", list.id, detail)
            }
            Uploader::Cli(_) => AuditDraft::system(
                Credential::Cli,
                "rescue_list.reconcile",
                "rescue_list",
                list.id,
                detail,
            ),
        };
        self.store
            .insert_rescue_list(&list, input.file.as_ref(), &matches, vec![audit])
            .await?;
        let mut own_matches = Vec::new();
        for m in matches.iter().filter(|m| m.owner_org == org) {
            own_matches.push(self.list_match_view(m, &list).await?);
        }
        Ok(RescueListSummary {
            list_id: list.id,
            rows: list.rows,
            unusable,
            matched,
            review,
            notified_organisations: notified.len(),
            own_matches,
        })
    }

    async fn list_match_view(&self, m: &ListMatch, l: &RescueList) -> CoreResult<ListMatchView> {
        Ok(ListMatchView {
            id: m.id,
            list_name: l.name.clone(),
            uploaded_by: match self.org_cached(l.org_id).await? {
                Some(o) => org_view(&o),
                None => unknown_org(l.org_id),
            },
            row: m.row,
            row_text: m.row_text.clone(),
            case_id: m.case_id,
            probability: m.probability,
            explanation: m.explanation.clone(),
            strength: m.strength.clone(),
            status: m.status.clone(),
            release_mode: l.release_mode,
        })
    }

    /// The rows of rescue lists that may be the actor's organisation's cases.
    pub async fn list_matches(&self, actor: &Actor) -> CoreResult<Vec<ListMatchView>> {
        let rows = self.store.list_matches(actor.org_id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (m, l) in &rows {
            out.push(self.list_match_view(m, l).await?);
        }
        Ok(out)
    }

    /// Confirms (the case moves to `released`, with the list as the source)
    /// or rejects a match of one of the actor's organisation's cases.
    pub async fn decide_list_match(
        &self,
        actor: &Actor,
        id: ListMatchId,
        input: ListMatchDecision,
    ) -> CoreResult<ListMatchView> {
        let (m, l) = self
            .store
            .list_match(id)
            .await?
            .filter(|(m, _)| m.owner_org == actor.org_id)
            .ok_or(CoreError::NotFound { what: "list match" })?;
        super::cases::require_write(actor, "decide list matches")?;
        if m.status != "pending" {
            return Err(CoreError::Conflict(format!(
                "this match was already {}",
                m.status
            )));
        }
        if input.confirm {
            let case = self
                .store
                .case(m.case_id)
                .await?
                .ok_or(CoreError::NotFound { what: "case" })?;
            if case.state != CaseState::Released {
                self.transition_quiet(
                    actor,
                    m.case_id,
                    TransitionInput {
                        to: CaseState::Released,
                        reason: format!("on the rescue list '{}' (row {})", l.name, m.row),
                        release_mode: Some(l.release_mode),
                    },
                )
                .await?;
            }
        }
        let status = if input.confirm {
            "confirmed"
        } else {
            "rejected"
        };
        let audit = AuditDraft::by(
            actor,
            "rescue_list.decide",
            "case",
            m.case_id,
            json!({ "match": id, "list": l.id, "status": status }),
        );
        if !self
            .store
            .decide_list_match(id, status, actor.user_id, now_ms(), audit)
            .await?
        {
            return Err(CoreError::Conflict("this match was already decided".into()));
        }
        let (m, l) = self
            .store
            .list_match(id)
            .await?
            .ok_or(CoreError::NotFound { what: "list match" })?;
        self.list_match_view(&m, &l).await
    }

    async fn list_view(&self, l: &RescueList, matches: &[ListMatch]) -> CoreResult<RescueListView> {
        Ok(RescueListView {
            id: l.id,
            name: l.name.clone(),
            rows: l.rows,
            unusable: l.unusable,
            matched: matches.iter().filter(|m| m.strength == "matched").count(),
            review: matches.iter().filter(|m| m.strength != "matched").count(),
            own: matches.iter().filter(|m| m.owner_org == l.org_id).count(),
            release_mode: l.release_mode,
            uploaded_at: rfc3339(l.created_ms),
            file_sha256: l.file_sha256.clone(),
            file_name: l.file_name.clone(),
            withdrawn_at: l.withdrawn_ms.map(rfc3339),
        })
    }

    /// A list of the actor's organisation, if it is one.
    async fn own_list(&self, actor: &Actor, id: RescueListId) -> CoreResult<RescueList> {
        self.store
            .rescue_list(id)
            .await?
            .filter(|l| l.org_id == actor.org_id)
            .ok_or(CoreError::NotFound {
                what: "rescue list",
            })
    }

    /// The lists the actor's organisation uploaded, newest first.
    pub async fn rescue_lists(&self, actor: &Actor) -> CoreResult<Vec<RescueListView>> {
        let mut out = Vec::new();
        for l in self.store.rescue_lists(actor.org_id).await? {
            let matches = self.store.matches_of_list(l.id).await?;
            out.push(self.list_view(&l, &matches).await?);
        }
        Ok(out)
    }

    /// One list of the actor's organisation with the rows that matched its
    /// own cases (other organisations' rows are counted, never shown).
    pub async fn rescue_list(
        &self,
        actor: &Actor,
        id: RescueListId,
    ) -> CoreResult<RescueListDetail> {
        let l = self.own_list(actor, id).await?;
        let matches = self.store.matches_of_list(id).await?;
        let mut own_matches = Vec::new();
        for m in matches.iter().filter(|m| m.owner_org == actor.org_id) {
            own_matches.push(self.list_match_view(m, &l).await?);
        }
        Ok(RescueListDetail {
            list: self.list_view(&l, &matches).await?,
            own_matches,
        })
    }

    /// The file a list was read from (audited: it names people).
    pub async fn rescue_list_file(&self, actor: &Actor, id: RescueListId) -> CoreResult<ListFile> {
        let l = self.own_list(actor, id).await?;
        super::cases::require_write(actor, "download rescue lists")?;
        let file = self
            .store
            .list_file(l.id)
            .await?
            .ok_or(CoreError::NotFound {
                what: "rescue list file",
            })?;
        let audit = AuditDraft::by(
            actor,
            "rescue_list.file.read",
            "rescue_list",
            l.id,
            json!({ "sha256": l.file_sha256 }),
        );
        self.store.append_audit(vec![audit]).await?;
        Ok(file)
    }

    /// Withdraws a list (undo): its pending matches are withdrawn and their
    /// owners no longer asked to decide; decisions already taken stand.
    pub async fn withdraw_rescue_list(
        &self,
        actor: &Actor,
        id: RescueListId,
        reason: &str,
    ) -> CoreResult<RescueListDetail> {
        let l = self.own_list(actor, id).await?;
        super::cases::require_write(actor, "withdraw rescue lists")?;
        let mut p = Problems::default();
        let reason = p.text("reason", Some(reason), 2_000);
        if reason.is_none() {
            p.add("reason", "say why the list is withdrawn");
        }
        p.finish()?;
        let audit = AuditDraft::by(
            actor,
            "rescue_list.withdraw",
            "rescue_list",
            l.id,
            json!({ "reason": reason }),
        );
        if !self
            .store
            .withdraw_rescue_list(id, actor.user_id, now_ms(), audit)
            .await?
        {
            return Err(CoreError::Conflict(
                "this list was already withdrawn".into(),
            ));
        }
        self.rescue_list(actor, id).await
    }
}
