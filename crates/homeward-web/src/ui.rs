//! The server-rendered web UI. Works without JavaScript; every form carries
//! the session's CSRF token; errors are shown next to the field with what
//! the user typed kept.

mod account;
mod case_page;
mod cases;
mod check;
mod consolidate;
mod group_cases;
mod group_package;
pub mod layout;
mod login;
mod partners;
mod report_form;
mod requests;
pub mod rescue_lists;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::header;
use axum::response::{IntoResponse, Redirect};

use crate::AppState;

/// The stylesheet, embedded.
const CSS: &str = include_str!("../static/app.css");

/// Declares the UI routes once: [`ROUTES`] lists them (the authorisation
/// matrix test checks every one is in the matrix) and [`router`] serves them.
macro_rules! ui_routes {
    ($( $method:ident $path:literal => $handler:expr ),* $(,)?) => {
        /// Every UI route as (method, path).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// UI routes.
        pub fn router() -> Router<AppState> {
            let r = Router::new();
            $( let r = r.route($path, axum::routing::$method($handler)); )*
            r
        }
    };
}

ui_routes! {
    get "/" => || async { Redirect::to("/cases") },
    get "/static/app.css" => css,
    get "/login" => login::show,
    post "/login" => login::submit,
    get "/login/code" => login::show_code,
    post "/login/code" => login::submit_code,
    post "/logout" => login::logout,
    get "/account" => account::show,
    post "/account/two-factor" => account::confirm_totp,
    post "/account/tokens" => account::create_token,
    post "/account/tokens/{id}/revoke" => account::revoke_token,
    post "/account/sessions/revoke" => account::revoke_sessions,
    get "/cases" => cases::list,
    get "/cases/{id}" => case_page::show,
    post "/cases/{id}/transition" => case_page::transition,
    post "/cases/{id}/notes" => case_page::note,
    post "/cases/{id}/marking" => case_page::marking,
    post "/cases/{id}/merge" => consolidate::merge,
    post "/merges/{id}/unmerge" => consolidate::unmerge,
    get "/reports/new" => report_form::show,
    post "/reports/new" => report_form::submit,
    get "/check" => check::show,
    post "/check" => check::submit,
    get "/requests" => requests::list,
    get "/requests/{id}" => requests::show,
    post "/requests/{id}/transition" => requests::transition,
    post "/requests/{id}/messages" => requests::message,
    get "/cases/{id}/requests/new" => requests::new_form,
    post "/cases/{id}/requests" => requests::create,
    post "/cases/{id}/still-held" => requests::still_held,
    post "/cases/{id}/consents" => requests::consent,
    post "/cases/{id}/consents/{consent}/revoke" => requests::revoke_consent,
    get "/disclosures" => requests::disclosures,
    post "/cases/{id}/compartment" => requests::compartment,
    get "/rescue-lists" => rescue_lists::index,
    post "/rescue-lists/upload" => Handler::<_, AppState>::layer(rescue_lists::upload, DefaultBodyLimit::max(rescue_lists::MAX_UPLOAD)),
    get "/rescue-lists/staged/{id}" => rescue_lists::show_staged,
    post "/rescue-lists/staged/{id}" => rescue_lists::update_staged,
    get "/rescue-lists/jobs/{id}" => rescue_lists::job,
    get "/rescue-lists/{id}" => rescue_lists::show,
    get "/rescue-lists/{id}/file" => rescue_lists::file,
    post "/rescue-lists/{id}/withdraw" => rescue_lists::withdraw,
    post "/rescue-lists/matches/{id}/decision" => rescue_lists::decide,
    get "/group-cases" => group_cases::list,
    post "/group-cases" => group_cases::create,
    get "/group-cases/{id}" => group_cases::show,
    post "/group-cases/{id}/members" => group_cases::add_member,
    post "/group-cases/{id}/members/{case}/remove" => group_cases::remove_member,
    post "/group-cases/{id}/export" => group_cases::export,
    get "/reports/partners" => partners::partners,
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
