//! The caller of every core use case, passed explicitly.

use homeward_types::{OrgId, Role, SharingGroupId, TokenId, UserId};

/// How the actor proved who they are — recorded in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A browser session.
    Session,
    /// An API token.
    Token(TokenId),
    /// The command line on the node's host (an operator with file access).
    Cli,
    /// The node itself (demo seeding, scheduled tasks).
    System,
}

impl std::fmt::Display for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Session => f.write_str("session"),
            Credential::Token(id) => write!(f, "token:{id}"),
            Credential::Cli => f.write_str("cli"),
            Credential::System => f.write_str("system"),
        }
    }
}

/// A signed-in user acting through a credential.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// Their e-mail, for display in timelines.
    pub email: String,
    /// Their organisation.
    pub org_id: OrgId,
    /// Their role in it.
    pub role: Role,
    /// How they signed in.
    pub credential: Credential,
    /// Sharing groups their organisation belongs to.
    pub groups: Vec<SharingGroupId>,
}
