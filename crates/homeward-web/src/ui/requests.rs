//! Cross-border requests: the list, one request with its thread and moves,
//! the new-request form (from a case or a match notice), the still-held and
//! consent forms of the case page, and the disclosure log.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::CoreError;
use homeward_core::model::RequestFilter;
use homeward_types::wire::{
    CompartmentInput, ConsentInput, OrganisationView, RequestInput, RequestMessageInput,
    RequestTransitionInput, RequestView, StillHeldInput,
};
use homeward_types::{
    CaseId, CompartmentKind, ConsentId, ConsentScope, GrantField, NoticeId, OrgId, RequestId,
    RequestKind, RequestState, ScreeningOutcome,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::case_page::explain;
use super::layout::{Shell, after_change, error_response, minute, page};
use crate::AppState;
use crate::auth::WebUser;

fn label(s: &str) -> String {
    s.replace('_', " ")
}

/// A request state badge.
pub fn request_badge(s: RequestState) -> Markup {
    let class = match s {
        RequestState::Draft => "muted",
        RequestState::Completed => "ok",
        RequestState::Declined | RequestState::Cancelled => "bad",
        _ => "active",
    };
    html! { span class={"badge state " (class)} { (label(s.as_str())) } }
}

/// The words for a granted field.
pub fn field_label(f: GrantField) -> &'static str {
    match f {
        GrantField::Names => "names",
        GrantField::BirthDate => "exact birth date",
        GrantField::Documents => "identity documents",
        GrantField::Contacts => "phones and handles",
        GrantField::LastSeenPlace => "last known place",
        GrantField::Narrative => "report narrative",
        GrantField::Reporter => "reporter and their contact",
        GrantField::CriminalJustice => {
            "criminal-justice compartment (their criminal-justice staff)"
        }
    }
}

/// Query of the request list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    direction: String,
}

/// GET /requests
pub async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> Response {
    let sent = match q.direction.as_str() {
        "sent" => Some(true),
        "received" => Some(false),
        _ => None,
    };
    let filter = RequestFilter {
        sent,
        limit: 200,
        ..RequestFilter::default()
    };
    let page_data = match state.hw.list_requests(&user.actor, filter).await {
        Ok(p) => p,
        Err(e) => return error_response(&e),
    };
    let shell = Shell::of(&state, &user).await;
    let body = html! {
        div.pagehead { h1 { "Requests" }
            nav.tabs { a href="/requests" { "All" } " · " a href="/requests?direction=received" { "Received" } " · " a href="/requests?direction=sent" { "Sent" } } }
        @if page_data.items.is_empty() {
            p.muted { "No requests." }
        } @else {
            table.cases {
                thead { tr { th { "Reference" } th { "Kind" } th { "State" } th { "From" } th { "To" } th { "Deadline" } th { "Updated" } } }
                tbody { @for r in &page_data.items {
                    tr {
                        td { a href={"/requests/" (r.id)} { (r.reference) } }
                        td { (label(r.kind.as_str())) }
                        td { (request_badge(r.state)) @if r.overdue { " " span.badge.prio-urgent { "overdue" } } }
                        td { (r.from.name) }
                        td { (r.to.name) }
                        td { (r.deadline.as_deref().map(minute).unwrap_or_else(|| "—".into())) }
                        td { (minute(&r.updated_at)) }
                    }
                } }
            }
        }
    };
    page("Requests", Some(&shell), body).into_response()
}

fn request_view(v: &RequestView, shell: &Shell, error: Option<&str>) -> Markup {
    let r = &v.request;
    html! {
        div.pagehead {
            div {
                h1 { (r.reference) " " span.subject { (label(r.kind.as_str())) } }
                div.badges { (request_badge(r.state)) @if r.overdue { " " span.badge.prio-urgent { "overdue" } } }
            }
            div.meta.muted { "From " (r.from.name) br; "To " (r.to.name)
                @if let Some(d) = &r.deadline { br; "Answer by " (minute(d)) } }
        }
        div.grid {
            section.card {
                h2 { "What is asked" }
                dl {
                    dt { "Case" } dd { a href={"/cases/" (r.case_id)} { "the case this request is about" } }
                    dt { "Legal basis" } dd { (v.legal_basis) }
                    dt { "Items" } dd { (v.items) }
                    dt { "Granted to " (r.to.name) }
                    dd #grant {
                        @if v.grant.is_empty() { "nothing: the case is shown redacted" }
                        @else { (v.grant.iter().map(|f| field_label(*f)).collect::<Vec<_>>().join(", ")) }
                        @if v.grant_in_force { " " span.badge.state.active { "in force" } }
                        @else { " " span.badge.muted { "not in force" } }
                    }
                    @if let Some(m) = v.matched_case {
                        dt { "Your possible match" } dd { a href={"/cases/" (m)} { "your case that may be the same person" } }
                    }
                }
            }
            section.card {
                h2 { "Act on it" }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                @if v.allowed_transitions.is_empty() {
                    p.muted { "Nothing for you to do on this request now." }
                } @else {
                    form method="post" action={"/requests/" (r.id) "/transition"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="to" { "Move to" }
                        select #to name="to" {
                            @for s in &v.allowed_transitions { option value=(s.as_str()) { (label(s.as_str())) } }
                        }
                        label for="reason" { "Reason " span.muted { "(required to decline or cancel)" } }
                        input #reason name="reason";
                        button.primary type="submit" { "Move request" }
                    }
                }
                form method="post" action={"/requests/" (r.id) "/messages"} {
                    input type="hidden" name="csrf" value=(shell.csrf);
                    label for="body" { "Message to the other party" }
                    textarea #body name="body" rows="2" {}
                    button type="submit" { "Send message" }
                }
            }
        }
        section.card {
            h2 { "Thread" }
            ol.timeline { @for e in &v.thread {
                li {
                    span.when { (minute(&e.at)) }
                    @match (e.from, e.to) {
                        (Some(f), Some(t)) => { (label(f.as_str())) " → " (request_badge(t)) },
                        (None, Some(t)) => { "Written as " (request_badge(t)) },
                        _ => { "Message" },
                    }
                    span.muted { " — " (e.actor) ", " (e.organisation.name) }
                    @if let Some(b) = &e.body { div.reason { (b) } }
                }
            } }
        }
    }
}

async fn render(
    state: &AppState,
    user: &WebUser,
    id: RequestId,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match state.hw.request_view(&user.actor, id).await {
        Ok(v) => {
            let shell = Shell::of(state, user).await;
            let title = v.request.reference.clone();
            (
                status,
                page(&title, Some(&shell), request_view(&v, &shell, error)),
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

fn no_request() -> Response {
    error_response(&CoreError::NotFound { what: "request" })
}

/// GET /requests/{id}
pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<RequestId>() else {
        return no_request();
    };
    render(&state, &user, id, None, StatusCode::OK).await
}

/// The move form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// POST /requests/{id}/transition
pub async fn transition(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<RequestId>() else {
        return no_request();
    };
    let to = match f.to.parse::<RequestState>() {
        Ok(s) => s,
        Err(e) => {
            return render(
                &state,
                &user,
                id,
                Some(&e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let input = RequestTransitionInput {
        to,
        reason: Some(f.reason).filter(|r| !r.trim().is_empty()),
    };
    let result = state.hw.move_request(&user.actor, id, input).await;
    after_action(&state, &user, id, result).await
}

/// Back to the request after a move or message; a refused one shows the
/// request again with the reason.
async fn after_action(
    state: &AppState,
    user: &WebUser,
    id: RequestId,
    result: Result<RequestView, CoreError>,
) -> Response {
    after_change(result, &format!("/requests/{id}"), |why| async move {
        render(
            state,
            user,
            id,
            Some(&why),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    })
    .await
}

/// The message form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    csrf: String,
    #[serde(default)]
    body: String,
}

/// POST /requests/{id}/messages
pub async fn message(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<MessageForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<RequestId>() else {
        return no_request();
    };
    let result = state
        .hw
        .post_request_message(&user.actor, id, RequestMessageInput { body: f.body })
        .await;
    after_action(&state, &user, id, result).await
}

/// The new-request form (all text, so what was typed can be shown again).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewRequestForm {
    csrf: String,
    to_org: String,
    kind: String,
    legal_basis: String,
    items: String,
    deadline: String,
    message: String,
    notice: String,
    send: String,
    grant_names: String,
    grant_birth_date: String,
    grant_documents: String,
    grant_contacts: String,
    grant_last_seen_place: String,
    grant_narrative: String,
    grant_reporter: String,
    grant_criminal_justice: String,
}

impl NewRequestForm {
    fn granted(&self, f: GrantField) -> bool {
        let v = match f {
            GrantField::Names => &self.grant_names,
            GrantField::BirthDate => &self.grant_birth_date,
            GrantField::Documents => &self.grant_documents,
            GrantField::Contacts => &self.grant_contacts,
            GrantField::LastSeenPlace => &self.grant_last_seen_place,
            GrantField::Narrative => &self.grant_narrative,
            GrantField::Reporter => &self.grant_reporter,
            GrantField::CriminalJustice => &self.grant_criminal_justice,
        };
        !v.is_empty()
    }
}

fn new_request_page(
    case: CaseId,
    f: &NewRequestForm,
    orgs: &[OrganisationView],
    own: OrgId,
    shell: &Shell,
    error: Option<&str>,
) -> Markup {
    let body = html! {
        section.card.narrow {
            h1 { "New cross-border request" }
            p.muted { "The recipient sees the case, with exactly the personal data you tick below, from sending until the request is completed, declined or cancelled. Every grant is recorded in your disclosure log." }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action={"/cases/" (case) "/requests"} {
                input type="hidden" name="csrf" value=(shell.csrf);
                input type="hidden" name="notice" value=(f.notice);
                label for="to_org" { "To" }
                select #to_org name="to_org" required {
                    @for o in orgs.iter().filter(|o| o.id != own) {
                        option value=(o.id.to_string()) selected[f.to_org == o.id.to_string()] { (o.name) " (" (o.country) ")" }
                    }
                }
                label for="kind" { "Kind" }
                select #kind name="kind" {
                    @for k in RequestKind::ALL { option value=(k.as_str()) selected[f.kind == k.as_str()] { (label(k.as_str())) } }
                }
                label for="legal_basis" { "Legal basis or channel" }
                input #legal_basis name="legal_basis" value=(f.legal_basis) required placeholder="e.g. police-to-police channel, MLA treaty, ASEANAPOL";
                label for="items" { "What you ask for" }
                textarea #items name="items" rows="3" required { (f.items) }
                label for="deadline" { "Answer by " span.muted { "(YYYY-MM-DD)" } }
                input #deadline name="deadline" type="date" value=(f.deadline);
                fieldset {
                    legend { "Personal data the recipient may see" }
                    @for g in GrantField::ALL {
                        label.check { input type="checkbox" name={"grant_" (g.as_str())} value="1" checked[f.granted(*g)]; " " (field_label(*g)) }
                    }
                }
                label for="message" { "First message" }
                textarea #message name="message" rows="2" { (f.message) }
                label.check { input type="checkbox" name="send" value="1" checked[!f.send.is_empty() || f.csrf.is_empty()]; " Send now (otherwise keep as a draft only your organisation sees)" }
                button.primary type="submit" { "Create request" }
            }
        }
    };
    page("New request", Some(shell), body)
}

/// Query of the new-request page (from a match notice).
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    notice: String,
    #[serde(default)]
    to: String,
}

async fn show_new(
    state: &AppState,
    user: &WebUser,
    case: CaseId,
    f: &NewRequestForm,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    // Only the owner may write a request about a case.
    match state.hw.case_detail(&user.actor, case).await {
        Ok(d) if !d.person.redacted => {}
        Ok(_) => return error_response(&CoreError::NotFound { what: "case" }),
        Err(e) => return error_response(&e),
    }
    let orgs = state
        .hw
        .organisations(&user.actor)
        .await
        .unwrap_or_default();
    let shell = Shell::of(state, user).await;
    (
        status,
        new_request_page(case, f, &orgs, user.actor.org_id, &shell, error),
    )
        .into_response()
}

/// GET /cases/{id}/requests/new
pub async fn new_form(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Query(q): Query<NewQuery>,
) -> Response {
    let Ok(case) = id.parse::<CaseId>() else {
        return error_response(&CoreError::NotFound { what: "case" });
    };
    let f = NewRequestForm {
        kind: if q.to.is_empty() {
            String::new()
        } else {
            "identify".into()
        },
        notice: q.notice,
        to_org: q.to,
        ..NewRequestForm::default()
    };
    show_new(&state, &user, case, &f, None, StatusCode::OK).await
}

/// POST /cases/{id}/requests
pub async fn create(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<NewRequestForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(case) = id.parse::<CaseId>() else {
        return error_response(&CoreError::NotFound { what: "case" });
    };
    let result = match to_input(case, &f) {
        Ok(input) => state
            .hw
            .create_request(&user.actor, input)
            .await
            .map_err(|e| match e {
                CoreError::Invalid(_) => Ok(explain(&e)),
                other => Err(other),
            }),
        Err(msg) => Err(Ok(msg)),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/requests/{}", v.request.id)).into_response(),
        Err(Ok(msg)) => {
            show_new(
                &state,
                &user,
                case,
                &f,
                Some(&msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Err(e)) => error_response(&e),
    }
}

/// The API input from the form, or what is wrong with the form itself.
fn to_input(case: CaseId, f: &NewRequestForm) -> Result<RequestInput, String> {
    let to_org = f
        .to_org
        .parse::<OrgId>()
        .map_err(|_| "to: choose an organisation from the list".to_string())?;
    let kind = f.kind.parse::<RequestKind>().map_err(|e| e.to_string())?;
    let notice_id = match f.notice.trim() {
        "" => None,
        n => Some(n.parse::<NoticeId>().map_err(|e| e.to_string())?),
    };
    Ok(RequestInput {
        case_id: case,
        to_org,
        kind,
        legal_basis: f.legal_basis.clone(),
        items: f.items.clone(),
        deadline: Some(f.deadline.clone()).filter(|d| !d.trim().is_empty()),
        grant: GrantField::ALL
            .iter()
            .copied()
            .filter(|g| f.granted(*g))
            .collect(),
        send: !f.send.is_empty(),
        message: Some(f.message.clone()).filter(|m| !m.trim().is_empty()),
        notice_id,
    })
}

/// The still-held form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StillHeldForm {
    csrf: String,
    #[serde(default)]
    still_held: String,
    #[serde(default)]
    reason: String,
}

/// A form value no select offers, as a field error.
fn field_error(field: &str, e: homeward_types::ParseError) -> CoreError {
    CoreError::Invalid(vec![homeward_types::wire::FieldError {
        field: field.into(),
        message: e.to_string(),
    }])
}

fn back_to_case(case: CaseId, r: Result<(), CoreError>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/cases/{case}")).into_response(),
        Err(e @ CoreError::Invalid(_)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            super::layout::message_page("Could not do that", &explain(&e)),
        )
            .into_response(),
        Err(e) => error_response(&e),
    }
}

/// POST /cases/{id}/still-held
pub async fn still_held(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<StillHeldForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(case) = id.parse::<CaseId>() else {
        return error_response(&CoreError::NotFound { what: "case" });
    };
    let input = StillHeldInput {
        still_held: f.still_held == "1",
        reason: f.reason,
    };
    let r = state.hw.set_still_held(&user.actor, case, input).await;
    back_to_case(case, r.map(|_| ()))
}

/// The consent form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConsentForm {
    csrf: String,
    scope: String,
    recipient: String,
    language: String,
    given_by: String,
    given_on: String,
    expires_on: String,
}

/// POST /cases/{id}/consents
pub async fn consent(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<ConsentForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(case) = id.parse::<CaseId>() else {
        return error_response(&CoreError::NotFound { what: "case" });
    };
    let scope = match f.scope.parse::<ConsentScope>() {
        Ok(s) => s,
        Err(e) => return back_to_case(case, Err(field_error("scope", e))),
    };
    let input = ConsentInput {
        scope,
        recipients: f.recipient.parse::<OrgId>().into_iter().collect(),
        language: f.language,
        given_by: f.given_by,
        given_on: f.given_on,
        expires_on: Some(f.expires_on).filter(|e| !e.trim().is_empty()),
    };
    let r = state.hw.record_consent(&user.actor, case, input).await;
    back_to_case(case, r.map(|_| ()))
}

/// A bare CSRF form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// POST /cases/{id}/consents/{consent}/revoke
pub async fn revoke_consent(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, consent)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let (Ok(case), Ok(consent)) = (id.parse::<CaseId>(), consent.parse::<ConsentId>()) else {
        return error_response(&CoreError::NotFound { what: "consent" });
    };
    let r = state.hw.revoke_consent(&user.actor, case, consent).await;
    back_to_case(case, r.map(|_| ()))
}

/// GET /disclosures
pub async fn disclosures(State(state): State<AppState>, user: WebUser) -> Response {
    let log = match state.hw.disclosures(&user.actor, None, 500).await {
        Ok(l) => l,
        Err(e) => return error_response(&e),
    };
    let shell = Shell::of(&state, &user).await;
    let body = html! {
        div.pagehead { h1 { "Disclosure log" }
            p.muted { "Every disclosure of your organisation's personal data: grants sent, reads through them, their end. Each line is an entry of the hash-chained audit (" code { "homeward audit verify" } ")." } }
        @if log.items.is_empty() { p.muted { "Nothing disclosed yet." } }
        @else {
            table.cases #disclosures {
                thead { tr { th { "#" } th { "When" } th { "What" } th { "By" } th { "To" } th { "Case" } th { "Data" } th { "Basis" } } }
                tbody { @for d in &log.items {
                    tr {
                        td { (d.seq) }
                        td { (minute(&d.at)) }
                        td { code { (d.action) } }
                        td { (d.actor.clone().unwrap_or_default()) @if let Some(o) = &d.actor_organisation { br; span.muted { (o.name) } } }
                        td { (d.recipient.as_ref().map(|o| o.name.clone()).unwrap_or_default()) }
                        td { @if let Some(c) = d.case_id { a href={"/cases/" (c)} { "case" } } }
                        td { (d.fields.iter().map(|f| field_label(*f)).collect::<Vec<_>>().join(", ")) }
                        td { (d.basis) }
                    }
                } }
            }
        }
    };
    page("Disclosure log", Some(&shell), body).into_response()
}

/// The compartment form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompartmentForm {
    csrf: String,
    kind: String,
    outcome: String,
    body: String,
}

/// POST /cases/{id}/compartment
pub async fn compartment(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<CompartmentForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(case) = id.parse::<CaseId>() else {
        return error_response(&CoreError::NotFound { what: "case" });
    };
    let kind = match f.kind.parse::<CompartmentKind>() {
        Ok(k) => k,
        Err(e) => return back_to_case(case, Err(field_error("kind", e))),
    };
    let outcome = match f.outcome.trim() {
        "" => None,
        o => match o.parse::<ScreeningOutcome>() {
            Ok(o) => Some(o),
            Err(e) => return back_to_case(case, Err(field_error("outcome", e))),
        },
    };
    let input = CompartmentInput {
        kind,
        outcome,
        body: f.body,
    };
    let r = state
        .hw
        .add_compartment_entry(&user.actor, case, input)
        .await;
    back_to_case(case, r.map(|_| ()))
}
