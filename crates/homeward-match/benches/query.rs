//! Online query latency: one record against an index of N generated people
//! (`HOMEWARD_BENCH_N`, default 100000; the target is p99 < 5 ms at 1,000,000).
//! Run: `cargo bench -p homeward-match --bench query`.

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use homeward_match::{MatchIndex, Model, synth};

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("HOMEWARD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let data = synth::persons(n, 11);
    let queries = synth::persons(2_000, 12);
    let mut index = MatchIndex::new(Model::default_model());
    let t = Instant::now();
    for s in &data {
        let _ = index.insert(&s.record);
    }
    eprintln!(
        "indexed {} records in {:.1} s",
        index.len(),
        t.elapsed().as_secs_f64()
    );
    // Latency distribution over distinct queries (criterion reports the mean of repeats).
    let mut lat: Vec<f64> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            let hits = index.query(&q.record, 10);
            std::hint::black_box(hits);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
    eprintln!(
        "query latency over {} queries: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        lat.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    let mut i = 0;
    c.bench_function(&format!("query_top10_{n}"), |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            index.query(&queries[i].record, 10)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
