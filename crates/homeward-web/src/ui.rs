//! The server-rendered web UI. Works without JavaScript; every form carries
//! the session's CSRF token; errors are shown next to the field with what
//! the user typed kept.

mod account;
mod case_page;
mod cases;
mod check;
pub mod layout;
mod login;
mod report_form;

use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;

use crate::AppState;

/// The stylesheet, embedded.
const CSS: &str = include_str!("../static/app.css");

/// UI routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/cases") }))
        .route("/static/app.css", get(css))
        .route("/login", get(login::show).post(login::submit))
        .route(
            "/login/code",
            get(login::show_code).post(login::submit_code),
        )
        .route("/logout", axum::routing::post(login::logout))
        .route("/account", get(account::show))
        .route(
            "/account/two-factor",
            axum::routing::post(account::confirm_totp),
        )
        .route(
            "/account/tokens",
            axum::routing::post(account::create_token),
        )
        .route(
            "/account/tokens/{id}/revoke",
            axum::routing::post(account::revoke_token),
        )
        .route(
            "/account/sessions/revoke",
            axum::routing::post(account::revoke_sessions),
        )
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(case_page::show))
        .route(
            "/cases/{id}/transition",
            axum::routing::post(case_page::transition),
        )
        .route("/cases/{id}/notes", axum::routing::post(case_page::note))
        .route(
            "/cases/{id}/marking",
            axum::routing::post(case_page::marking),
        )
        .route(
            "/reports/new",
            get(report_form::show).post(report_form::submit),
        )
        .route("/check", get(check::show).post(check::submit))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}
