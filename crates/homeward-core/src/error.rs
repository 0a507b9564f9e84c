//! Errors of core calls. Each maps to exactly one HTTP status and stable
//! `code` in the web layer; the `Store` variant's cause is logged there,
//! never shown to the caller.

use homeward_types::{CaseState, wire::FieldError};

/// What a core call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The record does not exist *or the caller may not see it* — the two are
    /// deliberately indistinguishable so ids cannot be probed.
    #[error("{what} not found")]
    NotFound {
        /// Kind of record, e.g. "case".
        what: &'static str,
    },
    /// No valid credential.
    #[error("sign-in required")]
    Unauthenticated,
    /// Credential valid, but the role does not allow the action.
    #[error("your role ({role}) may not {action}")]
    Forbidden {
        /// The caller's role.
        role: String,
        /// What was attempted, in words.
        action: &'static str,
    },
    /// Input failed validation; nothing was written.
    #[error("invalid input: {}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// A lifecycle move that the state machine does not allow.
    #[error("a case in state '{from}' cannot move to '{to}'; allowed: {}", allowed_list(.allowed))]
    InvalidTransition {
        /// Current state.
        from: CaseState,
        /// Requested state.
        to: CaseState,
        /// What is allowed from `from`.
        allowed: Vec<CaseState>,
    },
    /// The record changed since it was read (e.g. two officers moved the same case).
    #[error("{0}")]
    Conflict(String),
    /// Wrong e-mail or password (one message for both).
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// A wrong, expired or already used two-factor code.
    #[error("wrong or already used code; wait for the next code of your authenticator app")]
    BadCode,
    /// Too many failed sign-ins for this account (the same answer whether or
    /// not the account exists).
    #[error("too many failed sign-ins for this account; try again in {minutes} minutes")]
    Locked {
        /// Minutes until the lock ends (rounded up).
        minutes: i64,
    },
    /// The session has passed the password but not the second factor.
    #[error(
        "this session has not completed two-factor sign-in; enter your code (or set up an authenticator app) in the web UI first"
    )]
    SecondFactorRequired,
    /// A read-only API token was used for a write.
    #[error("this API token is read-only; use a token with scope 'write' for changes")]
    TokenScope,
    /// The storage layer failed.
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn allowed_list(states: &[CaseState]) -> String {
    if states.is_empty() {
        return "none (the case is in a final state)".into();
    }
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl CoreError {
    /// A validation error on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        CoreError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The stable snake_case code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::NotFound { .. } => "not_found",
            CoreError::Unauthenticated => "unauthenticated",
            CoreError::Forbidden { .. } => "forbidden",
            CoreError::Invalid(_) => "invalid_input",
            CoreError::InvalidTransition { .. } => "invalid_transition",
            CoreError::Conflict(_) => "conflict",
            CoreError::BadCredentials => "bad_credentials",
            CoreError::BadCode => "bad_code",
            CoreError::Locked { .. } => "account_locked",
            CoreError::SecondFactorRequired => "second_factor_required",
            CoreError::TokenScope => "token_scope",
            CoreError::Store(_) => "internal",
        }
    }
}

/// A storage failure. Its text goes to the log only.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint was violated (e.g. e-mail already used).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// A row did not decode into the domain type (corrupt or foreign data).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// Database or connection error.
    #[error("database: {0}")]
    Database(String),
}

/// Result of core calls.
pub type CoreResult<T> = Result<T, CoreError>;
