//! The register of sites (compounds).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_types::wire::{Problem, SiteInput, SiteView};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson};

/// Sites visible to the caller.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites",
    responses((status = 200, body = [SiteView]), (status = 401, body = Problem)))]
pub async fn list_sites(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SiteView>>, ApiError> {
    Ok(Json(state.hw.list_sites(&actor).await?))
}

/// Registers a site.
#[utoipa::path(post, path = "/api/v1/sites", tag = "sites", request_body = SiteInput,
    responses((status = 201, body = SiteView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<SiteInput>,
) -> Result<(StatusCode, Json<SiteView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.create_site(&actor, input).await?),
    ))
}
