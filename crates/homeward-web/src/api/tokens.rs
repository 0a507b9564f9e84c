//! The caller's API tokens, "sign out everywhere" and disabling users.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_types::wire::{NewTokenView, Problem, SessionsRevoked, TokenInput, TokenView};
use homeward_types::{TokenId, UserId};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath};

/// Your API tokens (never their secrets), newest first.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "account",
    responses((status = 200, body = [TokenView]), (status = 401, body = Problem)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    Ok(Json(state.hw.tokens(&actor).await?))
}

/// Creates an API token (from a signed-in browser session only); the
/// secret is in this response only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "account", request_body = TokenInput,
    responses((status = 201, body = NewTokenView), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<NewTokenView>), ApiError> {
    let token = state
        .hw
        .create_own_token(&actor, &input.name, input.scope)
        .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

/// Revokes a token: your own, or (admins) any of your organisation's.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "account",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<TokenId>,
) -> Result<StatusCode, ApiError> {
    state.hw.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every browser session of yours ("sign out everywhere"); tokens
/// stay valid until revoked.
#[utoipa::path(post, path = "/api/v1/me/sessions/revoke", tag = "account",
    responses((status = 200, body = SessionsRevoked), (status = 401, body = Problem),
        (status = 403, body = Problem)))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<SessionsRevoked>, ApiError> {
    let revoked = state.hw.revoke_sessions(&actor).await?;
    Ok(Json(SessionsRevoked { revoked }))
}

/// Disables a user of your organisation (admins): their sessions end and
/// their tokens are revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "account",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn disable_user(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<UserId>,
) -> Result<StatusCode, ApiError> {
    state.hw.disable_user(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
