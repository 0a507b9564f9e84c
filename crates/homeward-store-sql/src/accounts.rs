//! Account security: API tokens (scoped, revocable), session bookkeeping,
//! lockout counters and TOTP enrolment. Every change runs on the writer
//! task, whose transaction holds the audit head lock, so the
//! read-then-write of the lockout counter cannot lose a concurrent failure.

use homeward_core::StoreError;
use homeward_core::audit::AuditDraft;
use homeward_core::model::{ApiToken, LoginFailure, LoginThrottle, TotpUse, User};
use homeward_types::{TokenId, UserId};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::rows::{self, get, parse};
use crate::{Arg, Out, SqlStore, db};

const TOKEN_COLUMNS: &str = "t.id AS t_id, t.user_id, t.name, t.digest, t.scope, t.created_ms AS t_created_ms, t.revoked_ms";

fn token_row(row: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: parse(row, "t_id")?,
        user_id: parse(row, "user_id")?,
        name: get(row, "name")?,
        digest: get(row, "digest")?,
        scope: parse(row, "scope")?,
        created_ms: get(row, "t_created_ms")?,
        revoked_ms: get(row, "revoked_ms")?,
    })
}

fn flag(out: Out) -> bool {
    matches!(out, Out::Flag(true))
}

async fn delete_sessions(tx: &mut AnyConnection, user: &str) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected())
}

impl SqlStore {
    /// A token matching `condition` (on alias `t`, one `$1` parameter) with its user.
    pub(crate) async fn token_where(
        &self,
        condition: &str,
        value: String,
    ) -> Result<Option<(ApiToken, User)>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS}, u.id, u.org_id, u.email, u.role, u.password_hash, \
             u.created_ms, u.disabled, u.totp_secret, u.totp_pending, u.totp_last_step \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE {condition}"
        );
        let row = sqlx::query(&sql)
            .bind(value)
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some((token_row(&row)?, rows::user(&row)?)))
    }

    pub(crate) async fn tokens_of_impl(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 \
             ORDER BY t.created_ms DESC, t.id DESC"
        );
        sqlx::query(&sql)
            .bind(user.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(token_row)
            .collect()
    }

    pub(crate) async fn revoke_token_impl(
        &self,
        id: TokenId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        self.update_if(
            "UPDATE api_tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL",
            vec![Arg::Int(at_ms), Arg::Text(id.to_string())],
            audit,
        )
        .await
    }

    pub(crate) async fn touch_session_impl(
        &self,
        id_digest: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let id_digest = id_digest.to_string();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE sessions SET last_seen_ms = $1 WHERE id_digest = $2")
                    .bind(at_ms)
                    .bind(id_digest)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn delete_sessions_of_impl(
        &self,
        user: UserId,
        audit: AuditDraft,
    ) -> Result<u64, StoreError> {
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let n = delete_sessions(tx, &user.to_string()).await?;
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Count(n))
                })
            })
            .await?;
        Ok(match out {
            Out::Count(n) => n,
            _ => 0,
        })
    }

    pub(crate) async fn disable_user_impl(
        &self,
        user: UserId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let id = user.to_string();
                sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1")
                    .bind(id.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                delete_sessions(tx, &id).await?;
                sqlx::query(
                    "UPDATE api_tokens SET revoked_ms = $1 WHERE user_id = $2 AND revoked_ms IS NULL",
                )
                .bind(at_ms)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                crate::append(tx, vec![audit]).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn login_throttle_impl(
        &self,
        key: &str,
    ) -> Result<Option<LoginThrottle>, StoreError> {
        sqlx::query(
            "SELECT failures, last_failure_ms, locked_until_ms FROM login_failures WHERE email_key = $1",
        )
        .bind(key.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .map(|r| {
            Ok(LoginThrottle {
                failures: get(&r, "failures")?,
                last_failure_ms: get(&r, "last_failure_ms")?,
                locked_until_ms: get(&r, "locked_until_ms")?,
            })
        })
        .transpose()
    }

    pub(crate) async fn record_login_failure_impl(
        &self,
        f: &LoginFailure,
        fail: AuditDraft,
        lock: AuditDraft,
    ) -> Result<Option<i64>, StoreError> {
        let f = f.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    // Forget counters nobody has failed on for a window and
                    // whose lock has ended (attackers' made-up e-mails too).
                    sqlx::query(
                        "DELETE FROM login_failures WHERE last_failure_ms < $1 \
                         AND (locked_until_ms IS NULL OR locked_until_ms < $2)",
                    )
                    .bind(f.at_ms - f.window_ms)
                    .bind(f.at_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    let row = sqlx::query(
                        "SELECT failures, last_failure_ms FROM login_failures WHERE email_key = $1",
                    )
                    .bind(f.key.clone())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                    let previous = match row {
                        Some(r) if get::<i64>(&r, "last_failure_ms")? >= f.at_ms - f.window_ms => {
                            get::<i64>(&r, "failures")?
                        }
                        _ => 0,
                    };
                    let failures = previous + 1;
                    let locked = (failures >= f.max_failures).then_some(f.at_ms + f.lock_ms);
                    // A lock restarts the count: after it ends, the next
                    // failures are counted afresh.
                    let stored = if locked.is_some() { 0 } else { failures };
                    sqlx::query("DELETE FROM login_failures WHERE email_key = $1")
                        .bind(f.key.clone())
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    sqlx::query(
                        "INSERT INTO login_failures (email_key, failures, last_failure_ms, locked_until_ms) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(f.key.clone())
                    .bind(stored)
                    .bind(f.at_ms)
                    .bind(locked)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    let mut drafts = vec![fail];
                    if locked.is_some() {
                        drafts.push(lock);
                    }
                    crate::append(tx, drafts).await?;
                    Ok(Out::Time(locked))
                })
            })
            .await?;
        Ok(match out {
            Out::Time(t) => t,
            _ => None,
        })
    }

    pub(crate) async fn clear_login_failures_impl(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_string();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("DELETE FROM login_failures WHERE email_key = $1")
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn set_totp_pending_impl(
        &self,
        user: UserId,
        secret: Option<String>,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                    .bind(secret)
                    .bind(user.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                crate::append(tx, vec![audit]).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn use_totp_impl(
        &self,
        t: &TotpUse,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let t = t.clone();
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let user = t.user_id.to_string();
                    let applied = match &t.enrol_secret {
                        Some(secret) => sqlx::query(
                            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, \
                             totp_last_step = $1 WHERE id = $2 AND totp_pending = $3",
                        )
                        .bind(t.step)
                        .bind(user)
                        .bind(secret.clone()),
                        None => sqlx::query(
                            "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                             AND totp_secret IS NOT NULL \
                             AND (totp_last_step IS NULL OR totp_last_step < $1)",
                        )
                        .bind(t.step)
                        .bind(user),
                    }
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?
                    .rows_affected();
                    if applied != 1 {
                        return Ok(Out::Flag(false));
                    }
                    if let Some(digest) = &t.session_digest {
                        sqlx::query(
                            "UPDATE sessions SET stage = 'full', last_seen_ms = $1 WHERE id_digest = $2",
                        )
                        .bind(t.at_ms)
                        .bind(digest.clone())
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    }
                    sqlx::query("DELETE FROM login_failures WHERE email_key = $1")
                        .bind(t.clear_key.clone())
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    crate::append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(flag(out))
    }

    pub(crate) async fn reset_totp_impl(
        &self,
        user: UserId,
        audit: AuditDraft,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let id = user.to_string();
                sqlx::query(
                    "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL \
                     WHERE id = $1",
                )
                .bind(id.clone())
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                delete_sessions(tx, &id).await?;
                crate::append(tx, vec![audit]).await?;
                Ok(Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }
}
