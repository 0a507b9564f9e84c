//! Screening job ads (C8).

use axum::Json;
use axum::extract::State;
use homeward_types::wire::{Problem, ScreenInput, ScreenOutput};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson};

/// Screens one ad (a JSON object) or a batch (a JSON array of up to 1,000)
/// for scam-compound lure risk. Nothing is stored.
#[utoipa::path(post, path = "/api/v1/screen", tag = "screening", request_body = ScreenInput,
    responses((status = 200, body = ScreenOutput), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn screen(
    State(state): State<AppState>,
    ApiActor(_actor): ApiActor,
    ApiJson(input): ApiJson<ScreenInput>,
) -> Result<Json<ScreenOutput>, ApiError> {
    let batch = matches!(&input, ScreenInput::Batch(ads) if ads.len() > 50);
    let out = if batch {
        // Big batches run off the async workers.
        let hw = state.hw.clone();
        tokio::task::spawn_blocking(move || hw.screen(input))
            .await
            .map_err(|_| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    "screening failed",
                )
            })??
    } else {
        state.hw.screen(input)?
    };
    Ok(Json(out))
}
