//! Group cases in the web UI: the list with the form to open one, and the
//! group page (members' states at a glance, counts by state, suggestions,
//! history, add/remove and export forms).

use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::CoreError;
use homeward_types::wire::{
    GroupCaseInput, GroupCaseView, GroupExportInput, GroupMemberAdd, GroupMemberRemoval,
    MemberSuggestion, OrganisationView, SharingGroupView, SiteView,
};
use homeward_types::{CaseId, GroupCaseId, Grouping, Marking, OrgId};
use maud::{Markup, html};
use serde::Deserialize;

use super::case_page::explain;
use super::layout::{
    Shell, after_change, day, error_response, marking_badge, minute, page, priority_badge,
    state_badge,
};
use crate::AppState;
use crate::auth::WebUser;

fn no_group() -> Response {
    error_response(&CoreError::NotFound { what: "group case" })
}

fn grouping_label(g: Grouping) -> &'static str {
    match g {
        Grouping::Site => "compound",
        Grouping::Recruiter => "recruiter",
        Grouping::Event => "event (raid, handover)",
    }
}

/// The new-group form, all text so what was typed is shown again.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewGroupForm {
    csrf: String,
    grouping: String,
    label: String,
    site_id: String,
    recruiter: String,
    period_from: String,
    period_to: String,
    marking: String,
    sharing_group_id: String,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn list_page(
    shell: &Shell,
    groups: &homeward_types::wire::GroupCasePage,
    sites: &[SiteView],
    sharing: &[SharingGroupView],
    f: &NewGroupForm,
    error: Option<&str>,
    writer: bool,
) -> Markup {
    let body = html! {
        div.pagehead { h1 { "Group cases" } }
        @if groups.items.is_empty() {
            p.empty { "No group cases you may see." }
        } @else {
            table.cases {
                thead { tr { th { "Reference" } th { "Label" } th { "By" } th { "Site" } th { "Owner" } th { "Marking" } th { "Updated" } } }
                tbody { @for g in &groups.items {
                    tr {
                        td { a href={"/group-cases/" (g.id)} { (g.reference) } }
                        td { (g.label) }
                        td { (grouping_label(g.grouping)) }
                        td { (g.site.clone().unwrap_or_default()) }
                        td.muted { (g.owner.name) }
                        td { (marking_badge(g.marking)) }
                        td.nowrap { (day(&g.updated_at)) }
                    }
                } }
            }
        }
        @if let Some(c) = &groups.next_cursor {
            p.pager { a href={"/group-cases?cursor=" (c)} { "Older group cases →" } }
        }
        @if writer {
            section.card {
                h2 { "Open a group case" }
                p.muted { "Gather the cases of one compound, recruiter or event. Members keep their own owners and markings: others see only the members they may see." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/group-cases" {
                    input type="hidden" name="csrf" value=(shell.csrf);
                    label for="grouping" { "Grouped by" }
                    select #grouping name="grouping" {
                        @for g in Grouping::ALL { option value=(g.as_str()) selected[f.grouping == g.as_str()] { (grouping_label(*g)) } }
                    }
                    label for="label" { "Label" }
                    input #label name="label" value=(f.label) required placeholder="e.g. KK Park, Myawaddy — or — Handover at Mae Sot, 2026-11-20";
                    label for="site_id" { "Compound " span.muted { "(suggests cases of the same site)" } }
                    select #site_id name="site_id" {
                        option value="" { "None" }
                        @for s in sites { option value=(s.id.to_string()) selected[f.site_id == s.id.to_string()] { (s.name) } }
                    }
                    label for="recruiter" { "Recruiter contacts " span.muted { "(phones, handles, links: suggests cases naming them)" } }
                    input #recruiter name="recruiter" value=(f.recruiter) placeholder="e.g. +66 81 234 5678, @hr_jobs_bkk";
                    label for="period_from" { "Period " span.muted { "(YYYY-MM-DD, YYYY-MM or YYYY; suggests cases last heard of then)" } }
                    input #period_from name="period_from" value=(f.period_from) placeholder="from";
                    input #period_to name="period_to" value=(f.period_to) placeholder="to";
                    label for="marking" { "Marking" }
                    select #marking name="marking" {
                        @for m in Marking::ALL { option value=(m.as_str()) selected[f.marking == m.as_str() || (f.marking.is_empty() && *m == Marking::AmberStrict)] { (m.label()) } }
                    }
                    label for="sharing_group_id" { "Sharing group " span.muted { "(with amber)" } }
                    select #sharing_group_id name="sharing_group_id" {
                        option value="" { "None" }
                        @for g in sharing { option value=(g.id.to_string()) selected[f.sharing_group_id == g.id.to_string()] { (g.name) } }
                    }
                    button.primary type="submit" { "Open group case" }
                }
            }
        }
    };
    page("Group cases", Some(shell), body)
}

async fn show_list(
    state: &AppState,
    user: &WebUser,
    before: Option<GroupCaseId>,
    f: &NewGroupForm,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let groups = match state.hw.list_group_cases(&user.actor, before, 100).await {
        Ok(g) => g,
        Err(e) => return error_response(&e),
    };
    let sites = state.hw.list_sites(&user.actor).await.unwrap_or_default();
    let sharing = state.hw.list_groups(&user.actor).await.unwrap_or_default();
    let shell = Shell::of(state, user).await;
    let writer = user.actor.role.can_write_cases();
    (
        status,
        list_page(&shell, &groups, &sites, &sharing, f, error, writer),
    )
        .into_response()
}

/// Paging of the list page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    cursor: String,
}

/// GET /group-cases
pub async fn list(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<ListQuery>,
) -> Response {
    show_list(
        &state,
        &user,
        q.cursor.parse().ok(),
        &NewGroupForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// POST /group-cases
pub async fn create(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<NewGroupForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let parsed = (|| -> Result<GroupCaseInput, String> {
        Ok(GroupCaseInput {
            grouping: f.grouping.parse().map_err(|e| format!("{e}"))?,
            label: f.label.clone(),
            site_id: some(&f.site_id)
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| format!("{e}"))?,
            recruiter: some(&f.recruiter),
            period_from: some(&f.period_from),
            period_to: some(&f.period_to),
            marking: some(&f.marking)
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| format!("{e}"))?,
            sharing_group_id: some(&f.sharing_group_id)
                .map(|s| s.parse())
                .transpose()
                .map_err(|e| format!("{e}"))?,
        })
    })();
    let result = match parsed {
        Ok(input) => state.hw.create_group_case(&user.actor, input).await,
        Err(msg) => {
            return show_list(
                &state,
                &user,
                None,
                &f,
                Some(&msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match result {
        Ok(v) => Redirect::to(&format!("/group-cases/{}", v.group.id)).into_response(),
        Err(e @ CoreError::Invalid(_)) => {
            show_list(
                &state,
                &user,
                None,
                &f,
                Some(&explain(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_response(&e),
    }
}

fn group_page(
    v: &GroupCaseView,
    suggestions: &[MemberSuggestion],
    orgs: &[OrganisationView],
    shell: &Shell,
    error: Option<&str>,
) -> Markup {
    let g = &v.group;
    let body = html! {
        div.pagehead {
            div {
                h1 { (g.reference) " " span.subject { (g.label) } }
                div.badges { (marking_badge(g.marking)) " " span.badge.muted { "group of " (grouping_label(g.grouping)) } }
            }
            div.meta.muted {
                "Owner " (g.owner.name)
                @if let Some(s) = &g.site { br; "Compound " (s) }
                @if v.period_from.is_some() || v.period_to.is_some() {
                    br; "Period " (v.period_from.clone().unwrap_or_else(|| "…".into())) " – " (v.period_to.clone().unwrap_or_else(|| "…".into()))
                }
                @if let Some(r) = &v.recruiter { br; "Recruiter " (r) }
            }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        section.card {
            h2 { (v.members.len()) " members" }
            p #counts {
                @for c in &v.counts { (state_badge(c.state)) " " strong { (c.count) } " " }
            }
            @if v.members.is_empty() {
                p.muted { "No members you may see." }
            } @else {
                table.cases {
                    thead { tr { th { "Reference" } th { "Subject" } th { "State" } th { "Priority" } th { "Owner" } th { "Updated" } @if v.can_manage { th { "Remove" } } } }
                    tbody { @for m in &v.members {
                        tr {
                            td { a href={"/cases/" (m.case.id)} { (m.case.reference) } }
                            td { (m.case.subject) @if let Some(r) = &m.reason { div.muted { (r) } } }
                            td { (state_badge(m.case.state)) }
                            td { (priority_badge(m.case.priority)) }
                            td.muted { (m.case.owner.name) }
                            td.nowrap { (day(&m.case.updated_at)) }
                            @if v.can_manage {
                                td { form.inline method="post" action={"/group-cases/" (g.id) "/members/" (m.case.id) "/remove"} {
                                    input type="hidden" name="csrf" value=(shell.csrf);
                                    input name="reason" required placeholder="why" aria-label="reason for removal";
                                    button type="submit" { "Remove" }
                                } }
                            }
                        }
                    } }
                }
            }
        }
        @if v.can_manage {
            div.grid {
                section.card {
                    h2 { "Suggested members" }
                    @if suggestions.is_empty() { p.muted { "No open case you may see shares this group's site, dates or recruiter contacts." } }
                    @for s in suggestions {
                        form.suggestion method="post" action={"/group-cases/" (g.id) "/members"} {
                            input type="hidden" name="csrf" value=(shell.csrf);
                            input type="hidden" name="case_id" value=(s.case.id.to_string());
                            p { a href={"/cases/" (s.case.id)} { (s.case.reference) } " " (s.case.subject) " " (state_badge(s.case.state)) br;
                                span.muted { (s.reasons.join("; ")) } }
                            input type="hidden" name="reason" value=(s.reasons.join("; "));
                            button type="submit" { "Add" }
                        }
                    }
                    h3 { "Add a case by id" }
                    form method="post" action={"/group-cases/" (g.id) "/members"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="case_id" { "Case id" }
                        input #case_id name="case_id" required;
                        label for="reason" { "Why it belongs" }
                        input #reason name="reason" required;
                        button type="submit" { "Add member" }
                    }
                }
                section.card {
                    h2 { "Export a package" }
                    p.muted { "Each member shows only what the recipient may see under the sharing rules (and you may see). A still-held member stops the export unless the recipient is police with a locate or rescue request about that person in force. Every export is in the members' owners' disclosure logs." }
                    form method="post" action={"/group-cases/" (g.id) "/export"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        label for="recipient_org" { "For" }
                        select #recipient_org name="recipient_org" required {
                            @for o in orgs { option value=(o.id.to_string()) { (o.name) " (" (o.country) ")" } }
                        }
                        label for="format" { "Format" }
                        select #format name="format" {
                            option value="html" { "printable page" }
                            option value="json" { "JSON" }
                        }
                        button.primary type="submit" { "Export" }
                    }
                }
            }
        }
        section.card {
            h2 { "History" }
            ol.timeline { @for e in &v.history {
                li {
                    span.when { (minute(&e.at)) }
                    (e.action) " " a href={"/cases/" (e.case_id)} { (e.case_reference) }
                    @if let Some(r) = &e.reason { div.reason { (r) @if let Some(a) = &e.actor { span.muted { " — " (a) } } } }
                }
            } }
        }
    };
    page(&g.reference, Some(shell), body)
}

async fn render(
    state: &AppState,
    user: &WebUser,
    id: GroupCaseId,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let v = match state.hw.group_case_view(&user.actor, id).await {
        Ok(v) => v,
        Err(e) => return error_response(&e),
    };
    let suggestions = if v.can_manage {
        state
            .hw
            .suggest_group_members(&user.actor, id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let orgs = state
        .hw
        .organisations(&user.actor)
        .await
        .unwrap_or_default();
    let shell = Shell::of(state, user).await;
    (status, group_page(&v, &suggestions, &orgs, &shell, error)).into_response()
}

/// GET /group-cases/{id}
pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<GroupCaseId>() else {
        return no_group();
    };
    render(&state, &user, id, None, StatusCode::OK).await
}

/// Back to the group page after a change; a refused one shows it again with why.
async fn after(
    state: &AppState,
    user: &WebUser,
    id: GroupCaseId,
    result: Result<GroupCaseView, CoreError>,
) -> Response {
    after_change(result, &format!("/group-cases/{id}"), |why| async move {
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

/// The add-member and remove-member forms.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    csrf: String,
    case_id: String,
    reason: String,
}

/// POST /group-cases/{id}/members
pub async fn add_member(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<GroupCaseId>() else {
        return no_group();
    };
    let Ok(case_id) = f.case_id.parse::<CaseId>() else {
        return render(
            &state,
            &user,
            id,
            Some("case id: not a case id"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let input = GroupMemberAdd {
        case_id,
        reason: f.reason,
    };
    let result = state.hw.add_group_case_member(&user.actor, id, input).await;
    after(&state, &user, id, result).await
}

/// POST /group-cases/{id}/members/{case}/remove
pub async fn remove_member(
    State(state): State<AppState>,
    user: WebUser,
    Path((id, case)): Path<(String, String)>,
    Form(f): Form<MemberForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let (Ok(id), Ok(case)) = (id.parse::<GroupCaseId>(), case.parse::<CaseId>()) else {
        return no_group();
    };
    let input = GroupMemberRemoval { reason: f.reason };
    let result = state
        .hw
        .remove_group_case_member(&user.actor, id, case, input)
        .await;
    after(&state, &user, id, result).await
}

/// The export form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportForm {
    csrf: String,
    recipient_org: String,
    format: String,
}

/// POST /group-cases/{id}/export: the package as a printable page or JSON.
pub async fn export(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<ExportForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<GroupCaseId>() else {
        return no_group();
    };
    let Ok(recipient_org) = f.recipient_org.parse::<OrgId>() else {
        return render(
            &state,
            &user,
            id,
            Some("recipient: choose an organisation"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let result = state
        .hw
        .export_group_case(&user.actor, id, GroupExportInput { recipient_org })
        .await;
    match result {
        Ok(p) if f.format == "json" => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.json\"", p.group.reference),
                ),
            ],
            serde_json::to_string_pretty(&p).unwrap_or_default(),
        )
            .into_response(),
        Ok(p) => super::group_package::page(&p).into_response(),
        Err(e @ CoreError::Invalid(_)) => {
            render(
                &state,
                &user,
                id,
                Some(&explain(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_response(&e),
    }
}
