//! The page shell and shared bits of the UI.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use homeward_core::CoreError;
use homeward_types::{CaseState, Marking, Priority};
use maud::{DOCTYPE, Markup, html};

use crate::AppState;
use crate::auth::WebUser;

/// Who is signed in, for the header.
pub struct Shell {
    /// E-mail.
    pub email: String,
    /// Role.
    pub role: String,
    /// Organisation name.
    pub org: String,
    /// CSRF token (for the sign-out form).
    pub csrf: String,
}

impl Shell {
    /// The header data for a signed-in user.
    pub async fn of(state: &AppState, user: &WebUser) -> Shell {
        let org = state
            .hw
            .me(&user.actor)
            .await
            .map(|m| m.organisation.name)
            .unwrap_or_default();
        Shell {
            email: user.actor.email.clone(),
            role: user.actor.role.to_string(),
            org,
            csrf: user.csrf.clone(),
        }
    }
}

/// A full page.
pub fn page(title: &str, shell: Option<&Shell>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · homeward" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.top {
                    a.brand href="/cases" { "homeward" }
                    @if shell.is_none() {
                        nav { a href="/check" { "Check a job offer" } }
                    }
                    @if let Some(s) = shell {
                        nav {
                            a href="/cases" { "Cases" }
                            a href="/requests" { "Requests" }
                            a href="/rescue-lists" { "Rescue lists" }
                            a href="/group-cases" { "Group cases" }
                            a href="/reports/partners" { "Partners" }
                            a href="/reports/new" { "New report" }
                            @if s.role == "admin" { a href="/disclosures" { "Disclosures" } }
                            a href="/check" { "Check an offer" }
                            a href="/account" { "Account" }
                        }
                        div.who {
                            span.org { (s.org) }
                            span.user { (s.email) " · " (s.role) }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(s.csrf);
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page with a title and a sentence.
pub fn message_page(title: &str, text: &str) -> Markup {
    page(
        title,
        None,
        html! {
            section.card.narrow {
                h1 { (title) }
                p { (text) }
                p { a href="/cases" { "Back to cases" } }
            }
        },
    )
}

/// An error as a page.
pub fn error_response(e: &CoreError) -> Response {
    let (status, title, text) = match e {
        CoreError::NotFound { what } => (
            StatusCode::NOT_FOUND,
            "Not found",
            format!("No such {what}, or it is not shared with your organisation."),
        ),
        CoreError::Forbidden { .. } | CoreError::TokenScope => {
            (StatusCode::FORBIDDEN, "Not allowed", e.to_string())
        }
        CoreError::Locked { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "Account locked",
            e.to_string(),
        ),
        CoreError::BadCode | CoreError::SecondFactorRequired => (
            StatusCode::UNAUTHORIZED,
            "Two-factor sign-in",
            e.to_string(),
        ),
        CoreError::Unauthenticated | CoreError::BadCredentials => (
            StatusCode::UNAUTHORIZED,
            "Sign-in required",
            "Please sign in again.".to_string(),
        ),
        CoreError::Invalid(_) | CoreError::InvalidTransition { .. } | CoreError::Conflict(_) => {
            (StatusCode::CONFLICT, "Could not do that", e.to_string())
        }
        CoreError::Store(inner) => {
            tracing::error!(error = %inner, "storage failure");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The node could not complete the request; it has been logged.".to_string(),
            )
        }
    };
    (status, message_page(title, &text)).into_response()
}

/// After a form's change: on to `to` when it worked; a refused change
/// (invalid input, a conflict) shows the page again through `again`, with why.
pub async fn after_change<T, Fut>(
    result: Result<T, CoreError>,
    to: &str,
    again: impl FnOnce(String) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Response>,
{
    match result {
        Ok(_) => axum::response::Redirect::to(to).into_response(),
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict(_))) => {
            again(super::case_page::explain(&e)).await
        }
        Err(e) => error_response(&e),
    }
}

/// A coloured state badge.
pub fn state_badge(s: CaseState) -> Markup {
    let class = match s {
        CaseState::Released | CaseState::Repatriated | CaseState::Closed | CaseState::FollowUp => {
            "ok"
        }
        CaseState::ContactLost | CaseState::Deceased | CaseState::ReTrafficked => "bad",
        CaseState::OnHold
        | CaseState::DeclinedAssistance
        | CaseState::Unfounded
        | CaseState::Duplicate
        | CaseState::Transferred => "muted",
        _ => "active",
    };
    html! { span class={"badge state " (class)} { (s.label()) } }
}

/// A TLP marking badge.
pub fn marking_badge(m: Marking) -> Markup {
    let class = match m {
        Marking::Clear => "tlp-clear",
        Marking::Green => "tlp-green",
        Marking::Amber | Marking::AmberStrict => "tlp-amber",
        Marking::Red => "tlp-red",
    };
    html! { span class={"badge " (class)} title="Traffic Light Protocol marking" { (m.label()) } }
}

/// A priority badge.
pub fn priority_badge(p: Priority) -> Markup {
    html! { span class={"badge prio-" (p.as_str())} { (p.as_str()) } }
}

/// The short date part of an RFC 3339 time.
pub fn day(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// Date and minutes of an RFC 3339 time.
pub fn minute(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(d), Some(t)) => format!("{d} {t}"),
        _ => rfc3339.to_string(),
    }
}
