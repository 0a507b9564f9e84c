//! Reports and cases.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_core::model::CaseFilter;
use homeward_types::wire::{
    CaseDetail, CasePage, NewReport, NoteInput, Problem, ReportCreated, TransitionInput,
};
use homeward_types::{CaseId, CaseState, NoteId, SiteId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath, ApiQuery};

/// Filters and paging of the case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// Only cases in this state.
    pub state: Option<String>,
    /// Only subjects of this nationality (ISO alpha-2).
    pub nationality: Option<String>,
    /// Only cases at this site (id).
    pub site: Option<String>,
    /// Text to find in names (your organisation's cases) or references.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

pub(crate) fn bad_query(detail: String) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        "Invalid query parameter",
        detail,
    )
}

/// The `before` of a list from its `cursor` query parameter (absent or
/// empty: the first page).
pub(crate) fn cursor<T: std::str::FromStr>(cursor: Option<&str>) -> Result<Option<T>, ApiError> {
    cursor
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<T>()
                .map_err(|_| bad_query("cursor: not a cursor of this list".into()))
        })
        .transpose()
}

impl CaseQuery {
    /// Parses the query into a core filter.
    pub fn filter(&self) -> Result<CaseFilter, ApiError> {
        let nonempty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(CaseFilter {
            state: nonempty(&self.state)
                .map(|s| s.parse::<CaseState>())
                .transpose()
                .map_err(|e| bad_query(format!("state: {e}")))?,
            nationality: nonempty(&self.nationality),
            site_id: nonempty(&self.site)
                .map(|s| s.parse::<SiteId>())
                .transpose()
                .map_err(|e| bad_query(format!("site: {e}")))?,
            text: nonempty(&self.q),
            before: nonempty(&self.cursor)
                .map(|s| s.parse::<CaseId>())
                .transpose()
                .map_err(|_| bad_query("cursor: not a cursor returned by this endpoint".into()))?,
            limit: self.limit.unwrap_or(50),
        })
    }
}

/// Cases visible to the caller, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = CasePage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(query): ApiQuery<CaseQuery>,
) -> Result<Json<CasePage>, ApiError> {
    Ok(Json(state.hw.list_cases(&actor, query.filter()?).await?))
}

/// Files a report about a person; opens a case.
#[utoipa::path(post, path = "/api/v1/reports", tag = "cases", request_body = NewReport,
    responses((status = 201, body = ReportCreated), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<NewReport>,
) -> Result<(StatusCode, Json<ReportCreated>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.file_report(&actor, input).await?),
    ))
}

/// A case with everything the caller may see (reading personal data is audited).
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(state.hw.case_detail(&actor, id).await?))
}

/// Moves a case to another state, with a reason.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", tag = "cases", request_body = TransitionInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_transition(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(state.hw.transition(&actor, id, input).await?))
}

/// The id of a new note.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NoteCreated {
    /// Note id.
    pub id: NoteId,
}

/// Adds a note to a case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "cases", request_body = NoteInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 201, body = NoteCreated), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_note(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<NoteCreated>), ApiError> {
    let id = state.hw.add_note(&actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(NoteCreated { id })))
}
