//! One case: subject, reports, timeline, and the forms to move it and add notes.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::CoreError;
use homeward_types::wire::{
    CaseDetail, CaseGroupsView, MarkingInput, NoteInput, OrganisationView, PossibleDuplicate,
    SharingGroupView, TransitionInput,
};
use homeward_types::{
    CaseId, CaseState, CompartmentKind, ConsentScope, Marking, ReleaseMode, ScreeningOutcome,
    SharingGroupId,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{
    Shell, error_response, marking_badge, minute, page, priority_badge, state_badge,
};
use crate::AppState;
use crate::auth::WebUser;

/// What the user typed in a form that failed, to show it again.
#[derive(Default)]
pub(super) struct Kept {
    error: Option<String>,
    to: String,
    reason: String,
    mode: String,
    note: String,
    note_error: Option<String>,
    marking_error: Option<String>,
    merge_error: Option<String>,
}

impl Kept {
    /// The page with the error of a merge or unmerge.
    pub(super) fn merge_failed(message: String) -> Kept {
        Kept {
            merge_error: Some(message),
            ..Kept::default()
        }
    }
}

pub(super) fn parse_id(raw: &str) -> Option<CaseId> {
    raw.parse::<CaseId>().ok()
}

pub(super) fn no_case() -> Response {
    error_response(&CoreError::NotFound { what: "case" })
}

fn view(
    d: &CaseDetail,
    shell: &Shell,
    groups: &[SharingGroupView],
    orgs: &[OrganisationView],
    duplicates: &[PossibleDuplicate],
    memberships: &CaseGroupsView,
    kept: &Kept,
) -> Markup {
    let owner = !d.person.redacted;
    let may_merge = owner && !d.allowed_transitions.is_empty();
    // Where merged-in data came from, by case id.
    let source = |id: &Option<CaseId>| {
        id.map(|id| {
            d.merges
                .iter()
                .find(|m| m.from_case == id)
                .map_or_else(|| id.to_string(), |m| m.from_reference.clone())
        })
    };
    let writer = !d.allowed_transitions.is_empty();
    let c = &d.case;
    let p = &d.person;
    let body = html! {
        div.pagehead {
            div {
                h1 { (c.reference) " " span.subject { (c.subject) } }
                div.badges { (state_badge(c.state)) " " (priority_badge(c.priority)) " " (marking_badge(c.marking))
                    @if let Some(m) = d.release_mode { " " span.badge.muted { "released by " (m.as_str().replace('_', "-")) } } }
            }
            div.meta.muted { "Owner: " (c.owner.name) br; "Opened " (minute(&c.created_at)) }
        }
        @if d.still_held {
            p.notice.held role="status" { strong { "Still held." } " The person is still in the compound: nothing that could identify them leaves " (c.owner.name) " except in a locate or rescue request to police; no clear/green marking, export or publication." }
        }
        @if let Some(g) = &d.granted {
            p.notice #granted { "You see this case through a request from " (c.owner.name) ". Granted: "
                @if g.is_empty() { "nothing (redacted view)" } @else { (g.iter().map(|f| super::requests::field_label(*f)).collect::<Vec<_>>().join(", ")) }
                ". The grant ends when the request closes." }
        }
        div.grid {
            section.card {
                h2 { "Person" }
                @if p.redacted && d.granted.is_none() {
                    p.notice { "Personal data is withheld: this case belongs to another organisation. Ask its owner through a request." }
                }
                dl {
                    @if !p.names.is_empty() {
                        dt { "Names" }
                        dd { ul.names { @for n in &p.names {
                            li { span.name { (n.text) } " " span.script { (n.script.as_str()) @if let Some(s) = &n.system { " · " (s) } }
                                @if let Some(src) = source(&n.merged_from) { " " span.muted.source { "from " (src) } } }
                        } } }
                    }
                    dt { "Sex" } dd { (p.sex.map(|s| s.as_str().to_uppercase()).unwrap_or_else(|| "—".into())) }
                    dt { "Birth date" } dd { (p.birth_date.clone().unwrap_or_else(|| "—".into())) }
                    dt { "Nationality" } dd { (p.nationalities.join(", ")) }
                    @if !p.documents.is_empty() {
                        dt { "Documents" }
                        dd { @for doc in &p.documents {
                            div { (doc.kind.as_str()) " " code { (doc.number) }
                                @if let Some(st) = &doc.issuing_state { " (" (st) ")" }
                                @match doc.check_digit_valid { Some(true) => { " ✓" }, Some(false) => { span.bad { " check digit wrong" } }, None => {} }
                                @if let Some(src) = source(&doc.merged_from) { " " span.muted.source { "from " (src) } } }
                        } }
                    }
                    @if !p.contacts.is_empty() {
                        dt { "Contacts" }
                        dd { @for ct in &p.contacts { div { (ct.kind.as_str()) " " code { (ct.normalised) }
                            @if let Some(src) = source(&ct.merged_from) { " " span.muted.source { "from " (src) } } } } }
                    }
                    @if let Some(site) = &c.site { dt { "Site" } dd { (site) } }
                }
            }
            section.card {
                h2 { "Move this case" }
                @if d.allowed_transitions.is_empty() {
                    p.muted { "You cannot move this case." }
                } @else {
                    @if let Some(e) = &kept.error { p.error role="alert" { (e) } }
                    form method="post" action={"/cases/" (c.id) "/transition"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="to" { "New state" }
                        select #to name="to" required {
                            @for s in &d.allowed_transitions {
                                option value=(s.as_str()) selected[kept.to == s.as_str()] { (s.label()) }
                            }
                        }
                        label for="release_mode" { "Release mode " span.muted { "(when moving to Released)" } }
                        select #release_mode name="release_mode" {
                            option value="" { "—" }
                            @for m in ReleaseMode::ALL {
                                option value=(m.as_str()) selected[kept.mode == m.as_str()] { (m.as_str().replace('_', "-")) }
                            }
                        }
                        label for="reason" { "Reason" }
                        textarea #reason name="reason" rows="3" required placeholder="Why the case moves; shown in the timeline" { (kept.reason) }
                        button.primary type="submit" { "Move case" }
                    }
                    h2.spaced { "Who may see it" }
                    @if let Some(e) = &kept.marking_error { p.error role="alert" { (e) } }
                    form method="post" action={"/cases/" (c.id) "/marking"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="marking" { "Marking" }
                        select #marking name="marking" {
                            @for m in Marking::ALL {
                                option value=(m.as_str()) selected[*m == c.marking] { (m.label()) }
                            }
                        }
                        label for="sharing_group_id" { "Sharing group " span.muted { "(with TLP:AMBER)" } }
                        select #sharing_group_id name="sharing_group_id" {
                            option value="" { "None" }
                            @for g in groups {
                                option value=(g.id.to_string()) selected[c.sharing_group_id == Some(g.id)] { (g.name) }
                            }
                        }
                        label for="marking_reason" { "Reason " span.muted { "(required when lowering)" } }
                        input #marking_reason name="reason";
                        button type="submit" { "Change marking" }
                    }
                }
            }
        }
        @if owner || !d.requests.is_empty() {
            section.card #requests {
                h2 { "Cross-border requests" }
                @if d.requests.is_empty() { p.muted { "None yet." } }
                ul { @for r in &d.requests {
                    li { a href={"/requests/" (r.id)} { (r.reference) } " " (r.kind.as_str().replace('_', " ")) " · "
                        (super::requests::request_badge(r.state))
                        @if r.overdue { " " span.badge.prio-urgent { "overdue" } }
                        " " span.muted { (r.from.name) " → " (r.to.name) } }
                } }
                @if owner && writer { p { a.button href={"/cases/" (c.id) "/requests/new"} { "New request" } } }
                @if !d.match_notices.is_empty() {
                    h2.spaced { "Possible matches elsewhere" }
                    ul #notices { @for n in &d.match_notices {
                        li { strong { (n.organisation.name) } " holds a possible match. "
                            @match n.request_id {
                                Some(r) => { a href={"/requests/" (r)} { "request drafted" } },
                                None => { @if writer { a href={"/cases/" (c.id) "/requests/new?notice=" (n.id) "&to=" (n.organisation.id)} { "Draft a request" } } },
                            } }
                    } }
                }
            }
        }
        @if owner && writer {
            section.card #privacy {
                h2 { "Still held and consent" }
                form method="post" action={"/cases/" (c.id) "/still-held"} {
                    input type="hidden" name="csrf" value=(shell.csrf);
                    input type="hidden" name="still_held" value=(if d.still_held { "0" } else { "1" });
                    label for="held_reason" { "Reason" }
                    input #held_reason name="reason" required;
                    button type="submit" { @if d.still_held { "Clear the still-held flag" } @else { "Flag as still held" } }
                }
                @if !d.consents.is_empty() {
                    table.cases { thead { tr { th { "Scope" } th { "Recipients" } th { "Given" } th { "Until" } th { "" } } }
                        tbody { @for k in &d.consents { tr {
                            td { (k.scope.as_str().replace('_', " ")) }
                            td { (k.recipients.iter().map(|o| o.name.clone()).collect::<Vec<_>>().join(", ")) }
                            td { (k.given_on) " by " (k.given_by) " (" (k.language) ")" }
                            td { (k.expires_on.clone().unwrap_or_else(|| "—".into())) }
                            td { @if k.revoked_at.is_some() { span.muted { "withdrawn" } } @else {
                                form method="post" action={"/cases/" (c.id) "/consents/" (k.id) "/revoke"} {
                                    input type="hidden" name="csrf" value=(shell.csrf);
                                    button.link type="submit" { "Withdraw" } } } }
                        } } } }
                }
                details {
                    summary { "Record consent" }
                    form method="post" action={"/cases/" (c.id) "/consents"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="scope" { "Scope" }
                        select #scope name="scope" { @for k in ConsentScope::ALL { option value=(k.as_str()) { (k.as_str().replace('_', " ")) } } }
                        label for="recipient" { "Recipient " span.muted { "(for share)" } }
                        select #recipient name="recipient" { option value="" { "—" }
                            @for o in orgs.iter().filter(|o| o.id != c.owner.id) { option value=(o.id.to_string()) { (o.name) } } }
                        label for="language" { "Explained in (language)" } input #language name="language" required placeholder="th, zh-Hant, vi, …";
                        label for="given_by" { "Given by" } input #given_by name="given_by" required placeholder="the person, a parent, a guardian";
                        label for="given_on" { "Given on" } input #given_on name="given_on" type="date" required;
                        label for="expires_on" { "Until" } input #expires_on name="expires_on" type="date";
                        button type="submit" { "Record consent" }
                    }
                }
            }
        }
        @if let Some(entries) = &d.compartment {
            section.card #compartment {
                h2 { "Criminal-justice compartment " span.muted { "(criminal-justice staff only)" } }
                @if entries.is_empty() { p.muted { "No entries." } }
                ol.timeline { @for e in entries {
                    li { span.when { (minute(&e.at)) } (e.kind.as_str().replace('_', " "))
                        @if let Some(o) = e.outcome { " — " strong { (o.as_str().replace('_', " ")) } }
                        span.muted { " — " (e.author) }
                        div.reason { (e.body) } }
                } }
                @if owner {
                    form method="post" action={"/cases/" (c.id) "/compartment"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="cj_kind" { "Kind" }
                        select #cj_kind name="kind" { @for k in CompartmentKind::ALL { option value=(k.as_str()) { (k.as_str().replace('_', " ")) } } }
                        label for="cj_outcome" { "Screening outcome" }
                        select #cj_outcome name="outcome" { option value="" { "—" }
                            @for o in ScreeningOutcome::ALL { option value=(o.as_str()) { (o.as_str().replace('_', " ")) } } }
                        label for="cj_body" { "Entry" }
                        textarea #cj_body name="body" rows="2" required {}
                        button type="submit" { "Add to compartment" }
                    }
                }
            }
        }
        @if owner && (!duplicates.is_empty() || !d.merges.is_empty() || kept.merge_error.is_some()) {
            section.card #duplicates {
                h2 { "Possible duplicates" }
                @if let Some(e) = &kept.merge_error { p.error role="alert" { (e) } }
                @if duplicates.is_empty() { p.muted { "None found." } } @else {
                    p.muted { "Open cases you may see whose subject may be the same person, found across scripts and spellings." }
                    table.cases { thead { tr { th { "Case" } th { "Subject" } th { "Owner" } th { "Probability" } th { "Why" } th { "" } } }
                        tbody { @for dup in duplicates { tr {
                            td { a href={"/cases/" (dup.case_id)} { (dup.reference) } br; (state_badge(dup.state)) }
                            td { (dup.subject) }
                            td { (dup.organisation.name) }
                            td { (format!("{:.0}%", dup.probability * 100.0)) }
                            td { ul.explain { @for f in &dup.fields { li { strong { (f.field.replace('_', " ")) } ": " (f.agreement) } } } }
                            td { @if dup.mergeable && may_merge {
                                form method="post" action={"/cases/" (c.id) "/merge"} {
                                    input type="hidden" name="csrf" value=(shell.csrf);
                                    input type="hidden" name="from" value=(dup.case_id.to_string());
                                    label for={"merge_reason_" (dup.case_id)} { "Reason" }
                                    input id={"merge_reason_" (dup.case_id)} name="reason" required placeholder="why they are the same person";
                                    button type="submit" { "Merge " (dup.reference) " into this case" }
                                }
                            } }
                        } } } }
                }
                @if !d.merges.is_empty() {
                    h2.spaced { "Merges" }
                    ul #merges { @for m in &d.merges {
                        li { a href={"/cases/" (m.from_case)} { (m.from_reference) } " merged into " a href={"/cases/" (m.into_case)} { (m.into_reference) }
                            span.muted { " — " (minute(&m.at)) " by " (m.by) } div.reason { (m.reason) }
                            @if let Some(at) = &m.undone_at { div.muted { "Undone " (minute(at)) @if let Some(r) = &m.undo_reason { ": " (r) } } }
                            @else if may_merge {
                                form method="post" action={"/merges/" (m.id) "/unmerge"} {
                                    input type="hidden" name="csrf" value=(shell.csrf);
                                    input type="hidden" name="case" value=(c.id.to_string());
                                    label for={"unmerge_reason_" (m.id)} { "Reason" }
                                    input id={"unmerge_reason_" (m.id)} name="reason" required placeholder="why they are not the same person";
                                    button type="submit" { "Unmerge" }
                                }
                            }
                        }
                    } }
                }
            }
        }
        @for r in &d.reports {
            section.card {
                h2 { "Report " span.muted { (minute(&r.created_at)) " by " (r.created_by) }
                    @if let Some(src) = source(&r.merged_from) { " " span.muted.source { "(from " (src) ")" } } }
                dl {
                    @if let Some(v) = &r.reporter_name { dt { "Reporter" } dd { (v) @if let Some(rel) = &r.reporter_relationship { " (" (rel) ")" } } }
                    @if let Some(v) = &r.reporter_contact { dt { "Reporter contact" } dd { (v) } }
                    @if let Some(v) = &r.last_contact_date { dt { "Last contact" } dd { (v) @if let Some(ch) = &r.last_contact_channel { " via " (ch) } } }
                    @if let Some(v) = &r.last_seen_place { dt { "Last known place" } dd { (v) } }
                    @if let Some(v) = &r.recruitment_channel { dt { "Recruited via" } dd { (v) } }
                    @if let Some(v) = &r.job_promised { dt { "Job promised" } dd { (v) } }
                }
                @if let Some(n) = &r.narrative { p.narrative { (n) } }
            }
        }
        @if !memberships.history.is_empty() {
            section.card #group-cases {
                h2 { "Group cases" }
                @if !memberships.groups.is_empty() {
                    p { "In " @for (i, g) in memberships.groups.iter().enumerate() {
                        @if i > 0 { ", " } a href={"/group-cases/" (g.id)} { (g.reference) } " " (g.label)
                    } }
                }
                ol.timeline { @for e in &memberships.history {
                    li { span.when { (minute(&e.at)) } (e.action) " " @if e.action == "added" { "to " } @else { "from " }
                        a href={"/group-cases/" (e.group_id)} { (e.group_reference) }
                        @if let Some(r) = &e.reason { div.reason { (r) @if let Some(a) = &e.actor { span.muted { " — " (a) } } } } }
                } }
            }
        }
        section.card {
            h2 { "Timeline" }
            ol.timeline {
                @for t in &d.transitions {
                    li {
                        span.when { (minute(&t.at)) }
                        @if t.from == t.to { "Opened as " } @else { (t.from.label()) " → " }
                        (state_badge(t.to))
                        @if let Some(m) = t.release_mode { " (" (m.as_str().replace('_', "-")) ")" }
                        div.reason { (t.reason) span.muted { " — " (t.actor) } }
                    }
                }
                @for n in &d.notes {
                    li.note { span.when { (minute(&n.at)) } "Note " span.muted { "— " (n.author) } div.reason { (n.body) } }
                }
            }
            @if !d.allowed_transitions.is_empty() {
                form method="post" action={"/cases/" (c.id) "/notes"} {
                    input type="hidden" name="csrf" value=(shell.csrf);
                    label for="body" { "Add a note" }
                    @if let Some(e) = &kept.note_error { p.error role="alert" { (e) } }
                    textarea #body name="body" rows="2" required { (kept.note) }
                    button type="submit" { "Add note" }
                }
            }
        }
    };
    page(&c.reference, Some(shell), body)
}

pub(super) async fn render(
    state: &AppState,
    user: &WebUser,
    id: CaseId,
    kept: &Kept,
    status: StatusCode,
) -> Response {
    match state.hw.case_detail(&user.actor, id).await {
        Ok(d) => {
            let shell = Shell::of(state, user).await;
            let groups = state.hw.list_groups(&user.actor).await.unwrap_or_default();
            let orgs = state
                .hw
                .organisations(&user.actor)
                .await
                .unwrap_or_default();
            let duplicates = if d.person.redacted {
                Vec::new()
            } else {
                state
                    .hw
                    .possible_duplicates(&user.actor, id)
                    .await
                    .unwrap_or_default()
            };
            let memberships =
                state
                    .hw
                    .case_group_cases(&user.actor, id)
                    .await
                    .unwrap_or(CaseGroupsView {
                        groups: Vec::new(),
                        history: Vec::new(),
                    });
            (
                status,
                view(&d, &shell, &groups, &orgs, &duplicates, &memberships, kept),
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// GET /cases/{id}
pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return no_case();
    };
    render(&state, &user, id, &Kept::default(), StatusCode::OK).await
}

/// The transition form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TransitionForm {
    csrf: String,
    to: String,
    #[serde(default)]
    release_mode: String,
    #[serde(default)]
    reason: String,
}

pub(super) fn explain(e: &CoreError) -> String {
    match e {
        CoreError::Invalid(errors) => errors
            .iter()
            .map(|f| format!("{}: {}", f.field.replace('_', " "), f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// POST /cases/{id}/transition
pub async fn transition(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<TransitionForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Some(id) = parse_id(&id) else {
        return no_case();
    };
    let mut kept = Kept {
        to: f.to.clone(),
        reason: f.reason.clone(),
        mode: f.release_mode.clone(),
        ..Kept::default()
    };
    let to = match f.to.parse::<CaseState>() {
        Ok(s) => s,
        Err(e) => {
            kept.error = Some(e.to_string());
            return render(&state, &user, id, &kept, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let release_mode = match f.release_mode.trim() {
        "" => None,
        m => match m.parse::<ReleaseMode>() {
            Ok(m) => Some(m),
            Err(e) => {
                kept.error = Some(e.to_string());
                return render(&state, &user, id, &kept, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
    };
    match state
        .hw
        .transition_quiet(
            &user.actor,
            id,
            TransitionInput {
                to,
                reason: f.reason,
                release_mode,
            },
        )
        .await
    {
        Ok(()) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(
            e @ (CoreError::Invalid(_)
            | CoreError::InvalidTransition { .. }
            | CoreError::Conflict(_)),
        ) => {
            kept.error = Some(explain(&e));
            render(&state, &user, id, &kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_response(&e),
    }
}

/// The note form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    csrf: String,
    #[serde(default)]
    body: String,
}

/// POST /cases/{id}/notes
pub async fn note(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<NoteForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Some(id) = parse_id(&id) else {
        return no_case();
    };
    match state
        .hw
        .add_note(
            &user.actor,
            id,
            NoteInput {
                body: f.body.clone(),
            },
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ CoreError::Invalid(_)) => {
            let kept = Kept {
                note: f.body,
                note_error: Some(explain(&e)),
                ..Kept::default()
            };
            render(&state, &user, id, &kept, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => error_response(&e),
    }
}

/// The marking form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MarkingForm {
    csrf: String,
    marking: String,
    #[serde(default)]
    sharing_group_id: String,
    #[serde(default)]
    reason: String,
}

/// POST /cases/{id}/marking
pub async fn marking(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<MarkingForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Some(id) = parse_id(&id) else {
        return no_case();
    };
    let fail = |msg: String| Kept {
        marking_error: Some(msg),
        ..Kept::default()
    };
    let marking = match f.marking.parse::<Marking>() {
        Ok(m) => m,
        Err(e) => {
            return render(
                &state,
                &user,
                id,
                &fail(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let group = match f.sharing_group_id.trim() {
        "" => None,
        g => match g.parse::<SharingGroupId>() {
            Ok(g) => Some(g),
            Err(e) => {
                return render(
                    &state,
                    &user,
                    id,
                    &fail(e.to_string()),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let input = MarkingInput {
        marking,
        sharing_group_id: group,
        reason: Some(f.reason).filter(|r| !r.trim().is_empty()),
    };
    match state.hw.change_marking(&user.actor, id, input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict(_))) => {
            render(
                &state,
                &user,
                id,
                &fail(explain(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_response(&e),
    }
}
