//! The store contract suite on PostgreSQL, when `HOMEWARD_TEST_POSTGRES_URL`
//! is set (CI sets it). Each check runs in a schema of its own.

use std::sync::Arc;

use homeward_core::store::{Store, contract};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_store_contract() {
    let Ok(url) = std::env::var("HOMEWARD_TEST_POSTGRES_URL") else {
        eprintln!("HOMEWARD_TEST_POSTGRES_URL not set: PostgreSQL contract skipped");
        return;
    };
    let schemas = std::sync::Mutex::new(Vec::new());
    let result = contract::run_all(|| {
        let schema = format!("hw_test_{}", uuid::Uuid::new_v4().simple());
        if let Ok(mut s) = schemas.lock() {
            s.push(schema.clone());
        }
        let url = url.clone();
        async move {
            let store = homeward_store_postgres::open(&url, Some(&schema))
                .await
                .unwrap_or_else(|e| panic!("open {url}: {e}"));
            Arc::new(store) as Arc<dyn Store>
        }
    })
    .await;
    let names: Vec<String> = schemas.lock().map(|s| s.clone()).unwrap_or_default();
    for s in names {
        let _ = homeward_store_postgres::drop_schema(&url, &s).await;
    }
    if let Err(failure) = result {
        panic!("contract failed on PostgreSQL: {failure}");
    }
}
