//! The signed-in user's account: two-factor enrolment (the secret as text
//! and as an `otpauth://` URL, confirmed with a code; no JavaScript), API
//! tokens (create, shown once; revoke) and "sign out everywhere". A session
//! whose role requires a second factor that is not set up lands here and
//! sees only the enrolment until it is done.

use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use homeward_core::{CoreError, SessionState};
use homeward_types::wire::{NewTokenView, TokenView};
use homeward_types::{TokenId, TokenScope};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{Shell, error_response, minute, page};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, SessionUser, WebUser, set_cookie};

/// Messages and one-time output to show on the page.
#[derive(Default)]
struct Notes {
    totp_error: Option<String>,
    token_error: Option<String>,
    new_token: Option<NewTokenView>,
}

fn enrol_section(
    csrf: &str,
    secret: &str,
    url: &str,
    required: bool,
    error: Option<&str>,
) -> Markup {
    html! {
        section.card {
            h2 { "Set up two-factor sign-in" }
            @if required {
                p.notice { "Your role requires two-factor sign-in. Set up an authenticator app to continue; until then you can do nothing else." }
            }
            ol {
                li { "In your authenticator app (any TOTP app), add an account with this secret key:"
                    p { code.secret #totp-secret { (secret) } } }
                li { "Or open this link on the device with the app:"
                    p { a.secret #totp-url href=(url) { (url) } } }
                li { "Enter the 6-digit code the app shows." }
            }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/account/two-factor" {
                input type="hidden" name="csrf" value=(csrf);
                label for="code" { "Code" }
                input #code type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9 ]{6,7}" maxlength="7" required;
                button.primary type="submit" { "Turn on two-factor sign-in" }
            }
        }
    }
}

fn tokens_section(csrf: &str, tokens: &[TokenView], notes: &Notes) -> Markup {
    html! {
        section.card {
            h2 { "API tokens" }
            p.muted { "Tokens let scripts use the API (" a href="/api/v1/openapi.json" { "reference" } "). A read token may only read." }
            @if let Some(t) = &notes.new_token {
                div.notice role="status" {
                    p { "New token “" (t.token.name) "” (" (t.token.scope.as_str()) "). Copy it now: it is shown only once." }
                    p { code.secret #new-token { (t.secret) } }
                }
            }
            @if tokens.is_empty() {
                p.muted { "You have no tokens." }
            } @else {
                table.cases {
                    thead { tr { th { "Name" } th { "Scope" } th { "Created" } th { "Status" } th {} } }
                    tbody {
                        @for t in tokens {
                            tr {
                                td { (t.name) }
                                td { (t.scope.as_str()) }
                                td.nowrap { (minute(&t.created_at)) }
                                @if let Some(r) = &t.revoked_at {
                                    td { "revoked " (minute(r)) } td {}
                                } @else {
                                    td { "active" }
                                    td {
                                        form method="post" action={"/account/tokens/" (t.id) "/revoke"} {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button type="submit" { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(e) = &notes.token_error { p.error role="alert" { (e) } }
            form method="post" action="/account/tokens" {
                input type="hidden" name="csrf" value=(csrf);
                label for="token-name" { "New token name" }
                input #token-name type="text" name="name" maxlength="100" required;
                label for="token-scope" { "Scope" }
                select #token-scope name="scope" {
                    option value="read" { "read (GET only)" }
                    option value="write" { "write" }
                }
                button type="submit" { "Create token" }
            }
        }
    }
}

async fn render(
    state: &AppState,
    user: &SessionUser,
    status: StatusCode,
    notes: Notes,
) -> Response {
    let required_enrolment = match &user.state {
        SessionState::NeedsCode { .. } => return Redirect::to("/login/code").into_response(),
        SessionState::NeedsEnrolment { .. } => true,
        SessionState::Active { .. } => false,
    };
    let csrf = user.state.csrf().to_string();
    let SessionState::Active { actor, .. } = &user.state else {
        let enrolment = match state.hw.totp_begin(&user.session_id).await {
            Ok(e) => e,
            Err(e) => return error_response(&e),
        };
        let body = html! {
            h1 { "Your account" }
            p.muted { "Signed in as " (user.state.email()) "." }
            (enrol_section(&csrf, &enrolment.secret, &enrolment.url, required_enrolment,
                notes.totp_error.as_deref()))
            form method="post" action="/logout" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "Cancel and sign out" }
            }
        };
        return (status, page("Your account", None, body)).into_response();
    };
    let web = WebUser {
        actor: actor.clone(),
        csrf: csrf.clone(),
        session_id: user.session_id.clone(),
    };
    let shell = Shell::of(state, &web).await;
    let has_totp = match state.hw.has_totp(actor).await {
        Ok(b) => b,
        Err(e) => return error_response(&e),
    };
    let enrolment = if has_totp {
        None
    } else {
        match state.hw.totp_begin(&user.session_id).await {
            Ok(e) => Some(e),
            Err(e) => return error_response(&e),
        }
    };
    let tokens = match state.hw.tokens(actor).await {
        Ok(t) => t,
        Err(e) => return error_response(&e),
    };
    let body = html! {
        h1 { "Your account" }
        p.muted { (actor.email) " · " (actor.role) }
        @if let Some(e) = &enrolment {
            (enrol_section(&csrf, &e.secret, &e.url, false, notes.totp_error.as_deref()))
        } @else {
            section.card {
                h2 { "Two-factor sign-in" }
                p #totp-on { "On: you sign in with your password and a code from your authenticator app. If you lose the app, ask your node's operator to reset it." }
            }
        }
        (tokens_section(&csrf, &tokens, &notes))
        section.card {
            h2 { "Sessions" }
            p.muted { "Signs you out on every browser, this one included. API tokens stay valid; revoke them above." }
            form method="post" action="/account/sessions/revoke" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "Sign out everywhere" }
            }
        }
    };
    (status, page("Your account", Some(&shell), body)).into_response()
}

/// GET /account
pub async fn show(State(state): State<AppState>, user: SessionUser) -> Response {
    render(&state, &user, StatusCode::OK, Notes::default()).await
}

/// A form with only the CSRF token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// The enrolment confirmation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// POST /account/two-factor
pub async fn confirm_totp(
    State(state): State<AppState>,
    user: SessionUser,
    Form(f): Form<CodeForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    match state.hw.totp_confirm(&user.session_id, &f.code).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(e @ (CoreError::BadCode | CoreError::Locked { .. })) => {
            let status = if matches!(e, CoreError::Locked { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let notes = Notes {
                totp_error: Some(e.to_string()),
                ..Notes::default()
            };
            render(&state, &user, status, notes).await
        }
        Err(CoreError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(e) => error_response(&e),
    }
}

/// The new-token form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    csrf: String,
    name: String,
    scope: String,
}

/// POST /account/tokens
pub async fn create_token(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<TokenForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let session = SessionUser {
        state: SessionState::Active {
            actor: user.actor.clone(),
            csrf: user.csrf.clone(),
        },
        session_id: user.session_id.clone(),
    };
    let Ok(scope) = f.scope.parse::<TokenScope>() else {
        let notes = Notes {
            token_error: Some("Choose the scope read or write.".into()),
            ..Notes::default()
        };
        return render(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, notes).await;
    };
    match state
        .hw
        .create_own_token(&user.actor, &f.name, Some(scope))
        .await
    {
        Ok(t) => {
            let notes = Notes {
                new_token: Some(t),
                ..Notes::default()
            };
            render(&state, &session, StatusCode::OK, notes).await
        }
        Err(e @ CoreError::Invalid(_)) => {
            let notes = Notes {
                token_error: Some(e.to_string()),
                ..Notes::default()
            };
            render(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, notes).await
        }
        Err(e) => error_response(&e),
    }
}

/// POST /account/tokens/{id}/revoke
pub async fn revoke_token(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    let Ok(id) = id.parse::<TokenId>() else {
        return error_response(&CoreError::NotFound { what: "token" });
    };
    match state.hw.revoke_token(&user.actor, id).await {
        Ok(()) => Redirect::to("/account").into_response(),
        Err(e) => error_response(&e),
    }
}

/// POST /account/sessions/revoke
pub async fn revoke_sessions(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<CsrfForm>,
) -> Response {
    if !user.csrf_ok(&f.csrf) {
        return crate::auth::csrf_failed();
    }
    if let Err(e) = state.hw.revoke_sessions(&user.actor).await {
        return error_response(&e);
    }
    let clear = set_cookie(&state, SESSION_COOKIE, "", 0);
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}
