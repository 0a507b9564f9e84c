//! Cases, persons, reports, transitions and notes.

use std::collections::HashMap;

use homeward_core::StoreError;
use homeward_core::access::Visibility;
use homeward_core::audit::AuditDraft;
use homeward_core::model::{
    Case, CaseBundle, CaseFilter, Contact, Document, Note, Person, PersonName, Report, Transition,
};
use homeward_core::store::{NewCase, StateChange};
use homeward_types::{CaseId, PersonId};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::rows::{codes, get, parse, parse_opt, uncodes};
use crate::{Out, SqlStore, db};

/// Persons read per query (bound as one parameter each).
const PERSON_CHUNK: usize = 500;

pub(crate) const CASE_COLUMNS: &str = "id, reference, org_id, kind, state, resume_state, priority, marking, \
     sharing_group_id, person_id, site_id, release_mode, still_held, sharing, subject_display, nationalities, search_text, created_ms, updated_ms";

pub(crate) fn case_row(row: &AnyRow) -> Result<Case, StoreError> {
    let nat: String = get(row, "nationalities")?;
    Ok(Case {
        id: parse(row, "id")?,
        reference: get(row, "reference")?,
        org_id: parse(row, "org_id")?,
        kind: parse(row, "kind")?,
        state: parse(row, "state")?,
        resume_state: parse_opt(row, "resume_state")?,
        priority: parse(row, "priority")?,
        marking: parse(row, "marking")?,
        sharing_group_id: parse_opt(row, "sharing_group_id")?,
        person_id: parse(row, "person_id")?,
        site_id: parse_opt(row, "site_id")?,
        release_mode: parse_opt(row, "release_mode")?,
        still_held: get::<i64>(row, "still_held")? != 0,
        sharing: get(row, "sharing")?,
        subject_display: get(row, "subject_display")?,
        nationalities: uncodes(&nat),
        search_text: get(row, "search_text")?,
        created_ms: get(row, "created_ms")?,
        updated_ms: get(row, "updated_ms")?,
    })
}

pub(crate) const REPORT_COLUMNS: &str = "id, org_id, case_id, person_id, marking, created_by, created_ms, reporter_name, \
     reporter_relationship, reporter_contact, last_contact_date, last_contact_channel, \
     last_seen_place, recruitment_channel, job_promised, narrative";

pub(crate) fn report_row(r: &AnyRow) -> Result<Report, StoreError> {
    Ok(Report {
        id: parse(r, "id")?,
        org_id: parse(r, "org_id")?,
        case_id: parse(r, "case_id")?,
        person_id: parse(r, "person_id")?,
        marking: parse(r, "marking")?,
        created_by: parse(r, "created_by")?,
        created_ms: get(r, "created_ms")?,
        reporter_name: get(r, "reporter_name")?,
        reporter_relationship: get(r, "reporter_relationship")?,
        reporter_contact: get(r, "reporter_contact")?,
        last_contact_date: get(r, "last_contact_date")?,
        last_contact_channel: get(r, "last_contact_channel")?,
        last_seen_place: get(r, "last_seen_place")?,
        recruitment_channel: get(r, "recruitment_channel")?,
        job_promised: get(r, "job_promised")?,
        narrative: get(r, "narrative")?,
    })
}

/// The visibility rule as a SQL condition over a table with `id`, `org_id`,
/// `marking` and `sharing_group_id`, pushing its values to `args` (numbered
/// from `$1`, the viewer's organisation, so it must come first).
pub(crate) fn visible_where(vis: &Visibility, args: &mut Vec<String>) -> String {
    args.push(vis.own_org.to_string());
    let mut markings = Vec::new();
    for m in &vis.network_markings {
        args.push(m.as_str().to_string());
        markings.push(format!("${}", args.len()));
    }
    let mut groups = Vec::new();
    for g in &vis.groups {
        args.push(g.to_string());
        groups.push(format!("${}", args.len()));
    }
    let mut sql = String::from("(org_id = $1");
    if !markings.is_empty() {
        sql.push_str(&format!(" OR marking IN ({})", markings.join(", ")));
    }
    if !groups.is_empty() {
        sql.push_str(&format!(
            " OR (marking = 'amber' AND sharing_group_id IN ({}))",
            groups.join(", ")
        ));
    }
    if vis.via_requests {
        sql.push_str(&format!(
            " OR id IN (SELECT case_id FROM requests WHERE to_org = $1 AND state IN ({}))",
            crate::requests::IN_FORCE
        ));
    }
    sql.push(')');
    sql
}

pub(crate) fn opt_str<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

async fn insert_person(tx: &mut AnyConnection, p: &Person) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO persons (id, org_id, marking, sex, birth_date, nationalities, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(p.id.to_string())
    .bind(p.org_id.to_string())
    .bind(p.marking.as_str())
    .bind(opt_str(p.sex))
    .bind(p.birth_date.clone())
    .bind(codes(&p.nationalities))
    .bind(p.created_ms)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    for (i, n) in p.names.iter().enumerate() {
        sqlx::query(
            "INSERT INTO person_names (person_id, position, text, script, given, family, system) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(p.id.to_string())
        .bind(i as i64)
        .bind(n.text.clone())
        .bind(n.script.as_str())
        .bind(n.given.clone())
        .bind(n.family.clone())
        .bind(n.system.clone())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    for (i, d) in p.documents.iter().enumerate() {
        sqlx::query(
            "INSERT INTO documents (person_id, position, kind, number, issuing_state, check_digit_valid, number_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(p.id.to_string())
        .bind(i as i64)
        .bind(d.kind.as_str())
        .bind(d.number.clone())
        .bind(d.issuing_state.clone())
        .bind(d.check_digit_valid.map(i64::from))
        .bind(homeward_core::normalise::document_key(&d.number))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    for (i, c) in p.contacts.iter().enumerate() {
        sqlx::query(
            "INSERT INTO contacts (person_id, position, kind, raw, normalised) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(p.id.to_string())
        .bind(i as i64)
        .bind(c.kind.as_str())
        .bind(c.raw.clone())
        .bind(c.normalised.clone())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// A case, on a connection (a reader or a write transaction).
pub(crate) async fn case_on(
    conn: &mut AnyConnection,
    id: CaseId,
) -> Result<Option<Case>, StoreError> {
    sqlx::query(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?
        .as_ref()
        .map(case_row)
        .transpose()
}

pub(crate) async fn insert_transition(
    tx: &mut AnyConnection,
    t: &Transition,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_transitions (case_id, position, from_state, to_state, reason, release_mode, actor, at_ms) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM case_transitions WHERE case_id = $1), \
         $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.case_id.to_string())
    .bind(t.from.as_str())
    .bind(t.to.as_str())
    .bind(t.reason.clone())
    .bind(opt_str(t.release_mode))
    .bind(t.actor.to_string())
    .bind(t.at_ms)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

impl SqlStore {
    pub(crate) async fn insert_case_impl(
        &self,
        new: &NewCase,
        audit: AuditDraft,
    ) -> Result<String, StoreError> {
        let new = new.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
        let reference = crate::next_reference(
            tx,
            crate::Counter::Case,
            new.case.org_id,
            &new.case.reference,
        )
        .await?;
        insert_person(tx, &new.person).await?;
        let c = &new.case;
        sqlx::query(
            "INSERT INTO cases (id, reference, org_id, kind, state, resume_state, priority, marking, \
             person_id, site_id, release_mode, subject_display, nationalities, search_text, created_ms, updated_ms, \
             sharing_group_id, still_held) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
        )
        .bind(c.id.to_string())
        .bind(reference.clone())
        .bind(c.org_id.to_string())
        .bind(c.kind.as_str())
        .bind(c.state.as_str())
        .bind(opt_str(c.resume_state))
        .bind(c.priority.as_str())
        .bind(c.marking.as_str())
        .bind(c.person_id.to_string())
        .bind(opt_str(c.site_id))
        .bind(opt_str(c.release_mode))
        .bind(c.subject_display.clone())
        .bind(codes(&c.nationalities))
        .bind(format!("{} | {}", c.search_text, reference.to_lowercase()))
        .bind(c.created_ms)
        .bind(c.updated_ms)
        .bind(opt_str(c.sharing_group_id))
        .bind(i64::from(c.still_held))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let r = &new.report;
        sqlx::query(
            "INSERT INTO reports (id, org_id, case_id, person_id, marking, created_by, created_ms, \
             reporter_name, reporter_relationship, reporter_contact, last_contact_date, last_contact_channel, \
             last_seen_place, recruitment_channel, job_promised, narrative) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(r.id.to_string())
        .bind(r.org_id.to_string())
        .bind(r.case_id.to_string())
        .bind(r.person_id.to_string())
        .bind(r.marking.as_str())
        .bind(r.created_by.to_string())
        .bind(r.created_ms)
        .bind(r.reporter_name.clone())
        .bind(r.reporter_relationship.clone())
        .bind(r.reporter_contact.clone())
        .bind(r.last_contact_date.clone())
        .bind(r.last_contact_channel.clone())
        .bind(r.last_seen_place.clone())
        .bind(r.recruitment_channel.clone())
        .bind(r.job_promised.clone())
        .bind(r.narrative.clone())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        insert_transition(tx, &new.opened).await?;
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Text(reference))
                })
            })
            .await?;
        out.into_text()
    }

    pub(crate) async fn case_impl(&self, id: CaseId) -> Result<Option<Case>, StoreError> {
        let mut conn = self.reader.acquire().await.map_err(db)?;
        case_on(&mut conn, id).await
    }

    /// A person with names, documents and contacts.
    pub(crate) async fn person_on(
        conn: &mut AnyConnection,
        id: PersonId,
    ) -> Result<Option<Person>, StoreError> {
        Ok(Self::persons_on(conn, &[id]).await?.remove(&id))
    }

    /// Persons with their names, documents and contacts, two queries per
    /// [`PERSON_CHUNK`] ids (the three lists come back as one `UNION ALL`,
    /// tagged by part).
    pub(crate) async fn persons_on(
        conn: &mut AnyConnection,
        ids: &[PersonId],
    ) -> Result<HashMap<PersonId, Person>, StoreError> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(PERSON_CHUNK) {
            let list = crate::placeholders(1, chunk.len());
            let keys: Vec<String> = chunk.iter().map(ToString::to_string).collect();
            let sql = format!(
                "SELECT id, org_id, marking, sex, birth_date, nationalities, created_ms \
                 FROM persons WHERE id IN ({list})"
            );
            let mut q = sqlx::query(&sql);
            for k in &keys {
                q = q.bind(k.clone());
            }
            for row in q.fetch_all(&mut *conn).await.map_err(db)? {
                let nat: String = get(&row, "nationalities")?;
                let p = Person {
                    id: parse(&row, "id")?,
                    org_id: parse(&row, "org_id")?,
                    marking: parse(&row, "marking")?,
                    sex: parse_opt(&row, "sex")?,
                    birth_date: get(&row, "birth_date")?,
                    nationalities: uncodes(&nat),
                    names: Vec::new(),
                    documents: Vec::new(),
                    contacts: Vec::new(),
                    created_ms: get(&row, "created_ms")?,
                };
                out.insert(p.id, p);
            }
            let sql = format!(
                "SELECT person_id, 'n' AS part, position, text AS a, script AS b, given AS c, family AS d, system AS e, merged_from AS f \
                 FROM person_names WHERE person_id IN ({list}) \
                 UNION ALL SELECT person_id, 'd', position, kind, number, issuing_state, \
                 CAST(check_digit_valid AS TEXT), CAST(NULL AS TEXT), merged_from FROM documents WHERE person_id IN ({list}) \
                 UNION ALL SELECT person_id, 'c', position, kind, raw, normalised, CAST(NULL AS TEXT), CAST(NULL AS TEXT), merged_from \
                 FROM contacts WHERE person_id IN ({list}) \
                 ORDER BY 1, 2, 3"
            );
            let mut q = sqlx::query(&sql);
            for k in &keys {
                q = q.bind(k.clone());
            }
            for r in &q.fetch_all(&mut *conn).await.map_err(db)? {
                let owner: PersonId = parse(r, "person_id")?;
                let Some(p) = out.get_mut(&owner) else {
                    continue;
                };
                let part: String = get(r, "part")?;
                let merged_from = parse_opt(r, "f")?;
                match part.as_str() {
                    "n" => p.names.push(PersonName {
                        text: get(r, "a")?,
                        script: parse(r, "b")?,
                        given: get(r, "c")?,
                        family: get(r, "d")?,
                        system: get(r, "e")?,
                        merged_from,
                    }),
                    "d" => p.documents.push(Document {
                        kind: parse(r, "a")?,
                        number: get(r, "b")?,
                        issuing_state: get(r, "c")?,
                        check_digit_valid: get::<Option<String>>(r, "d")?.map(|v| v != "0"),
                        merged_from,
                    }),
                    _ => p.contacts.push(Contact {
                        kind: parse(r, "a")?,
                        raw: get(r, "b")?,
                        normalised: get(r, "c")?,
                        merged_from,
                    }),
                }
            }
        }
        Ok(out)
    }

    pub(crate) async fn case_bundle_impl(
        &self,
        id: CaseId,
    ) -> Result<Option<CaseBundle>, StoreError> {
        let mut conn = self.reader.acquire().await.map_err(db)?;
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
        let Some(case) = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(db)?
            .as_ref()
            .map(case_row)
            .transpose()?
        else {
            return Ok(None);
        };
        let person = Self::person_on(&mut conn, case.person_id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("case {id} has no person")))?;
        let cid = id.to_string();
        let reports = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM reports WHERE case_id = $1 ORDER BY created_ms, id"
        ))
        .bind(cid.clone())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(report_row)
        .collect::<Result<Vec<_>, _>>()?;
        let transitions = sqlx::query(
            "SELECT case_id, from_state, to_state, reason, release_mode, actor, at_ms \
             FROM case_transitions WHERE case_id = $1 ORDER BY position",
        )
        .bind(cid.clone())
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            Ok(Transition {
                case_id: parse(r, "case_id")?,
                from: parse(r, "from_state")?,
                to: parse(r, "to_state")?,
                reason: get(r, "reason")?,
                release_mode: parse_opt(r, "release_mode")?,
                actor: parse(r, "actor")?,
                at_ms: get(r, "at_ms")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let notes = sqlx::query(
            "SELECT id, case_id, author, at_ms, body FROM notes WHERE case_id = $1 ORDER BY at_ms, id",
        )
        .bind(cid)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            Ok(Note {
                id: parse(r, "id")?,
                case_id: parse(r, "case_id")?,
                author: parse(r, "author")?,
                at_ms: get(r, "at_ms")?,
                body: get(r, "body")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(CaseBundle {
            case,
            person,
            reports,
            transitions,
            notes,
        }))
    }

    pub(crate) async fn cases_impl(
        &self,
        vis: &Visibility,
        f: &CaseFilter,
    ) -> Result<Vec<Case>, StoreError> {
        let mut args: Vec<String> = Vec::new();
        let mut sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE {}",
            visible_where(vis, &mut args)
        );
        if let Some(state) = f.state {
            args.push(state.as_str().into());
            sql.push_str(&format!(" AND state = ${}", args.len()));
        }
        if let Some(n) = &f.nationality {
            args.push(format!("%,{n},%"));
            sql.push_str(&format!(" AND nationalities LIKE ${}", args.len()));
        }
        if let Some(site) = f.site_id {
            args.push(site.to_string());
            sql.push_str(&format!(" AND site_id = ${}", args.len()));
        }
        if let Some(text) = &f.text {
            let escaped = text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            args.push(format!("%{escaped}%"));
            // Names are searchable only in the viewer's own cases; others'
            // cases match on their reference alone (no existence oracle).
            sql.push_str(&format!(
                " AND ((org_id = $1 AND search_text LIKE ${n} ESCAPE '\\') OR LOWER(reference) LIKE ${n} ESCAPE '\\')",
                n = args.len()
            ));
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
            .map(case_row)
            .collect()
    }

    pub(crate) async fn change_state_impl(
        &self,
        change: &StateChange,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let change = change.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let t = &change.transition;
                    let updated = sqlx::query(
                        "UPDATE cases SET state = $1, resume_state = $2, \
             release_mode = COALESCE($3, release_mode), updated_ms = $4 \
             WHERE id = $5 AND state = $6",
                    )
                    .bind(t.to.as_str())
                    .bind(opt_str(change.resume_state))
                    .bind(opt_str(t.release_mode))
                    .bind(t.at_ms)
                    .bind(t.case_id.to_string())
                    .bind(t.from.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if updated != 1 {
                        return Ok(Out::Flag(false));
                    }
                    insert_transition(tx, t).await?;
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }

    pub(crate) async fn insert_note_impl(
        &self,
        note: &Note,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        let note = note.clone();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
            "INSERT INTO notes (id, case_id, author, at_ms, body) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(note.id.to_string())
        .bind(note.case_id.to_string())
        .bind(note.author.to_string())
        .bind(note.at_ms)
        .bind(note.body.clone())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
                sqlx::query("UPDATE cases SET updated_ms = $1 WHERE id = $2")
                    .bind(note.at_ms)
                    .bind(note.case_id.to_string())
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
}
