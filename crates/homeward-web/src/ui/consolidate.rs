//! Merge and unmerge forms of the case page.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::CoreError;
use homeward_types::wire::{MergeInput, UnmergeInput};
use homeward_types::{CaseId, MergeId};
use serde::Deserialize;

use super::case_page::{Kept, explain, no_case, parse_id, render};
use super::layout::error_response;
use crate::AppState;
use crate::auth::WebUser;

/// The merge form (on the absorbing case's page).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    csrf: String,
    from: String,
    reason: String,
}

/// The unmerge form (`case`: the page it was sent from).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnmergeForm {
    csrf: String,
    case: String,
    reason: String,
}

/// Shows the case page again with the error of a merge or unmerge.
async fn again(state: &AppState, user: &WebUser, id: CaseId, e: &CoreError) -> Response {
    let kept = Kept::merge_failed(explain(e));
    render(state, user, id, &kept, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// POST /cases/{id}/merge
pub async fn merge(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<MergeForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Some(id) = parse_id(&id) else {
        return no_case();
    };
    let Some(from) = parse_id(&f.from) else {
        let e = CoreError::Invalid(vec![homeward_types::wire::FieldError {
            field: "from".into(),
            message: "choose a case to merge".into(),
        }]);
        return match state.hw.possible_duplicates(&user.actor, id).await {
            Ok(_) => again(&state, &user, id, &e).await,
            Err(e) => error_response(&e),
        };
    };
    let input = MergeInput {
        from,
        reason: f.reason,
    };
    match state.hw.merge_cases(&user.actor, id, input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict(_))) => {
            again(&state, &user, id, &e).await
        }
        Err(e) => error_response(&e),
    }
}

/// POST /merges/{id}/unmerge
pub async fn unmerge(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<UnmergeForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<MergeId>() else {
        return error_response(&CoreError::NotFound { what: "merge" });
    };
    let input = UnmergeInput { reason: f.reason };
    match state.hw.unmerge(&user.actor, id, input).await {
        Ok(m) => {
            let back = parse_id(&f.case).unwrap_or(m.into_case);
            Redirect::to(&format!("/cases/{back}")).into_response()
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict(_))) => match parse_id(&f.case) {
            Some(back) => again(&state, &user, back, &e).await,
            None => error_response(&e),
        },
        Err(e) => error_response(&e),
    }
}
