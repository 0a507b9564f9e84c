//! Consent records, the still-held flag, blind match notices and the
//! disclosure log (PRODUCT §4, C13).

use std::collections::HashMap;

use homeward_types::wire::{
    CaseDetail, CompartmentEntryView, CompartmentInput, ConsentInput, ConsentView, DisclosurePage,
    DisclosureView, MatchNoticeView, StillHeldInput,
};
use homeward_types::{
    CaseId, CaseState, CompartmentEntryId, CompartmentKind, ConsentId, ConsentScope, GrantField,
    Marking, NoticeId, OrgId, Role, UserId,
};
use serde_json::json;

use super::requests::unknown_org;
use super::{Homeward, Problems, now_ms, rfc3339};
use crate::access::{Sight, reads_compartment};
use crate::audit::AuditDraft;
use crate::model::{Case, CompartmentEntry, Consent, MatchNotice, Person, Request};
use crate::{Actor, CoreError, CoreResult, lifecycle, normalise};

/// Largest page of the disclosure log.
pub const MAX_DISCLOSURE_PAGE: u32 = 500;

/// Markings that would show a still-held person's case beyond the owner and
/// its chosen partners.
pub(crate) fn public_marking(m: Marking) -> bool {
    matches!(m, Marking::Clear | Marking::Green)
}

/// The message shown when the still-held flag blocks a share.
pub const STILL_HELD_BLOCKS: &str = "the person is flagged still held: the case cannot be marked clear or green, exported or published until the flag is cleared";

fn valid_date(p: &mut Problems, field: &str, v: &str) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(v.trim(), &format) {
        Ok(_) => Some(v.trim().to_string()),
        Err(_) => {
            p.add(field, "must be a date YYYY-MM-DD");
            None
        }
    }
}

impl Homeward {
    /// A case of the actor's organisation (else NotFound) for a change by a
    /// writer role.
    pub(crate) async fn own_case_for_change(
        &self,
        actor: &Actor,
        id: CaseId,
        action: &'static str,
    ) -> CoreResult<Case> {
        let case = self
            .store
            .case(id)
            .await?
            .filter(|c| c.org_id == actor.org_id)
            .ok_or(CoreError::NotFound { what: "case" })?;
        super::cases::require_write(actor, action)?;
        Ok(case)
    }

    /// Sets or clears the still-held flag of a case (owner, with a reason).
    pub async fn set_still_held(
        &self,
        actor: &Actor,
        id: CaseId,
        input: StillHeldInput,
    ) -> CoreResult<CaseDetail> {
        let case = self
            .own_case_for_change(actor, id, "change the still-held flag")
            .await?;
        let mut p = Problems::default();
        let reason = p.text("reason", Some(&input.reason), 2_000);
        if reason.is_none() {
            p.add("reason", "say why (it is kept in the audit)");
        }
        if input.still_held && public_marking(case.marking) {
            p.add(
                "still_held",
                "the case is marked clear or green: raise its marking first, then flag it still held",
            );
        }
        p.finish()?;
        if case.still_held != input.still_held {
            let audit = AuditDraft::by(
                actor,
                if input.still_held {
                    "case.still_held.set"
                } else {
                    "case.still_held.clear"
                },
                "case",
                id,
                json!({ "reason": reason }),
            );
            self.store
                .set_still_held(id, input.still_held, now_ms(), audit)
                .await?;
        }
        self.case_detail(actor, id).await
    }

    /// The compartment entries of a case the actor sees with `seen`, if its
    /// role and the grants let it read them (the read is audited; a
    /// grantee's read is a disclosure).
    pub(crate) async fn compartment_view(
        &self,
        actor: &Actor,
        case: &Case,
        seen: Sight,
        requests: &[Request],
    ) -> CoreResult<Option<Vec<CompartmentEntryView>>> {
        if !reads_compartment(actor, seen) {
            return Ok(None);
        }
        let entries = self.store.compartment(case.id).await?;
        if !entries.is_empty() {
            let audit = if case.org_id == actor.org_id {
                AuditDraft::by(
                    actor,
                    "compartment.read",
                    "case",
                    case.id,
                    json!({ "entries": entries.len() }),
                )
            } else {
                super::cases::granted_read(
                    actor,
                    case,
                    requests,
                    "compartment.read",
                    &[GrantField::CriminalJustice],
                )
            };
            self.store.append_audit(vec![audit]).await?;
        }
        let ids: Vec<UserId> = entries.iter().map(|e| e.author).collect();
        let emails: HashMap<UserId, String> =
            self.store.user_emails(&ids).await?.into_iter().collect();
        Ok(Some(
            entries
                .iter()
                .map(|e| CompartmentEntryView {
                    id: e.id,
                    kind: e.kind,
                    outcome: e.outcome,
                    body: e.body.clone(),
                    author: emails.get(&e.author).cloned().unwrap_or_default(),
                    at: rfc3339(e.at_ms),
                })
                .collect(),
        ))
    }

    /// The criminal-justice compartment of a case (criminal-justice staff of
    /// the owner, or of a request's recipient granted it).
    pub async fn compartment(
        &self,
        actor: &Actor,
        id: CaseId,
    ) -> CoreResult<Vec<CompartmentEntryView>> {
        let case = self
            .store
            .case(id)
            .await?
            .ok_or(CoreError::NotFound { what: "case" })?;
        let requests = if case.has(Case::HAS_REQUESTS) {
            self.store.requests_of_case(id).await?
        } else {
            Vec::new()
        };
        let seen = self.case_sight(actor, &case, &requests).await?;
        if seen == Sight::None {
            return Err(CoreError::NotFound { what: "case" });
        }
        self.compartment_view(actor, &case, seen, &requests)
            .await?
            .ok_or(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "read the criminal-justice compartment",
            })
    }

    /// Adds a screening, warrant check or note to the compartment of a case
    /// of the actor's organisation (its criminal-justice staff).
    pub async fn add_compartment_entry(
        &self,
        actor: &Actor,
        id: CaseId,
        input: CompartmentInput,
    ) -> CoreResult<Vec<CompartmentEntryView>> {
        let case = self
            .store
            .case(id)
            .await?
            .filter(|c| c.org_id == actor.org_id)
            .ok_or(CoreError::NotFound { what: "case" })?;
        if actor.role != Role::CriminalJustice {
            return Err(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "write in the criminal-justice compartment",
            });
        }
        let mut p = Problems::default();
        let body = p.text("body", Some(&input.body), normalise::MAX_LONG);
        if body.is_none() {
            p.add("body", "the entry is empty");
        }
        match (input.kind, input.outcome) {
            (CompartmentKind::Screening, None) => {
                p.add("outcome", "a screening records its outcome")
            }
            (CompartmentKind::WarrantCheck | CompartmentKind::Note, Some(_)) => {
                p.add("outcome", "only a screening has an outcome")
            }
            _ => {}
        }
        p.finish()?;
        let entry = CompartmentEntry {
            id: CompartmentEntryId::new(),
            case_id: id,
            org_id: case.org_id,
            kind: input.kind,
            outcome: input.outcome,
            body: body.unwrap_or_default(),
            author: actor.user_id,
            at_ms: now_ms(),
        };
        let audit = AuditDraft::by(
            actor,
            "compartment.add",
            "case",
            id,
            json!({ "entry": entry.id, "kind": entry.kind, "outcome": entry.outcome }),
        );
        self.store.insert_compartment_entry(&entry, audit).await?;
        self.compartment(actor, id).await
    }

    /// Records the subject's consent on a case of the actor's organisation.
    pub async fn record_consent(
        &self,
        actor: &Actor,
        id: CaseId,
        input: ConsentInput,
    ) -> CoreResult<ConsentView> {
        self.own_case_for_change(actor, id, "record consent")
            .await?;
        let mut p = Problems::default();
        let language = p.text("language", Some(&input.language), 35);
        if language.is_none() {
            p.add(
                "language",
                "the language the consent was explained in, e.g. th or zh-Hant",
            );
        }
        let given_by = p.text("given_by", Some(&input.given_by), 200);
        if given_by.is_none() {
            p.add(
                "given_by",
                "who gave it: the person, a parent, a guardian, …",
            );
        }
        let given_on = valid_date(&mut p, "given_on", &input.given_on);
        let expires_on = input
            .expires_on
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .and_then(|e| valid_date(&mut p, "expires_on", e));
        if let (Some(g), Some(e)) = (&given_on, &expires_on)
            && e < g
        {
            p.add("expires_on", "ends before it was given");
        }
        let mut recipients = Vec::new();
        for (i, org) in input.recipients.iter().take(50).enumerate() {
            if self.org_cached(*org).await?.is_none() {
                p.add(format!("recipients[{i}]"), "no such organisation");
            } else if !recipients.contains(org) {
                recipients.push(*org);
            }
        }
        if input.scope == ConsentScope::Share && recipients.is_empty() {
            p.add("recipients", "name the organisations the data may go to");
        }
        p.finish()?;
        let consent = Consent {
            id: ConsentId::new(),
            case_id: id,
            org_id: actor.org_id,
            scope: input.scope,
            recipients,
            language: language.unwrap_or_default(),
            given_by: given_by.unwrap_or_default(),
            given_on: given_on.unwrap_or_default(),
            expires_on,
            revoked_ms: None,
            created_by: actor.user_id,
            created_ms: now_ms(),
        };
        let audit = AuditDraft::by(
            actor,
            "consent.record",
            "case",
            id,
            json!({ "consent": consent.id, "scope": consent.scope, "recipients": consent.recipients }),
        );
        self.store.insert_consent(&consent, audit).await?;
        self.consent_view(&consent).await
    }

    /// Withdraws a consent (from then on, grants resting on it stop showing
    /// personal data).
    pub async fn revoke_consent(
        &self,
        actor: &Actor,
        case: CaseId,
        id: ConsentId,
    ) -> CoreResult<ConsentView> {
        self.own_case_for_change(actor, case, "withdraw consent")
            .await?;
        let found = self
            .store
            .consents(case)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(CoreError::NotFound { what: "consent" })?;
        let audit = AuditDraft::by(
            actor,
            "consent.revoke",
            "case",
            case,
            json!({ "consent": id }),
        );
        self.store.revoke_consent(id, now_ms(), audit).await?;
        let now = self
            .store
            .consents(case)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .unwrap_or(found);
        self.consent_view(&now).await
    }

    pub(crate) async fn consent_view(&self, c: &Consent) -> CoreResult<ConsentView> {
        let mut recipients = Vec::new();
        for r in &c.recipients {
            recipients.push(match self.org_cached(*r).await? {
                Some(o) => super::accounts::org_view(&o),
                None => unknown_org(*r),
            });
        }
        Ok(ConsentView {
            id: c.id,
            scope: c.scope,
            recipients,
            language: c.language.clone(),
            given_by: c.given_by.clone(),
            given_on: c.given_on.clone(),
            expires_on: c.expires_on.clone(),
            revoked_at: c.revoked_ms.map(rfc3339),
            in_force: c.in_force(&super::requests::today()),
        })
    }

    /// Blind match notices for a newly filed person: other organisations'
    /// open cases whose subject shares a document number or a contact.
    /// Exact equality for now; the matching engine plugs in here.
    pub(crate) async fn find_notices(
        &self,
        actor: &Actor,
        case: CaseId,
        person: &Person,
        also: &[(CaseId, OrgId)],
    ) -> CoreResult<Vec<MatchNotice>> {
        let documents: Vec<String> = person
            .documents
            .iter()
            .map(|d| normalise::document_key(&d.number))
            .filter(|d| d.len() >= 5)
            .collect();
        let contacts: Vec<String> = person
            .contacts
            .iter()
            .map(|c| c.normalised.clone())
            .filter(|c| c.len() >= 6)
            .collect();
        let mut hits = if documents.is_empty() && contacts.is_empty() {
            Vec::new()
        } else {
            self.store
                .cases_with_identifiers(&documents, &contacts, actor.org_id)
                .await?
        };
        // Found by the matching engine (names across scripts, dates, …);
        // already checked open and of another organisation.
        hits.extend(also.iter().map(|(c, o)| (*c, *o, CaseState::Reported)));
        let mut notices: Vec<MatchNotice> = Vec::new();
        for (holder_case, holder_org, state) in hits {
            if lifecycle::is_final(state) || notices.iter().any(|n| n.holder_org == holder_org) {
                continue;
            }
            notices.push(MatchNotice {
                id: NoticeId::new(),
                case_id: case,
                org_id: actor.org_id,
                holder_org,
                holder_case,
                created_ms: now_ms(),
                request_id: None,
            });
        }
        if !notices.is_empty() {
            let audit = notices
                .iter()
                .map(|n| {
                    AuditDraft::by(
                        actor,
                        "match.notice",
                        "case",
                        case,
                        json!({ "notice": n.id, "holder_org": n.holder_org, "holder_case": n.holder_case }),
                    )
                })
                .collect();
            self.store.insert_notices(&notices, audit).await?;
        }
        Ok(notices)
    }

    pub(crate) async fn notice_views(
        &self,
        notices: &[MatchNotice],
    ) -> CoreResult<Vec<MatchNoticeView>> {
        let mut out = Vec::new();
        for n in notices {
            out.push(MatchNoticeView {
                id: n.id,
                organisation: match self.org_cached(n.holder_org).await? {
                    Some(o) => super::accounts::org_view(&o),
                    None => unknown_org(n.holder_org),
                },
                created_at: rfc3339(n.created_ms),
                request_id: n.request_id,
            });
        }
        Ok(out)
    }

    /// The disclosure log of the actor's organisation's data, newest first
    /// (admins: the organisation's data protection officer role).
    pub async fn disclosures(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: u32,
    ) -> CoreResult<DisclosurePage> {
        if actor.role != Role::Admin {
            return Err(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "read the disclosure log",
            });
        }
        let limit = limit.clamp(1, MAX_DISCLOSURE_PAGE);
        let rows = self.store.disclosures(actor.org_id, before, limit).await?;
        let ids: Vec<UserId> = rows.iter().filter_map(|r| r.actor_user).collect();
        let emails: HashMap<UserId, String> =
            self.store.user_emails(&ids).await?.into_iter().collect();
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let org = |id| async move {
                CoreResult::Ok(match self.org_cached(id).await? {
                    Some(o) => super::accounts::org_view(&o),
                    None => unknown_org(id),
                })
            };
            items.push(DisclosureView {
                seq: r.seq,
                at: rfc3339(r.at_ms),
                action: r.action.clone(),
                actor: r.actor_user.and_then(|u| emails.get(&u).cloned()),
                actor_organisation: match r.actor_org {
                    Some(o) => Some(org(o).await?),
                    None => None,
                },
                recipient: match r.disclosure.recipient_org {
                    Some(o) => Some(org(o).await?),
                    None => None,
                },
                case_id: r.disclosure.case_id,
                fields: r.disclosure.fields.clone(),
                basis: r.disclosure.basis.clone(),
            });
        }
        let next_cursor = (rows.len() == limit as usize)
            .then(|| rows.last().map(|r| r.seq.to_string()))
            .flatten();
        Ok(DisclosurePage { items, next_cursor })
    }
}
