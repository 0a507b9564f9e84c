//! Sign-in and sign-out.

use std::time::{Duration, Instant};

use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::{CoreError, SESSION_TTL_MS, secrets};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{error_response, page};
use crate::AppState;
use crate::auth::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, WebUser, cookie, same_secret, set_cookie};

/// Failed sign-ins allowed per e-mail in the window before throttling.
const MAX_FAILURES: u32 = 10;
/// The throttling window.
const WINDOW: Duration = Duration::from_secs(15 * 60);

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
#[derive(Debug, Deserialize)]
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
    let key = f.email.trim().to_lowercase();
    let throttled = state
        .login_failures
        .lock()
        .map(|m| {
            m.get(&key)
                .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < WINDOW)
        })
        .unwrap_or(false);
    if throttled {
        return with_login_csrf(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &f.email,
            Some("Too many failed attempts for this account. Wait 15 minutes and try again."),
        );
    }
    match state.hw.login(&f.email, &f.password).await {
        Ok(signed) => {
            if let Ok(mut m) = state.login_failures.lock() {
                m.remove(&key);
            }
            let session = set_cookie(
                &state,
                SESSION_COOKIE,
                &signed.session_id,
                SESSION_TTL_MS / 1000,
            );
            let clear = set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0);
            let mut res = Redirect::to("/cases").into_response();
            for c in [session, clear] {
                if let Ok(v) = header::HeaderValue::from_str(&c) {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(CoreError::BadCredentials) => {
            if let Ok(mut m) = state.login_failures.lock() {
                let entry = m.entry(key).or_insert((0, Instant::now()));
                if entry.1.elapsed() >= WINDOW {
                    *entry = (0, Instant::now());
                }
                entry.0 += 1;
            }
            with_login_csrf(
                &state,
                StatusCode::UNAUTHORIZED,
                &f.email,
                Some("Wrong e-mail or password."),
            )
        }
        Err(e) => error_response(&e),
    }
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

/// POST /logout
pub async fn logout(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<LogoutForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    if let Err(e) = state.hw.logout(&user.actor, &user.session_id).await {
        return error_response(&e);
    }
    let clear = set_cookie(&state, SESSION_COOKIE, "", 0);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}
