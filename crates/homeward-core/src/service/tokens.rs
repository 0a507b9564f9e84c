//! API tokens: scoped (`read` = GET only, `write`), listed and revoked by
//! their owner; an organisation's admins may revoke any of its tokens.
//! Tokens skip the second factor: they are issued only by a fully signed-in
//! session or by an operator on the command line.

use homeward_types::wire::{NewTokenView, TokenView};
use homeward_types::{Role, TokenId, TokenScope};
use serde_json::json;

use super::{Homeward, Problems, now_ms, rfc3339};
use crate::audit::AuditDraft;
use crate::model::{ApiToken, User};
use crate::{Actor, CoreError, CoreResult, Credential, secrets};

fn token_view(t: &ApiToken) -> TokenView {
    TokenView {
        id: t.id,
        user_id: t.user_id,
        name: t.name.clone(),
        scope: t.scope,
        created_at: rfc3339(t.created_ms),
        revoked_at: t.revoked_ms.map(rfc3339),
    }
}

impl Homeward {
    /// Creates a write token for a user (operator action); returns the
    /// secret (shown once).
    pub async fn create_token(
        &self,
        credential: Credential,
        email: &str,
        name: &str,
    ) -> CoreResult<String> {
        self.create_token_scoped(credential, email, name, TokenScope::Write)
            .await
    }

    /// Creates a token with a scope for a user (operator action); returns
    /// the secret (shown once).
    pub async fn create_token_scoped(
        &self,
        credential: Credential,
        email: &str,
        name: &str,
        scope: TokenScope,
    ) -> CoreResult<String> {
        let user = self
            .store
            .user_by_email(&email.trim().to_lowercase())
            .await?
            .ok_or(CoreError::NotFound { what: "user" })?;
        let (token, secret) = new_token(&user, name.trim().chars().take(100).collect(), scope);
        let audit = AuditDraft::system(
            credential,
            "token.create",
            "api_token",
            token.id,
            json!({ "user": user.id, "name": token.name, "scope": scope }),
        );
        self.store.insert_token(&token, audit).await?;
        Ok(secret)
    }

    /// Creates a token for the signed-in user. Only a browser session may
    /// (a token cannot mint tokens).
    pub async fn create_own_token(
        &self,
        actor: &Actor,
        name: &str,
        scope: Option<TokenScope>,
    ) -> CoreResult<NewTokenView> {
        if actor.credential != Credential::Session {
            return Err(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "create API tokens with an API token (sign in to the web UI)",
            });
        }
        let mut p = Problems::default();
        let name = p.text("name", Some(name), 100);
        if name.is_none() {
            p.add("name", "is required");
        }
        p.finish()?;
        let user = self
            .store
            .user(actor.user_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let scope = scope.unwrap_or(TokenScope::Write);
        let (token, secret) = new_token(&user, name.unwrap_or_default(), scope);
        let audit = AuditDraft::by(
            actor,
            "token.create",
            "api_token",
            token.id,
            json!({ "user": user.id, "name": token.name, "scope": scope }),
        );
        self.store.insert_token(&token, audit).await?;
        Ok(NewTokenView {
            token: token_view(&token),
            secret,
        })
    }

    /// The signed-in user's tokens, newest first.
    pub async fn tokens(&self, actor: &Actor) -> CoreResult<Vec<TokenView>> {
        Ok(self
            .store
            .tokens_of(actor.user_id)
            .await?
            .iter()
            .map(token_view)
            .collect())
    }

    /// Revokes a token of the actor's own, or (admins) of anyone in their
    /// organisation. Another organisation's token is `NotFound`, like a
    /// missing one. Revoking a revoked token changes nothing.
    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> CoreResult<()> {
        let (token, owner) = self
            .store
            .token_by_id(id)
            .await?
            .filter(|(t, owner)| {
                t.user_id == actor.user_id
                    || (actor.role == Role::Admin && owner.org_id == actor.org_id)
            })
            .ok_or(CoreError::NotFound { what: "token" })?;
        if token.revoked_ms.is_some() {
            return Ok(());
        }
        let audit = AuditDraft::by(
            actor,
            "token.revoke",
            "api_token",
            token.id,
            json!({ "user": owner.id, "name": token.name }),
        );
        self.store.revoke_token(token.id, now_ms(), audit).await?;
        Ok(())
    }

    /// Revokes any token (operator action); false if it was already revoked.
    pub async fn revoke_token_as_operator(
        &self,
        credential: Credential,
        id: TokenId,
    ) -> CoreResult<bool> {
        let (token, owner) = self
            .store
            .token_by_id(id)
            .await?
            .ok_or(CoreError::NotFound { what: "token" })?;
        if token.revoked_ms.is_some() {
            return Ok(false);
        }
        let audit = AuditDraft::system(
            credential,
            "token.revoke",
            "api_token",
            token.id,
            json!({ "user": owner.id, "name": token.name }),
        );
        Ok(self.store.revoke_token(token.id, now_ms(), audit).await?)
    }

    /// The actor behind an API token. `write` says whether the request
    /// changes anything; a read-only token is refused for it.
    pub async fn token_actor(&self, token: &str, write: bool) -> CoreResult<Actor> {
        let (t, user) = self
            .store
            .token_user(&secrets::digest(token.trim()))
            .await?
            .filter(|(t, u)| t.revoked_ms.is_none() && !u.disabled)
            .ok_or(CoreError::Unauthenticated)?;
        if write && t.scope == TokenScope::Read {
            return Err(CoreError::TokenScope);
        }
        self.actor_of(&user, Credential::Token(t.id)).await
    }
}

fn new_token(user: &User, name: String, scope: TokenScope) -> (ApiToken, String) {
    let secret = secrets::new_token();
    let token = ApiToken {
        id: TokenId::new(),
        user_id: user.id,
        name,
        digest: secrets::digest(&secret),
        scope,
        created_ms: now_ms(),
        revoked_ms: None,
    };
    (token, secret)
}
