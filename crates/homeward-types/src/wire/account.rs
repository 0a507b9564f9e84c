//! Wire types of the signed-in user's own account: API tokens and sessions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{TokenId, TokenScope, UserId};

/// An API token as listed (never the secret).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    /// Id (to revoke it).
    pub id: TokenId,
    /// Owner.
    pub user_id: UserId,
    /// Label.
    pub name: String,
    /// `read` (GET only) or `write`.
    pub scope: TokenScope,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Revoked (RFC 3339), if it was.
    pub revoked_at: Option<String>,
}

/// A token to create.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// A label, e.g. the script that uses it (at most 100 characters).
    pub name: String,
    /// `read` or `write` (default `write`).
    #[serde(default)]
    pub scope: Option<TokenScope>,
}

/// A token just created: the secret is shown this once.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct NewTokenView {
    /// The token as listed.
    #[serde(flatten)]
    pub token: TokenView,
    /// The bearer secret; only its hash is stored.
    pub secret: String,
}

impl std::fmt::Debug for NewTokenView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewTokenView")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// How many sessions a "sign out everywhere" ended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionsRevoked {
    /// Sessions ended.
    pub revoked: u64,
}
