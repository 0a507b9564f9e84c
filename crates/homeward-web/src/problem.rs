//! RFC 9457 problem+json: one exhaustive mapping from core errors to HTTP
//! status and stable `code`. Internal causes are logged, never returned.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use homeward_core::CoreError;
use homeward_types::wire::{FieldError, Problem};
use serde::de::DeserializeOwned;

/// An API error, rendered as problem+json.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
}

impl ApiError {
    /// A problem with explicit parts.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            title,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 404 for an unknown route.
    pub fn no_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no_such_endpoint",
            "No such endpoint",
            "see /api/v1/openapi.json for the endpoints",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The problem body.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://homeward.invalid/problems/{}", self.code),
            title: self.title.into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.into(),
            errors: self.errors.clone(),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let code = e.code();
        let (status, title) = match &e {
            CoreError::NotFound { .. } => (StatusCode::NOT_FOUND, "Not found"),
            CoreError::Unauthenticated => (StatusCode::UNAUTHORIZED, "Sign-in required"),
            CoreError::BadCredentials => (StatusCode::UNAUTHORIZED, "Wrong e-mail or password"),
            CoreError::BadCode => (StatusCode::UNAUTHORIZED, "Wrong code"),
            CoreError::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, "Account locked"),
            CoreError::SecondFactorRequired => {
                (StatusCode::UNAUTHORIZED, "Two-factor sign-in required")
            }
            CoreError::TokenScope => (StatusCode::FORBIDDEN, "Token scope too narrow"),
            CoreError::Forbidden { .. } => (StatusCode::FORBIDDEN, "Not allowed"),
            CoreError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "Invalid input"),
            CoreError::InvalidTransition { .. } => (StatusCode::CONFLICT, "Transition not allowed"),
            CoreError::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
            CoreError::Store(inner) => {
                tracing::error!(error = %inner, "storage failure");
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    code,
                    "Internal error",
                    "the node could not complete the request; it has been logged",
                );
            }
        };
        let errors = match &e {
            CoreError::Invalid(list) => list.clone(),
            _ => Vec::new(),
        };
        ApiError {
            status,
            code,
            title,
            detail: e.to_string(),
            errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}

/// JSON body extractor whose rejections are problem+json with a `code`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(r: &JsonRejection) -> ApiError {
    match r {
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "Invalid body",
            format!(
                "the JSON does not match the expected shape: {}",
                source_text(e)
            ),
        ),
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "Malformed JSON",
            format!("the body is not valid JSON: {}", source_text(e)),
        ),
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "send the body as JSON with Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Body too large",
                "the body is larger than this endpoint accepts",
            )
        }
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            "unreadable_body",
            "Unreadable body",
            "the body could not be read (too large, or the connection failed)",
        ),
    }
}

fn source_text(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        s = inner.to_string();
        cur = inner.source();
    }
    s.chars().take(300).collect()
}

/// Path extractor with problem+json rejections.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(path_rejection(&e)),
        }
    }
}

fn path_rejection(e: &PathRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_path",
        "Invalid path parameter",
        source_text(e).to_string(),
    )
}

/// Query extractor with problem+json rejections.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(query_rejection(&e)),
        }
    }
}

fn query_rejection(e: &QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        "Invalid query parameter",
        source_text(e),
    )
}
