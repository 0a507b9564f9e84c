//! Cross-border requests (C5): a case owner asks another organisation to
//! locate, rescue, identify, repatriate, preserve data or provide records,
//! granting it exactly the personal data named in the request while the
//! request is open. Every grant and its end are disclosures, in the audit
//! chain and the owner's disclosure log.

use std::collections::HashMap;

use homeward_types::wire::{
    OrganisationView, RequestEventView, RequestInput, RequestMessageInput, RequestPage,
    RequestSummary, RequestTransitionInput, RequestView,
};
use homeward_types::{
    CaseId, GrantField, OrgId, OrgKind, RequestEventId, RequestId, RequestState, UserId,
};
use serde_json::json;

use super::accounts::org_view;
use super::cases::require_write;
use super::{Homeward, Problems, now_ms, rfc3339};
use crate::access::{GrantFacts, Sight, grant_stands, org_sight, with_grants};
use crate::audit::AuditDraft;
use crate::model::{Case, Disclosure, Request, RequestEvent, RequestFilter};
use crate::request_flow::{self, Party};
use crate::{Actor, CoreError, CoreResult};

/// Largest page of a request list.
pub const MAX_REQUEST_PAGE: u32 = 200;

const NOT_FOUND: CoreError = CoreError::NotFound { what: "request" };

/// A thread entry by `actor`, now.
fn event(
    actor: &Actor,
    request_id: RequestId,
    from: Option<RequestState>,
    to: Option<RequestState>,
    body: Option<String>,
) -> RequestEvent {
    RequestEvent {
        id: RequestEventId::new(),
        request_id,
        actor: actor.user_id,
        org_id: actor.org_id,
        at_ms: now_ms(),
        from,
        to,
        body,
    }
}

/// Parses a deadline: `YYYY-MM-DD` (end of that day, UTC) or RFC 3339.
pub(crate) fn parse_deadline(text: &str) -> Result<i64, &'static str> {
    use time::format_description::well_known::Rfc3339;
    let t = text.trim();
    let at = if let Ok(dt) = time::OffsetDateTime::parse(t, &Rfc3339) {
        dt
    } else {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = time::Date::parse(t, &format)
            .map_err(|_| "must be a date YYYY-MM-DD or an RFC 3339 time")?;
        date.with_hms(23, 59, 59)
            .map_err(|_| "must be a date YYYY-MM-DD or an RFC 3339 time")?
            .assume_utc()
    };
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).map_err(|_| "is out of range")
}

/// Today's date, `YYYY-MM-DD` (UTC), for consent validity.
pub(crate) fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn party(actor: &Actor, r: &Request) -> Option<Party> {
    if actor.org_id == r.from_org {
        Some(Party::Sender)
    } else if actor.org_id == r.to_org && r.state != RequestState::Draft {
        Some(Party::Recipient)
    } else {
        None
    }
}

fn basis(r: &Request, consent: Option<&str>) -> String {
    let mut b = r.basis();
    if let Some(c) = consent {
        b.push_str(&format!("; consent {c}"));
    }
    b
}

impl Homeward {
    /// What `actor` may see of `case`, with the in-force grants of `requests`
    /// (the case's requests) taken into account.
    pub(crate) async fn case_sight(
        &self,
        actor: &Actor,
        case: &Case,
        requests: &[Request],
    ) -> CoreResult<Sight> {
        self.org_case_sight(actor.org_id, &actor.groups, case, requests)
            .await
    }

    /// [`Homeward::case_sight`] for organisation `org`, a member of the
    /// sharing groups `groups` (the recipient of an export).
    pub(crate) async fn org_case_sight(
        &self,
        org: OrgId,
        groups: &[homeward_types::SharingGroupId],
        case: &Case,
        requests: &[Request],
    ) -> CoreResult<Sight> {
        let base = org_sight(
            org,
            groups,
            case.org_id,
            case.marking,
            case.sharing_group_id,
        );
        let live: Vec<&Request> = requests
            .iter()
            .filter(|r| r.case_id == case.id && r.grants_to(org))
            .collect();
        if base == Sight::Full || live.is_empty() {
            return Ok(base);
        }
        let kind = self.org_kind(org).await?;
        let consented = if kind == OrgKind::Police {
            false
        } else {
            let today = today();
            self.store
                .consents(case.id)
                .await?
                .iter()
                .any(|c| c.allows_sharing_with(org, &today))
        };
        let facts: Vec<GrantFacts<'_>> = live
            .iter()
            .map(|r| GrantFacts {
                kind: r.kind,
                recipient_kind: kind,
                fields: &r.grant,
                consented,
            })
            .collect();
        Ok(with_grants(base, &facts, case.still_held))
    }

    pub(crate) async fn org_kind(&self, org: OrgId) -> CoreResult<OrgKind> {
        Ok(self
            .org_cached(org)
            .await?
            .map_or(OrgKind::Government, |o| o.kind))
    }

    /// Checks that a request's grant may go out now; the consent it rests
    /// on, if any.
    async fn check_grant(
        &self,
        case: &Case,
        to_org: OrgId,
        kind: homeward_types::RequestKind,
        grant: &[GrantField],
    ) -> CoreResult<Option<String>> {
        if grant.is_empty() {
            return Ok(None);
        }
        let today = today();
        let consent = self
            .store
            .consents(case.id)
            .await?
            .into_iter()
            .find(|c| c.allows_sharing_with(to_org, &today));
        let facts = GrantFacts {
            kind,
            recipient_kind: self.org_kind(to_org).await?,
            fields: grant,
            consented: consent.is_some(),
        };
        if let Err(why) = grant_stands(&facts, case.still_held) {
            let mut p = Problems::default();
            p.add("grant", why);
            p.finish()?;
        }
        Ok(consent.map(|c| c.id.to_string()))
    }

    /// Writes a request about one of the actor's organisation's cases; sends
    /// it at once with `send`.
    pub async fn create_request(
        &self,
        actor: &Actor,
        input: RequestInput,
    ) -> CoreResult<RequestView> {
        require_write(actor, "write requests")?;
        let case = self
            .store
            .case(input.case_id)
            .await?
            .filter(|c| c.org_id == actor.org_id);
        let mut p = Problems::default();
        if case.is_none() {
            p.add("case_id", "no such case among your organisation's cases");
        }
        let to = self.org_cached(input.to_org).await?;
        if to.is_none() {
            p.add("to_org", "no such organisation");
        } else if input.to_org == actor.org_id {
            p.add("to_org", "a request goes to another organisation");
        }
        let legal_basis = p.text("legal_basis", Some(&input.legal_basis), 500);
        if legal_basis.is_none() {
            p.add(
                "legal_basis",
                "name the legal basis or channel (e.g. MLA treaty, ASEANAPOL, police-to-police)",
            );
        }
        let items = p.text("items", Some(&input.items), 4_000);
        if items.is_none() {
            p.add("items", "say what you ask for");
        }
        let now = now_ms();
        let deadline_ms = match input.deadline.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => match parse_deadline(d) {
                Ok(ms) if ms < now => {
                    p.add("deadline", "is in the past");
                    None
                }
                Ok(ms) => Some(ms),
                Err(m) => {
                    p.add("deadline", m);
                    None
                }
            },
            _ => None,
        };
        let message = p.text("message", input.message.as_deref(), 4_000);
        let mut grant = input.grant.clone();
        grant.sort_by_key(|f| GrantField::ALL.iter().position(|g| g == f));
        grant.dedup();
        let mut matched_case = None;
        if let Some(nid) = input.notice_id {
            match self.store.notice(nid).await? {
                Some(n)
                    if n.org_id == actor.org_id
                        && n.case_id == input.case_id
                        && n.holder_org == input.to_org =>
                {
                    matched_case = Some(n.holder_case);
                }
                _ => p.add(
                    "notice_id",
                    "no such match notice on this case for this organisation",
                ),
            }
        }
        p.finish()?;
        let (Some(case), Some(to)) = (case, to) else {
            return Err(NOT_FOUND);
        };
        // Check the grant before writing anything; sending re-checks it.
        if input.send {
            self.check_grant(&case, to.id, input.kind, &grant).await?;
        }
        let state = RequestState::Draft;
        let org = self
            .org_cached(actor.org_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let year = time::OffsetDateTime::now_utc().year();
        let mut request = Request {
            id: RequestId::new(),
            reference: format!("REQ-{}-{year}-", org.country),
            case_id: case.id,
            from_org: actor.org_id,
            to_org: to.id,
            kind: input.kind,
            legal_basis: legal_basis.unwrap_or_default(),
            items: items.unwrap_or_default(),
            deadline_ms,
            state,
            grant,
            notice_id: input.notice_id,
            matched_case,
            created_by: actor.user_id,
            created_ms: now,
            updated_ms: now,
        };
        let mut events = vec![event(actor, request.id, None, Some(state), None)];
        if let Some(body) = message {
            events.push(event(actor, request.id, None, None, Some(body)));
        }
        let audit = vec![AuditDraft::by(
            actor,
            "request.create",
            "request",
            request.id,
            json!({ "case": case.id, "to": to.id, "kind": request.kind, "state": state, "grant": request.grant }),
        )];
        request.reference = self.store.insert_request(&request, &events, audit).await?;
        if input.send {
            let send = RequestTransitionInput {
                to: RequestState::Sent,
                reason: None,
            };
            return self.move_request(actor, request.id, send).await;
        }
        self.request_view(actor, request.id).await
    }

    fn send_audit(&self, actor: &Actor, r: &Request, consent: Option<&str>) -> AuditDraft {
        let draft = AuditDraft::by(
            actor,
            "request.send",
            "request",
            r.id,
            json!({ "case": r.case_id, "to": r.to_org }),
        );
        if r.grant.is_empty() {
            return draft;
        }
        draft.disclosing(Disclosure {
            owner_org: r.from_org,
            recipient_org: Some(r.to_org),
            case_id: Some(r.case_id),
            fields: r.grant.clone(),
            basis: basis(r, consent),
        })
    }

    /// A request with its thread, for either party.
    pub async fn request_view(&self, actor: &Actor, id: RequestId) -> CoreResult<RequestView> {
        let r = self.store.request(id).await?.ok_or(NOT_FOUND)?;
        let who = party(actor, &r).ok_or(NOT_FOUND)?;
        let events = self.store.request_events(id).await?;
        let ids: Vec<UserId> = events.iter().map(|e| e.actor).collect();
        let emails: HashMap<UserId, String> =
            self.store.user_emails(&ids).await?.into_iter().collect();
        let mut orgs = HashMap::new();
        for e in &events {
            if let std::collections::hash_map::Entry::Vacant(v) = orgs.entry(e.org_id) {
                v.insert(self.org_view_of(e.org_id).await?);
            }
        }
        let thread = events
            .iter()
            .map(|e| RequestEventView {
                id: e.id,
                at: rfc3339(e.at_ms),
                actor: emails.get(&e.actor).cloned().unwrap_or_default(),
                organisation: orgs
                    .get(&e.org_id)
                    .cloned()
                    .unwrap_or_else(|| unknown_org(e.org_id)),
                from: e.from,
                to: e.to,
                body: e.body.clone(),
            })
            .collect();
        let allowed_transitions = if actor.role.can_write_cases() {
            request_flow::allowed(r.state, who)
        } else {
            Vec::new()
        };
        Ok(RequestView {
            request: self.request_summary(actor, &r).await?,
            legal_basis: r.legal_basis.clone(),
            items: r.items.clone(),
            grant: r.grant.clone(),
            grant_in_force: r.state.grant_in_force(),
            matched_case: r.matched_case.filter(|_| who == Party::Recipient),
            thread,
            allowed_transitions,
        })
    }

    pub(crate) async fn org_view_of(&self, id: OrgId) -> CoreResult<OrganisationView> {
        Ok(self
            .org_cached(id)
            .await?
            .map_or_else(|| unknown_org(id), |o| org_view(&o)))
    }

    pub(crate) async fn request_summary(
        &self,
        actor: &Actor,
        r: &Request,
    ) -> CoreResult<RequestSummary> {
        Ok(RequestSummary {
            id: r.id,
            reference: r.reference.clone(),
            kind: r.kind,
            state: r.state,
            direction: if r.from_org == actor.org_id {
                "sent".into()
            } else {
                "received".into()
            },
            from: self.org_view_of(r.from_org).await?,
            to: self.org_view_of(r.to_org).await?,
            case_id: r.case_id,
            deadline: r.deadline_ms.map(rfc3339),
            overdue: r.overdue(now_ms()),
            updated_at: rfc3339(r.updated_ms),
        })
    }

    /// One page of the requests the actor's organisation sent or received.
    pub async fn list_requests(
        &self,
        actor: &Actor,
        mut filter: RequestFilter,
    ) -> CoreResult<RequestPage> {
        filter.limit = filter.limit.clamp(1, MAX_REQUEST_PAGE);
        let rows = self.store.requests(actor.org_id, &filter).await?;
        let next_cursor = (rows.len() == filter.limit as usize)
            .then(|| rows.last().map(|r| r.id.to_string()))
            .flatten();
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            items.push(self.request_summary(actor, r).await?);
        }
        Ok(RequestPage { items, next_cursor })
    }

    /// Moves a request (see [`request_flow`]); closing it ends its grant.
    pub async fn move_request(
        &self,
        actor: &Actor,
        id: RequestId,
        input: RequestTransitionInput,
    ) -> CoreResult<RequestView> {
        let r = self.store.request(id).await?.ok_or(NOT_FOUND)?;
        let who = party(actor, &r).ok_or(NOT_FOUND)?;
        require_write(actor, "act on requests")?;
        let mut p = Problems::default();
        let reason = p.text("reason", input.reason.as_deref(), 2_000);
        let allowed = request_flow::allowed(r.state, who);
        if !allowed.contains(&input.to) {
            let list: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
            p.add(
                "to",
                format!(
                    "a request in state '{}' cannot be moved to '{}' by your organisation; allowed: {}",
                    r.state,
                    input.to,
                    if list.is_empty() {
                        "none".to_string()
                    } else {
                        list.join(", ")
                    }
                ),
            );
        }
        if request_flow::needs_reason(input.to) && reason.is_none() {
            p.add("reason", "say why (the other party reads it)");
        }
        p.finish()?;
        let mut audit = vec![AuditDraft::by(
            actor,
            "request.transition",
            "request",
            id,
            json!({ "from": r.state, "to": input.to }),
        )];
        if input.to == RequestState::Sent {
            let case = self
                .store
                .case(r.case_id)
                .await?
                .ok_or(CoreError::NotFound { what: "case" })?;
            let consent = self.check_grant(&case, r.to_org, r.kind, &r.grant).await?;
            audit.push(self.send_audit(actor, &r, consent.as_deref()));
        }
        if r.state.grant_in_force() && !input.to.grant_in_force() && !r.grant.is_empty() {
            audit.push(
                AuditDraft::by(
                    actor,
                    "request.grant.end",
                    "request",
                    id,
                    json!({ "to": input.to }),
                )
                .disclosing(Disclosure {
                    owner_org: r.from_org,
                    recipient_org: Some(r.to_org),
                    case_id: Some(r.case_id),
                    fields: r.grant.clone(),
                    basis: format!("{} {}: grant ended ({})", r.kind, r.reference, input.to),
                }),
            );
        }
        let event = event(actor, id, Some(r.state), Some(input.to), reason);
        if !self
            .store
            .change_request_state(id, r.state, &event, audit)
            .await?
        {
            return Err(CoreError::Conflict(
                "the request changed while you were looking at it; reload and try again".into(),
            ));
        }
        self.request_view(actor, id).await
    }

    /// Adds a message to a request's thread (either party).
    pub async fn post_request_message(
        &self,
        actor: &Actor,
        id: RequestId,
        input: RequestMessageInput,
    ) -> CoreResult<RequestView> {
        let r = self.store.request(id).await?.ok_or(NOT_FOUND)?;
        party(actor, &r).ok_or(NOT_FOUND)?;
        require_write(actor, "write in request threads")?;
        let mut p = Problems::default();
        let body = p.text("body", Some(&input.body), 4_000);
        if body.is_none() {
            p.add("body", "the message is empty");
        }
        p.finish()?;
        let event = event(actor, id, None, None, body);
        let audit = AuditDraft::by(
            actor,
            "request.message",
            "request",
            id,
            json!({ "event": event.id }),
        );
        self.store.insert_request_event(&event, audit).await?;
        self.request_view(actor, id).await
    }

    /// Summaries of the requests about `case` that the actor's organisation
    /// is party to.
    pub(crate) async fn case_requests(
        &self,
        actor: &Actor,
        requests: &[Request],
    ) -> CoreResult<Vec<RequestSummary>> {
        let mut out = Vec::new();
        for r in requests.iter().filter(|r| party(actor, r).is_some()) {
            out.push(self.request_summary(actor, r).await?);
        }
        Ok(out)
    }

    /// The cases with grants in force to the actor's organisation, with
    /// their requests (for lists).
    pub(crate) async fn received_grants(
        &self,
        actor: &Actor,
    ) -> CoreResult<HashMap<CaseId, Vec<Request>>> {
        let rows = self
            .store
            .requests(
                actor.org_id,
                &RequestFilter {
                    sent: Some(false),
                    in_force: true,
                    limit: 10_000,
                    ..RequestFilter::default()
                },
            )
            .await?;
        let mut map: HashMap<CaseId, Vec<Request>> = HashMap::new();
        for r in rows {
            map.entry(r.case_id).or_default().push(r);
        }
        Ok(map)
    }
}

pub(crate) fn unknown_org(id: OrgId) -> OrganisationView {
    OrganisationView {
        id,
        name: "(unknown organisation)".into(),
        kind: OrgKind::Government,
        country: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_parse_dates_and_times() {
        let d = parse_deadline("2026-12-01").unwrap_or_default();
        assert_eq!(rfc3339(d), "2026-12-01T23:59:59Z");
        let t = parse_deadline("2026-12-01T08:00:00+07:00").unwrap_or_default();
        assert_eq!(rfc3339(t), "2026-12-01T01:00:00Z");
        assert!(parse_deadline("01/12/2026").is_err());
        assert!(parse_deadline("").is_err());
    }
}
