//! The audit log (C13): append-only and hash-chained.
//!
//! Each entry's hash covers its sequence number, time, actor, credential,
//! action, object and detail, and the previous entry's hash. Editing,
//! removing or reordering any entry breaks the chain from that entry on; the
//! store also keeps the head (last sequence number and hash) in its own row,
//! updated in the same transaction, so truncating the tail is caught too.
//! Core drafts entries; the store links and writes them in the transaction of
//! the change they record (never best-effort).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::Disclosure;
use crate::{Actor, Credential};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry before it is linked into the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditDraft {
    /// Acting user (absent for the node itself).
    pub actor_user: Option<String>,
    /// Acting user's organisation.
    pub actor_org: Option<String>,
    /// Credential used (`session`, `token:<id>`, `cli`, `system`).
    pub credential: String,
    /// What happened, dotted: `case.create`, `case.read`, `user.create`, …
    pub action: String,
    /// Kind of object acted on.
    pub object_kind: String,
    /// Its id.
    pub object_id: String,
    /// JSON detail (what changed; never secrets).
    pub detail: String,
    /// For a disclosure of personal data: its facts, which the store also
    /// indexes for the owner's data protection officer. They are copied into
    /// `detail` by [`AuditDraft::disclosing`], so the chain covers them.
    #[serde(skip)]
    pub disclosure: Option<Disclosure>,
}

impl AuditDraft {
    /// A draft for an action by `actor`.
    pub fn by(
        actor: &Actor,
        action: &str,
        object_kind: &str,
        object_id: impl ToString,
        detail: serde_json::Value,
    ) -> Self {
        AuditDraft {
            actor_user: Some(actor.user_id.to_string()),
            actor_org: Some(actor.org_id.to_string()),
            credential: actor.credential.to_string(),
            action: action.into(),
            object_kind: object_kind.into(),
            object_id: object_id.to_string(),
            detail: detail.to_string(),
            disclosure: None,
        }
    }

    /// A draft for an action by an operator on the command line or the node itself.
    pub fn system(
        credential: Credential,
        action: &str,
        object_kind: &str,
        object_id: impl ToString,
        detail: serde_json::Value,
    ) -> Self {
        AuditDraft {
            actor_user: None,
            actor_org: None,
            credential: credential.to_string(),
            action: action.into(),
            object_kind: object_kind.into(),
            object_id: object_id.to_string(),
            detail: detail.to_string(),
            disclosure: None,
        }
    }
}

impl AuditDraft {
    /// Marks the entry as a disclosure; its facts join the detail.
    pub fn disclosing(mut self, d: Disclosure) -> Self {
        let mut detail: serde_json::Value =
            serde_json::from_str(&self.detail).unwrap_or(serde_json::Value::Null);
        if !detail.is_object() {
            detail = serde_json::json!({});
        }
        if let (Some(map), Ok(facts)) = (detail.as_object_mut(), serde_json::to_value(&d)) {
            map.insert("disclosure".into(), facts);
        }
        self.detail = detail.to_string();
        self.disclosure = Some(d);
        self
    }
}

/// A linked entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// 1-based position in the chain.
    pub seq: i64,
    /// Unix time in milliseconds.
    pub at_ms: i64,
    /// The drafted content.
    #[serde(flatten)]
    pub draft: AuditDraft,
    /// Hash of the previous entry (GENESIS for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The hash of an entry with these fields. The fields are serialised as one
/// JSON array, so no field boundary is ambiguous.
pub fn entry_hash(seq: i64, at_ms: i64, draft: &AuditDraft, prev_hash: &str) -> String {
    let canonical = serde_json::json!([
        seq,
        at_ms,
        draft.actor_user,
        draft.actor_org,
        draft.credential,
        draft.action,
        draft.object_kind,
        draft.object_id,
        draft.detail,
        prev_hash
    ]);
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    hex::encode(digest)
}

/// Links `draft` after the entry with `prev_seq`/`prev_hash`.
pub fn link(prev_seq: i64, prev_hash: &str, at_ms: i64, draft: AuditDraft) -> AuditEntry {
    let seq = prev_seq + 1;
    let hash = entry_hash(seq, at_ms, &draft, prev_hash);
    AuditEntry {
        seq,
        at_ms,
        draft,
        prev_hash: prev_hash.to_string(),
        hash,
    }
}

/// Why a chain failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// An entry's content no longer matches its hash (edited).
    #[error("entry {seq}: content does not match its hash (edited)")]
    Edited {
        /// Sequence number of the entry.
        seq: i64,
    },
    /// An entry does not link to the one before (removed or reordered).
    #[error(
        "entry {seq}: does not follow entry {expected_prev} (an entry was removed or reordered)"
    )]
    Broken {
        /// Sequence number found.
        seq: i64,
        /// Sequence number expected before it.
        expected_prev: i64,
    },
    /// The chain ends before the recorded head (tail removed).
    #[error("chain ends at entry {last} but the recorded head is entry {head} (entries removed)")]
    Truncated {
        /// Last entry present.
        last: i64,
        /// Recorded head.
        head: i64,
    },
    /// The recorded head does not match the last entry.
    #[error("the recorded head does not match entry {seq}")]
    HeadMismatch {
        /// Last entry.
        seq: i64,
    },
}

/// Walks entries in stored order, checking each against the previous.
#[derive(Debug)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            last_seq: 0,
            last_hash: GENESIS.to_string(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry.
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainError> {
        if e.seq != self.last_seq + 1 || e.prev_hash != self.last_hash {
            return Err(ChainError::Broken {
                seq: e.seq,
                expected_prev: self.last_seq,
            });
        }
        if entry_hash(e.seq, e.at_ms, &e.draft, &e.prev_hash) != e.hash {
            return Err(ChainError::Edited { seq: e.seq });
        }
        self.last_seq = e.seq;
        self.last_hash.clone_from(&e.hash);
        Ok(())
    }

    /// Checks the end of the chain against the recorded head and returns
    /// the entry count and head hash.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<(i64, String), ChainError> {
        if self.last_seq < head_seq {
            return Err(ChainError::Truncated {
                last: self.last_seq,
                head: head_seq,
            });
        }
        if self.last_seq != head_seq || self.last_hash != head_hash {
            return Err(ChainError::HeadMismatch { seq: self.last_seq });
        }
        Ok((self.last_seq, self.last_hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(i: i64) -> AuditDraft {
        AuditDraft::system(
            Credential::System,
            "test.write",
            "thing",
            i,
            serde_json::json!({ "i": i }),
        )
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (s, h) = out
                .last()
                .map(|e| (e.seq, e.hash.clone()))
                .unwrap_or((0, GENESIS.into()));
            out.push(link(s, &h, 1_000 + i, draft(i)));
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<(i64, String), ChainError> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.push(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(verify(&c, (5, &head)), Ok((5, head.clone())));
    }

    #[test]
    fn edit_remove_reorder_and_truncate_are_caught() {
        let c = chain(5);
        let head = c[4].hash.clone();

        let mut edited = c.clone();
        edited[2].draft.detail = "{\"i\":99}".into();
        assert_eq!(
            verify(&edited, (5, &head)),
            Err(ChainError::Edited { seq: 3 })
        );

        let mut removed = c.clone();
        removed.remove(1);
        assert!(matches!(
            verify(&removed, (5, &head)),
            Err(ChainError::Broken { seq: 3, .. })
        ));

        let mut reordered = c.clone();
        reordered.swap(1, 2);
        assert!(matches!(
            verify(&reordered, (5, &head)),
            Err(ChainError::Broken { .. })
        ));

        assert_eq!(
            verify(&c[..4], (5, &head)),
            Err(ChainError::Truncated { last: 4, head: 5 })
        );
    }
}
