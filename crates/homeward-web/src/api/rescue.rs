//! Rescue-list reconciliation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_core::{RescueListInput as CoreInput, Uploader};
use homeward_match::PersonRecord;
use homeward_types::wire::{
    ListMatchDecision, ListMatchView, Problem, RescueListDetail, RescueListInput,
    RescueListSummary, RescueListView, WithdrawInput,
};
use homeward_types::{ListMatchId, ReleaseMode, RescueListId};

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath};

/// Largest JSON rescue list accepted (about 200,000 rows).
pub const MAX_LIST_BODY: usize = 64 * 1024 * 1024;

fn cut(s: &str) -> String {
    s.chars().take(500).collect()
}

/// Reconciles a rescue list against every open case of the network. You
/// learn which rows are your own cases; the owners of other matched cases
/// are notified, and you learn nothing of their cases.
#[utoipa::path(post, path = "/api/v1/rescue-lists", tag = "rescue lists", request_body = RescueListInput,
    responses((status = 201, body = RescueListSummary), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn reconcile(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<RescueListInput>,
) -> Result<(StatusCode, Json<RescueListSummary>), ApiError> {
    let digest = homeward_core::secrets::file_digest(
        serde_json::to_string(&input.rows)
            .unwrap_or_default()
            .as_bytes(),
    );
    let rows = input
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| PersonRecord {
            record_id: (i + 1).to_string(),
            names: r.names.iter().take(8).map(|n| cut(n)).collect(),
            sex: r.sex.as_deref().map(cut),
            birth_date: r.birth_date.as_deref().map(cut),
            nationality: r.nationality.as_deref().map(cut),
            passport_no: r.passport_no.as_deref().map(cut),
            id_no: r.id_no.as_deref().map(cut),
            phones: r.phones.iter().take(8).map(|p| cut(p)).collect(),
            ..PersonRecord::default()
        })
        .collect();
    let summary = state
        .hw
        .reconcile_rescue_list(
            Uploader::User(&actor),
            CoreInput {
                name: input.name,
                file_sha256: digest,
                release_mode: input.release_mode.unwrap_or(ReleaseMode::Handover),
                rows,
                file: None,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// Rows of rescue lists that may be your organisation's open cases.
#[utoipa::path(get, path = "/api/v1/rescue-lists/matches", tag = "rescue lists",
    responses((status = 200, body = [ListMatchView]), (status = 401, body = Problem)))]
pub async fn list_matches(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<ListMatchView>>, ApiError> {
    Ok(Json(state.hw.list_matches(&actor).await?))
}

/// Confirms (the case moves to `released`, with the list as source) or
/// rejects a match of one of your cases.
#[utoipa::path(post, path = "/api/v1/rescue-lists/matches/{id}/decision", tag = "rescue lists",
    request_body = ListMatchDecision, params(("id" = String, Path, description = "List match id")),
    responses((status = 200, body = ListMatchView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<ListMatchId>,
    ApiJson(input): ApiJson<ListMatchDecision>,
) -> Result<Json<ListMatchView>, ApiError> {
    Ok(Json(state.hw.decide_list_match(&actor, id, input).await?))
}

/// The rescue lists your organisation uploaded, newest first.
#[utoipa::path(get, path = "/api/v1/rescue-lists", tag = "rescue lists",
    responses((status = 200, body = [RescueListView]), (status = 401, body = Problem)))]
pub async fn list_lists(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<RescueListView>>, ApiError> {
    Ok(Json(state.hw.rescue_lists(&actor).await?))
}

/// One of your organisation's lists, with the rows that matched your own
/// cases (other organisations' rows are counted, never shown).
#[utoipa::path(get, path = "/api/v1/rescue-lists/{id}", tag = "rescue lists",
    params(("id" = String, Path, description = "Rescue list id")),
    responses((status = 200, body = RescueListDetail), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<RescueListId>,
) -> Result<Json<RescueListDetail>, ApiError> {
    Ok(Json(state.hw.rescue_list(&actor, id).await?))
}

/// Withdraws one of your lists (undo): its pending matches are withdrawn;
/// decisions already taken stand.
#[utoipa::path(post, path = "/api/v1/rescue-lists/{id}/withdraw", tag = "rescue lists",
    request_body = WithdrawInput, params(("id" = String, Path, description = "Rescue list id")),
    responses((status = 200, body = RescueListDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<RescueListId>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<Json<RescueListDetail>, ApiError> {
    Ok(Json(
        state
            .hw
            .withdraw_rescue_list(&actor, id, &input.reason)
            .await?,
    ))
}
