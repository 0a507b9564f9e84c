//! Who is calling: bearer tokens (API), the session cookie (browser), CSRF.

use axum::extract::FromRequestParts;
use axum::http::{Method, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::{Actor, CoreError, SessionState};

use crate::AppState;
use crate::problem::ApiError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "hw_session";
/// Name of the pre-login CSRF cookie (double-submit on the login form).
pub const LOGIN_CSRF_COOKIE: &str = "hw_login_csrf";
/// Header carrying the CSRF token on cookie-authenticated API writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A cookie's value from the request.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value with our attributes: HttpOnly, SameSite=Strict,
/// Secure unless the node serves plain HTTP on loopback.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_s: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")
}

/// Constant-time comparison of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller of an API endpoint.
#[derive(Debug, Clone)]
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| ApiError::from(CoreError::Unauthenticated))?;
            // Core refuses a read-only token for anything but a safe method.
            return Ok(ApiActor(state.hw.token_actor(token, !safe).await?));
        }
        let sid = cookie(&parts.headers, SESSION_COOKIE).ok_or(CoreError::Unauthenticated)?;
        let (actor, csrf) = state.hw.session_actor(&sid).await?;
        if !safe {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !same_secret(sent, &csrf) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "CSRF check failed",
                    "writes with the session cookie need the X-CSRF-Token header; API clients should use a bearer token",
                ));
            }
        }
        Ok(ApiActor(actor))
    }
}

/// A signed-in browser user, with the session's CSRF token for forms.
#[derive(Debug, Clone)]
pub struct WebUser {
    /// The actor.
    pub actor: Actor,
    /// CSRF token to embed in forms.
    pub csrf: String,
    /// The session id (to sign out).
    pub session_id: String,
}

impl WebUser {
    /// Whether a form's CSRF token is this session's.
    pub fn csrf_ok(&self, sent: &str) -> bool {
        same_secret(sent, &self.csrf)
    }
}

/// The page for a form whose CSRF token did not match.
pub fn csrf_failed() -> Response {
    (
        axum::http::StatusCode::FORBIDDEN,
        crate::ui::layout::message_page(
            "Form expired",
            "This form was opened in another session or has expired. Go back, reload the page and try again.",
        ),
    )
        .into_response()
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let s = SessionUser::from_request_parts(parts, state).await?;
        match s.state {
            SessionState::Active { actor, csrf } => Ok(WebUser {
                actor,
                csrf,
                session_id: s.session_id,
            }),
            SessionState::NeedsCode { .. } => Err(Redirect::to("/login/code").into_response()),
            SessionState::NeedsEnrolment { .. } => Err(Redirect::to("/account").into_response()),
        }
    }
}

/// A browser session at any stage of sign-in (for the pages that finish
/// it: the code form and authenticator enrolment). Core decides what each
/// stage may do; only [`WebUser`] (a finished sign-in) reaches the rest.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// What the session stands for.
    pub state: SessionState,
    /// The session id.
    pub session_id: String,
}

impl SessionUser {
    /// Whether a form's CSRF token is this session's.
    pub fn csrf_ok(&self, sent: &str) -> bool {
        same_secret(sent, self.state.csrf())
    }
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || Redirect::to("/login").into_response();
        let sid = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(to_login)?;
        match state.hw.session_state(&sid).await {
            Ok(s) => Ok(SessionUser {
                state: s,
                session_id: sid,
            }),
            Err(CoreError::Unauthenticated) => Err(to_login()),
            Err(e) => Err(crate::ui::layout::error_response(&e)),
        }
    }
}
