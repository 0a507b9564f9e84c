#![doc = include_str!("../README.md")]

mod accounts;
mod cases;
mod consolidate;
mod group_cases;
mod groups;
mod requests;
mod rescue;
mod retention;
mod rows;
mod store;

use homeward_core::audit::{self, AuditDraft};
use homeward_core::{StoreError, now_ms};
use std::future::Future;
use std::pin::Pin;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Row, Transaction};
use tokio::sync::{mpsc, oneshot};

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
    jobs: mpsc::Sender<Job>,
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
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::Duplicate(d.message().to_string());
    }
    StoreError::Database(e.to_string())
}

/// Installs the compiled-in drivers for `Any` (idempotent).
pub fn install_drivers() {
    sqlx::any::install_default_drivers();
}

impl SqlStore {
    /// Wraps pools that are already connected and migrated, and starts the
    /// writer task (call from within a tokio runtime).
    pub fn new(reader: AnyPool, writer: AnyPool, dialect: Dialect) -> Self {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(writer_task(writer, rx));
        SqlStore {
            reader,
            jobs,
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

    /// Runs a write on the writer task; returns once it is committed.
    async fn write<F>(&self, op: F) -> Result<Out, StoreError>
    where
        F: for<'t> FnOnce(&'t mut AnyConnection) -> BoxFut<'t, Result<Out, StoreError>>
            + Send
            + 'static,
    {
        let (reply, rx) = oneshot::channel();
        self.jobs
            .send(Job {
                work: Work::Change(Box::new(op)),
                reply,
            })
            .await
            .map_err(|_| StoreError::Database("the writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Database("the writer dropped a write".into()))?
    }

    /// Appends audit entries that record no change; returns once committed.
    pub(crate) async fn write_audit(&self, drafts: Vec<AuditDraft>) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.jobs
            .send(Job {
                work: Work::Audit(drafts),
                reply,
            })
            .await
            .map_err(|_| StoreError::Database("the writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Database("the writer dropped a write".into()))?
            .map(|_| ())
    }
}

/// A value bound to a statement of [`SqlStore::update_if`].
pub(crate) enum Arg {
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
}

impl SqlStore {
    /// Runs a conditional `UPDATE` (one row, e.g. `… WHERE id = $2 AND
    /// revoked_ms IS NULL`) and, only if it changed that row, appends the
    /// audit entry in the same transaction; whether it applied.
    pub(crate) async fn update_if(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
        audit: AuditDraft,
    ) -> Result<bool, StoreError> {
        let out = self
            .write(move |tx| {
                Box::pin(async move {
                    let mut q = sqlx::query(sql);
                    for a in args {
                        q = match a {
                            Arg::Int(i) => q.bind(i),
                            Arg::Text(t) => q.bind(t),
                        };
                    }
                    let n = q.execute(&mut *tx).await.map_err(db)?.rows_affected();
                    if n != 1 {
                        return Ok(Out::Flag(false));
                    }
                    append(tx, vec![audit]).await?;
                    Ok(Out::Flag(true))
                })
            })
            .await?;
        Ok(matches!(out, Out::Flag(true)))
    }
}

/// `$first, $first+1, …` for `n` values (an `IN (…)` list).
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a write returns.
#[derive(Debug)]
pub(crate) enum Out {
    /// Nothing.
    Unit,
    /// A flag (e.g. whether a conditional update applied).
    Flag(bool),
    /// A text (e.g. an assigned reference).
    Text(String),
    /// A number of rows.
    Count(u64),
    /// A time, if any (e.g. the end of a lock just set).
    Time(Option<i64>),
}

impl Out {
    /// The text a write returned (an assigned reference).
    pub(crate) fn into_text(self) -> Result<String, StoreError> {
        match self {
            Out::Text(t) => Ok(t),
            other => Err(StoreError::Corrupt(format!(
                "unexpected write result {other:?}"
            ))),
        }
    }
}

/// Which per-organisation counter numbers a reference.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    /// Cases: `HK-2026-000001`.
    Case,
    /// Requests: `REQ-HK-2026-000001`.
    Request,
    /// Group cases: `GRP-HK-2026-000001`.
    Group,
}

/// Takes the next number of `org`'s counter and appends it to `prefix`
/// (in the write's transaction, so numbers are never reused).
pub(crate) async fn next_reference(
    tx: &mut AnyConnection,
    counter: Counter,
    org: homeward_types::OrgId,
    prefix: &str,
) -> Result<String, StoreError> {
    let sql = match counter {
        Counter::Case => {
            "UPDATE organisations SET case_seq = case_seq + 1 WHERE id = $1 RETURNING case_seq AS n"
        }
        Counter::Request => {
            "UPDATE organisations SET request_seq = request_seq + 1 WHERE id = $1 RETURNING request_seq AS n"
        }
        Counter::Group => {
            "UPDATE organisations SET group_seq = group_seq + 1 WHERE id = $1 RETURNING group_seq AS n"
        }
    };
    let n: i64 = sqlx::query(sql)
        .bind(org.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?
        .try_get("n")
        .map_err(db)?;
    Ok(format!("{prefix}{n:06}"))
}

type BoxFut<'t, T> = Pin<Box<dyn Future<Output = T> + Send + 't>>;
type Op =
    Box<dyn for<'t> FnOnce(&'t mut AnyConnection) -> BoxFut<'t, Result<Out, StoreError>> + Send>;

type Reply = oneshot::Sender<Result<Out, StoreError>>;

/// A unit of work for the writer.
enum Work {
    /// A change (run in a savepoint of its own).
    Change(Op),
    /// Audit entries that record no change (reads of personal data): the
    /// batch links all of them into the chain with one head update.
    Audit(Vec<AuditDraft>),
}

struct Job {
    work: Work,
    reply: Reply,
}

/// Most writes committed together in one transaction.
const MAX_BATCH: usize = 512;

/// The writer task: group commit. Writes that arrive while a commit is in
/// flight are run together in the next transaction, each in a savepoint of
/// its own (a failing write rolls back alone), and all are acknowledged
/// after the one durable commit. Every transaction starts by taking the
/// audit head's lock, so the hash chain is written in one order.
async fn writer_task(pool: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        run_batch(&pool, batch).await;
    }
}

async fn run_batch(pool: &AnyPool, batch: Vec<Job>) {
    let mut tx = match begin_locked(pool).await {
        Ok(tx) => tx,
        Err(e) => {
            let msg = e.to_string();
            for job in batch {
                let _ = job.reply.send(Err(StoreError::Database(msg.clone())));
            }
            return;
        }
    };
    let mut done: Vec<(Reply, Result<Out, StoreError>)> = Vec::with_capacity(batch.len());
    let mut broken: Option<String> = None;
    let mut reads: Vec<AuditDraft> = Vec::new();
    let mut read_replies: Vec<Reply> = Vec::new();
    for job in batch {
        let op = match job.work {
            Work::Audit(drafts) => {
                reads.extend(drafts);
                read_replies.push(job.reply);
                continue;
            }
            Work::Change(op) => op,
        };
        if let Some(msg) = &broken {
            done.push((job.reply, Err(StoreError::Database(msg.clone()))));
            continue;
        }
        let result = match tx.begin().await {
            Ok(mut sp) => match op(&mut sp).await {
                Ok(out) => sp.commit().await.map(|()| out).map_err(db),
                Err(e) => {
                    if let Err(rb) = sp.rollback().await {
                        broken = Some(rb.to_string());
                    }
                    Err(e)
                }
            },
            Err(e) => {
                broken = Some(e.to_string());
                Err(db(e))
            }
        };
        done.push((job.reply, result));
    }
    if !read_replies.is_empty() {
        let result = if broken.is_some() {
            Err(StoreError::Database("batch aborted".into()))
        } else {
            match append(&mut tx, reads).await {
                Ok(()) => Ok(Out::Unit),
                Err(e) => {
                    broken = Some(e.to_string());
                    Err(e)
                }
            }
        };
        for reply in read_replies {
            let r = match &result {
                Ok(_) => Ok(Out::Unit),
                Err(e) => Err(StoreError::Database(e.to_string())),
            };
            done.push((reply, r));
        }
    }
    let committed = match broken {
        Some(msg) => {
            let _ = tx.rollback().await;
            Err(msg)
        }
        None => tx.commit().await.map_err(|e| e.to_string()),
    };
    for (reply, result) in done {
        let result = match (&committed, result) {
            (Ok(()), r) => r,
            (Err(msg), Ok(_)) => Err(StoreError::Database(format!("commit failed: {msg}"))),
            (Err(_), Err(e)) => Err(e),
        };
        let _ = reply.send(result);
    }
}

/// Begins a transaction holding the audit head lock. The first statement is
/// a write, so SQLite takes its write lock now (waiting on `busy_timeout`
/// if another process writes) and PostgreSQL locks the head row.
async fn begin_locked(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE audit_head SET lock = lock + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Links `drafts` into the chain and inserts them, moving the head.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    drafts: Vec<AuditDraft>,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await
        .map_err(db)?;
    let mut seq: i64 = row.try_get("seq").map_err(db)?;
    let mut hash: String = row.try_get("hash").map_err(db)?;
    let at = now_ms();
    let mut entries = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let e = audit::link(seq, &hash, at, draft);
        seq = e.seq;
        hash.clone_from(&e.hash);
        entries.push(e);
    }
    // Multi-row inserts: one statement per 50 entries.
    for chunk in entries.chunks(50) {
        let mut sql = String::from(
            "INSERT INTO audit_log (seq, at_ms, actor_user, actor_org, credential, action, \
             object_kind, object_id, detail, prev_hash, hash) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 11;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(
                &(1..=11)
                    .map(|k| format!("${}", b + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(e.seq)
                .bind(e.at_ms)
                .bind(e.draft.actor_user.clone())
                .bind(e.draft.actor_org.clone())
                .bind(e.draft.credential.clone())
                .bind(e.draft.action.clone())
                .bind(e.draft.object_kind.clone())
                .bind(e.draft.object_id.clone())
                .bind(e.draft.detail.clone())
                .bind(e.prev_hash.clone())
                .bind(e.hash.clone());
        }
        q.execute(&mut *conn).await.map_err(db)?;
    }
    if entries.iter().any(|e| e.draft.disclosure.is_some()) {
        requests::index_disclosures(conn, &entries).await?;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    Ok(())
}
