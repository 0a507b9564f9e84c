//! Rescue lists in the web UI: upload (a file or pasted cells) → preview
//! with the column mapping → reconcile in the background with progress →
//! the list's results; and the rows of published lists that may be your
//! cases, to confirm or reject.
//!
//! An upload waits in memory (at most an hour, [`MAX_STAGED_BYTES`] in all)
//! between the preview and the reconciliation; nothing is written before
//! the user reconciles, and then the list, its file and its matches are
//! written in one transaction.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::model::ListFile;
use homeward_core::{Actor, CoreError, ReconcileProgress, RescueListInput, Uploader};
use homeward_interop::people::{self, Column, ReadOptions, Reading, SheetError, Table};
use homeward_match::PersonRecord;
use homeward_types::wire::{ListMatchDecision, ListMatchView, RescueListDetail};
use homeward_types::{ListMatchId, OrgId, ReleaseMode, RescueListId, UserId};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{Shell, error_response, minute, page};
use crate::AppState;
use crate::auth::WebUser;

/// Largest upload (a 50 MB list and some margin).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;
/// All uploads waiting for reconciliation together.
pub const MAX_STAGED_BYTES: usize = 256 * 1024 * 1024;
/// How long an upload or a finished job is kept.
const KEEP: Duration = Duration::from_secs(60 * 60);
/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 20;
/// Issues shown in the preview.
const PREVIEW_ISSUES: usize = 100;

#[derive(Clone)]
struct Upload {
    org: OrgId,
    user: UserId,
    created: Instant,
    file_name: String,
    bytes: Arc<Vec<u8>>,
    name: String,
    release_mode: ReleaseMode,
    encoding: Option<String>,
    sheet: Option<String>,
    /// The user's mapping, one entry per header (none: the guess).
    mapping: Option<Vec<Option<Column>>>,
}

struct Job {
    org: OrgId,
    /// Size of the list's file (counted against the staging limit while it runs).
    bytes: usize,
    created: Instant,
    name: String,
    progress: Arc<ReconcileProgress>,
    result: Option<Result<RescueListId, String>>,
}

/// Uploads waiting for reconciliation and reconciliations running.
#[derive(Default)]
pub struct Staging {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    uploads: HashMap<String, Upload>,
    jobs: HashMap<String, Job>,
}

impl Inner {
    fn expire(&mut self) {
        self.uploads.retain(|_, u| u.created.elapsed() < KEEP);
        self.jobs
            .retain(|_, j| j.result.is_none() || j.created.elapsed() < KEEP);
    }

    /// Bytes held: uploads waiting, and lists being reconciled.
    fn staged_bytes(&self) -> usize {
        self.uploads.values().map(|u| u.bytes.len()).sum::<usize>()
            + self
                .jobs
                .values()
                .filter(|j| j.result.is_none())
                .map(|j| j.bytes)
                .sum::<usize>()
    }
}

fn token() -> String {
    homeward_core::secrets::new_session_id()
}

fn not_found() -> Response {
    error_response(&CoreError::NotFound { what: "upload" })
}

fn release_mode_select(current: ReleaseMode) -> Markup {
    html! {
        label for="release_mode" { "How the people left" }
        select #release_mode name="release_mode" {
            @for m in ReleaseMode::ALL {
                option value=(m.as_str()) selected[*m == current] { (m.as_str().replace('_', "-")) }
            }
        }
    }
}

fn match_rows(matches: &[ListMatchView], shell: &Shell, writer: bool, back: &str) -> Markup {
    html! {
        table.cases #list-matches { thead { tr { th { "Row" } th { "As written" } th { "Your case" } th { "Probability" } th { "Why" } th { "Status" } th { "" } } }
            tbody { @for m in matches { tr {
                td { (m.row) }
                td { (m.row_text) }
                td { a href={"/cases/" (m.case_id)} { "open case" } }
                td { (format!("{:.0}%", m.probability * 100.0)) " " span.muted { (m.strength) } }
                td.explain { (m.explanation) }
                td { (m.status) }
                td { @if writer && m.status == "pending" {
                    form.inline method="post" action={"/rescue-lists/matches/" (m.id) "/decision"} {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        input type="hidden" name="back" value=(back);
                        button.primary type="submit" name="confirm" value="1" { "Confirm: released" }
                        " "
                        button type="submit" name="confirm" value="0" { "Not this person" }
                    }
                } }
            } } } }
    }
}

fn upload_form(shell: &Shell, error: Option<&str>) -> Markup {
    html! {
        section.card #upload {
            h2 { "Reconcile a rescue list" }
            p.muted { "A list of people released in a raid or a handover, as published: CSV or Excel, any column names, names in any script. You will see what will be read before anything is saved; other organisations' cases are never shown to you, their owners are told instead." }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/rescue-lists/upload" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(shell.csrf);
                label for="name" { "Name of the list" }
                input #name name="name" required placeholder="Myawaddy handover, 2026-11-20";
                (release_mode_select(ReleaseMode::Handover))
                label for="file" { "File (CSV or XLSX, up to 50 MB)" }
                input #file name="file" type="file" accept=".csv,.tsv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                label for="pasted" { "…or paste the rows, header first (from a spreadsheet or a message)" }
                textarea #pasted name="pasted" rows="5" {}
                label for="encoding" { "Encoding " span.muted { "(only if the CSV is not UTF-8)" } }
                select #encoding name="encoding" { (encoding_options(None)) }
                button.primary type="submit" { "Preview" }
            }
        }
    }
}

const ENCODINGS: [(&str, &str); 7] = [
    ("", "UTF-8 (or UTF-16 with a byte-order mark)"),
    ("windows-874", "Thai (Windows-874 / TIS-620)"),
    ("gb18030", "Simplified Chinese (GB18030 / GBK)"),
    ("big5", "Traditional Chinese (Big5)"),
    ("windows-1258", "Vietnamese (Windows-1258)"),
    ("windows-1252", "Western (Windows-1252)"),
    ("shift_jis", "Japanese (Shift JIS)"),
];

fn encoding_options(current: Option<&str>) -> Markup {
    let current = current.unwrap_or("");
    html! { @for (v, label) in ENCODINGS { option value=(v) selected[v.eq_ignore_ascii_case(current)] { (label) } } }
}

/// GET /rescue-lists
pub async fn index(State(state): State<AppState>, user: WebUser) -> Response {
    index_page(&state, &user, None, StatusCode::OK).await
}

async fn index_page(
    state: &AppState,
    user: &WebUser,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let shell = Shell::of(state, user).await;
    let writer = user.actor.role.can_write_cases();
    let (lists, matches) = match (
        state.hw.rescue_lists(&user.actor).await,
        state.hw.list_matches(&user.actor).await,
    ) {
        (Ok(l), Ok(m)) => (l, m),
        (Err(e), _) | (_, Err(e)) => return error_response(&e),
    };
    let pending = matches.iter().filter(|m| m.status == "pending").count();
    let mut by_list: Vec<(String, String, Vec<ListMatchView>)> = Vec::new();
    for m in matches {
        match by_list
            .iter_mut()
            .find(|(n, o, _)| *n == m.list_name && *o == m.uploaded_by.name)
        {
            Some((_, _, v)) => v.push(m),
            None => by_list.push((m.list_name.clone(), m.uploaded_by.name.clone(), vec![m])),
        }
    }
    let body = html! {
        h1 { "Rescue lists" }
        section.card #your-cases {
            h2 { "Published lists that may name your cases" }
            @if by_list.is_empty() { p.muted { "None." } }
            @else { p { (pending) " rows wait for your decision. Confirming moves the case to released, with the list as the source." } }
            @for (name, by, rows) in &by_list {
                h3 { (rows.len()) " people on the list '" (name) "' (" (by) ") may be your open cases" }
                (match_rows(rows, &shell, writer, "/rescue-lists"))
            }
        }
        @if writer { (upload_form(&shell, error)) }
        section.card #your-lists {
            h2 { "Lists you uploaded" }
            @if lists.is_empty() { p.muted { "None yet." } }
            @else {
                table.cases { thead { tr { th { "List" } th { "Uploaded" } th { "Rows" } th { "Matched" } th { "Review" } th { "Yours" } th { "" } } }
                    tbody { @for l in &lists { tr {
                        td { a href={"/rescue-lists/" (l.id)} { (l.name) } }
                        td { (minute(&l.uploaded_at)) }
                        td { (l.rows) @if l.unusable > 0 { " (" (l.unusable) " unusable)" } }
                        td { (l.matched) } td { (l.review) } td { (l.own) }
                        td { @if l.withdrawn_at.is_some() { span.muted { "withdrawn" } } }
                    } } } }
            }
        }
    };
    (status, page("Rescue lists", Some(&shell), body)).into_response()
}

/// POST /rescue-lists/upload (multipart: csrf, name, release_mode,
/// encoding, and a file or pasted text).
pub async fn upload(
    State(state): State<AppState>,
    user: WebUser,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    // Not a form the page sends: no token can be checked.
    let Ok(mut form) = form else {
        return crate::auth::csrf_failed();
    };
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or_default().to_string();
                if name == "file" {
                    let file_name = f.file_name().unwrap_or_default().to_string();
                    match f.bytes().await {
                        Ok(b) if !b.is_empty() => file = Some((file_name, b.to_vec())),
                        Ok(_) => {}
                        Err(e) => return too_big_or_bad(&state, &user, &e.body_text()).await,
                    }
                } else {
                    match f.text().await {
                        Ok(t) => {
                            fields.insert(name, t);
                        }
                        Err(e) => return too_big_or_bad(&state, &user, &e.body_text()).await,
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return too_big_or_bad(&state, &user, &e.body_text()).await,
        }
    }
    if !user.csrf_ok(fields.get("csrf").map_or("", String::as_str)) {
        return crate::auth::csrf_failed();
    }
    if !user.actor.role.can_write_cases() {
        return error_response(&CoreError::Forbidden {
            role: user.actor.role.to_string(),
            action: "reconcile rescue lists",
        });
    }
    let (file_name, bytes) = match file {
        Some(f) => f,
        None => {
            let pasted = fields.get("pasted").map_or("", |s| s.trim());
            if pasted.is_empty() {
                return index_page(
                    &state,
                    &user,
                    Some("choose a file or paste the rows"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
            (String::new(), pasted.as_bytes().to_vec())
        }
    };
    let name = fields.get("name").map_or("", |s| s.trim()).to_string();
    let release_mode = fields
        .get("release_mode")
        .and_then(|m| m.parse().ok())
        .unwrap_or(ReleaseMode::Handover);
    let encoding = fields
        .get("encoding")
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    let id = token();
    let staged = state.rescue.inner.lock().is_ok_and(|mut inner| {
        inner.expire();
        if inner.staged_bytes() + bytes.len() > MAX_STAGED_BYTES {
            return false;
        }
        inner.uploads.insert(
            id.clone(),
            Upload {
                org: user.actor.org_id,
                user: user.actor.user_id,
                created: Instant::now(),
                file_name,
                bytes: Arc::new(bytes),
                name,
                release_mode,
                encoding,
                sheet: None,
                mapping: None,
            },
        );
        true
    });
    if !staged {
        return index_page(
            &state,
            &user,
            Some("too many lists are waiting for reconciliation on this node; reconcile or discard one, or wait an hour"),
            StatusCode::SERVICE_UNAVAILABLE,
        )
        .await;
    }
    Redirect::to(&format!("/rescue-lists/staged/{id}")).into_response()
}

async fn too_big_or_bad(state: &AppState, user: &WebUser, detail: &str) -> Response {
    let msg = format!("the upload could not be read ({detail}); files up to 50 MB are accepted");
    index_page(state, user, Some(&msg), StatusCode::PAYLOAD_TOO_LARGE).await
}

/// What the preview shows of an upload.
struct Preview {
    table: Result<Table, SheetError>,
    mapping: Vec<Option<Column>>,
    reading: Result<Reading, SheetError>,
}

fn preview_of(u: &Upload) -> Preview {
    preview_with(read_upload(u), u)
}

/// The upload's bytes as a table, under its encoding and sheet.
fn read_upload(u: &Upload) -> Result<Table, SheetError> {
    people::read_table(
        &u.bytes,
        &ReadOptions {
            encoding: u.encoding.clone(),
            sheet: u.sheet.clone(),
        },
    )
}

/// The preview of an already read table under the upload's mapping.
fn preview_with(table: Result<Table, SheetError>, u: &Upload) -> Preview {
    let mapping = match (&table, &u.mapping) {
        (Ok(t), Some(m)) if m.len() == t.headers.len() => m.clone(),
        (Ok(t), _) => people::guess_mapping(&t.headers),
        (Err(_), _) => Vec::new(),
    };
    let reading = match &table {
        Ok(t) => people::read_people(t, &mapping),
        Err(e) => Err(e.clone()),
    };
    Preview {
        table,
        mapping,
        reading,
    }
}

/// The upload `id` of the user, as a snapshot.
fn staged(state: &AppState, user: &WebUser, id: &str) -> Option<Upload> {
    let mut inner = state.rescue.inner.lock().ok()?;
    inner.expire();
    inner
        .uploads
        .get(id)
        .filter(|u| u.org == user.actor.org_id && u.user == user.actor.user_id)
        .cloned()
}

fn record_cells(r: &PersonRecord) -> [String; 6] {
    let mut names = r.names.join(" / ");
    if let (Some(g), Some(f)) = (&r.given_name, &r.family_name) {
        if !names.is_empty() {
            names.push_str(" / ");
        }
        names.push_str(&format!("{f}, {g}"));
    } else if let Some(x) = r.given_name.as_ref().or(r.family_name.as_ref()) {
        if !names.is_empty() {
            names.push_str(" / ");
        }
        names.push_str(x);
    }
    [
        names,
        r.birth_date.clone().unwrap_or_default(),
        r.nationality.clone().unwrap_or_default(),
        [r.passport_no.clone(), r.id_no.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        r.phones.join("; "),
        r.sex.clone().unwrap_or_default(),
    ]
}

fn preview_page(id: &str, u: &Upload, p: &Preview, shell: &Shell, error: Option<&str>) -> Markup {
    let body = html! {
        h1 { "Preview: " (if u.name.is_empty() { "unnamed list" } else { &u.name }) }
        p.muted { @if u.file_name.is_empty() { "Pasted text" } @else { (u.file_name) } ", " (u.bytes.len()) " bytes. Nothing is saved until you reconcile." }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action={"/rescue-lists/staged/" (id)} {
            input type="hidden" name="csrf" value=(shell.csrf);
            section.card {
                h2 { "The list" }
                label for="name" { "Name of the list" }
                input #name name="name" required value=(u.name) placeholder="Myawaddy handover, 2026-11-20";
                (release_mode_select(u.release_mode))
                @match &p.table {
                    Ok(t) => {
                        p { "Read as " (match t.format { people::Format::Xlsx => "an Excel workbook", people::Format::Delimited => "delimited text" })
                            @if let Some(d) = t.delimiter { " (separator " code { (match d { '\t' => "tab".to_string(), c => c.to_string() }) } ", " (t.encoding) ")" }
                            ": " strong #row-count { (t.rows.len()) } " rows." }
                        @if t.sheets.len() > 1 {
                            label for="sheet" { "Worksheet" }
                            select #sheet name="sheet" { @for s in &t.sheets { option value=(s) selected[t.sheet.as_deref() == Some(s.as_str())] { (s) } } }
                        }
                        @if t.format == people::Format::Delimited {
                            label for="encoding" { "Encoding" }
                            select #encoding name="encoding" { (encoding_options(u.encoding.as_deref())) }
                        }
                    },
                    Err(e) => {
                        p.error role="alert" #read-error { (e.to_string()) }
                        label for="encoding" { "Encoding" }
                        select #encoding name="encoding" { (encoding_options(u.encoding.as_deref())) }
                        label for="sheet" { "Worksheet " span.muted { "(workbooks)" } }
                        input #sheet name="sheet" value=(u.sheet.clone().unwrap_or_default());
                    },
                }
            }
            @if let Ok(t) = &p.table {
                section.card #mapping {
                    h2 { "Columns" }
                    p.muted { "Each column of the list and the field it is read as. Change one if it was guessed wrong; a name or a document number is needed." }
                    table.cases { thead { tr { th { "Column in the list" } th { "Read as" } th { "First values" } } }
                        tbody { @for (i, h) in t.headers.iter().enumerate() { tr {
                            td { label for={"map_" (i)} { (if h.is_empty() { "(no header)" } else { h }) } }
                            td { select id={"map_" (i)} name={"map_" (i)} {
                                option value="" { "— not used" }
                                @for c in Column::ALL { option value=(c.as_str()) selected[p.mapping.get(i).copied().flatten() == Some(c)] { (c.label()) } }
                            } }
                            td.muted { (t.rows.iter().take(3).filter_map(|r| r.cells.get(i)).filter(|v| !v.is_empty()).cloned().collect::<Vec<_>>().join(" · ")) }
                        } } } }
                }
            }
            @match &p.reading {
                Ok(r) => {
                    section.card #preview {
                        h2 { "What will be read" }
                        p { strong #usable-count { (r.records.len()) } " people will be linked against every open case; "
                            strong #unusable-count { (r.unusable) } " rows cannot be used; "
                            (r.issues.iter().filter(|i| !i.unusable).count()) " values are left out." }
                        table.cases { thead { tr { th { "Line" } th { "Names" } th { "Birth date" } th { "Nationality" } th { "Document" } th { "Phone" } th { "Sex" } } }
                            tbody { @for rec in r.records.iter().take(PREVIEW_ROWS) { tr {
                                td { (rec.record_id) } @for c in record_cells(rec) { td { (c) } }
                            } } } }
                        @if r.records.len() > PREVIEW_ROWS { p.muted { "… and " (r.records.len() - PREVIEW_ROWS) " more." } }
                        @if !r.issues.is_empty() {
                            h3 { "Rows and values left out" }
                            ul #issues { @for i in r.issues.iter().take(PREVIEW_ISSUES) {
                                li { "Line " (i.line) ": " (i.message) @if i.unusable { " — " strong { "row not used" } } }
                            } }
                            @if r.issues.len() > PREVIEW_ISSUES { p.muted { "… and " (r.issues.len() - PREVIEW_ISSUES) " more." } }
                        }
                    }
                },
                Err(e) => { @if p.table.is_ok() { section.card { p.error role="alert" #mapping-error { (e.to_string()) } } } },
            }
            p {
                button type="submit" name="action" value="preview" { "Update the preview" }
                " "
                @if p.reading.as_ref().is_ok_and(|r| !r.records.is_empty()) {
                    button.primary type="submit" name="action" value="reconcile" { "Reconcile the list" }
                }
                " "
                button.link type="submit" name="action" value="discard" { "Discard" }
            }
        }
    };
    page("Preview rescue list", Some(shell), body)
}

/// GET /rescue-lists/staged/{id}
pub async fn show_staged(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Response {
    let Some(u) = staged(&state, &user, &id) else {
        return not_found();
    };
    let shell = Shell::of(&state, &user).await;
    let p = preview_of(&u);
    (StatusCode::OK, preview_page(&id, &u, &p, &shell, None)).into_response()
}

/// POST /rescue-lists/staged/{id}: `action` = preview | reconcile | discard,
/// with the name, release mode, encoding, worksheet and `map_<i>` columns.
pub async fn update_staged(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if !user.csrf_ok(f.get("csrf").map_or("", String::as_str)) {
        return crate::auth::csrf_failed();
    }
    let Some(mut u) = staged(&state, &user, &id) else {
        return not_found();
    };
    let action = f.get("action").map_or("preview", String::as_str);
    if action == "discard" {
        if let Ok(mut inner) = state.rescue.inner.lock() {
            inner.uploads.remove(&id);
        }
        return Redirect::to("/rescue-lists").into_response();
    }
    if let Some(n) = f.get("name") {
        n.trim().clone_into(&mut u.name);
    }
    if let Some(m) = f.get("release_mode").and_then(|m| m.parse().ok()) {
        u.release_mode = m;
    }
    let encoding = f
        .get("encoding")
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty());
    let sheet = f
        .get("sheet")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let reread = encoding != u.encoding || (sheet.is_some() && sheet != u.sheet);
    u.encoding = encoding;
    if sheet.is_some() {
        u.sheet = sheet;
    }
    let mut error = None;
    if reread {
        // Another encoding or sheet: other headers, so guess again.
        u.mapping = None;
    }
    // Read once, under the encoding and sheet now chosen.
    let table = read_upload(&u);
    if let (false, Ok(t)) = (reread, &table) {
        let mut mapping = Vec::with_capacity(t.headers.len());
        for i in 0..t.headers.len() {
            let v = f.get(&format!("map_{i}")).map_or("", |v| v.trim());
            mapping.push(if v.is_empty() {
                None
            } else {
                match Column::parse(v) {
                    Some(c) => Some(c),
                    None => {
                        error = Some(format!("column {}: unknown field {v:?}", i + 1));
                        None
                    }
                }
            });
        }
        u.mapping = Some(mapping);
    }
    let p = preview_with(table, &u);
    if let Ok(mut inner) = state.rescue.inner.lock()
        && let Some(stored) = inner.uploads.get_mut(&id)
    {
        *stored = u.clone();
    }
    let shell = Shell::of(&state, &user).await;
    if action == "reconcile" && error.is_none() && !reread {
        if u.name.is_empty() {
            error = Some("name the list, e.g. \"Myawaddy handover, 2026-11-20\"".into());
        } else if let Ok(reading) = &p.reading {
            return start(&state, &user, &id, &u, reading).await;
        }
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, preview_page(&id, &u, &p, &shell, error.as_deref())).into_response()
}

/// Starts the reconciliation in the background and shows its progress.
async fn start(
    state: &AppState,
    user: &WebUser,
    id: &str,
    u: &Upload,
    reading: &Reading,
) -> Response {
    let mut rows = reading.records.clone();
    rows.extend(
        reading
            .issues
            .iter()
            .filter(|i| i.unusable)
            .map(|i| PersonRecord {
                record_id: i.line.to_string(),
                ..PersonRecord::default()
            }),
    );
    let bytes = u.bytes.as_ref().clone();
    let input = RescueListInput {
        name: u.name.clone(),
        file_sha256: homeward_core::secrets::file_digest(&bytes),
        release_mode: u.release_mode,
        rows,
        file: Some(ListFile::new(u.file_name.clone(), bytes)),
    };
    let progress = Arc::new(ReconcileProgress::default());
    progress
        .total
        .store(reading.records.len(), Ordering::Relaxed);
    let job = token();
    let started = state
        .rescue
        .inner
        .lock()
        .map(|mut inner| {
            // One reconciliation at a time per organisation; the upload is
            // taken out of staging once (a second submit finds it gone).
            if inner
                .jobs
                .values()
                .any(|j| j.org == user.actor.org_id && j.result.is_none())
            {
                return Err(
                    "another list of your organisation is being reconciled; wait for it to finish",
                );
            }
            if inner.uploads.remove(id).is_none() {
                return Err("this upload was already reconciled or discarded");
            }
            inner.jobs.insert(
                job.clone(),
                Job {
                    org: user.actor.org_id,
                    bytes: u.bytes.len(),
                    created: Instant::now(),
                    name: u.name.clone(),
                    progress: progress.clone(),
                    result: None,
                },
            );
            Ok(())
        })
        .map_err(|_| ());
    match started {
        Ok(Ok(())) => {}
        Ok(Err(msg)) => {
            return index_page(state, user, Some(msg), StatusCode::CONFLICT).await;
        }
        Err(_) => return error_response(&CoreError::Conflict("busy; try again".into())),
    }
    let hw = state.hw.clone();
    let staging = state.rescue.clone();
    let actor: Actor = user.actor.clone();
    let key = job.clone();
    tokio::spawn(async move {
        let result = hw
            .reconcile_with_progress(Uploader::User(&actor), input, Some(&progress))
            .await
            .map(|s| s.list_id)
            .map_err(|e| super::case_page::explain(&e));
        if let Ok(mut inner) = staging.inner.lock()
            && let Some(j) = inner.jobs.get_mut(&key)
        {
            j.result = Some(result);
            j.created = Instant::now();
        }
    });
    Redirect::to(&format!("/rescue-lists/jobs/{job}")).into_response()
}

/// GET /rescue-lists/jobs/{id}: progress, then the list.
pub async fn job(State(state): State<AppState>, user: WebUser, Path(id): Path<String>) -> Response {
    let snapshot = state.rescue.inner.lock().ok().and_then(|inner| {
        inner
            .jobs
            .get(&id)
            .filter(|j| j.org == user.actor.org_id)
            .map(|j| {
                (
                    j.name.clone(),
                    j.progress.done.load(Ordering::Relaxed),
                    j.progress.total.load(Ordering::Relaxed),
                    j.result.clone(),
                )
            })
    });
    let Some((name, done, total, result)) = snapshot else {
        return not_found();
    };
    match result {
        Some(Ok(list)) => Redirect::to(&format!("/rescue-lists/{list}")).into_response(),
        other => {
            let shell = Shell::of(&state, &user).await;
            let body = html! {
                section.card.narrow #job {
                    h1 { "Reconciling '" (name) "'" }
                    @match &other {
                        Some(Err(e)) => { p.error role="alert" { "The list was not reconciled and nothing was saved: " (e) } p { a href="/rescue-lists" { "Back to rescue lists" } } },
                        _ => {
                            progress #progress max=(total.max(1)) value=(done) { (done) " / " (total) }
                            p { (done) " of " (total) " rows linked against every open case. This page refreshes itself." }
                            p { a href={"/rescue-lists/jobs/" (id)} { "Refresh" } }
                        },
                    }
                }
            };
            let mut resp = page("Reconciling", Some(&shell), body).into_response();
            if other.is_none()
                && let Ok(v) = header::HeaderValue::from_str("1")
            {
                resp.headers_mut().insert(header::REFRESH, v);
            }
            resp
        }
    }
}

fn list_page(d: &RescueListDetail, shell: &Shell, writer: bool, error: Option<&str>) -> Markup {
    let l = &d.list;
    let back = format!("/rescue-lists/{}", l.id);
    let body = html! {
        h1 { (l.name) }
        p.muted { "Uploaded " (minute(&l.uploaded_at)) " · released by " (l.release_mode.as_str().replace('_', "-"))
            " · SHA-256 " code { (l.file_sha256.chars().take(16).collect::<String>()) "…" }
            @if let Some(f) = &l.file_name { " · " a href={"/rescue-lists/" (l.id) "/file"} { "download the file" @if !f.is_empty() { " (" (f) ")" } } } }
        @if let Some(at) = &l.withdrawn_at { p.notice { "Withdrawn " (minute(at)) ": its pending matches were withdrawn; decisions already taken stand." } }
        section.card #summary {
            h2 { "Result" }
            dl {
                dt { "Rows" } dd #rows { (l.rows) }
                dt { "Unusable" } dd #unusable { (l.unusable) }
                dt { "Matched an open case" } dd #matched { (l.matched) }
                dt { "For review" } dd #review { (l.review) }
                dt { "Your own cases" } dd #own { (l.own) }
            }
            p.muted { "Organisations whose open cases matched have been told which of their cases may be on the list; you see only your own." }
        }
        section.card {
            h2 { "Rows that may be your cases" }
            @if d.own_matches.is_empty() { p.muted { "None." } } @else { (match_rows(&d.own_matches, shell, writer, &back)) }
        }
        @if writer && l.withdrawn_at.is_none() {
            section.card #withdraw {
                h2 { "Withdraw this list" }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                p.muted { "Undo an upload: every pending match is withdrawn and no owner is asked to decide any more. Confirmed matches stand; the file stays on record." }
                form method="post" action={"/rescue-lists/" (l.id) "/withdraw"} {
                    input type="hidden" name="csrf" value=(shell.csrf);
                    label for="withdraw_reason" { "Reason" }
                    input #withdraw_reason name="reason" required;
                    button type="submit" { "Withdraw the list" }
                }
            }
        }
    };
    page(&l.name, Some(shell), body)
}

fn parse_list(id: &str) -> Option<RescueListId> {
    id.parse().ok()
}

fn no_list() -> Response {
    error_response(&CoreError::NotFound {
        what: "rescue list",
    })
}

/// GET /rescue-lists/{id}
pub async fn show(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_list(&id) else {
        return no_list();
    };
    match state.hw.rescue_list(&user.actor, id).await {
        Ok(d) => {
            let shell = Shell::of(&state, &user).await;
            let writer = user.actor.role.can_write_cases();
            list_page(&d, &shell, writer, None).into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// GET /rescue-lists/{id}/file
pub async fn file(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_list(&id) else {
        return no_list();
    };
    match state.hw.rescue_list_file(&user.actor, id).await {
        Ok(f) => {
            let name: String = if f.name.is_empty() {
                "pasted-list.txt".into()
            } else {
                f.name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect()
            };
            (
                [
                    (header::CONTENT_TYPE, f.media_type),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                Body::from(f.bytes),
            )
                .into_response()
        }
        Err(e) => error_response(&e),
    }
}

/// The withdraw form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    csrf: String,
    reason: String,
}

/// POST /rescue-lists/{id}/withdraw
pub async fn withdraw(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<WithdrawForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Some(id) = parse_list(&id) else {
        return no_list();
    };
    match state
        .hw
        .withdraw_rescue_list(&user.actor, id, &f.reason)
        .await
    {
        Ok(_) => Redirect::to(&format!("/rescue-lists/{id}")).into_response(),
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict(_))) => {
            match state.hw.rescue_list(&user.actor, id).await {
                Ok(d) => {
                    let shell = Shell::of(&state, &user).await;
                    let msg = super::case_page::explain(&e);
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        list_page(&d, &shell, true, Some(&msg)),
                    )
                        .into_response()
                }
                Err(e) => error_response(&e),
            }
        }
        Err(e) => error_response(&e),
    }
}

/// The decision form of a list match.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    csrf: String,
    confirm: String,
    back: String,
}

/// POST /rescue-lists/matches/{id}/decision
pub async fn decide(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<ListMatchId>() else {
        return error_response(&CoreError::NotFound { what: "list match" });
    };
    let confirm = f.confirm == "1";
    match state
        .hw
        .decide_list_match(&user.actor, id, ListMatchDecision { confirm })
        .await
    {
        Ok(_) => {
            // Back to the page the form was on (a local path only).
            let back = if f.back.starts_with("/rescue-lists") && !f.back.contains("//") {
                f.back
            } else {
                "/rescue-lists".into()
            };
            Redirect::to(&back).into_response()
        }
        Err(
            e @ (CoreError::Conflict(_)
            | CoreError::Invalid(_)
            | CoreError::InvalidTransition { .. }),
        ) => {
            index_page(
                &state,
                &user,
                Some(&super::case_page::explain(&e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_response(&e),
    }
}
