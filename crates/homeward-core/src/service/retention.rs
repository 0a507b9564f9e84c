//! Retention (PRODUCT §4): a case in a final state (`closed`, `unfounded`,
//! `duplicate`, `deceased`; see `lifecycle::is_final`) is purged of personal
//! data once it has been in that state for the retention period. What stays
//! is what statistics need: state, dates, kind, priority, marking,
//! nationality, sex, birth year, site and the timeline's shape. Each case is
//! purged in one transaction with its `case.purge` audit entry; a purged
//! case is never a candidate again, so running the purge twice is harmless.

use homeward_types::CaseState;
use serde::Serialize;
use serde_json::json;

use super::{Homeward, now_ms, rfc3339};
use crate::audit::AuditDraft;
use crate::lifecycle::is_final;
use crate::model::CasePurge;
use crate::{CoreResult, Credential};

/// Default retention period after a case reaches its final state.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// What purged text is replaced with.
pub const PURGE_MARKER: &str = "[removed under the retention policy]";

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The outcome of a purge run (printed as JSON by `homeward admin purge`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Cases purged by this run (0 on a dry run).
    pub purged: u64,
    /// Cases due for purging that this run found.
    pub due: u64,
    /// Whether nothing was changed.
    pub dry_run: bool,
    /// The retention period applied.
    pub older_than_days: u32,
    /// Cases that reached their final state before this time are due (RFC 3339).
    pub cutoff: String,
}

impl Homeward {
    /// Purges the personal data of every case that has been in a final
    /// state for more than `older_than_days` days (with `dry_run`, only
    /// counts them).
    pub async fn purge_closed(
        &self,
        credential: Credential,
        older_than_days: u32,
        dry_run: bool,
    ) -> CoreResult<PurgeReport> {
        let now = now_ms();
        let cutoff = now - i64::from(older_than_days) * DAY_MS;
        let finals: Vec<CaseState> = CaseState::ALL
            .iter()
            .copied()
            .filter(|s| is_final(*s))
            .collect();
        let (mut due, mut purged) = (0u64, 0u64);
        let mut after = None;
        loop {
            let batch = self
                .store
                .purge_candidates(&finals, cutoff, after, 200)
                .await?;
            let Some((last, _)) = batch.last() else { break };
            after = Some(last.id);
            due += batch.len() as u64;
            if dry_run {
                continue;
            }
            for (case, final_since) in batch {
                let audit = AuditDraft::system(
                    credential,
                    "case.purge",
                    "case",
                    case.id,
                    json!({
                        "reference": case.reference,
                        "state": case.state,
                        "final_since": rfc3339(final_since),
                        "older_than_days": older_than_days,
                    }),
                );
                let purge = CasePurge {
                    case_id: case.id,
                    person_id: case.person_id,
                    state: case.state,
                    marker: PURGE_MARKER.into(),
                    at_ms: now_ms(),
                };
                if self.store.purge_case(&purge, audit).await? {
                    self.people.remove(purge.case_id);
                    purged += 1;
                }
            }
        }
        Ok(PurgeReport {
            purged,
            due,
            dry_run,
            older_than_days,
            cutoff: rfc3339(cutoff),
        })
    }
}
