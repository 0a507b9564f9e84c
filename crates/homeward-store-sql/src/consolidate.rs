//! Merges and unmerges of cases.

use homeward_core::StoreError;
use homeward_core::audit::AuditDraft;
use homeward_core::lifecycle;
use homeward_core::model::{Case, Merge};
use homeward_core::store::{MergeChange, UnmergeChange};
use homeward_types::{CaseId, CaseState, MergeId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::cases::{CASE_COLUMNS, case_on, case_row, insert_transition};
use crate::rows::{get, parse, parse_opt};
use crate::{Out, SqlStore, append, db};

const MERGE_COLUMNS: &str = "id, into_case, from_case, from_state, from_resume_state, reports, \
     into_search_text, reason, created_by, created_ms, undone_by, undone_ms, undo_reason";

/// Whether a case's personal data has been purged under the retention period.
async fn purged(tx: &mut AnyConnection, id: CaseId) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT purged_ms FROM cases WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    Ok(match row {
        Some(r) => get::<Option<i64>>(&r, "purged_ms")?.is_some(),
        None => true,
    })
}

/// The person tables a merge copies, with their columns after
/// `(person_id, position)`.
const PARTS: [(&str, &str); 3] = [
    ("person_names", "text, script, given, family, system"),
    (
        "documents",
        "kind, number, issuing_state, check_digit_valid, number_key",
    ),
    ("contacts", "kind, raw, normalised"),
];

fn merge_row(row: &AnyRow) -> Result<Merge, StoreError> {
    let reports: String = get(row, "reports")?;
    Ok(Merge {
        id: parse(row, "id")?,
        into_case: parse(row, "into_case")?,
        from_case: parse(row, "from_case")?,
        from_state: parse(row, "from_state")?,
        from_resume_state: parse_opt(row, "from_resume_state")?,
        reports: serde_json::from_str(&reports)
            .map_err(|e| StoreError::Corrupt(format!("reports: {e}")))?,
        reason: get(row, "reason")?,
        created_by: parse(row, "created_by")?,
        created_ms: get(row, "created_ms")?,
        undone_by: parse_opt(row, "undone_by")?,
        undone_ms: get(row, "undone_ms")?,
        undo_reason: get(row, "undo_reason")?,
    })
}

async fn set_search_text(
    tx: &mut AnyConnection,
    case: CaseId,
    text: &str,
    at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE cases SET search_text = $1, updated_ms = $2 WHERE id = $3")
        .bind(text.to_string())
        .bind(at_ms)
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    Ok(())
}

impl SqlStore {
    pub(crate) async fn merge_cases_impl(
        &self,
        change: &MergeChange,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let change = change.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let m = &change.merge;
                    // Every write transaction holds the audit head lock, so
                    // these reads cannot go stale before the writes below.
                    let (Some(into), Some(from)) =
                        (case_on(tx, m.into_case).await?, case_on(tx, m.from_case).await?)
                    else {
                        return Ok(Out::Flag(false));
                    };
                    if from.state != m.from_state
                        || lifecycle::is_final(into.state)
                        || into.org_id != from.org_id
                    {
                        return Ok(Out::Flag(false));
                    }
                    let at = m.created_ms;
                    for (table, cols) in PARTS {
                        let next: i64 = sqlx::query(&format!(
                            "SELECT COALESCE(MAX(position), -1) + 1 AS next FROM {table} WHERE person_id = $1"
                        ))
                        .bind(into.person_id.to_string())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db)?
                        .try_get("next")
                        .map_err(db)?;
                        sqlx::query(&format!(
                            "INSERT INTO {table} (person_id, position, {cols}, merged_from) \
                             SELECT $1, position + $2, {cols}, $3 FROM {table} WHERE person_id = $4"
                        ))
                        .bind(into.person_id.to_string())
                        .bind(next)
                        .bind(from.id.to_string())
                        .bind(from.person_id.to_string())
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    }
                    sqlx::query("UPDATE reports SET case_id = $1 WHERE case_id = $2")
                        .bind(into.id.to_string())
                        .bind(from.id.to_string())
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    sqlx::query(
                        "UPDATE cases SET state = $1, resume_state = NULL, updated_ms = $2 WHERE id = $3",
                    )
                    .bind(CaseState::Duplicate.as_str())
                    .bind(at)
                    .bind(from.id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    set_search_text(tx, into.id, &change.into_search_text, at).await?;
                    sqlx::query(&format!(
                        "INSERT INTO case_merges ({MERGE_COLUMNS}) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, NULL)"
                    ))
                    .bind(m.id.to_string())
                    .bind(m.into_case.to_string())
                    .bind(m.from_case.to_string())
                    .bind(m.from_state.as_str())
                    .bind(m.from_resume_state.map(|s| s.as_str()))
                    .bind(serde_json::to_string(&m.reports).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                    // Column kept for old rows; names are not copied here (they would
                    // outlive the retention purge).
                    .bind(String::new())
                    .bind(m.reason.clone())
                    .bind(m.created_by.to_string())
                    .bind(m.created_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    for t in &change.transitions {
                        insert_transition(tx, t).await?;
                    }
                    append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }

    pub(crate) async fn unmerge_cases_impl(
        &self,
        change: &UnmergeChange,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let change = change.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let m = &change.merge;
                    let (Some(into), Some(from)) =
                        (case_on(tx, m.into_case).await?, case_on(tx, m.from_case).await?)
                    else {
                        return Ok(Out::Flag(false));
                    };
                    if from.state != CaseState::Duplicate
                        || lifecycle::is_final(into.state)
                        || purged(tx, into.id).await?
                        || purged(tx, from.id).await?
                    {
                        return Ok(Out::Flag(false));
                    }
                    let n = sqlx::query(
                        "UPDATE case_merges SET undone_by = $1, undone_ms = $2, undo_reason = $3 \
                         WHERE id = $4 AND undone_ms IS NULL",
                    )
                    .bind(change.by.to_string())
                    .bind(change.at_ms)
                    .bind(change.reason.clone())
                    .bind(m.id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if n != 1 {
                        return Ok(Out::Flag(false));
                    }
                    for (table, _) in PARTS {
                        sqlx::query(&format!(
                            "DELETE FROM {table} WHERE person_id = $1 AND merged_from = $2"
                        ))
                        .bind(into.person_id.to_string())
                        .bind(from.id.to_string())
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    }
                    for r in &m.reports {
                        sqlx::query("UPDATE reports SET case_id = $1 WHERE id = $2 AND case_id = $3")
                            .bind(from.id.to_string())
                            .bind(r.to_string())
                            .bind(into.id.to_string())
                            .execute(&mut *tx)
                            .await
                            .map_err(db)?;
                    }
                    sqlx::query(
                        "UPDATE cases SET state = $1, resume_state = $2, updated_ms = $3 WHERE id = $4",
                    )
                    .bind(m.from_state.as_str())
                    .bind(m.from_resume_state.map(|s| s.as_str()))
                    .bind(change.at_ms)
                    .bind(from.id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    set_search_text(tx, into.id, &change.into_search_text, change.at_ms).await?;
                    for t in &change.transitions {
                        insert_transition(tx, t).await?;
                    }
                    append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }

    pub(crate) async fn merge_impl(&self, id: MergeId) -> Result<Option<Merge>, StoreError> {
        sqlx::query(&format!(
            "SELECT {MERGE_COLUMNS} FROM case_merges WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .as_ref()
        .map(merge_row)
        .transpose()
    }

    pub(crate) async fn merges_of_impl(&self, case: CaseId) -> Result<Vec<Merge>, StoreError> {
        sqlx::query(&format!(
            "SELECT {MERGE_COLUMNS} FROM case_merges WHERE into_case = $1 OR from_case = $1 \
             ORDER BY created_ms, id"
        ))
        .bind(case.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(merge_row)
        .collect()
    }

    pub(crate) async fn cases_in_impl(&self, ids: &[CaseId]) -> Result<Vec<Case>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {CASE_COLUMNS} FROM cases WHERE id IN ({})",
                crate::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for row in q.fetch_all(&self.reader).await.map_err(db)? {
                out.push(case_row(&row)?);
            }
        }
        Ok(out)
    }
}
