//! Organisations, users, sign-in, sessions and API tokens.

use homeward_types::wire::{MeView, OrganisationView};
use homeward_types::{OrgId, OrgKind, Role, TokenId, UserId};
use serde_json::json;

use super::{Homeward, Problems, SESSION_TTL_MS, now_ms};
use crate::audit::AuditDraft;
use crate::model::{ApiToken, Organisation, Session, User};
use crate::{Actor, CoreError, CoreResult, Credential, StoreError, secrets};

/// A successful sign-in: the session id and CSRF secret go to the browser
/// (the session id only in an HttpOnly cookie); the store keeps a digest.
#[derive(Clone)]
pub struct SignedIn {
    /// Session id (secret).
    pub session_id: String,
    /// CSRF secret bound to the session.
    pub csrf: String,
    /// Who signed in.
    pub actor: Actor,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(char::is_whitespace)
}

/// Minimum password length.
pub const MIN_PASSWORD: usize = 12;

impl Homeward {
    /// Creates an organisation (operator action from the command line or seeding).
    pub async fn create_org(
        &self,
        credential: Credential,
        name: &str,
        kind: OrgKind,
        country: &str,
    ) -> CoreResult<OrgId> {
        let mut p = Problems::default();
        let name = p.text("name", Some(name), 200);
        if name.is_none() {
            p.add("name", "is required");
        }
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            p.add(
                "country",
                "must be an ISO 3166 alpha-2 code such as TH or HK",
            );
        }
        p.finish()?;
        let org = Organisation {
            id: OrgId::new(),
            name: name.unwrap_or_default(),
            kind,
            country,
            created_ms: now_ms(),
        };
        let audit = AuditDraft::system(
            credential,
            "org.create",
            "organisation",
            org.id,
            json!({ "name": org.name, "kind": org.kind, "country": org.country }),
        );
        self.store.insert_org(&org, audit).await?;
        Ok(org.id)
    }

    /// Creates a user; with no password given, generates one and returns it.
    pub async fn create_user(
        &self,
        credential: Credential,
        org_id: OrgId,
        email: &str,
        role: Role,
        password: Option<&str>,
    ) -> CoreResult<(UserId, Option<String>)> {
        let email = email.trim().to_lowercase();
        let mut p = Problems::default();
        if !valid_email(&email) {
            p.add("email", "is not an e-mail address");
        }
        if let Some(pw) = password
            && pw.chars().count() < MIN_PASSWORD
        {
            p.add(
                "password",
                format!("must be at least {MIN_PASSWORD} characters"),
            );
        }
        p.finish()?;
        if self.store.org(org_id).await?.is_none() {
            return Err(CoreError::NotFound {
                what: "organisation",
            });
        }
        let generated = password.is_none().then(secrets::new_password);
        let pw = password
            .map(str::to_string)
            .or_else(|| generated.clone())
            .unwrap_or_default();
        let user = User {
            id: UserId::new(),
            org_id,
            email: email.clone(),
            role,
            password_hash: secrets::hash_password(&pw)?,
            created_ms: now_ms(),
            disabled: false,
        };
        let audit = AuditDraft::system(
            credential,
            "user.create",
            "user",
            user.id,
            json!({ "email": email, "org": org_id, "role": role }),
        );
        match self.store.insert_user(&user, audit).await {
            Ok(()) => Ok((user.id, generated)),
            Err(StoreError::Duplicate(_)) => Err(CoreError::Conflict(format!(
                "a user with e-mail {email} already exists"
            ))),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates an API token for a user; returns the token (shown once).
    pub async fn create_token(
        &self,
        credential: Credential,
        email: &str,
        name: &str,
    ) -> CoreResult<String> {
        let user = self
            .store
            .user_by_email(&email.trim().to_lowercase())
            .await?
            .ok_or(CoreError::NotFound { what: "user" })?;
        let secret = secrets::new_token();
        let token = ApiToken {
            id: TokenId::new(),
            user_id: user.id,
            name: name.trim().chars().take(100).collect(),
            digest: secrets::digest(&secret),
            created_ms: now_ms(),
            revoked_ms: None,
        };
        let audit = AuditDraft::system(
            credential,
            "token.create",
            "api_token",
            token.id,
            json!({ "user": user.id, "name": token.name }),
        );
        self.store.insert_token(&token, audit).await?;
        Ok(secret)
    }

    /// Signs in with e-mail and password. Unknown e-mail and wrong password
    /// give the same error after the same amount of work.
    pub async fn login(&self, email: &str, password: &str) -> CoreResult<SignedIn> {
        let email = email.trim().to_lowercase();
        let user = self.store.user_by_email(&email).await?;
        let (ok, user) = match user {
            Some(u) => (
                secrets::verify_password(password, &u.password_hash) && !u.disabled,
                Some(u),
            ),
            None => {
                let _ = secrets::verify_password(password, secrets::dummy_hash());
                (false, None)
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            return Err(CoreError::BadCredentials);
        };
        let actor = self.actor_of(&user, Credential::Session).await?;
        let session_id = secrets::new_session_id();
        let now = now_ms();
        let session = Session {
            id_digest: secrets::digest(&session_id),
            user_id: user.id,
            csrf: secrets::new_session_id(),
            created_ms: now,
            expires_ms: now + SESSION_TTL_MS,
        };
        let audit = AuditDraft::by(&actor, "session.create", "user", user.id, json!({}));
        self.store.insert_session(&session, audit).await?;
        Ok(SignedIn {
            session_id,
            csrf: session.csrf,
            actor,
        })
    }

    /// The actor behind a session id, with the session's CSRF secret.
    pub async fn session_actor(&self, session_id: &str) -> CoreResult<(Actor, String)> {
        let session = self
            .store
            .session(&secrets::digest(session_id), now_ms())
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let user = self
            .store
            .user(session.user_id)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(CoreError::Unauthenticated)?;
        Ok((
            self.actor_of(&user, Credential::Session).await?,
            session.csrf,
        ))
    }

    /// The actor behind an API token.
    pub async fn token_actor(&self, token: &str) -> CoreResult<Actor> {
        let (t, user) = self
            .store
            .token_user(&secrets::digest(token.trim()))
            .await?
            .filter(|(t, u)| t.revoked_ms.is_none() && !u.disabled)
            .ok_or(CoreError::Unauthenticated)?;
        self.actor_of(&user, Credential::Token(t.id)).await
    }

    /// Ends a session.
    pub async fn logout(&self, actor: &Actor, session_id: &str) -> CoreResult<()> {
        let audit = AuditDraft::by(actor, "session.delete", "user", actor.user_id, json!({}));
        self.store
            .delete_session(&secrets::digest(session_id), audit)
            .await?;
        Ok(())
    }

    /// The signed-in user and their organisation.
    pub async fn me(&self, actor: &Actor) -> CoreResult<MeView> {
        let org = self
            .org_cached(actor.org_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        Ok(MeView {
            id: actor.user_id,
            email: actor.email.clone(),
            role: actor.role,
            organisation: org_view(&org),
        })
    }

    /// The organisations of the network (names are not personal data).
    pub async fn organisations(&self, _actor: &Actor) -> CoreResult<Vec<OrganisationView>> {
        Ok(self.store.orgs().await?.iter().map(org_view).collect())
    }

    async fn actor_of(&self, user: &User, credential: Credential) -> CoreResult<Actor> {
        let groups = self
            .store
            .groups_of(user.org_id)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        Ok(Actor {
            user_id: user.id,
            email: user.email.clone(),
            org_id: user.org_id,
            role: user.role,
            credential,
            groups,
        })
    }
}

pub(crate) fn org_view(org: &Organisation) -> OrganisationView {
    OrganisationView {
        id: org.id,
        name: org.name.clone(),
        kind: org.kind,
        country: org.country.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn email_shape() {
        assert!(valid_email("officer@police.example"));
        assert!(!valid_email("officer"));
        assert!(!valid_email("a b@x.y"));
        assert!(!valid_email("@x.y"));
    }
}
