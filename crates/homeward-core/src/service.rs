//! `Homeward`: the façade the web layer and the CLI call. Every method takes
//! the acting user explicitly and enforces access and validation itself, so
//! the API, the web UI and the CLI cannot disagree.

mod accounts;
mod cases;
mod consolidate;
mod group_cases;
mod group_export;
mod group_suggest;
mod groups;
mod partners;
mod privacy;
mod requests;
mod rescue;
mod retention;
mod signin;
mod sites;
mod tokens;
mod views;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use homeward_types::OrgId;
use homeward_types::wire::FieldError;

use crate::audit::ChainVerifier;
use crate::model::Organisation;
use crate::store::Store;
use crate::{CoreError, CoreResult};

pub use consolidate::{DUPLICATE_SHOWN, NOTICE_AT};
pub use group_suggest::contact_keys;
pub use rescue::{ReconcileProgress, RescueListInput, Uploader};
pub use retention::{DEFAULT_RETENTION_DAYS, PURGE_MARKER, PurgeReport};
pub use signin::{SessionState, SignedIn, TotpEnrolment};

/// Session lifetime: 12 hours.
pub const SESSION_TTL_MS: i64 = 12 * 60 * 60 * 1000;

/// Sign-in and session rules. The defaults are the node's policy; tests
/// shorten the times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountPolicy {
    /// Absolute session lifetime.
    pub session_ttl_ms: i64,
    /// A session unused this long ends.
    pub session_idle_ms: i64,
    /// Last use is written at most this often (keeps reads cheap).
    pub touch_every_ms: i64,
    /// Failed passwords or codes that lock an account…
    pub max_failures: i64,
    /// …within this window…
    pub failure_window_ms: i64,
    /// …for this long.
    pub lock_ms: i64,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy {
            session_ttl_ms: SESSION_TTL_MS,
            session_idle_ms: 30 * 60 * 1000,
            touch_every_ms: 60 * 1000,
            max_failures: 5,
            failure_window_ms: 15 * 60 * 1000,
            lock_ms: 15 * 60 * 1000,
        }
    }
}

/// The node's use cases over a store.
#[derive(Clone)]
pub struct Homeward {
    store: Arc<dyn Store>,
    /// Organisations by id. They are few and change rarely; a miss (an
    /// organisation created by another process) reloads the whole map.
    orgs: Arc<RwLock<HashMap<OrgId, Organisation>>>,
    policy: AccountPolicy,
    /// Every open case's subject, for the matching engine.
    people: Arc<crate::people::PeopleIndex>,
}

impl Homeward {
    /// Wraps a store, with the default account policy.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_policy(store, AccountPolicy::default())
    }

    /// Wraps a store with an account policy.
    pub fn with_policy(store: Arc<dyn Store>, policy: AccountPolicy) -> Self {
        Homeward {
            store,
            orgs: Arc::new(RwLock::new(HashMap::new())),
            policy,
            people: Arc::default(),
        }
    }

    /// The account policy in force.
    pub fn policy(&self) -> AccountPolicy {
        self.policy
    }

    /// An organisation, from the cache or (on a miss) the store.
    pub(crate) async fn org_cached(&self, id: OrgId) -> CoreResult<Option<Organisation>> {
        if let Some(o) = self.orgs.read().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(Some(o));
        }
        let all = self.store.orgs().await?;
        let found = all.iter().find(|o| o.id == id).cloned();
        if let Ok(mut m) = self.orgs.write() {
            *m = all.into_iter().map(|o| (o.id, o)).collect();
        }
        Ok(found)
    }

    /// The underlying store (for health checks and the CLI).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Walks the whole audit chain. `Ok((entries, head hash))` if intact,
    /// otherwise the first bad entry.
    pub async fn verify_audit(
        &self,
    ) -> CoreResult<Result<(i64, String), crate::audit::ChainError>> {
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        loop {
            let batch = self.store.audit_entries(after, 5_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for e in &batch {
                if let Err(err) = verifier.push(e) {
                    return Ok(Err(err));
                }
            }
        }
        let (seq, hash) = self.store.audit_head().await?;
        Ok(verifier.finish(seq, &hash))
    }
}

/// Current time in Unix milliseconds.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// RFC 3339 rendering of Unix milliseconds.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Collects field errors during validation.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub(crate) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Checks a text field's length (in characters) and trims it; empty → None.
    pub(crate) fn text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value?.trim();
        if v.is_empty() {
            return None;
        }
        if v.chars().count() > max {
            self.add(field, format!("is longer than {max} characters"));
            return None;
        }
        Some(v.to_string())
    }

    pub(crate) fn finish(self) -> CoreResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Invalid(self.0))
        }
    }
}
