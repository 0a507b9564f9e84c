#![doc = include_str!("../README.md")]

use homeward_core::StoreError;
use homeward_store_sql::{Dialect, SqlStore, db, install_drivers};
use sqlx::Executor;

/// The embedded migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects to and migrates the PostgreSQL database at `url`. With `schema`,
/// everything lives in that schema (created if missing) — used by tests to
/// give each run its own namespace.
pub async fn open(url: &str, schema: Option<&str>) -> Result<SqlStore, StoreError> {
    install_drivers();
    if let Some(s) = schema
        && !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(StoreError::Database(format!("bad schema name {s}")));
    }
    let search_path =
        schema.map(|s| format!("CREATE SCHEMA IF NOT EXISTS {s}; SET search_path TO {s};"));
    let pool = SqlStore::pool_options()
        .max_connections(16)
        .after_connect(move |conn, _meta| {
            let sp = search_path.clone();
            Box::pin(async move {
                if let Some(sp) = sp {
                    conn.execute(sp.as_str()).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(db)?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| StoreError::Database(format!("migrations: {e}")))?;
    Ok(SqlStore::new(pool.clone(), pool, Dialect::Postgres))
}

/// Drops a test schema.
pub async fn drop_schema(url: &str, schema: &str) -> Result<(), StoreError> {
    install_drivers();
    let pool = SqlStore::pool_options()
        .max_connections(1)
        .connect(url)
        .await
        .map_err(db)?;
    let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
    pool.execute(sql.as_str()).await.map_err(db)?;
    pool.close().await;
    Ok(())
}
