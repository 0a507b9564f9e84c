//! Sharing groups and markings.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_types::wire::{
    CaseDetail, GroupMemberInput, MarkingInput, Problem, SharingGroupInput, SharingGroupView,
};
use homeward_types::{CaseId, SharingGroupId};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath};

/// The sharing groups your organisation belongs to.
#[utoipa::path(get, path = "/api/v1/sharing-groups", tag = "sharing",
    responses((status = 200, body = [SharingGroupView]), (status = 401, body = Problem)))]
pub async fn list_groups(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SharingGroupView>>, ApiError> {
    Ok(Json(state.hw.list_groups(&actor).await?))
}

/// Creates a sharing group managed by your organisation (admins).
#[utoipa::path(post, path = "/api/v1/sharing-groups", tag = "sharing", request_body = SharingGroupInput,
    responses((status = 201, body = SharingGroupView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_group(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<SharingGroupInput>,
) -> Result<(StatusCode, Json<SharingGroupView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.create_group(&actor, input).await?),
    ))
}

/// Adds an organisation to a group your organisation manages (admins).
#[utoipa::path(post, path = "/api/v1/sharing-groups/{id}/members", tag = "sharing",
    request_body = GroupMemberInput, params(("id" = String, Path, description = "Sharing group id")),
    responses((status = 200, body = SharingGroupView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<SharingGroupId>,
    ApiJson(input): ApiJson<GroupMemberInput>,
) -> Result<Json<SharingGroupView>, ApiError> {
    Ok(Json(state.hw.add_group_member(&actor, id, input).await?))
}

/// Changes a case's marking (the owner's officers and admins; lowering needs a reason).
#[utoipa::path(post, path = "/api/v1/cases/{id}/marking", tag = "sharing", request_body = MarkingInput,
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn change_marking(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<MarkingInput>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(state.hw.change_marking(&actor, id, input).await?))
}
