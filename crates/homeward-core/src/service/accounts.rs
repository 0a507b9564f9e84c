//! Organisations and users. Sign-in and sessions are in `signin.rs`, API
//! tokens in `tokens.rs`.

use homeward_types::wire::{MeView, OrganisationView};
use homeward_types::{OrgId, OrgKind, Role, UserId};
use serde_json::json;

use super::{Homeward, Problems, now_ms};
use crate::audit::AuditDraft;
use crate::model::{Organisation, User};
use crate::{Actor, CoreError, CoreResult, Credential, StoreError, secrets};

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
            totp_secret: None,
            totp_pending: None,
            totp_last_step: None,
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

    /// Disables a user of the actor's organisation (admins only; not
    /// themselves): their sessions end and their API tokens are revoked.
    pub async fn disable_user(&self, actor: &Actor, user_id: UserId) -> CoreResult<()> {
        if actor.role != Role::Admin {
            return Err(CoreError::Forbidden {
                role: actor.role.to_string(),
                action: "disable users",
            });
        }
        let user = self
            .store
            .user(user_id)
            .await?
            .filter(|u| u.org_id == actor.org_id)
            .ok_or(CoreError::NotFound { what: "user" })?;
        if user.id == actor.user_id {
            return Err(CoreError::Conflict(
                "you cannot disable your own account; ask another admin".into(),
            ));
        }
        let audit = AuditDraft::by(
            actor,
            "user.disable",
            "user",
            user.id,
            json!({ "email": user.email }),
        );
        self.store.disable_user(user.id, now_ms(), audit).await?;
        Ok(())
    }

    /// Disables a user by e-mail (operator on the command line).
    pub async fn disable_user_by_email(
        &self,
        credential: Credential,
        email: &str,
    ) -> CoreResult<UserId> {
        let user = self
            .store
            .user_by_email(&email.trim().to_lowercase())
            .await?
            .ok_or(CoreError::NotFound { what: "user" })?;
        let audit = AuditDraft::system(
            credential,
            "user.disable",
            "user",
            user.id,
            json!({ "email": user.email }),
        );
        self.store.disable_user(user.id, now_ms(), audit).await?;
        Ok(user.id)
    }

    /// Turns a user's two-factor sign-in off so they can enrol a new
    /// authenticator (operator on the command line); their sessions end.
    pub async fn reset_totp(&self, credential: Credential, email: &str) -> CoreResult<UserId> {
        let user = self
            .store
            .user_by_email(&email.trim().to_lowercase())
            .await?
            .ok_or(CoreError::NotFound { what: "user" })?;
        let audit = AuditDraft::system(credential, "user.totp.reset", "user", user.id, json!({}));
        self.store.reset_totp(user.id, audit).await?;
        Ok(user.id)
    }

    pub(super) async fn actor_of(&self, user: &User, credential: Credential) -> CoreResult<Actor> {
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
