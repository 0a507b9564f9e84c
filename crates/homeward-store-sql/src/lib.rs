#![doc = include_str!("../README.md")]

mod cases;
mod rows;
mod store;

use homeward_core::audit::{self, AuditDraft};
use homeward_core::{StoreError, now_ms};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Row, Transaction};

pub use sqlx;

/// Which database is behind the pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (embedded).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The SQL store.
#[derive(Clone)]
pub struct SqlStore {
    reader: AnyPool,
    writer: AnyPool,
    dialect: Dialect,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

/// Maps a sqlx error to a store error (unique violations become `Duplicate`).
pub fn db(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Duplicate(d.message().to_string());
        }
    }
    StoreError::Database(e.to_string())
}

/// Installs the compiled-in drivers for `Any` (idempotent).
pub fn install_drivers() {
    sqlx::any::install_default_drivers();
}

impl SqlStore {
    /// Wraps pools that are already connected and migrated.
    pub fn new(reader: AnyPool, writer: AnyPool, dialect: Dialect) -> Self {
        SqlStore {
            reader,
            writer,
            dialect,
        }
    }

    /// Pool options the backends start from.
    pub fn pool_options() -> AnyPoolOptions {
        AnyPoolOptions::new().acquire_timeout(std::time::Duration::from_secs(30))
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The write pool (migrations run on it).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Begins a write transaction holding the audit head lock.
    async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.writer.begin().await.map_err(db)?;
        sqlx::query("UPDATE audit_head SET lock = lock + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        Ok(tx)
    }

    /// Links `drafts` into the chain and inserts them, moving the head.
    async fn append(
        tx: &mut Transaction<'static, Any>,
        drafts: Vec<AuditDraft>,
    ) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut **tx)
            .await
            .map_err(db)?;
        let mut seq: i64 = row.try_get("seq").map_err(db)?;
        let mut hash: String = row.try_get("hash").map_err(db)?;
        let at = now_ms();
        for draft in drafts {
            let e = audit::link(seq, &hash, at, draft);
            sqlx::query(
                "INSERT INTO audit_log (seq, at_ms, actor_user, actor_org, credential, action, \
                 object_kind, object_id, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(e.seq)
            .bind(e.at_ms)
            .bind(e.draft.actor_user)
            .bind(e.draft.actor_org)
            .bind(e.draft.credential)
            .bind(e.draft.action)
            .bind(e.draft.object_kind)
            .bind(e.draft.object_id)
            .bind(e.draft.detail)
            .bind(e.prev_hash)
            .bind(e.hash.clone())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
            seq = e.seq;
            hash = e.hash;
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(hash)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Commits a write with its audit entries.
    async fn finish(
        mut tx: Transaction<'static, Any>,
        drafts: Vec<AuditDraft>,
    ) -> Result<(), StoreError> {
        Self::append(&mut tx, drafts).await?;
        tx.commit().await.map_err(db)
    }
}
