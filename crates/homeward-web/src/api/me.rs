//! The caller and the network's organisations.

use axum::Json;
use axum::extract::State;
use homeward_types::wire::{MeView, OrganisationView, Problem};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::ApiError;

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = MeView), (status = 401, body = Problem)))]
pub async fn get_me(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<MeView>, ApiError> {
    Ok(Json(state.hw.me(&actor).await?))
}

/// The organisations of the network.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "account",
    responses((status = 200, body = [OrganisationView]), (status = 401, body = Problem)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<OrganisationView>>, ApiError> {
    Ok(Json(state.hw.organisations(&actor).await?))
}
