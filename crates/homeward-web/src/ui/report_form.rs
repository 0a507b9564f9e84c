//! The new-report form: files a report and opens a case.

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::CoreError;
use homeward_types::wire::{
    ContactInput, DocumentInput, NameInput, NewReport, ReporterInput, SharingGroupView, SiteView,
    SubjectInput,
};
use homeward_types::{ContactKind, DocumentKind, Marking, Priority, Sex, SharingGroupId, SiteId};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{Shell, error_response, page};
use crate::AppState;
use crate::auth::WebUser;

/// Everything the form posts (all text, so what was typed can be shown again).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    names: String,
    sex: String,
    birth_date: String,
    nationality: String,
    passport_no: String,
    phone: String,
    handle_kind: String,
    handle: String,
    reporter_name: String,
    reporter_relationship: String,
    reporter_contact: String,
    last_contact_date: String,
    last_contact_channel: String,
    last_seen_place: String,
    site_id: String,
    recruitment_channel: String,
    job_promised: String,
    narrative: String,
    priority: String,
    marking: String,
    sharing_group_id: String,
    still_held: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Builds the API input from the form, noting errors that are the form's own
/// (a value no select offers).
fn to_report(f: &ReportForm, errors: &mut HashMap<String, String>) -> NewReport {
    let names = f
        .names
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| NameInput {
            text: l.to_string(),
            ..NameInput::default()
        })
        .collect();
    let mut contacts = Vec::new();
    if let Some(p) = opt(&f.phone) {
        contacts.push(ContactInput {
            kind: ContactKind::Phone,
            value: p,
        });
    }
    if let Some(h) = opt(&f.handle) {
        match f.handle_kind.parse::<ContactKind>() {
            Ok(kind) => contacts.push(ContactInput { kind, value: h }),
            Err(e) => {
                errors.insert("handle".into(), e.to_string());
            }
        }
    }
    let sex = match f.sex.as_str() {
        "" => None,
        s => match s.parse::<Sex>() {
            Ok(s) => Some(s),
            Err(e) => {
                errors.insert("sex".into(), e.to_string());
                None
            }
        },
    };
    let site_id = match opt(&f.site_id) {
        None => None,
        Some(s) => match s.parse::<SiteId>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.insert("site_id".into(), "choose a site from the list".into());
                None
            }
        },
    };
    let priority = opt(&f.priority).and_then(|p| {
        p.parse::<Priority>()
            .map_err(|e| errors.insert("priority".into(), e.to_string()))
            .ok()
    });
    let marking = opt(&f.marking).and_then(|m| {
        m.parse::<Marking>()
            .map_err(|e| errors.insert("marking".into(), e.to_string()))
            .ok()
    });
    NewReport {
        subject: SubjectInput {
            names,
            sex,
            birth_date: opt(&f.birth_date),
            nationalities: f
                .nationality
                .split([',', ' ', ';'])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            documents: opt(&f.passport_no)
                .map(|n| {
                    vec![DocumentInput {
                        kind: DocumentKind::Passport,
                        number: n,
                        issuing_state: None,
                    }]
                })
                .unwrap_or_default(),
            contacts,
        },
        reporter: ReporterInput {
            name: opt(&f.reporter_name),
            relationship: opt(&f.reporter_relationship),
            contact: opt(&f.reporter_contact),
        },
        last_contact_date: opt(&f.last_contact_date),
        last_contact_channel: opt(&f.last_contact_channel),
        last_seen_place: opt(&f.last_seen_place),
        site_id,
        recruitment_channel: opt(&f.recruitment_channel),
        job_promised: opt(&f.job_promised),
        narrative: opt(&f.narrative),
        priority,
        marking,
        sharing_group_id: opt(&f.sharing_group_id).and_then(|g| {
            g.parse::<SharingGroupId>()
                .map_err(|_| {
                    errors.insert(
                        "sharing_group_id".into(),
                        "choose a group from the list".into(),
                    )
                })
                .ok()
        }),
        still_held: !f.still_held.is_empty(),
    }
}

/// Maps a core field path to the form field that holds it.
fn form_field(path: &str, has_phone: bool) -> String {
    let head = path.split(['[', '.']).collect::<Vec<_>>();
    match head.as_slice() {
        ["subject", "names", ..] => "names".into(),
        ["subject", "birth_date", ..] => "birth_date".into(),
        ["subject", "nationalities", ..] => "nationality".into(),
        ["subject", "documents", ..] => "passport_no".into(),
        ["subject", "contacts", idx, ..] => {
            if has_phone && idx.starts_with('0') {
                "phone".into()
            } else {
                "handle".into()
            }
        }
        ["reporter", rest, ..] => format!("reporter_{rest}"),
        [first, ..] => (*first).to_string(),
        [] => String::new(),
    }
}

fn field(
    label: &str,
    name: &str,
    value: &str,
    errors: &HashMap<String, String>,
    hint: &str,
) -> Markup {
    html! {
        div.field.invalid[errors.contains_key(name)] {
            label for=(name) { (label) @if !hint.is_empty() { " " span.muted { (hint) } } }
            input id=(name) name=(name) value=(value) aria-invalid=[errors.contains_key(name).then_some("true")];
            @if let Some(e) = errors.get(name) { p.error { (e) } }
        }
    }
}

fn form(
    shell: &Shell,
    f: &ReportForm,
    sites: &[SiteView],
    groups: &[SharingGroupView],
    errors: &HashMap<String, String>,
) -> Markup {
    let sel = |current: &str, v: &str| current == v;
    page(
        "New report",
        Some(shell),
        html! {
            h1 { "New report" }
            p.muted { "Filing a report opens a case owned by your organisation. Only your organisation sees the person's details unless you mark it otherwise." }
            @if !errors.is_empty() { p.error role="alert" { "Please correct the fields marked below." } }
            form.report method="post" action="/reports/new" {
                input type="hidden" name="csrf" value=(shell.csrf);
                fieldset {
                    legend { "The person" }
                    div.field.invalid[errors.contains_key("names")] {
                        label for="names" { "Names " span.muted { "one per line, in any script — e.g. CHAN Wai Kit and 陳偉傑" } }
                        textarea #names name="names" rows="3" required aria-invalid=[errors.contains_key("names").then_some("true")] { (f.names) }
                        @if let Some(e) = errors.get("names") { p.error { (e) } }
                    }
                    div.row {
                        div.field.invalid[errors.contains_key("sex")] {
                            label for="sex" { "Sex" }
                            select #sex name="sex" {
                                option value="" { "—" }
                                option value="f" selected[sel(&f.sex, "f")] { "Female" }
                                option value="m" selected[sel(&f.sex, "m")] { "Male" }
                                option value="x" selected[sel(&f.sex, "x")] { "Other" }
                            }
                        }
                        (field("Birth date", "birth_date", &f.birth_date, errors, "YYYY-MM-DD, YYYY or DD/MM/YYYY; Buddhist-Era years are converted"))
                        (field("Nationality", "nationality", &f.nationality, errors, "ISO codes, e.g. HK or TH"))
                    }
                    div.row {
                        (field("Passport number", "passport_no", &f.passport_no, errors, ""))
                        (field("Phone", "phone", &f.phone, errors, "with country code if you know it"))
                        div.field.invalid[errors.contains_key("handle")] {
                            label for="handle" { "Messaging handle" }
                            div.inline {
                                select name="handle_kind" aria-label="Messaging app" {
                                    @for k in ["telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "email"] {
                                        option value=(k) selected[sel(&f.handle_kind, k)] { (k) }
                                    }
                                }
                                input #handle name="handle" value=(f.handle);
                            }
                            @if let Some(e) = errors.get("handle") { p.error { (e) } }
                        }
                    }
                }
                fieldset {
                    legend { "The report" }
                    div.row {
                        (field("Reporter name", "reporter_name", &f.reporter_name, errors, ""))
                        (field("Relationship", "reporter_relationship", &f.reporter_relationship, errors, "mother, friend, self…"))
                        (field("Reporter contact", "reporter_contact", &f.reporter_contact, errors, ""))
                    }
                    div.row {
                        (field("Last contact", "last_contact_date", &f.last_contact_date, errors, "date"))
                        (field("Via", "last_contact_channel", &f.last_contact_channel, errors, "whatsapp, telegram…"))
                        (field("Last known place", "last_seen_place", &f.last_seen_place, errors, ""))
                    }
                    div.row {
                        div.field.invalid[errors.contains_key("site_id")] {
                            label for="site_id" { "Site (compound)" }
                            select #site_id name="site_id" {
                                option value="" { "Unknown" }
                                @for s in sites {
                                    option value=(s.id.to_string()) selected[sel(&f.site_id, &s.id.to_string())] { (s.name) " (" (s.country) ")" }
                                }
                            }
                            @if let Some(e) = errors.get("site_id") { p.error { (e) } }
                        }
                        (field("Recruited via", "recruitment_channel", &f.recruitment_channel, errors, "facebook, telegram, job portal…"))
                        (field("Job promised", "job_promised", &f.job_promised, errors, ""))
                    }
                    div.field.invalid[errors.contains_key("narrative")] {
                        label for="narrative" { "What happened" }
                        textarea #narrative name="narrative" rows="5" { (f.narrative) }
                        @if let Some(e) = errors.get("narrative") { p.error { (e) } }
                    }
                    div.row {
                        div.field {
                            label for="priority" { "Priority" }
                            select #priority name="priority" {
                                @for p in Priority::ALL {
                                    option value=(p.as_str()) selected[sel(&f.priority, p.as_str()) || (f.priority.is_empty() && *p == Priority::Normal)] { (p.as_str()) }
                                }
                            }
                        }
                        div.field {
                            label for="marking" { "Marking" }
                            select #marking name="marking" {
                                @for m in Marking::ALL {
                                    option value=(m.as_str()) selected[sel(&f.marking, m.as_str()) || (f.marking.is_empty() && *m == Marking::AmberStrict)] { (m.label()) }
                                }
                            }
                        }
                    }
                    div.field.invalid[errors.contains_key("sharing_group_id")] {
                        label for="sharing_group_id" { "Sharing group " span.muted { "(with TLP:AMBER)" } }
                        select #sharing_group_id name="sharing_group_id" {
                            option value="" { "None" }
                            @for g in groups {
                                option value=(g.id.to_string()) selected[sel(&f.sharing_group_id, &g.id.to_string())] { (g.name) }
                            }
                        }
                        @if let Some(e) = errors.get("sharing_group_id") { p.error { (e) } }
                    }
                    div.field {
                        label {
                            input type="checkbox" name="still_held" value="1" checked[!f.still_held.is_empty()];
                            " Still held — the person is still in the compound (blocks clear/green markings, exports and publication)"
                        }
                    }
                }
                button.primary type="submit" { "File report" }
            }
        },
    )
}

/// GET /reports/new
pub async fn show(State(state): State<AppState>, user: WebUser) -> Response {
    let sites = state.hw.list_sites(&user.actor).await.unwrap_or_default();
    let shell = Shell::of(&state, &user).await;
    let groups = state.hw.list_groups(&user.actor).await.unwrap_or_default();
    form(
        &shell,
        &ReportForm::default(),
        &sites,
        &groups,
        &HashMap::new(),
    )
    .into_response()
}

/// POST /reports/new
pub async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<ReportForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let mut errors = HashMap::new();
    let report = to_report(&f, &mut errors);
    let result = if errors.is_empty() {
        state.hw.file_report(&user.actor, report).await
    } else {
        Err(CoreError::Invalid(Vec::new()))
    };
    match result {
        Ok(created) => Redirect::to(&format!("/cases/{}", created.case_id)).into_response(),
        Err(CoreError::Invalid(list)) => {
            let has_phone = opt(&f.phone).is_some();
            for e in list {
                errors
                    .entry(form_field(&e.field, has_phone))
                    .or_insert(e.message);
            }
            let sites = state.hw.list_sites(&user.actor).await.unwrap_or_default();
            let groups = state.hw.list_groups(&user.actor).await.unwrap_or_default();
            let shell = Shell::of(&state, &user).await;
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                form(&shell, &f, &sites, &groups, &errors),
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}
