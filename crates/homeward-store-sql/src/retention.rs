//! Retention: finding closed cases that are due and purging their personal
//! data in one transaction with the audit entry.

use homeward_core::StoreError;
use homeward_core::audit::AuditDraft;
use homeward_core::model::{Case, CasePurge};
use homeward_types::{CaseId, CaseState};

use crate::cases::{CASE_COLUMNS, case_row};
use crate::rows::get;
use crate::{Out, SqlStore, db};

impl SqlStore {
    pub(crate) async fn purge_candidates_impl(
        &self,
        states: &[CaseState],
        before_ms: i64,
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<(Case, i64)>, StoreError> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        // When a case entered its current state: its last transition there.
        let entered = "(SELECT MAX(t.at_ms) FROM case_transitions t \
                       WHERE t.case_id = c.id AND t.to_state = c.state)";
        let marks: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT {CASE_COLUMNS}, {entered} AS final_since FROM cases c \
             WHERE c.purged_ms IS NULL AND {entered} < $1 AND c.id > $2 AND c.state IN ({}) \
             ORDER BY c.id LIMIT {limit}",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(before_ms)
            .bind(after.map(|a| a.to_string()).unwrap_or_default());
        for s in states {
            q = q.bind(s.as_str());
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(|r| Ok((case_row(r)?, get(r, "final_since")?)))
            .collect()
    }

    pub(crate) async fn purge_case_impl(
        &self,
        p: &CasePurge,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let p = p.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let case = p.case_id.to_string();
                    let person = p.person_id.to_string();
                    let n = sqlx::query(
                        "UPDATE cases SET purged_ms = $1, subject_display = $2, search_text = LOWER(reference) \
                         WHERE id = $3 AND state = $4 AND purged_ms IS NULL",
                    )
                    .bind(p.at_ms)
                    .bind(p.marker.clone())
                    .bind(case.clone())
                    .bind(p.state.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if n != 1 {
                        return Ok(Out::Flag(false));
                    }
                    // Merge records keep no names or free text past retention.
                    sqlx::query(
                        "UPDATE case_merges SET into_search_text = '', reason = $1, undo_reason = NULL \
                         WHERE into_case = $2 OR from_case = $2",
                    )
                    .bind(p.marker.clone())
                    .bind(case.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    for table in ["person_names", "documents", "contacts"] {
                        sqlx::query(&format!("DELETE FROM {table} WHERE person_id = $1"))
                            .bind(person.clone())
                            .execute(&mut *tx)
                            .await
                            .map_err(db)?;
                    }
                    // The birth year stays (statistics); day and month go.
                    sqlx::query(
                        "UPDATE persons SET birth_date = SUBSTR(birth_date, 1, 4) WHERE id = $1",
                    )
                    .bind(person)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    sqlx::query(
                        "UPDATE reports SET reporter_name = NULL, reporter_relationship = NULL, \
                         reporter_contact = NULL, last_contact_date = NULL, last_contact_channel = NULL, \
                         last_seen_place = NULL, job_promised = NULL, narrative = NULL \
                         WHERE case_id = $1",
                    )
                    .bind(case.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    for sql in [
                        "UPDATE notes SET body = $1 WHERE case_id = $2",
                        "UPDATE case_transitions SET reason = $1 WHERE case_id = $2",
                        "UPDATE compartment_entries SET body = $1 WHERE case_id = $2",
                        "UPDATE consents SET given_by = $1 WHERE case_id = $2",
                        "UPDATE requests SET items = $1 WHERE case_id = $2",
                        "UPDATE group_members SET reason = $1 WHERE case_id = $2",
                        "UPDATE group_events SET reason = $1 WHERE case_id = $2",
                        "UPDATE request_events SET body = $1 WHERE body IS NOT NULL AND request_id IN \
                         (SELECT id FROM requests WHERE case_id = $2)",
                    ] {
                        sqlx::query(sql)
                            .bind(p.marker.clone())
                            .bind(case.clone())
                            .execute(&mut *tx)
                            .await
                            .map_err(db)?;
                    }
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }
}
