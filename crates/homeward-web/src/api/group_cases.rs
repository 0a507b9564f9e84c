//! Group cases: members, suggestions, packages for a recipient; and the
//! partner report.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use homeward_types::wire::{
    CaseGroupsView, GroupCaseInput, GroupCasePage, GroupCaseView, GroupExportInput, GroupMemberAdd,
    GroupMemberRemoval, GroupPackage, MemberSuggestion, PartnerReport, Problem,
};
use homeward_types::{CaseId, GroupCaseId};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::ApiActor;
use crate::problem::{ApiError, ApiJson, ApiPath, ApiQuery};

/// Paging of the group-case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GroupCaseQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
}

/// The group cases you may see, newest first.
#[utoipa::path(get, path = "/api/v1/group-cases", tag = "group cases", params(GroupCaseQuery),
    responses((status = 200, body = GroupCasePage), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_group_cases(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<GroupCaseQuery>,
) -> Result<Json<GroupCasePage>, ApiError> {
    let before = super::cases::cursor::<GroupCaseId>(q.cursor.as_deref())?;
    Ok(Json(
        state
            .hw
            .list_group_cases(&actor, before, q.limit.unwrap_or(50))
            .await?,
    ))
}

/// Opens a group case owned by your organisation (by site, recruiter or event).
#[utoipa::path(post, path = "/api/v1/group-cases", tag = "group cases", request_body = GroupCaseInput,
    responses((status = 201, body = GroupCaseView), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_group_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<GroupCaseInput>,
) -> Result<(StatusCode, Json<GroupCaseView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.create_group_case(&actor, input).await?),
    ))
}

/// A group case with the members you may see, their states and history.
#[utoipa::path(get, path = "/api/v1/group-cases/{id}", tag = "group cases",
    params(("id" = String, Path, description = "Group case id")),
    responses((status = 200, body = GroupCaseView), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_group_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<GroupCaseId>,
) -> Result<Json<GroupCaseView>, ApiError> {
    Ok(Json(state.hw.group_case_view(&actor, id).await?))
}

/// Adds a case you may see to a group case of your organisation, with a reason.
#[utoipa::path(post, path = "/api/v1/group-cases/{id}/members", tag = "group cases",
    request_body = GroupMemberAdd, params(("id" = String, Path, description = "Group case id")),
    responses((status = 201, body = GroupCaseView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<GroupCaseId>,
    ApiJson(input): ApiJson<GroupMemberAdd>,
) -> Result<(StatusCode, Json<GroupCaseView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.hw.add_group_case_member(&actor, id, input).await?),
    ))
}

/// Removes a member from a group case of your organisation, with a reason.
#[utoipa::path(post, path = "/api/v1/group-cases/{id}/members/{case}/remove", tag = "group cases",
    request_body = GroupMemberRemoval,
    params(("id" = String, Path, description = "Group case id"), ("case" = String, Path, description = "Member case id")),
    responses((status = 200, body = GroupCaseView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath((id, case)): ApiPath<(GroupCaseId, CaseId)>,
    ApiJson(input): ApiJson<GroupMemberRemoval>,
) -> Result<Json<GroupCaseView>, ApiError> {
    Ok(Json(
        state
            .hw
            .remove_group_case_member(&actor, id, case, input)
            .await?,
    ))
}

/// Open cases you may see that may belong to the group case, strongest
/// first, with the reasons (same site, overlapping last contact, shared
/// recruiter contact).
#[utoipa::path(get, path = "/api/v1/group-cases/{id}/suggestions", tag = "group cases",
    params(("id" = String, Path, description = "Group case id")),
    responses((status = 200, body = [MemberSuggestion]), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn suggestions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<GroupCaseId>,
) -> Result<Json<Vec<MemberSuggestion>>, ApiError> {
    Ok(Json(state.hw.suggest_group_members(&actor, id).await?))
}

/// Exports a group package for a recipient organisation: each member shows
/// only what the recipient may see (and you may see). Refused while a member
/// the recipient would see is still held, unless the recipient is police
/// with a locate or rescue request about that person in force. Audited as a
/// disclosure to each member's owner.
#[utoipa::path(post, path = "/api/v1/group-cases/{id}/exports", tag = "group cases",
    request_body = GroupExportInput, params(("id" = String, Path, description = "Group case id")),
    responses((status = 200, body = GroupPackage), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<GroupCaseId>,
    ApiJson(input): ApiJson<GroupExportInput>,
) -> Result<Json<GroupPackage>, ApiError> {
    Ok(Json(state.hw.export_group_case(&actor, id, input).await?))
}

/// The group cases a case is in and its history in them (group cases you may see).
#[utoipa::path(get, path = "/api/v1/cases/{id}/group-cases", tag = "group cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseGroupsView), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn case_group_cases(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiPath(id): ApiPath<CaseId>,
) -> Result<Json<CaseGroupsView>, ApiError> {
    Ok(Json(state.hw.case_group_cases(&actor, id).await?))
}

/// Requests your organisation received, per requesting partner: received,
/// located, released ("resolved"), repatriated, and the median days from
/// report to release.
#[utoipa::path(get, path = "/api/v1/reports/partners", tag = "monitoring",
    responses((status = 200, body = PartnerReport), (status = 401, body = Problem)))]
pub async fn partner_report(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<PartnerReport>, ApiError> {
    Ok(Json(state.hw.partner_report(&actor).await?))
}
