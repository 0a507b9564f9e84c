#![doc = include_str!("../README.md")]

pub mod api;
pub mod auth;
pub mod problem;
pub mod ui;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use homeward_core::Homeward;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (1 MiB).
pub const MAX_BODY: usize = 1024 * 1024;

/// Shared state of the handlers.
#[derive(Clone)]
pub struct AppState {
    /// The node's use cases.
    pub hw: Homeward,
    /// Whether cookies carry `Secure` (false only for plain HTTP on loopback).
    pub secure_cookies: bool,
    /// The OpenAPI document, rendered once.
    pub openapi_json: Arc<String>,
    /// Requests per client address on the public endpoints, this minute.
    pub public_hits: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
    /// Rescue-list uploads waiting for reconciliation, and running ones.
    pub rescue: Arc<ui::rescue_lists::Staging>,
}

/// Requests per minute per client address on public POST endpoints
/// (`/check`, `/login`, `/login/code`). Per-account lockout is core's (in
/// the store, so it holds across processes and restarts).
pub const PUBLIC_PER_MINUTE: u32 = 30;

async fn limit_public(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.method() == Method::POST && matches!(path, "/check" | "/login" | "/login/code") {
        let ip = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        let key = format!("{path} {ip}");
        let over = state
            .public_hits
            .lock()
            .map(|mut m| {
                if m.len() > 100_000 {
                    m.retain(|_, (_, t)| t.elapsed() < Duration::from_secs(60));
                }
                let e = m.entry(key).or_insert((0, Instant::now()));
                if e.1.elapsed() >= Duration::from_secs(60) {
                    *e = (0, Instant::now());
                }
                e.0 += 1;
                e.0 > PUBLIC_PER_MINUTE
            })
            .unwrap_or(false);
        if over {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "60")],
                ui::layout::message_page(
                    "Too many requests",
                    "Please wait a minute and try again.",
                ),
            )
                .into_response();
        }
    }
    next.run(req).await
}

/// Builds the whole router: API, web UI, health, security headers.
pub fn router(hw: Homeward, secure_cookies: bool) -> Router {
    let (api, openapi) = api::router();
    let openapi_json = Arc::new(openapi.to_pretty_json().unwrap_or_default());
    let state = AppState {
        hw,
        secure_cookies,
        openapi_json,
        public_hits: Arc::new(Mutex::new(HashMap::new())),
        rescue: Arc::default(),
    };
    let api = api.route("/api/v1/openapi.json", get(openapi_doc));
    Router::new()
        .merge(api)
        .merge(ui::router())
        .route("/healthz", get(healthz))
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limit_public,
        ))
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // A panic is a bug; if one happens anyway the client gets a 500
        // problem (never a dropped connection) and the log gets the details.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(header_layer(
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .layer(header_layer(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

fn header_layer(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    problem::ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the node could not complete the request; it has been logged",
    )
    .into_response()
}

async fn openapi_doc(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi_json.as_str().to_owned(),
    )
        .into_response()
}

async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        problem::ApiError::no_route().into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            ui::layout::message_page("Not found", "There is no page at this address."),
        )
            .into_response()
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.hw.store().audit_head().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}
