//! Sharing groups and marking changes.

use homeward_core::StoreError;
use homeward_core::audit::AuditDraft;
use homeward_core::model::SharingGroup;
use homeward_types::{CaseId, Marking, OrgId, SharingGroupId};
use sqlx::any::AnyRow;

use crate::rows::{get, parse};
use crate::{Out, SqlStore, db};

/// Rows of `groups ⋈ members` ordered by group, folded into groups.
fn fold(rows: &[AnyRow]) -> Result<Vec<SharingGroup>, StoreError> {
    let mut out: Vec<SharingGroup> = Vec::new();
    for r in rows {
        let id: SharingGroupId = parse(r, "id")?;
        let member: OrgId = parse(r, "member")?;
        match out.last_mut() {
            Some(g) if g.id == id => g.members.push(member),
            _ => out.push(SharingGroup {
                id,
                owner_org: parse(r, "owner_org")?,
                name: get(r, "name")?,
                members: vec![member],
                created_ms: get(r, "created_ms")?,
            }),
        }
    }
    Ok(out)
}

const GROUP_SELECT: &str = "SELECT g.id, g.owner_org, g.name, g.created_ms, m.org_id AS member \
     FROM sharing_groups g JOIN sharing_group_members m ON m.group_id = g.id";

impl SqlStore {
    pub(crate) async fn insert_group_impl(
        &self,
        g: &SharingGroup,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let g = g.clone();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO sharing_groups (id, owner_org, name, created_ms) VALUES ($1, $2, $3, $4)",
                )
                .bind(g.id.to_string())
                .bind(g.owner_org.to_string())
                .bind(g.name.clone())
                .bind(g.created_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                for m in &g.members {
                    sqlx::query(
                        "INSERT INTO sharing_group_members (group_id, org_id, added_ms) VALUES ($1, $2, $3)",
                    )
                    .bind(g.id.to_string())
                    .bind(m.to_string())
                    .bind(g.created_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                }
                crate::append(tx, vec![audit]).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn add_group_member_impl(
        &self,
        group: SharingGroupId,
        org: OrgId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO sharing_group_members (group_id, org_id, added_ms) \
                     SELECT $1, $2, $3 WHERE NOT EXISTS \
                     (SELECT 1 FROM sharing_group_members WHERE group_id = $1 AND org_id = $2)",
                )
                .bind(group.to_string())
                .bind(org.to_string())
                .bind(at_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                crate::append(tx, vec![audit]).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn group_impl(
        &self,
        id: SharingGroupId,
    ) -> Result<Option<SharingGroup>, StoreError> {
        let sql = format!("{GROUP_SELECT} WHERE g.id = $1 ORDER BY g.id, m.added_ms, m.org_id");
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(db)?;
        Ok(fold(&rows)?.pop())
    }

    pub(crate) async fn groups_of_impl(&self, org: OrgId) -> Result<Vec<SharingGroup>, StoreError> {
        let sql = format!(
            "{GROUP_SELECT} WHERE g.id IN (SELECT group_id FROM sharing_group_members WHERE org_id = $1) \
             ORDER BY g.id, m.added_ms, m.org_id"
        );
        let rows = sqlx::query(&sql)
            .bind(org.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(db)?;
        fold(&rows)
    }

    pub(crate) async fn change_marking_impl(
        &self,
        case: CaseId,
        from: Marking,
        to: Marking,
        group: Option<SharingGroupId>,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let n = sqlx::query(
                        "UPDATE cases SET marking = $1, sharing_group_id = $2, updated_ms = $3 \
                         WHERE id = $4 AND marking = $5",
                    )
                    .bind(to.as_str())
                    .bind(group.map(|g| g.to_string()))
                    .bind(at_ms)
                    .bind(case.to_string())
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if n != 1 {
                        return Ok(Out::Flag(false));
                    }
                    // The person and reports carry the case's marking.
                    sqlx::query(
                        "UPDATE persons SET marking = $1 WHERE id IN \
                         (SELECT person_id FROM cases WHERE id = $2)",
                    )
                    .bind(to.as_str())
                    .bind(case.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    sqlx::query("UPDATE reports SET marking = $1 WHERE case_id = $2")
                        .bind(to.as_str())
                        .bind(case.to_string())
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
