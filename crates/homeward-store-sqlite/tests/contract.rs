//! The store contract suite on SQLite (each check on a fresh database file).

use std::sync::Arc;

use homeward_core::store::{Store, contract};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_store_contract() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let result = contract::run_all(|| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let url = format!("sqlite://{}/contract-{n}.db", dir.path().display());
        async move {
            let store = homeward_store_sqlite::open(&url)
                .await
                .unwrap_or_else(|e| panic!("open {url}: {e}"));
            Arc::new(store) as Arc<dyn Store>
        }
    })
    .await;
    if let Err(failure) = result {
        panic!("contract failed on SQLite: {failure}");
    }
}
