//! Requests and their threads, consent, match notices, the still-held flag
//! and the disclosure index.

use homeward_core::StoreError;
use homeward_core::audit::{AuditDraft, AuditEntry};
use homeward_core::model::{
    CompartmentEntry, Consent, Disclosure, DisclosureRecord, MatchNotice, Request, RequestEvent,
    RequestFilter,
};
use homeward_types::{
    CaseId, CaseState, ConsentId, GrantField, NoticeId, OrgId, RequestId, RequestState,
};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::rows::{get, parse, parse_opt};
use crate::{Arg, Out, SqlStore, db};

/// The states in which a request's grant is in force, as an SQL list.
pub(crate) const IN_FORCE: &str = "'sent', 'acknowledged', 'accepted', 'in_progress'";

const REQUEST_COLUMNS: &str = "id, reference, case_id, from_org, to_org, kind, legal_basis, items, \
     deadline_ms, state, grant_fields, notice_id, matched_case, created_by, created_ms, updated_ms";

fn fields_text(fields: &[GrantField]) -> String {
    fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn fields_of(text: &str) -> Result<Vec<GrantField>, StoreError> {
    text.split(',')
        .filter(|f| !f.is_empty())
        .map(|f| {
            f.parse()
                .map_err(|e: homeward_types::ParseError| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

fn ids_text<T: ToString>(ids: &[T]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn ids_of<T: std::str::FromStr>(text: &str) -> Result<Vec<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.split(',')
        .filter(|f| !f.is_empty())
        .map(|f| {
            f.parse()
                .map_err(|e: T::Err| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

fn request_row(row: &AnyRow) -> Result<Request, StoreError> {
    let grant: String = get(row, "grant_fields")?;
    Ok(Request {
        id: parse(row, "id")?,
        reference: get(row, "reference")?,
        case_id: parse(row, "case_id")?,
        from_org: parse(row, "from_org")?,
        to_org: parse(row, "to_org")?,
        kind: parse(row, "kind")?,
        legal_basis: get(row, "legal_basis")?,
        items: get(row, "items")?,
        deadline_ms: get(row, "deadline_ms")?,
        state: parse(row, "state")?,
        grant: fields_of(&grant)?,
        notice_id: parse_opt(row, "notice_id")?,
        matched_case: parse_opt(row, "matched_case")?,
        created_by: parse(row, "created_by")?,
        created_ms: get(row, "created_ms")?,
        updated_ms: get(row, "updated_ms")?,
    })
}

fn event_row(row: &AnyRow) -> Result<RequestEvent, StoreError> {
    Ok(RequestEvent {
        id: parse(row, "id")?,
        request_id: parse(row, "request_id")?,
        actor: parse(row, "actor")?,
        org_id: parse(row, "org_id")?,
        at_ms: get(row, "at_ms")?,
        from: parse_opt(row, "from_state")?,
        to: parse_opt(row, "to_state")?,
        body: get(row, "body")?,
    })
}

fn consent_row(row: &AnyRow) -> Result<Consent, StoreError> {
    let recipients: String = get(row, "recipients")?;
    Ok(Consent {
        id: parse(row, "id")?,
        case_id: parse(row, "case_id")?,
        org_id: parse(row, "org_id")?,
        scope: parse(row, "scope")?,
        recipients: ids_of(&recipients)?,
        language: get(row, "language")?,
        given_by: get(row, "given_by")?,
        given_on: get(row, "given_on")?,
        expires_on: get(row, "expires_on")?,
        revoked_ms: get(row, "revoked_ms")?,
        created_by: parse(row, "created_by")?,
        created_ms: get(row, "created_ms")?,
    })
}

fn notice_row(row: &AnyRow) -> Result<MatchNotice, StoreError> {
    Ok(MatchNotice {
        id: parse(row, "id")?,
        case_id: parse(row, "case_id")?,
        org_id: parse(row, "org_id")?,
        holder_org: parse(row, "holder_org")?,
        holder_case: parse(row, "holder_case")?,
        created_ms: get(row, "created_ms")?,
        request_id: parse_opt(row, "request_id")?,
    })
}

async fn insert_event(tx: &mut AnyConnection, e: &RequestEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO request_events (id, request_id, actor, org_id, at_ms, from_state, to_state, body) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.id.to_string())
    .bind(e.request_id.to_string())
    .bind(e.actor.to_string())
    .bind(e.org_id.to_string())
    .bind(e.at_ms)
    .bind(e.from.map(|s| s.as_str()))
    .bind(e.to.map(|s| s.as_str()))
    .bind(e.body.clone())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Sets a `sharing` bit of a case (see `Case::HAS_REQUESTS`).
async fn mark(tx: &mut AnyConnection, case: CaseId, bit: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE cases SET sharing = sharing | $1 WHERE id = $2")
        .bind(bit)
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    Ok(())
}

/// Indexes the disclosures among audit entries just linked.
pub(crate) async fn index_disclosures(
    conn: &mut AnyConnection,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    for e in entries {
        let d = &e.draft;
        let Some(x) = &d.disclosure else { continue };
        sqlx::query(
            "INSERT INTO disclosures (seq, at_ms, action, actor_user, actor_org, owner_org, \
             recipient_org, case_id, fields, basis) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.seq)
        .bind(e.at_ms)
        .bind(d.action.clone())
        .bind(d.actor_user.clone())
        .bind(d.actor_org.clone())
        .bind(x.owner_org.to_string())
        .bind(x.recipient_org.map(|o| o.to_string()))
        .bind(x.case_id.map(|c| c.to_string()))
        .bind(fields_text(&x.fields))
        .bind(x.basis.clone())
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

impl SqlStore {
    pub(crate) async fn set_still_held_impl(
        &self,
        case: CaseId,
        still_held: bool,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE cases SET still_held = $1, updated_ms = $2 WHERE id = $3")
                    .bind(i64::from(still_held))
                    .bind(at_ms)
                    .bind(case.to_string())
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

    pub(crate) async fn insert_request_impl(
        &self,
        request: &Request,
        events: &[RequestEvent],
        audit: Vec<AuditDraft>,
    ) -> Result<String, StoreError> {
        let r = request.clone();
        let events = events.to_vec();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let reference = crate::next_reference(
                        tx,
                        crate::Counter::Request,
                        r.from_org,
                        &r.reference,
                    )
                    .await?;
                    sqlx::query(&format!(
                        "INSERT INTO requests ({REQUEST_COLUMNS}) VALUES \
                         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
                    ))
                    .bind(r.id.to_string())
                    .bind(reference.clone())
                    .bind(r.case_id.to_string())
                    .bind(r.from_org.to_string())
                    .bind(r.to_org.to_string())
                    .bind(r.kind.as_str())
                    .bind(r.legal_basis.clone())
                    .bind(r.items.clone())
                    .bind(r.deadline_ms)
                    .bind(r.state.as_str())
                    .bind(fields_text(&r.grant))
                    .bind(r.notice_id.map(|n| n.to_string()))
                    .bind(r.matched_case.map(|c| c.to_string()))
                    .bind(r.created_by.to_string())
                    .bind(r.created_ms)
                    .bind(r.updated_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    for e in &events {
                        insert_event(tx, e).await?;
                    }
                    mark(tx, r.case_id, 1).await?;
                    if let Some(n) = r.notice_id {
                        sqlx::query("UPDATE match_notices SET request_id = $1 WHERE id = $2")
                            .bind(r.id.to_string())
                            .bind(n.to_string())
                            .execute(&mut *tx)
                            .await
                            .map_err(db)?;
                    }
                    crate::append(tx, audit).await?;
                    Ok(Out::Text(reference))
                })
            })
            .await?;
        out.into_text()
    }

    pub(crate) async fn request_impl(&self, id: RequestId) -> Result<Option<Request>, StoreError> {
        sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .as_ref()
        .map(request_row)
        .transpose()
    }

    pub(crate) async fn request_events_impl(
        &self,
        id: RequestId,
    ) -> Result<Vec<RequestEvent>, StoreError> {
        sqlx::query(
            "SELECT id, request_id, actor, org_id, at_ms, from_state, to_state, body \
             FROM request_events WHERE request_id = $1 ORDER BY at_ms, id",
        )
        .bind(id.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(event_row)
        .collect()
    }

    pub(crate) async fn requests_impl(
        &self,
        org: OrgId,
        f: &RequestFilter,
    ) -> Result<Vec<Request>, StoreError> {
        let sent = "from_org = $1";
        let received = "(to_org = $1 AND state <> 'draft')";
        let mut sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE {}",
            match f.sent {
                Some(true) => sent.to_string(),
                Some(false) => received.to_string(),
                None => format!("({sent} OR {received})"),
            }
        );
        let mut args = vec![org.to_string()];
        if f.in_force {
            sql.push_str(&format!(" AND state IN ({IN_FORCE})"));
        }
        if let Some(s) = f.state {
            args.push(s.as_str().to_string());
            sql.push_str(&format!(" AND state = ${}", args.len()));
        }
        if let Some(before) = f.before {
            args.push(before.to_string());
            sql.push_str(&format!(" AND id < ${}", args.len()));
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", f.limit));
        let mut q = sqlx::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(request_row)
            .collect()
    }

    pub(crate) async fn requests_of_case_impl(
        &self,
        case: CaseId,
    ) -> Result<Vec<Request>, StoreError> {
        sqlx::query(&format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(request_row)
        .collect()
    }

    pub(crate) async fn change_request_state_impl(
        &self,
        id: RequestId,
        from: RequestState,
        event: &RequestEvent,
        audit: Vec<AuditDraft>,
    ) -> Result<bool, StoreError> {
        let event = event.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let Some(to) = event.to else {
                        return Err(StoreError::Corrupt("a move without a target state".into()));
                    };
                    let n = sqlx::query(
                        "UPDATE requests SET state = $1, updated_ms = $2 WHERE id = $3 AND state = $4",
                    )
                    .bind(to.as_str())
                    .bind(event.at_ms)
                    .bind(id.to_string())
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if n != 1 {
                        return Ok(Out::Flag(false));
                    }
                    insert_event(tx, &event).await?;
                    crate::append(tx, audit).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }

    pub(crate) async fn insert_request_event_impl(
        &self,
        event: &RequestEvent,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let event = event.clone();
        self.write(move |tx| {
            Box::pin(async move {
                insert_event(tx, &event).await?;
                sqlx::query("UPDATE requests SET updated_ms = $1 WHERE id = $2")
                    .bind(event.at_ms)
                    .bind(event.request_id.to_string())
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

    pub(crate) async fn insert_consent_impl(
        &self,
        c: &Consent,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let c = c.clone();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO consents (id, case_id, org_id, scope, recipients, language, given_by, \
                     given_on, expires_on, revoked_ms, created_by, created_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(c.id.to_string())
                .bind(c.case_id.to_string())
                .bind(c.org_id.to_string())
                .bind(c.scope.as_str())
                .bind(ids_text(&c.recipients))
                .bind(c.language.clone())
                .bind(c.given_by.clone())
                .bind(c.given_on.clone())
                .bind(c.expires_on.clone())
                .bind(c.revoked_ms)
                .bind(c.created_by.to_string())
                .bind(c.created_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                mark(tx, c.case_id, 2).await?;
                crate::append(tx, vec![audit]).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn consents_impl(&self, case: CaseId) -> Result<Vec<Consent>, StoreError> {
        sqlx::query(
            "SELECT id, case_id, org_id, scope, recipients, language, given_by, given_on, \
             expires_on, revoked_ms, created_by, created_ms FROM consents WHERE case_id = $1 ORDER BY id",
        )
        .bind(case.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(consent_row)
        .collect()
    }

    pub(crate) async fn revoke_consent_impl(
        &self,
        id: ConsentId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        self.update_if(
            "UPDATE consents SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL",
            vec![Arg::Int(at_ms), Arg::Text(id.to_string())],
            audit,
        )
        .await
    }

    pub(crate) async fn insert_notices_impl(
        &self,
        notices: &[MatchNotice],
        audit: Vec<AuditDraft>,
    ) -> Result<(), StoreError> {
        let notices = notices.to_vec();
        self.write(move |tx| {
            Box::pin(async move {
                for n in &notices {
                    sqlx::query(
                        "INSERT INTO match_notices (id, case_id, org_id, holder_org, holder_case, \
                         created_ms, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(n.id.to_string())
                    .bind(n.case_id.to_string())
                    .bind(n.org_id.to_string())
                    .bind(n.holder_org.to_string())
                    .bind(n.holder_case.to_string())
                    .bind(n.created_ms)
                    .bind(n.request_id.map(|r| r.to_string()))
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    mark(tx, n.case_id, 4).await?;
                }
                crate::append(tx, audit).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn notices_where(
        &self,
        column: &str,
        id: String,
    ) -> Result<Vec<MatchNotice>, StoreError> {
        sqlx::query(&format!(
            "SELECT id, case_id, org_id, holder_org, holder_case, created_ms, request_id \
             FROM match_notices WHERE {column} = $1 ORDER BY id"
        ))
        .bind(id)
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(notice_row)
        .collect()
    }

    pub(crate) async fn notice_impl(
        &self,
        id: NoticeId,
    ) -> Result<Option<MatchNotice>, StoreError> {
        Ok(self.notices_where("id", id.to_string()).await?.pop())
    }

    pub(crate) async fn cases_with_identifiers_impl(
        &self,
        documents: &[String],
        contacts: &[String],
        exclude: OrgId,
    ) -> Result<Vec<(CaseId, OrgId, CaseState)>, StoreError> {
        let mut args = vec![exclude.to_string()];
        let mut arms = Vec::new();
        let list = |values: &[String], args: &mut Vec<String>| {
            values
                .iter()
                .take(40)
                .map(|v| {
                    args.push(v.clone());
                    format!("${}", args.len())
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        // Driven from the identifier indexes, then cases by subject: never a
        // scan of the cases.
        if !documents.is_empty() {
            let l = list(documents, &mut args);
            arms.push(format!(
                "SELECT c.id, c.org_id, c.state FROM documents d JOIN cases c ON c.person_id = d.person_id \
                 WHERE d.number_key IN ({l}) AND c.org_id <> $1"
            ));
        }
        if !contacts.is_empty() {
            let l = list(contacts, &mut args);
            arms.push(format!(
                "SELECT c.id, c.org_id, c.state FROM contacts k JOIN cases c ON c.person_id = k.person_id \
                 WHERE k.normalised IN ({l}) AND c.org_id <> $1"
            ));
        }
        if arms.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("{} LIMIT 100", arms.join(" UNION "));
        let mut q = sqlx::query(&sql);
        for a in args {
            q = q.bind(a);
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(|r| Ok((parse(r, "id")?, parse(r, "org_id")?, parse(r, "state")?)))
            .collect()
    }

    pub(crate) async fn insert_compartment_entry_impl(
        &self,
        e: &CompartmentEntry,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let e = e.clone();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO compartment_entries (id, case_id, org_id, kind, outcome, body, author, at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(e.id.to_string())
                .bind(e.case_id.to_string())
                .bind(e.org_id.to_string())
                .bind(e.kind.as_str())
                .bind(e.outcome.map(|o| o.as_str()))
                .bind(e.body.clone())
                .bind(e.author.to_string())
                .bind(e.at_ms)
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

    pub(crate) async fn compartment_impl(
        &self,
        case: CaseId,
    ) -> Result<Vec<CompartmentEntry>, StoreError> {
        sqlx::query(
            "SELECT id, case_id, org_id, kind, outcome, body, author, at_ms FROM compartment_entries \
             WHERE case_id = $1 ORDER BY at_ms, id",
        )
        .bind(case.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            Ok(CompartmentEntry {
                id: parse(r, "id")?,
                case_id: parse(r, "case_id")?,
                org_id: parse(r, "org_id")?,
                kind: parse(r, "kind")?,
                outcome: parse_opt(r, "outcome")?,
                body: get(r, "body")?,
                author: parse(r, "author")?,
                at_ms: get(r, "at_ms")?,
            })
        })
        .collect()
    }

    pub(crate) async fn disclosures_impl(
        &self,
        owner: OrgId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DisclosureRecord>, StoreError> {
        let mut sql = String::from(
            "SELECT seq, at_ms, action, actor_user, actor_org, owner_org, recipient_org, case_id, \
             fields, basis FROM disclosures WHERE owner_org = $1",
        );
        if before.is_some() {
            sql.push_str(" AND seq < $2");
        }
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
        let mut q = sqlx::query(&sql).bind(owner.to_string());
        if let Some(b) = before {
            q = q.bind(b);
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let fields: String = get(r, "fields")?;
                Ok(DisclosureRecord {
                    seq: get(r, "seq")?,
                    at_ms: get(r, "at_ms")?,
                    action: get(r, "action")?,
                    actor_user: parse_opt(r, "actor_user")?,
                    actor_org: parse_opt(r, "actor_org")?,
                    disclosure: Disclosure {
                        owner_org: parse(r, "owner_org")?,
                        recipient_org: parse_opt(r, "recipient_org")?,
                        case_id: parse_opt(r, "case_id")?,
                        fields: fields_of(&fields)?,
                        basis: get(r, "basis")?,
                    },
                })
            })
            .collect()
    }
}
