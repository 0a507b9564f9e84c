//! Sign-in and sessions. A password, then — for accounts with an
//! authenticator, and always for roles that require one — a TOTP code, each
//! accepted once. Failed passwords and codes are counted per account key in
//! the store (so every node process sees them, and a restart forgets
//! nothing); the key is the digest of the e-mail whether or not an account
//! has it, so locking, wording and work are the same for unknown e-mails.
//! Sessions end after an absolute lifetime, after a spell of idleness, on
//! sign-out, on "sign out everywhere" and when the user is disabled.

use homeward_types::Role;
use serde_json::json;

use super::{Homeward, now_ms};
use crate::audit::AuditDraft;
use crate::model::{LoginFailure, LoginThrottle, Session, SessionStage, TotpUse, User};
use crate::{Actor, CoreError, CoreResult, Credential, StoreError, secrets, totp};

/// A successful password check: the session id and CSRF secret go to the
/// browser (the session id only in an HttpOnly cookie); the store keeps a
/// digest. Unless `stage` is `Full`, the session may only finish signing in.
#[derive(Clone)]
pub struct SignedIn {
    /// Session id (secret).
    pub session_id: String,
    /// CSRF secret bound to the session.
    pub csrf: String,
    /// Who signed in.
    pub actor: Actor,
    /// What is still due: nothing (`Full`), a code, or enrolment.
    pub stage: SessionStage,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("actor", &self.actor)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

/// What a session cookie stands for.
#[derive(Clone)]
pub enum SessionState {
    /// Signed in: may act.
    Active {
        /// The user.
        actor: Actor,
        /// CSRF secret of the session.
        csrf: String,
    },
    /// Password passed; the TOTP code is due. May only enter it.
    NeedsCode {
        /// The account, for display.
        email: String,
        /// CSRF secret of the session.
        csrf: String,
    },
    /// Password passed; the role requires an authenticator that is not set
    /// up. May only enrol one.
    NeedsEnrolment {
        /// The account, for display.
        email: String,
        /// CSRF secret of the session.
        csrf: String,
    },
}

impl SessionState {
    /// The session's CSRF secret.
    pub fn csrf(&self) -> &str {
        match self {
            SessionState::Active { csrf, .. }
            | SessionState::NeedsCode { csrf, .. }
            | SessionState::NeedsEnrolment { csrf, .. } => csrf,
        }
    }

    /// The account's e-mail.
    pub fn email(&self) -> &str {
        match self {
            SessionState::Active { actor, .. } => &actor.email,
            SessionState::NeedsCode { email, .. } | SessionState::NeedsEnrolment { email, .. } => {
                email
            }
        }
    }
}

impl std::fmt::Debug for SessionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stage = match self {
            SessionState::Active { .. } => "active",
            SessionState::NeedsCode { .. } => "needs_code",
            SessionState::NeedsEnrolment { .. } => "needs_enrolment",
        };
        f.debug_struct("SessionState")
            .field("stage", &stage)
            .field("email", &self.email())
            .finish_non_exhaustive()
    }
}

/// A TOTP secret offered for enrolment: shown to its user (as text and as
/// an `otpauth://` URL) until a code from it is confirmed.
#[derive(Clone)]
pub struct TotpEnrolment {
    /// Base32 secret (type it into the authenticator app).
    pub secret: String,
    /// `otpauth://totp/…` URL with the secret, issuer and account.
    pub url: String,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpEnrolment { <redacted> }")
    }
}

/// The lockout key of an e-mail (lower-cased before hashing).
fn login_key(email: &str) -> String {
    secrets::digest(&format!("login:{}", email.trim().to_lowercase()))
}

fn unix_s(ms: i64) -> u64 {
    u64::try_from(ms / 1000).unwrap_or(0)
}

impl Homeward {
    /// Checks e-mail and password and opens a session. Unknown e-mail, wrong
    /// password and disabled account give the same error after the same work
    /// (one argon2 verification) and count towards the same lockout.
    pub async fn login(&self, email: &str, password: &str) -> CoreResult<SignedIn> {
        let email = email.trim().to_lowercase();
        let key = login_key(&email);
        let now = now_ms();
        let throttle = self.store.login_throttle(&key).await?;
        let user = self.store.user_by_email(&email).await?;
        let password_ok = match &user {
            Some(u) => secrets::verify_password(password, &u.password_hash),
            None => {
                let _ = secrets::verify_password(password, secrets::dummy_hash());
                false
            }
        };
        refuse_if_locked(throttle, now)?;
        let user = match user {
            Some(u) if password_ok && !u.disabled => u,
            other => {
                self.count_failure(&key, other.as_ref(), "password", now)
                    .await?;
                return Err(CoreError::BadCredentials);
            }
        };
        let stage = if user.totp_secret.is_some() {
            SessionStage::Code
        } else if user.role.requires_second_factor() {
            SessionStage::Enrol
        } else {
            SessionStage::Full
        };
        let actor = self.actor_of(&user, Credential::Session).await?;
        let session_id = secrets::new_session_id();
        let session = Session {
            id_digest: secrets::digest(&session_id),
            user_id: user.id,
            csrf: secrets::new_session_id(),
            created_ms: now,
            expires_ms: now + self.policy.session_ttl_ms,
            stage,
            last_seen_ms: now,
        };
        let audit = AuditDraft::by(
            &actor,
            "session.create",
            "user",
            user.id,
            json!({ "stage": stage.as_str() }),
        );
        self.store.insert_session(&session, audit).await?;
        // A code is still due: the failures stay counted until it passes,
        // so a stolen password does not reset the guessing budget.
        if stage != SessionStage::Code && throttle.is_some() {
            self.store.clear_login_failures(&key).await?;
        }
        Ok(SignedIn {
            session_id,
            csrf: session.csrf,
            actor,
            stage,
        })
    }

    /// Finishes a sign-in that is waiting for a TOTP code.
    pub async fn login_code(&self, session_id: &str, code: &str) -> CoreResult<()> {
        let (session, user) = self.session_user(session_id).await?;
        if session.stage != SessionStage::Code {
            return Err(CoreError::Conflict(
                "this session is not waiting for a code".into(),
            ));
        }
        let secret = user.totp_secret.clone().ok_or(CoreError::Unauthenticated)?;
        self.accept_code(&session, &user, &secret, code, false)
            .await
    }

    /// Offers a TOTP secret to enrol (the same one until it is confirmed),
    /// for a signed-in session or one that must enrol before anything else.
    pub async fn totp_begin(&self, session_id: &str) -> CoreResult<TotpEnrolment> {
        let (session, user) = self.session_user(session_id).await?;
        if session.stage == SessionStage::Code {
            return Err(CoreError::SecondFactorRequired);
        }
        if user.totp_secret.is_some() {
            return Err(CoreError::Conflict(
                "two-factor sign-in is already set up for this account".into(),
            ));
        }
        let secret = match &user.totp_pending {
            Some(s) => s.clone(),
            None => {
                let s = totp::new_secret();
                let actor = self.actor_of(&user, Credential::Session).await?;
                let audit = AuditDraft::by(&actor, "user.totp.begin", "user", user.id, json!({}));
                self.store
                    .set_totp_pending(user.id, Some(&s), audit)
                    .await?;
                s
            }
        };
        let url = totp::otpauth_url(&secret, &user.email)
            .ok_or_else(|| StoreError::Corrupt("stored TOTP secret does not decode".into()))?;
        Ok(TotpEnrolment { secret, url })
    }

    /// Confirms enrolment with a code from the offered secret; from then on
    /// the account signs in with a code, and this session is signed in.
    pub async fn totp_confirm(&self, session_id: &str, code: &str) -> CoreResult<()> {
        let (session, user) = self.session_user(session_id).await?;
        if session.stage == SessionStage::Code {
            return Err(CoreError::SecondFactorRequired);
        }
        if user.totp_secret.is_some() {
            return Err(CoreError::Conflict(
                "two-factor sign-in is already set up for this account".into(),
            ));
        }
        let pending = user.totp_pending.clone().ok_or_else(|| {
            CoreError::Conflict(
                "no authenticator set-up is in progress; open your account page to start one"
                    .into(),
            )
        })?;
        self.accept_code(&session, &user, &pending, code, true)
            .await
    }

    /// Checks a code against `secret`; accepts it once (the store refuses a
    /// step already used) or counts a failure.
    async fn accept_code(
        &self,
        session: &Session,
        user: &User,
        secret: &str,
        code: &str,
        enrol: bool,
    ) -> CoreResult<()> {
        let key = login_key(&user.email);
        let now = now_ms();
        refuse_if_locked(self.store.login_throttle(&key).await?, now)?;
        let accepted = match totp::check(secret, code, unix_s(now)) {
            Some(step) => {
                let actor = self.actor_of(user, Credential::Session).await?;
                let action = if enrol {
                    "user.totp.enrol"
                } else {
                    "session.second_factor"
                };
                let audit = AuditDraft::by(&actor, action, "user", user.id, json!({}));
                let accept = TotpUse {
                    user_id: user.id,
                    step,
                    session_digest: Some(session.id_digest.clone()),
                    enrol_secret: enrol.then(|| secret.to_string()),
                    clear_key: key.clone(),
                    at_ms: now,
                };
                self.store.use_totp(&accept, audit).await?
            }
            None => false,
        };
        if !accepted {
            self.count_failure(&key, Some(user), "code", now).await?;
            return Err(CoreError::BadCode);
        }
        Ok(())
    }

    /// Sets a confirmed TOTP secret directly (the demo's pre-enrolled admins).
    pub(crate) async fn preset_totp(&self, email: &str, secret: &str) -> CoreResult<()> {
        let user = self
            .store
            .user_by_email(email)
            .await?
            .ok_or(CoreError::NotFound { what: "user" })?;
        let begin = AuditDraft::system(
            Credential::System,
            "user.totp.begin",
            "user",
            user.id,
            json!({}),
        );
        self.store
            .set_totp_pending(user.id, Some(secret), begin)
            .await?;
        let enrol = AuditDraft::system(
            Credential::System,
            "user.totp.enrol",
            "user",
            user.id,
            json!({ "demo": true }),
        );
        let accept = TotpUse {
            user_id: user.id,
            step: 0,
            session_digest: None,
            enrol_secret: Some(secret.to_string()),
            clear_key: login_key(email),
            at_ms: now_ms(),
        };
        if self.store.use_totp(&accept, enrol).await? {
            Ok(())
        } else {
            Err(CoreError::Conflict("the TOTP secret was not set".into()))
        }
    }

    /// Whether the actor's account signs in with a TOTP code.
    pub async fn has_totp(&self, actor: &Actor) -> CoreResult<bool> {
        Ok(self
            .store
            .user(actor.user_id)
            .await?
            .is_some_and(|u| u.totp_secret.is_some()))
    }

    /// What a session id stands for. Expired, idle, unknown sessions and
    /// those of disabled users are `Unauthenticated`. Refreshes the
    /// session's last use at most once per `touch_every_ms`.
    pub async fn session_state(&self, session_id: &str) -> CoreResult<SessionState> {
        let (session, user) = self.session_user(session_id).await?;
        let csrf = session.csrf.clone();
        let email = user.email.clone();
        // Defence in depth: a role that requires a second factor never acts
        // without one, whatever the session row says.
        let stage = match session.stage {
            SessionStage::Full if needs_enrolment(user.role, &user) => SessionStage::Enrol,
            s => s,
        };
        Ok(match stage {
            SessionStage::Full => SessionState::Active {
                actor: self.actor_of(&user, Credential::Session).await?,
                csrf,
            },
            SessionStage::Code => SessionState::NeedsCode { email, csrf },
            SessionStage::Enrol => SessionState::NeedsEnrolment { email, csrf },
        })
    }

    /// The actor behind a signed-in session, with its CSRF secret. A session
    /// still owing its second factor is `SecondFactorRequired`.
    pub async fn session_actor(&self, session_id: &str) -> CoreResult<(Actor, String)> {
        match self.session_state(session_id).await? {
            SessionState::Active { actor, csrf } => Ok((actor, csrf)),
            SessionState::NeedsCode { .. } | SessionState::NeedsEnrolment { .. } => {
                Err(CoreError::SecondFactorRequired)
            }
        }
    }

    /// A live session and its (enabled) user.
    async fn session_user(&self, session_id: &str) -> CoreResult<(Session, User)> {
        let digest = secrets::digest(session_id);
        let now = now_ms();
        let session = self
            .store
            .session(&digest, now)
            .await?
            .filter(|s| now - s.last_seen_ms <= self.policy.session_idle_ms)
            .ok_or(CoreError::Unauthenticated)?;
        let user = self
            .store
            .user(session.user_id)
            .await?
            .filter(|u| !u.disabled)
            .ok_or(CoreError::Unauthenticated)?;
        if now - session.last_seen_ms >= self.policy.touch_every_ms {
            self.store.touch_session(&digest, now).await?;
        }
        Ok((session, user))
    }

    /// Ends a session.
    pub async fn logout(&self, actor: &Actor, session_id: &str) -> CoreResult<()> {
        let audit = AuditDraft::by(actor, "session.delete", "user", actor.user_id, json!({}));
        self.store
            .delete_session(&secrets::digest(session_id), audit)
            .await?;
        Ok(())
    }

    /// Ends a session that has not finished signing in (its owner gave up).
    pub async fn abandon_session(&self, session_id: &str) -> CoreResult<()> {
        let (session, user) = self.session_user(session_id).await?;
        let audit = AuditDraft::system(
            Credential::Session,
            "session.delete",
            "user",
            user.id,
            json!({ "stage": session.stage.as_str() }),
        );
        self.store.delete_session(&session.id_digest, audit).await?;
        Ok(())
    }

    /// Ends every session of the actor's user ("sign out everywhere");
    /// returns how many ended. API tokens are revoked one by one.
    pub async fn revoke_sessions(&self, actor: &Actor) -> CoreResult<u64> {
        let audit = AuditDraft::by(
            actor,
            "session.revoke_all",
            "user",
            actor.user_id,
            json!({}),
        );
        Ok(self.store.delete_sessions_of(actor.user_id, audit).await?)
    }

    /// Counts a failed password or code against `key` (locking it at the
    /// policy's maximum). Audited as `login.fail` (and `account.lock`).
    async fn count_failure(
        &self,
        key: &str,
        user: Option<&User>,
        factor: &str,
        now: i64,
    ) -> CoreResult<()> {
        let object = user.map_or_else(|| "unknown".to_string(), |u| u.id.to_string());
        let draft = |action: &str, detail: serde_json::Value| AuditDraft {
            actor_user: None,
            actor_org: None,
            credential: "sign-in".into(),
            action: action.into(),
            object_kind: "account".into(),
            object_id: object.clone(),
            detail: detail.to_string(),
            disclosure: None,
        };
        let key_prefix: String = key.chars().take(16).collect();
        let fail = draft(
            "login.fail",
            json!({ "factor": factor, "account_key": key_prefix }),
        );
        let lock = draft(
            "account.lock",
            json!({ "factor": factor, "account_key": key_prefix,
                    "minutes": self.policy.lock_ms / 60_000 }),
        );
        let failure = LoginFailure {
            key: key.to_string(),
            at_ms: now,
            window_ms: self.policy.failure_window_ms,
            max_failures: self.policy.max_failures,
            lock_ms: self.policy.lock_ms,
        };
        self.store
            .record_login_failure(&failure, fail, lock)
            .await?;
        Ok(())
    }
}

fn needs_enrolment(role: Role, user: &User) -> bool {
    role.requires_second_factor() && user.totp_secret.is_none()
}

/// `Locked` while a lock on the key lasts.
fn refuse_if_locked(throttle: Option<LoginThrottle>, now: i64) -> CoreResult<()> {
    match throttle.and_then(|t| t.locked_until_ms) {
        Some(until) if until > now => Err(CoreError::Locked {
            minutes: (until - now + 59_999) / 60_000,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_space() {
        assert_eq!(
            login_key(" Officer@X.example"),
            login_key("officer@x.example")
        );
        assert_ne!(login_key("a@x.example"), login_key("b@x.example"));
    }

    #[test]
    fn locks_last_until_their_end() {
        let t = |until| {
            Some(LoginThrottle {
                failures: 0,
                last_failure_ms: 0,
                locked_until_ms: until,
            })
        };
        assert!(refuse_if_locked(None, 10).is_ok());
        assert!(refuse_if_locked(t(None), 10).is_ok());
        assert!(refuse_if_locked(t(Some(10)), 10).is_ok());
        match refuse_if_locked(t(Some(10 + 14 * 60_000 + 1)), 10) {
            Err(CoreError::Locked { minutes }) => assert_eq!(minutes, 15),
            other => panic!("expected a lock, got {other:?}"),
        }
    }
}
