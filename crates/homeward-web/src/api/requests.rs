//! Cross-border requests, consent, the still-held flag and the disclosure log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_core::model::RequestFilter;
use homeward_types::wire::{
    CaseDetail, CompartmentEntryView, CompartmentInput, ConsentInput, ConsentView, DisclosurePage,
    Problem, RequestInput, RequestMessageInput, RequestPage, RequestTransitionInput, RequestView,
    StillHeldInput,
};
use homeward_types::{CaseId, ConsentId, RequestId, RequestState};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath, ApiQuery};

/// Filters and paging of the request list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    /// `sent` or `received` (default: both).
    pub direction: Option<String>,
    /// Only requests in this state.
    pub state: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

impl RequestQuery {
    /// Parses the query into a core filter.
    pub fn filter(&self) -> Result<RequestFilter, ApiError> {
        let text = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(RequestFilter {
            sent: match text(&self.direction).as_deref() {
                None => None,
                Some("sent") => Some(true),
                Some("received") => Some(false),
                Some(other) => {
                    return Err(super::cases::bad_query(format!(
                        "direction: '{}' is neither sent nor received",
                        other.chars().take(40).collect::<String>()
                    )));
                }
            },
            state: text(&self.state)
                .map(|s| s.parse::<RequestState>())
                .transpose()
                .map_err(|e| super::cases::bad_query(format!("state: {e}")))?,
            in_force: false,
            before: text(&self.cursor)
                .map(|c| c.parse::<RequestId>())
                .transpose()
                .map_err(|e| super::cases::bad_query(format!("cursor: {e}")))?,
            limit: self.limit.unwrap_or(50),
        })
    }
}

/// Requests your organisation sent or received, newest first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(RequestQuery),
    responses((status = 200, body = RequestPage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_requests(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> Result<Json<RequestPage>, ApiError> {
    Ok(Json(state.hw.list_requests(&actor, q.filter()?).await?))
}

/// Writes a request about one of your organisation's cases, granting the
/// recipient the named personal data while it is open (`send: true` sends it).
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = RequestInput,
    responses((status = 201, body = RequestView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.create_request(&actor, input).await?),
    ))
}

/// A request with its thread (its two parties only).
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem)))]
pub async fn get_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<RequestId>,
) -> Result<Json<RequestView>, ApiError> {
    Ok(Json(state.hw.request_view(&actor, id).await?))
}

/// Moves a request: the sender sends or cancels; the recipient acknowledges,
/// accepts or declines, starts and completes. Closing it ends its grant.
#[utoipa::path(post, path = "/api/v1/requests/{id}/transitions", tag = "requests",
    request_body = RequestTransitionInput, params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = RequestView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn move_request(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<RequestId>,
    ApiJson(input): ApiJson<RequestTransitionInput>,
) -> Result<Json<RequestView>, ApiError> {
    Ok(Json(state.hw.move_request(&actor, id, input).await?))
}

/// Adds a message to a request's thread.
#[utoipa::path(post, path = "/api/v1/requests/{id}/messages", tag = "requests",
    request_body = RequestMessageInput, params(("id" = String, Path, description = "Request id")),
    responses((status = 201, body = RequestView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn post_message(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<RequestId>,
    ApiJson(input): ApiJson<RequestMessageInput>,
) -> Result<(StatusCode, Json<RequestView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.post_request_message(&actor, id, input).await?),
    ))
}

/// Sets or clears a case's still-held flag (the owner's officers and admins).
#[utoipa::path(post, path = "/api/v1/cases/{id}/still-held", tag = "sharing",
    request_body = StillHeldInput, params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_still_held(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<StillHeldInput>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(state.hw.set_still_held(&actor, id, input).await?))
}

/// Records the subject's consent on a case of your organisation.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents", tag = "sharing",
    request_body = ConsentInput, params(("id" = String, Path, description = "Case id")),
    responses((status = 201, body = ConsentView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_consent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<(StatusCode, Json<ConsentView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.record_consent(&actor, id, input).await?),
    ))
}

/// Withdraws a consent.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consents/{consent}/revoke", tag = "sharing",
    params(("id" = String, Path, description = "Case id"), ("consent" = String, Path, description = "Consent id")),
    responses((status = 200, body = ConsentView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_consent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, consent)): ApiPath<(CaseId, ConsentId)>,
) -> Result<Json<ConsentView>, ApiError> {
    Ok(Json(state.hw.revoke_consent(&actor, id, consent).await?))
}

/// Paging of the disclosure log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DisclosureQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<u32>,
}

/// Every disclosure of your organisation's personal data — grants, their
/// end, reads through grants — newest first (admins, as data protection officer).
#[utoipa::path(get, path = "/api/v1/disclosures", tag = "sharing", params(DisclosureQuery),
    responses((status = 200, body = DisclosurePage), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem)))]
pub async fn list_disclosures(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<DisclosureQuery>,
) -> Result<Json<DisclosurePage>, ApiError> {
    let before = super::cases::cursor::<i64>(q.cursor.as_deref())?;
    Ok(Json(
        state
            .hw
            .disclosures(&actor, before, q.limit.unwrap_or(100))
            .await?,
    ))
}

/// The criminal-justice compartment of a case: its screenings, warrant checks
/// and notes (criminal-justice staff of the owner, or of a request's
/// recipient granted it; 403 for every other role).
#[utoipa::path(get, path = "/api/v1/cases/{id}/compartment", tag = "sharing",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = [CompartmentEntryView]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_compartment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<CompartmentEntryView>>, ApiError> {
    Ok(Json(state.hw.compartment(&actor, id).await?))
}

/// Adds a screening, warrant check or note to the compartment of one of your
/// organisation's cases (its criminal-justice staff).
#[utoipa::path(post, path = "/api/v1/cases/{id}/compartment", tag = "sharing",
    request_body = CompartmentInput, params(("id" = String, Path, description = "Case id")),
    responses((status = 201, body = [CompartmentEntryView]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_compartment_entry(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<CompartmentInput>,
) -> Result<(StatusCode, Json<Vec<CompartmentEntryView>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.add_compartment_entry(&actor, id, input).await?),
    ))
}
