//! Group cases, their members and history; the report and milestone
//! lookups of group suggestions and the partner report.

use homeward_core::StoreError;
use homeward_core::access::Visibility;
use homeward_core::audit::AuditDraft;
use homeward_core::model::{Case, GroupCase, GroupEvent, GroupMember, Report};
use homeward_types::{CaseId, CaseState, GroupCaseId};
use sqlx::any::AnyRow;

use crate::cases::{CASE_COLUMNS, REPORT_COLUMNS, case_row, opt_str, report_row, visible_where};
use crate::rows::{get, parse, parse_opt};
use crate::{Out, SqlStore, db, placeholders};

const GROUP_COLUMNS: &str = "id, reference, org_id, grouped_by, label, site_id, recruiter, \
     period_from, period_to, marking, sharing_group_id, created_by, created_ms, updated_ms";

/// Case columns prefixed with `c.`, for joins.
fn case_columns() -> String {
    CASE_COLUMNS
        .split(", ")
        .map(|c| format!("c.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Group-case columns prefixed with `g.` and renamed `g_…`, for joins.
fn group_columns() -> String {
    GROUP_COLUMNS
        .split(", ")
        .map(|c| format!("g.{c} AS g_{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn group_row(r: &AnyRow, p: &str) -> Result<GroupCase, StoreError> {
    let c = |name: &str| format!("{p}{name}");
    Ok(GroupCase {
        id: parse(r, &c("id"))?,
        reference: get(r, &c("reference"))?,
        org_id: parse(r, &c("org_id"))?,
        grouping: parse(r, &c("grouped_by"))?,
        label: get(r, &c("label"))?,
        site_id: parse_opt(r, &c("site_id"))?,
        recruiter: get(r, &c("recruiter"))?,
        period_from: get(r, &c("period_from"))?,
        period_to: get(r, &c("period_to"))?,
        marking: parse(r, &c("marking"))?,
        sharing_group_id: parse_opt(r, &c("sharing_group_id"))?,
        created_by: parse(r, &c("created_by"))?,
        created_ms: get(r, &c("created_ms"))?,
        updated_ms: get(r, &c("updated_ms"))?,
    })
}

fn event_row(r: &AnyRow) -> Result<GroupEvent, StoreError> {
    Ok(GroupEvent {
        group_id: parse(r, "e_group")?,
        case_id: parse(r, "e_case")?,
        added: get::<i64>(r, "e_added")? != 0,
        reason: get(r, "e_reason")?,
        actor: parse(r, "e_actor")?,
        at_ms: get(r, "e_at")?,
    })
}

const EVENT_COLUMNS: &str = "e.group_id AS e_group, e.case_id AS e_case, e.added AS e_added, \
     e.reason AS e_reason, e.actor AS e_actor, e.at_ms AS e_at";

impl SqlStore {
    pub(crate) async fn insert_group_case_impl(
        &self,
        group: &GroupCase,
        audit: AuditDraft,
    ) -> Result<String, StoreError> {
        let g = group.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let reference =
                        crate::next_reference(tx, crate::Counter::Group, g.org_id, &g.reference)
                            .await?;
                    sqlx::query(&format!(
                        "INSERT INTO group_cases ({GROUP_COLUMNS}) VALUES ({})",
                        placeholders(1, 14)
                    ))
                    .bind(g.id.to_string())
                    .bind(reference.clone())
                    .bind(g.org_id.to_string())
                    .bind(g.grouping.as_str())
                    .bind(g.label.clone())
                    .bind(opt_str(g.site_id))
                    .bind(g.recruiter.clone())
                    .bind(g.period_from.clone())
                    .bind(g.period_to.clone())
                    .bind(g.marking.as_str())
                    .bind(opt_str(g.sharing_group_id))
                    .bind(g.created_by.to_string())
                    .bind(g.created_ms)
                    .bind(g.updated_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Text(reference))
                })
            })
            .await?;
        out.into_text()
    }

    pub(crate) async fn group_case_impl(
        &self,
        id: GroupCaseId,
    ) -> Result<Option<GroupCase>, StoreError> {
        sqlx::query(&format!(
            "SELECT {GROUP_COLUMNS} FROM group_cases WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .as_ref()
        .map(|r| group_row(r, ""))
        .transpose()
    }

    pub(crate) async fn group_cases_impl(
        &self,
        vis: &Visibility,
        before: Option<GroupCaseId>,
        limit: u32,
    ) -> Result<Vec<GroupCase>, StoreError> {
        // Requests are about individual cases: they never show a group case.
        let vis = Visibility {
            via_requests: false,
            ..vis.clone()
        };
        let mut args = Vec::new();
        let mut sql = format!(
            "SELECT {GROUP_COLUMNS} FROM group_cases WHERE {}",
            visible_where(&vis, &mut args)
        );
        if let Some(b) = before {
            args.push(b.to_string());
            sql.push_str(&format!(" AND id < ${}", args.len()));
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let mut q = sqlx::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(|r| group_row(r, ""))
            .collect()
    }

    pub(crate) async fn change_group_member_impl(
        &self,
        event: &GroupEvent,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let e = event.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let group = e.group_id.to_string();
                    let case = e.case_id.to_string();
                    let changed = if e.added {
                        sqlx::query(
                            "INSERT INTO group_members (group_id, case_id, added_by, added_ms, reason) \
                             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS \
                             (SELECT 1 FROM group_members WHERE group_id = $1 AND case_id = $2)",
                        )
                        .bind(group.clone())
                        .bind(case.clone())
                        .bind(e.actor.to_string())
                        .bind(e.at_ms)
                        .bind(e.reason.clone())
                        .execute(&mut *tx)
                        .await
                    } else {
                        sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND case_id = $2")
                            .bind(group.clone())
                            .bind(case.clone())
                            .execute(&mut *tx)
                            .await
                    }
                    .map_err(db)?
                    .rows_affected();
                    if changed != 1 {
                        return Ok(Out::Flag(false));
                    }
                    sqlx::query(
                        "INSERT INTO group_events (group_id, seq, case_id, added, reason, actor, at_ms) \
                         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM group_events WHERE group_id = $1), \
                         $2, $3, $4, $5, $6)",
                    )
                    .bind(group.clone())
                    .bind(case)
                    .bind(i64::from(e.added))
                    .bind(e.reason.clone())
                    .bind(e.actor.to_string())
                    .bind(e.at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    sqlx::query("UPDATE group_cases SET updated_ms = $1 WHERE id = $2")
                        .bind(e.at_ms)
                        .bind(group)
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

    pub(crate) async fn group_members_impl(
        &self,
        id: GroupCaseId,
    ) -> Result<Vec<(GroupMember, Case)>, StoreError> {
        sqlx::query(&format!(
            "SELECT m.group_id AS m_group, m.added_by AS m_by, m.added_ms AS m_at, m.reason AS m_reason, \
             {} FROM group_members m JOIN cases c ON c.id = m.case_id \
             WHERE m.group_id = $1 ORDER BY m.added_ms, c.id",
            case_columns()
        ))
        .bind(id.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            let case = case_row(r)?;
            Ok((
                GroupMember {
                    group_id: parse(r, "m_group")?,
                    case_id: case.id,
                    added_by: parse(r, "m_by")?,
                    added_ms: get(r, "m_at")?,
                    reason: get(r, "m_reason")?,
                },
                case,
            ))
        })
        .collect()
    }

    pub(crate) async fn group_events_impl(
        &self,
        id: GroupCaseId,
    ) -> Result<Vec<(GroupEvent, Case)>, StoreError> {
        sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS}, {} FROM group_events e JOIN cases c ON c.id = e.case_id \
             WHERE e.group_id = $1 ORDER BY e.seq",
            case_columns()
        ))
        .bind(id.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(|r| Ok((event_row(r)?, case_row(r)?)))
        .collect()
    }

    pub(crate) async fn case_group_events_impl(
        &self,
        case: CaseId,
    ) -> Result<Vec<(GroupEvent, GroupCase)>, StoreError> {
        sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS}, {} FROM group_events e JOIN group_cases g ON g.id = e.group_id \
             WHERE e.case_id = $1 ORDER BY e.at_ms, e.group_id, e.seq",
            group_columns()
        ))
        .bind(case.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(|r| Ok((event_row(r)?, group_row(r, "g_")?)))
        .collect()
    }

    pub(crate) async fn reports_of_cases_impl(
        &self,
        cases: &[CaseId],
    ) -> Result<Vec<Report>, StoreError> {
        if cases.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE case_id IN ({}) ORDER BY created_ms, id",
            placeholders(1, cases.len())
        );
        let mut q = sqlx::query(&sql);
        for c in cases {
            q = q.bind(c.to_string());
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(report_row)
            .collect()
    }

    pub(crate) async fn case_milestones_impl(
        &self,
        cases: &[CaseId],
        states: &[CaseState],
    ) -> Result<Vec<(CaseId, CaseState, i64)>, StoreError> {
        if cases.is_empty() || states.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT case_id, to_state, MIN(at_ms) AS first_ms FROM case_transitions \
             WHERE case_id IN ({}) AND to_state IN ({}) GROUP BY case_id, to_state",
            placeholders(1, cases.len()),
            placeholders(cases.len() + 1, states.len())
        );
        let mut q = sqlx::query(&sql);
        for c in cases {
            q = q.bind(c.to_string());
        }
        for s in states {
            q = q.bind(s.as_str());
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok((
                    parse(r, "case_id")?,
                    parse(r, "to_state")?,
                    get(r, "first_ms")?,
                ))
            })
            .collect()
    }
}
