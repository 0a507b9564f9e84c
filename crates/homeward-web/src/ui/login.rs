//! Sign-in (password, then the TOTP code where one is due) and sign-out.
//! Lockout after repeated failures is core's; this page only shows it.

use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::model::SessionStage;
use homeward_core::{CoreError, SessionState, secrets};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{error_response, page};
use crate::AppState;
use crate::auth::{
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, SessionUser, cookie, same_secret, set_cookie,
};

/// A sentence for the page from an error's message.
fn sentence(e: &CoreError) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => text,
    }
}

fn form(csrf: &str, email: &str, error: Option<&str>) -> Markup {
    page(
        "Sign in",
        None,
        html! {
            section.card.narrow {
                h1 { "Sign in" }
                p.muted { "homeward holds data about victims of trafficking. Sign in only on a device you trust." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="email" { "E-mail" }
                    input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                    label for="password" { "Password" }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button.primary type="submit" { "Sign in" }
                }
            }
        },
    )
}

fn with_login_csrf(
    state: &AppState,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> Response {
    let token = secrets::new_session_id();
    let cookie = set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600);
    (
        status,
        [(header::SET_COOKIE, cookie)],
        form(&token, email, error),
    )
        .into_response()
}

/// GET /login
pub async fn show(State(state): State<AppState>) -> Response {
    with_login_csrf(&state, StatusCode::OK, "", None)
}

/// The sign-in form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

/// POST /login
pub async fn submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let sent_cookie = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !same_secret(&sent_cookie, &f.csrf) {
        return with_login_csrf(
            &state,
            StatusCode::FORBIDDEN,
            &f.email,
            Some("The form expired. Please sign in again."),
        );
    }
    match state.hw.login(&f.email, &f.password).await {
        Ok(signed) => {
            let session = set_cookie(
                &state,
                SESSION_COOKIE,
                &signed.session_id,
                state.hw.policy().session_ttl_ms / 1000,
            );
            let clear = set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0);
            let next = match signed.stage {
                SessionStage::Full => "/cases",
                SessionStage::Code => "/login/code",
                SessionStage::Enrol => "/account",
            };
            let mut res = Redirect::to(next).into_response();
            for c in [session, clear] {
                if let Ok(v) = header::HeaderValue::from_str(&c) {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(CoreError::BadCredentials) => with_login_csrf(
            &state,
            StatusCode::UNAUTHORIZED,
            &f.email,
            Some("Wrong e-mail or password."),
        ),
        Err(e @ CoreError::Locked { .. }) => with_login_csrf(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &f.email,
            Some(&sentence(&e)),
        ),
        Err(e) => error_response(&e),
    }
}

fn code_form(csrf: &str, email: &str, error: Option<&str>) -> Markup {
    page(
        "Two-factor sign-in",
        None,
        html! {
            section.card.narrow {
                h1 { "Enter your code" }
                p.muted { "Signing in as " (email) ". Open your authenticator app and enter the 6-digit code for homeward." }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action="/login/code" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="code" { "Code" }
                    input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                        pattern="[0-9 ]{6,7}" maxlength="7" required autofocus;
                    button.primary type="submit" { "Sign in" }
                }
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(csrf);
                    button.link type="submit" { "Cancel" }
                }
            }
        },
    )
}

/// GET /login/code
pub async fn show_code(user: SessionUser) -> Response {
    match &user.state {
        SessionState::NeedsCode { email, csrf } => code_form(csrf, email, None).into_response(),
        SessionState::NeedsEnrolment { .. } => Redirect::to("/account").into_response(),
        SessionState::Active { .. } => Redirect::to("/cases").into_response(),
    }
}

/// The code form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// POST /login/code
pub async fn submit_code(
    State(state): State<AppState>,
    user: SessionUser,
    Form(f): Form<CodeForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    match state.hw.login_code(&user.session_id, &f.code).await {
        Ok(()) => Redirect::to("/cases").into_response(),
        Err(e @ (CoreError::BadCode | CoreError::Locked { .. })) => {
            let status = if matches!(e, CoreError::Locked { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            (
                status,
                code_form(user.state.csrf(), user.state.email(), Some(&sentence(&e))),
            )
                .into_response()
        }
        Err(CoreError::Conflict(_)) => Redirect::to("/cases").into_response(),
        Err(CoreError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(e) => error_response(&e),
    }
}

/// The sign-out form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogoutForm {
    csrf: String,
}

/// POST /logout (also cancels a sign-in that is waiting for a code or
/// for enrolment).
pub async fn logout(
    State(state): State<AppState>,
    user: SessionUser,
    Form(f): Form<LogoutForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let done = match &user.state {
        SessionState::Active { actor, .. } => state.hw.logout(actor, &user.session_id).await,
        _ => state.hw.abandon_session(&user.session_id).await,
    };
    if let Err(e) = done {
        return error_response(&e);
    }
    let clear = set_cookie(&state, SESSION_COOKIE, "", 0);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}
