//! Filing reports, reading and listing cases, moving them through their
//! lifecycle, and notes.

use homeward_types::wire::{
    CaseDetail, CasePage, NewReport, NoteInput, ReportCreated, TransitionInput,
};
use homeward_types::{
    CaseId, CaseKind, CaseState, ContactKind, DocumentKind, Marking, NoteId, PersonId, Priority,
    ReportId, Script,
};
use serde_json::json;

use super::{Homeward, Problems, now_ms};
use crate::access::{Sight, Visibility, sight};
use crate::audit::AuditDraft;
use crate::model::{
    Case, CaseFilter, Contact, Document, Note, Person, PersonName, Report, Transition,
};
use crate::normalise::{self, MAX_LONG, MAX_SHORT};
use crate::store::{NewCase, StateChange};
use crate::{Actor, CoreError, CoreResult, lifecycle};

/// Largest page of a case list.
pub const MAX_PAGE: u32 = 200;

/// What a case's names are searched by.
pub(crate) fn search_text(names: &[PersonName]) -> String {
    names
        .iter()
        .map(|n| normalise::fold(&n.text))
        .collect::<Vec<_>>()
        .join(" | ")
}

pub(crate) fn require_write(actor: &Actor, action: &'static str) -> CoreResult<()> {
    if actor.role.can_write_cases() {
        Ok(())
    } else {
        Err(CoreError::Forbidden {
            role: actor.role.to_string(),
            action,
        })
    }
}

fn valid_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

impl Homeward {
    /// Files a report about a person; opens a new case in state `reported`,
    /// and tells the reporter of possible duplicates it may see and of other
    /// organisations holding a possible match.
    pub async fn file_report(&self, actor: &Actor, input: NewReport) -> CoreResult<ReportCreated> {
        let (new, reference) = self.open_case(actor, input).await?;
        let found = self.intake_matches(actor, &new.case, &new.person).await?;
        let notices = self
            .find_notices(actor, new.case.id, &new.person, &found.hidden)
            .await?;
        Ok(ReportCreated {
            case_id: new.case.id,
            reference,
            report_id: new.report.id,
            person_id: new.person.id,
            possible_matches: self.notice_views(&notices).await?,
            possible_duplicates: found.duplicates,
        })
    }

    /// Files a report without looking for duplicates or notifying anyone:
    /// for bulk imports of records already consolidated elsewhere (and for
    /// seeding benchmarks). Returns the case id and reference.
    pub async fn import_report(
        &self,
        actor: &Actor,
        input: NewReport,
    ) -> CoreResult<(CaseId, String)> {
        let (new, reference) = self.open_case(actor, input).await?;
        Ok((new.case.id, reference))
    }

    /// Validates a report and writes the new case; the case and its reference.
    async fn open_case(&self, actor: &Actor, input: NewReport) -> CoreResult<(NewCase, String)> {
        require_write(actor, "file reports")?;
        let mut p = Problems::default();
        let s = &input.subject;

        let mut names = Vec::new();
        if s.names.len() > 20 {
            p.add("subject.names", "at most 20 names");
        }
        for (i, n) in s.names.iter().take(20).enumerate() {
            let field = format!("subject.names[{i}]");
            let Some(text) = p.text(&format!("{field}.text"), Some(&n.text), MAX_SHORT) else {
                continue;
            };
            names.push(PersonName {
                script: Script::detect(&text),
                text,
                given: p.text(&format!("{field}.given"), n.given.as_deref(), MAX_SHORT),
                family: p.text(&format!("{field}.family"), n.family.as_deref(), MAX_SHORT),
                system: p.text(&format!("{field}.system"), n.system.as_deref(), 40),
                merged_from: None,
            });
        }
        if names.is_empty() {
            p.add("subject.names", "give at least one name, in any script");
        }

        let birth_date = match s
            .birth_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => normalise::partial_date(d)
                .map_err(|m| p.add("subject.birth_date", m))
                .ok(),
            None => None,
        };

        let mut nationalities = Vec::new();
        for (i, n) in s.nationalities.iter().take(10).enumerate() {
            let code = n.trim().to_ascii_uppercase();
            if valid_country(&code) {
                if !nationalities.contains(&code) {
                    nationalities.push(code);
                }
            } else {
                p.add(
                    format!("subject.nationalities[{i}]"),
                    "must be an ISO 3166 alpha-2 code such as TH, HK or VN",
                );
            }
        }

        let mut documents = Vec::new();
        for (i, d) in s.documents.iter().take(20).enumerate() {
            let field = format!("subject.documents[{i}].number");
            let Some(number) = p.text(&field, Some(&d.number), 40) else {
                p.add(field, "is required");
                continue;
            };
            let check_digit_valid = match d.kind {
                DocumentKind::Hkid => normalise::hkid_valid(&number),
                DocumentKind::NationalId => normalise::prc_id_valid(&number),
                _ => None,
            };
            documents.push(Document {
                kind: d.kind,
                issuing_state: d
                    .issuing_state
                    .as_deref()
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty()),
                number,
                check_digit_valid,
                merged_from: None,
            });
        }

        let mut contacts = Vec::new();
        for (i, c) in s.contacts.iter().take(20).enumerate() {
            let field = format!("subject.contacts[{i}].value");
            let Some(raw) = p.text(&field, Some(&c.value), 200) else {
                p.add(field, "is required");
                continue;
            };
            let normalised = match c.kind {
                ContactKind::Phone | ContactKind::Whatsapp => {
                    match normalise::phone_e164(&raw, &nationalities) {
                        Ok(n) => n,
                        Err(m) if c.kind == ContactKind::Phone => {
                            p.add(field, m);
                            continue;
                        }
                        Err(_) => normalise::handle(&raw),
                    }
                }
                _ => normalise::handle(&raw),
            };
            contacts.push(Contact {
                kind: c.kind,
                raw,
                normalised,
                merged_from: None,
            });
        }

        let reporter_name = p.text("reporter.name", input.reporter.name.as_deref(), MAX_SHORT);
        let reporter_relationship = p.text(
            "reporter.relationship",
            input.reporter.relationship.as_deref(),
            MAX_SHORT,
        );
        let reporter_contact = p.text(
            "reporter.contact",
            input.reporter.contact.as_deref(),
            MAX_SHORT,
        );
        let last_contact_date = match input
            .last_contact_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => normalise::partial_date(d)
                .map_err(|m| p.add("last_contact_date", m))
                .ok(),
            None => None,
        };
        let last_contact_channel = p.text(
            "last_contact_channel",
            input.last_contact_channel.as_deref(),
            40,
        );
        let last_seen_place = p.text(
            "last_seen_place",
            input.last_seen_place.as_deref(),
            MAX_SHORT,
        );
        let recruitment_channel = p.text(
            "recruitment_channel",
            input.recruitment_channel.as_deref(),
            40,
        );
        let job_promised = p.text("job_promised", input.job_promised.as_deref(), MAX_SHORT);
        let narrative = p.text("narrative", input.narrative.as_deref(), MAX_LONG);

        self.check_site(&mut p, actor, input.site_id).await?;
        let marking = input.marking.unwrap_or(Marking::AmberStrict);
        self.check_group(&mut p, actor, marking, input.sharing_group_id)
            .await?;
        if input.still_held && super::privacy::public_marking(marking) {
            p.add("marking", super::privacy::STILL_HELD_BLOCKS);
        }
        p.finish()?;

        let now = now_ms();
        let person = Person {
            id: PersonId::new(),
            org_id: actor.org_id,
            marking,
            sex: s.sex,
            birth_date,
            nationalities: nationalities.clone(),
            names,
            documents,
            contacts,
            created_ms: now,
        };
        let case_id = CaseId::new();
        let org = self
            .org_cached(actor.org_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let year = time::OffsetDateTime::now_utc().year();
        let display = display_name(&person.names);
        let search_text = search_text(&person.names);
        let case = Case {
            id: case_id,
            reference: format!("{}-{year}-", org.country),
            org_id: actor.org_id,
            kind: CaseKind::Individual,
            state: CaseState::Reported,
            resume_state: None,
            priority: input.priority.unwrap_or(Priority::Normal),
            marking,
            sharing_group_id: input.sharing_group_id,
            person_id: person.id,
            site_id: input.site_id,
            release_mode: None,
            still_held: input.still_held,
            sharing: 0,
            subject_display: display,
            nationalities,
            search_text,
            created_ms: now,
            updated_ms: now,
        };
        let report = Report {
            id: ReportId::new(),
            org_id: actor.org_id,
            case_id,
            person_id: person.id,
            marking,
            created_by: actor.user_id,
            created_ms: now,
            reporter_name,
            reporter_relationship,
            reporter_contact,
            last_contact_date,
            last_contact_channel,
            last_seen_place,
            recruitment_channel,
            job_promised,
            narrative,
        };
        let opened = Transition {
            case_id,
            from: CaseState::Reported,
            to: CaseState::Reported,
            reason: "report filed".into(),
            release_mode: None,
            actor: actor.user_id,
            at_ms: now,
        };
        let audit = AuditDraft::by(
            actor,
            "case.create",
            "case",
            case_id,
            json!({ "report": report.id, "person": person.id, "marking": marking }),
        );
        let new = NewCase {
            person,
            report,
            case,
            opened,
        };
        let reference = self.store.insert_case(&new, audit).await?;
        // Indexed at once: a catch-up by id could pass over a case whose
        // (earlier) id committed after a later one's.
        self.people.upsert(&new.case, &new.person);
        Ok((new, reference))
    }

    /// One page of the cases the actor may see, newest first.
    pub async fn list_cases(&self, actor: &Actor, mut filter: CaseFilter) -> CoreResult<CasePage> {
        filter.limit = filter.limit.clamp(1, MAX_PAGE);
        filter.text = filter
            .text
            .as_deref()
            .map(normalise::fold)
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(MAX_SHORT).collect());
        filter.nationality = filter
            .nationality
            .map(|n| n.trim().to_ascii_uppercase())
            .filter(|n| !n.is_empty());
        let vis = Visibility::for_actor(actor);
        let rows = self.store.cases(&vis, &filter).await?;
        let next_cursor = (rows.len() == filter.limit as usize)
            .then(|| rows.last().map(|c| c.id.to_string()))
            .flatten();
        let sights = self.sight_rows(actor, &rows, "case.list").await?;
        let items = self.summaries(&rows, &sights).await?;
        Ok(CasePage { items, next_cursor })
    }

    /// The actor's sight of each case of a list, with the names shown
    /// audited: one `<action>` entry naming the organisation's own cases,
    /// and a disclosure (`<action>.granted`) for each case whose names a
    /// request's grant shows.
    pub(crate) async fn sight_rows(
        &self,
        actor: &Actor,
        rows: &[Case],
        action: &str,
    ) -> CoreResult<Vec<Sight>> {
        let own: Vec<String> = rows
            .iter()
            .filter(|c| c.org_id == actor.org_id)
            .map(|c| c.id.to_string())
            .collect();
        let mut audit = Vec::new();
        if !own.is_empty() {
            audit.push(AuditDraft::by(
                actor,
                action,
                "case",
                format!("{} cases", own.len()),
                json!({ "cases": own }),
            ));
        }
        let grants = if rows.iter().any(|c| c.org_id != actor.org_id) {
            self.received_grants(actor).await?
        } else {
            Default::default()
        };
        let granted_action = format!("{action}.granted");
        let mut sights = Vec::with_capacity(rows.len());
        for c in rows {
            let seen = match grants.get(&c.id) {
                Some(reqs) => self.case_sight(actor, c, reqs).await?,
                None => sight(actor, c.org_id, c.marking, c.sharing_group_id),
            };
            if let (Sight::Granted(_), Some(reqs)) = (seen, grants.get(&c.id))
                && seen.shows(homeward_types::GrantField::Names)
            {
                audit.push(granted_read(
                    actor,
                    c,
                    reqs,
                    &granted_action,
                    &[homeward_types::GrantField::Names],
                ));
            }
            sights.push(seen);
        }
        if !audit.is_empty() {
            self.store.append_audit(audit).await?;
        }
        Ok(sights)
    }

    /// A case with everything the actor may see. Reading personal data is
    /// audited before it is returned.
    pub async fn case_detail(&self, actor: &Actor, id: CaseId) -> CoreResult<CaseDetail> {
        let bundle = self
            .store
            .case_bundle(id)
            .await?
            .ok_or(CoreError::NotFound { what: "case" })?;
        let requests = if bundle.case.has(Case::HAS_REQUESTS) {
            self.store.requests_of_case(id).await?
        } else {
            Vec::new()
        };
        let seen = self.case_sight(actor, &bundle.case, &requests).await?;
        match seen {
            Sight::None => return Err(CoreError::NotFound { what: "case" }),
            Sight::Full => {
                let audit = AuditDraft::by(
                    actor,
                    "case.read",
                    "case",
                    id,
                    json!({ "person": bundle.person.id }),
                );
                self.store.append_audit(vec![audit]).await?;
            }
            Sight::Granted(fields) if !fields.is_empty() => {
                let audit = granted_read(
                    actor,
                    &bundle.case,
                    &requests,
                    "case.read.granted",
                    &fields.list(),
                );
                self.store.append_audit(vec![audit]).await?;
            }
            Sight::Granted(_) | Sight::Redacted => {}
        }
        self.detail_view(actor, bundle, seen, &requests).await
    }

    /// Moves a case to another state, with a reason; returns the case as now seen.
    pub async fn transition(
        &self,
        actor: &Actor,
        id: CaseId,
        input: TransitionInput,
    ) -> CoreResult<CaseDetail> {
        self.transition_quiet(actor, id, input).await?;
        self.case_detail(actor, id).await
    }

    /// Moves a case without reading it back (bulk work, seeding).
    pub async fn transition_quiet(
        &self,
        actor: &Actor,
        id: CaseId,
        input: TransitionInput,
    ) -> CoreResult<()> {
        let case = self.visible_case(actor, id).await?;
        if case.org_id != actor.org_id {
            return Err(CoreError::NotFound { what: "case" });
        }
        require_write(actor, "move cases")?;
        let mut p = Problems::default();
        let reason = p.text("reason", Some(&input.reason), 2_000);
        if reason.is_none() {
            p.add(
                "reason",
                "say why the case moves (it is shown in the timeline)",
            );
        }
        if input.to == CaseState::Released && input.release_mode.is_none() {
            p.add(
                "release_mode",
                "required when moving to released: raid, handover, escape, ransom or self_exit",
            );
        }
        if input.to != CaseState::Released && input.release_mode.is_some() {
            p.add("release_mode", "only applies when moving to released");
        }
        p.finish()?;
        if !lifecycle::can_move(case.state, input.to, case.resume_state) {
            return Err(CoreError::InvalidTransition {
                from: case.state,
                to: input.to,
                allowed: lifecycle::allowed(case.state, case.resume_state),
            });
        }
        let change = StateChange {
            transition: Transition {
                case_id: id,
                from: case.state,
                to: input.to,
                reason: reason.unwrap_or_default(),
                release_mode: input.release_mode,
                actor: actor.user_id,
                at_ms: now_ms(),
            },
            resume_state: lifecycle::resume_after(case.state, input.to, case.resume_state),
        };
        let audit = AuditDraft::by(
            actor,
            "case.transition",
            "case",
            id,
            json!({ "from": case.state, "to": input.to, "release_mode": input.release_mode }),
        );
        if !self.store.change_state(&change, audit).await? {
            return Err(CoreError::Conflict(
                "the case changed while you were looking at it; reload and try again".into(),
            ));
        }
        if lifecycle::is_final(input.to) {
            // Closed cases are no one's duplicate any more.
            self.people.remove(id);
        }
        Ok(())
    }

    /// Adds a note to a case of the actor's organisation.
    pub async fn add_note(
        &self,
        actor: &Actor,
        id: CaseId,
        input: NoteInput,
    ) -> CoreResult<NoteId> {
        let case = self.visible_case(actor, id).await?;
        if case.org_id != actor.org_id {
            return Err(CoreError::NotFound { what: "case" });
        }
        require_write(actor, "write notes")?;
        let mut p = Problems::default();
        let body = p.text("body", Some(&input.body), MAX_LONG);
        if body.is_none() {
            p.add("body", "the note is empty");
        }
        p.finish()?;
        let note = Note {
            id: NoteId::new(),
            case_id: id,
            author: actor.user_id,
            at_ms: now_ms(),
            body: body.unwrap_or_default(),
        };
        let audit = AuditDraft::by(actor, "case.note", "case", id, json!({ "note": note.id }));
        self.store.insert_note(&note, audit).await?;
        Ok(note.id)
    }

    /// A case row the actor may see (else NotFound, same as nonexistent).
    async fn visible_case(&self, actor: &Actor, id: CaseId) -> CoreResult<Case> {
        let case = self
            .store
            .case(id)
            .await?
            .ok_or(CoreError::NotFound { what: "case" })?;
        if sight(actor, case.org_id, case.marking, case.sharing_group_id) == Sight::None {
            return Err(CoreError::NotFound { what: "case" });
        }
        Ok(case)
    }
}

/// The audit entry of a read through a request's grant: a disclosure to the
/// reader's organisation, on the basis of the requests in force.
pub(crate) fn granted_read(
    actor: &Actor,
    case: &Case,
    requests: &[crate::model::Request],
    action: &str,
    fields: &[homeward_types::GrantField],
) -> AuditDraft {
    let basis = requests
        .iter()
        .filter(|r| r.grants_to(actor.org_id))
        .map(crate::model::Request::basis)
        .collect::<Vec<_>>()
        .join("; ");
    AuditDraft::by(actor, action, "case", case.id, json!({ "fields": fields })).disclosing(
        crate::model::Disclosure {
            owner_org: case.org_id,
            recipient_org: Some(actor.org_id),
            case_id: Some(case.id),
            fields: fields.to_vec(),
            basis,
        },
    )
}

/// The name shown in lists: the first Latin-script name, else the first name.
pub(crate) fn display_name(names: &[PersonName]) -> String {
    names
        .iter()
        .find(|n| n.script == Script::Latin)
        .or_else(|| names.first())
        .map(|n| n.text.clone())
        .unwrap_or_default()
}
