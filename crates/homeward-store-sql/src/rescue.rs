//! Rescue lists and their matches; paging through open cases with their subjects.

use homeward_core::StoreError;
use homeward_core::audit::AuditDraft;
use homeward_core::model::{Case, ListFile, ListMatch, Person, RescueList};
use homeward_types::{CaseId, CaseState, ListMatchId, OrgId, RescueListId, UserId};
use sqlx::any::AnyRow;

use crate::cases::{CASE_COLUMNS, case_row};
use crate::rows::{get, parse, parse_opt};
use crate::{Arg, Out, SqlStore, db};

const MATCH_COLUMNS: &str = "m.id, m.list_id, m.row_no, m.row_text, m.case_id, m.owner_org, \
     m.probability, m.explanation, m.strength, m.status, m.decided_by, m.decided_ms, \
     l.org_id AS l_org, l.name AS l_name, l.file_sha256, l.rows_read, l.unusable, l.release_mode, \
     l.created_by AS l_by, l.created_ms AS l_ms, l.withdrawn_ms AS l_wms, l.withdrawn_by AS l_wby, \
     (SELECT f.file_name FROM rescue_list_files f WHERE f.list_id = l.id) AS l_file";

const LIST_COLUMNS: &str = "id AS list_id, org_id AS l_org, name AS l_name, file_sha256, rows_read, \
     unusable, release_mode, created_by AS l_by, created_ms AS l_ms, withdrawn_ms AS l_wms, \
     withdrawn_by AS l_wby, (SELECT f.file_name FROM rescue_list_files f WHERE f.list_id = rescue_lists.id) AS l_file";

fn list_row(r: &AnyRow) -> Result<RescueList, StoreError> {
    let rows: i64 = get(r, "rows_read")?;
    let unusable: i64 = get(r, "unusable")?;
    Ok(RescueList {
        id: parse(r, "list_id")?,
        org_id: parse(r, "l_org")?,
        name: get(r, "l_name")?,
        file_sha256: get(r, "file_sha256")?,
        rows: usize::try_from(rows).unwrap_or_default(),
        unusable: usize::try_from(unusable).unwrap_or_default(),
        release_mode: parse(r, "release_mode")?,
        created_by: parse_opt(r, "l_by")?,
        created_ms: get(r, "l_ms")?,
        withdrawn_ms: get(r, "l_wms")?,
        withdrawn_by: parse_opt(r, "l_wby")?,
        file_name: get(r, "l_file")?,
    })
}

fn list_match_of(r: &AnyRow) -> Result<ListMatch, StoreError> {
    let row: i64 = get(r, "row_no")?;
    Ok(ListMatch {
        id: parse(r, "id")?,
        list_id: parse(r, "list_id")?,
        row: usize::try_from(row).unwrap_or_default(),
        row_text: get(r, "row_text")?,
        case_id: parse(r, "case_id")?,
        owner_org: parse(r, "owner_org")?,
        probability: get(r, "probability")?,
        explanation: get(r, "explanation")?,
        strength: get(r, "strength")?,
        status: get(r, "status")?,
        decided_by: parse_opt(r, "decided_by")?,
        decided_ms: get(r, "decided_ms")?,
    })
}

fn match_row(r: &AnyRow) -> Result<(ListMatch, RescueList), StoreError> {
    Ok((list_match_of(r)?, list_row(r)?))
}

impl SqlStore {
    pub(crate) async fn case_persons_impl(
        &self,
        exclude: &[CaseState],
        after: Option<CaseId>,
        limit: u32,
    ) -> Result<Vec<(Case, Person)>, StoreError> {
        let mut sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id > $1");
        for i in 0..exclude.len() {
            sql.push_str(&format!(" AND state <> ${}", i + 2));
        }
        sql.push_str(&format!(" ORDER BY id LIMIT {limit}"));
        let mut q = sqlx::query(&sql).bind(after.map_or_else(String::new, |a| a.to_string()));
        for s in exclude {
            q = q.bind(s.as_str());
        }
        let mut conn = self.reader.acquire().await.map_err(db)?;
        let cases = q
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?
            .iter()
            .map(case_row)
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<_> = cases.iter().map(|c| c.person_id).collect();
        let mut persons = Self::persons_on(&mut conn, &ids).await?;
        Ok(cases
            .into_iter()
            .filter_map(|c| persons.remove(&c.person_id).map(|p| (c, p)))
            .collect())
    }

    pub(crate) async fn insert_rescue_list_impl(
        &self,
        list: &RescueList,
        file: Option<&ListFile>,
        matches: &[ListMatch],
        audit: Vec<AuditDraft>,
    ) -> Result<(), StoreError> {
        let list = list.clone();
        let file = file.cloned();
        let matches = matches.to_vec();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO rescue_lists (id, org_id, name, file_sha256, rows_read, unusable, \
                     release_mode, created_by, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(list.id.to_string())
                .bind(list.org_id.to_string())
                .bind(list.name.clone())
                .bind(list.file_sha256.clone())
                .bind(i64::try_from(list.rows).unwrap_or(i64::MAX))
                .bind(i64::try_from(list.unusable).unwrap_or(i64::MAX))
                .bind(list.release_mode.as_str())
                .bind(list.created_by.map(|u| u.to_string()))
                .bind(list.created_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                if let Some(f) = &file {
                    sqlx::query(
                        "INSERT INTO rescue_list_files (list_id, file_name, media_type, bytes) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(list.id.to_string())
                    .bind(f.name.clone())
                    .bind(f.media_type.clone())
                    .bind(f.bytes.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                for m in &matches {
                    sqlx::query(
                        "INSERT INTO list_matches (id, list_id, row_no, row_text, case_id, owner_org, \
                         probability, explanation, strength, status) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(m.id.to_string())
                    .bind(m.list_id.to_string())
                    .bind(i64::try_from(m.row).unwrap_or(i64::MAX))
                    .bind(m.row_text.clone())
                    .bind(m.case_id.to_string())
                    .bind(m.owner_org.to_string())
                    .bind(m.probability)
                    .bind(m.explanation.clone())
                    .bind(m.strength.clone())
                    .bind(m.status.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                crate::append(tx, audit).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn list_matches_impl(
        &self,
        owner: OrgId,
    ) -> Result<Vec<(ListMatch, RescueList)>, StoreError> {
        sqlx::query(&format!(
            "SELECT {MATCH_COLUMNS} FROM list_matches m JOIN rescue_lists l ON l.id = m.list_id \
             WHERE m.owner_org = $1 ORDER BY l.created_ms DESC, m.row_no LIMIT 5000"
        ))
        .bind(owner.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(match_row)
        .collect()
    }

    pub(crate) async fn list_match_impl(
        &self,
        id: ListMatchId,
    ) -> Result<Option<(ListMatch, RescueList)>, StoreError> {
        sqlx::query(&format!(
            "SELECT {MATCH_COLUMNS} FROM list_matches m JOIN rescue_lists l ON l.id = m.list_id \
             WHERE m.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .as_ref()
        .map(match_row)
        .transpose()
    }

    pub(crate) async fn decide_list_match_impl(
        &self,
        id: ListMatchId,
        status: &str,
        by: UserId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        self.update_if(
            "UPDATE list_matches SET status = $1, decided_by = $2, decided_ms = $3 \
             WHERE id = $4 AND status = 'pending'",
            vec![
                Arg::Text(status.to_string()),
                Arg::Text(by.to_string()),
                Arg::Int(at_ms),
                Arg::Text(id.to_string()),
            ],
            audit,
        )
        .await
    }

    pub(crate) async fn rescue_list_impl(
        &self,
        id: RescueListId,
    ) -> Result<Option<RescueList>, StoreError> {
        sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM rescue_lists WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .as_ref()
        .map(list_row)
        .transpose()
    }

    pub(crate) async fn rescue_lists_impl(
        &self,
        org: OrgId,
    ) -> Result<Vec<RescueList>, StoreError> {
        sqlx::query(&format!(
            "SELECT {LIST_COLUMNS} FROM rescue_lists WHERE org_id = $1 ORDER BY created_ms DESC, id DESC LIMIT 500"
        ))
        .bind(org.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(list_row)
        .collect()
    }

    pub(crate) async fn matches_of_list_impl(
        &self,
        list: RescueListId,
    ) -> Result<Vec<ListMatch>, StoreError> {
        sqlx::query(
            "SELECT id, list_id, row_no, row_text, case_id, owner_org, probability, explanation, \
             strength, status, decided_by, decided_ms FROM list_matches WHERE list_id = $1 ORDER BY row_no",
        )
        .bind(list.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(list_match_of)
        .collect()
    }

    pub(crate) async fn list_file_impl(
        &self,
        list: RescueListId,
    ) -> Result<Option<ListFile>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT file_name, media_type, bytes FROM rescue_list_files WHERE list_id = $1",
        )
        .bind(list.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        Ok(Some(ListFile {
            name: get(&r, "file_name")?,
            media_type: get(&r, "media_type")?,
            bytes: get(&r, "bytes")?,
        }))
    }

    pub(crate) async fn withdraw_rescue_list_impl(
        &self,
        id: RescueListId,
        by: UserId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let n = sqlx::query(
                        "UPDATE rescue_lists SET withdrawn_ms = $1, withdrawn_by = $2 \
                         WHERE id = $3 AND withdrawn_ms IS NULL",
                    )
                    .bind(at_ms)
                    .bind(by.to_string())
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if n != 1 {
                        return Ok(Out::Flag(false));
                    }
                    sqlx::query(
                        "UPDATE list_matches SET status = 'withdrawn' WHERE list_id = $1 AND status = 'pending'",
                    )
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }
}
