#![doc = include_str!("../README.md")]

use std::path::Path;
use std::time::Duration;

use homeward_core::StoreError;
use std::future::Future;
use std::pin::Pin;

use homeward_store_sql::{Dialect, SqlStore, db, install_drivers};
use sqlx::Executor;

/// The embedded migrations.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Per-connection settings: WAL, durable commits, wait for the write lock.
fn setup<'c>(
    conn: &'c mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'c>> {
    Box::pin(async move {
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
             PRAGMA busy_timeout = 15000; PRAGMA foreign_keys = ON;",
        )
        .await?;
        Ok(())
    })
}

/// The URL of the database file under a data directory.
pub fn url_for_dir(dir: &Path) -> String {
    format!("sqlite://{}/homeward.db", dir.display())
}

/// Opens (creating if needed) and migrates the SQLite database at `url`
/// (`sqlite://path/to/file.db`).
pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
    install_drivers();
    let url = if url.contains('?') {
        url.to_string()
    } else {
        format!("{url}?mode=rwc")
    };
    let writer = SqlStore::pool_options()
        .max_connections(1)
        .after_connect(setup)
        .connect(&url)
        .await
        .map_err(db)?;
    MIGRATOR
        .run(&writer)
        .await
        .map_err(|e| StoreError::Database(format!("migrations: {e}")))?;
    let readers = std::thread::available_parallelism()
        .map(|n| n.get() as u32 * 2)
        .unwrap_or(4)
        .max(4);
    let reader = SqlStore::pool_options()
        .max_connections(readers)
        .idle_timeout(Duration::from_secs(600))
        .after_connect(setup)
        .connect(&url)
        .await
        .map_err(db)?;
    Ok(SqlStore::new(reader, writer, Dialect::Sqlite))
}
