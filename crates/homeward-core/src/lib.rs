#![doc = include_str!("../README.md")]

pub mod access;
mod actor;
pub mod audit;
pub mod demo;
mod error;
pub mod lifecycle;
pub mod model;
pub mod normalise;
pub mod people;
pub mod request_flow;
pub mod screening;
pub mod secrets;
mod service;
pub mod store;
pub mod totp;

pub use actor::{Actor, Credential};
pub use error::{CoreError, CoreResult, StoreError};
pub use service::{
    AccountPolicy, DEFAULT_RETENTION_DAYS, DUPLICATE_SHOWN, Homeward, NOTICE_AT, PURGE_MARKER,
    PurgeReport, ReconcileProgress, RescueListInput, SESSION_TTL_MS, SessionState, SignedIn,
    TotpEnrolment, Uploader, contact_keys, now_ms, rfc3339,
};
