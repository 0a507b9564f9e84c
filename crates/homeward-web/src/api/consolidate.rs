//! Consolidation: possible duplicates, merge and unmerge.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_types::wire::{MergeInput, MergeView, PossibleDuplicate, Problem, UnmergeInput};
use homeward_types::{CaseId, MergeId};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath};

/// Open cases you may see whose subject may be the same person as this
/// case's (found across scripts and romanisations), most probable first.
/// Your organisation's cases only.
#[utoipa::path(get, path = "/api/v1/cases/{id}/duplicates", tag = "consolidation",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = Vec<PossibleDuplicate>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn duplicates(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<Vec<PossibleDuplicate>>, ApiError> {
    Ok(Json(state.hw.possible_duplicates(&actor, id).await?))
}

/// Merges another open case of your organisation into this one: it becomes
/// `duplicate`; its reports, names, documents and contacts join this case,
/// each marked with its source. Undo with `POST /merges/{id}/unmerge`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/merge", tag = "consolidation", request_body = MergeInput,
    params(("id" = String, Path, description = "Case id (the one that absorbs the other)")),
    responses((status = 201, body = MergeView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn merge(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(input): ApiJson<MergeInput>,
) -> Result<(StatusCode, Json<MergeView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.merge_cases(&actor, id, input).await?),
    ))
}

/// Undoes a merge: both cases return exactly as they were.
#[utoipa::path(post, path = "/api/v1/merges/{id}/unmerge", tag = "consolidation", request_body = UnmergeInput,
    params(("id" = String, Path, description = "Merge id")),
    responses((status = 200, body = MergeView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn unmerge(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<MergeId>,
    ApiJson(input): ApiJson<UnmergeInput>,
) -> Result<Json<MergeView>, ApiError> {
    Ok(Json(state.hw.unmerge(&actor, id, input).await?))
}
