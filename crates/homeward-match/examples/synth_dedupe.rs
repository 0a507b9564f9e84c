//! Deduplicates a generated set in process and prints pairwise precision, recall and F1 with
//! the time of each stage — the quick loop for work on the engine (the end-to-end figures,
//! CSV reading included, come from `homeward match dedupe`; see `bench/matching/README.md`).
//!
//! `cargo run --release -p homeward-match --example synth_dedupe -- N SEED [misses]`
//! With `misses`, also prints up to 40 true pairs left apart and 40 false pairs joined.

use std::collections::HashMap;
use std::time::Instant;

use homeward_match::{BatchOptions, Model, batch, compare, model::LeaveOneOut, prepare, synth};
use rayon::prelude::*;

fn pairs_in(keys: &mut dyn Iterator<Item = u64>) -> u64 {
    let mut m: HashMap<u64, u64> = HashMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    m.values().map(|n| n * (n - 1) / 2).sum()
}

/// CPU seconds (user + system) used by this process so far, from `/proc/self/stat`.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(7);
    let misses = args.get(3).is_some_and(|s| s == "misses");
    let t = Instant::now();
    let data = synth::persons(n, seed);
    eprintln!("generated {n} in {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let c = cpu();
    let prepared: Vec<_> = data
        .par_iter()
        .filter_map(|s| prepare(&s.record, false).ok())
        .collect();
    eprintln!(
        "prepared in {:.2} s, {:.1} s CPU",
        t.elapsed().as_secs_f64(),
        cpu() - c
    );
    if args.get(3).is_some_and(|s| s == "prepare") {
        return;
    }
    let c = cpu();
    let t = Instant::now();
    let opts = BatchOptions {
        explain: false,
        threshold: std::env::var("THRESHOLD").ok().and_then(|t| t.parse().ok()),
        ..Default::default()
    };
    let result = batch::dedupe(&prepared, &Model::default_model(), &opts);
    let stages: Vec<String> = result
        .timings
        .iter()
        .map(|(s, t)| format!("{s} {t:.2} s"))
        .collect();
    eprintln!(
        "matched in {:.2} s, {:.1} s CPU ({}); {} pairs compared",
        t.elapsed().as_secs_f64(),
        cpu() - c,
        stages.join(", "),
        result.compared
    );
    let truth: Vec<u64> = data.iter().map(|s| s.entity_id).collect();
    eprintln!(
        "prior {:.3e}: {:.0} expected matching pairs",
        result.model.lambda,
        result.model.lambda * n as f64 * (n as f64 - 1.0) / 2.0
    );
    let tp = pairs_in(
        &mut truth
            .iter()
            .zip(&result.clusters)
            .map(|(t, c)| t << 32 ^ u64::from(*c)),
    );
    let all_t = pairs_in(&mut truth.iter().copied());
    eprintln!("{all_t} true matching pairs");
    let all_p = pairs_in(&mut result.clusters.iter().map(|c| u64::from(*c)));
    let (p, r) = (tp as f64 / all_p as f64, tp as f64 / all_t as f64);
    println!(
        "n {n} seed {seed}: P {p:.4} R {r:.4} F1 {:.4}",
        2.0 * p * r / (p + r)
    );
    if !misses {
        return;
    }
    let tf = batch::frequencies(&prepared);
    let loo = LeaveOneOut(&tf);
    let show = |a: usize, b: usize| {
        let s = result
            .model
            .score(&compare::compare(&prepared[a], &prepared[b]), &loo, true);
        println!("  p={:.3} {}", s.probability, s.explanation());
        for i in [a, b] {
            println!("    {:?}", data[i].record);
        }
    };
    let mut by_entity: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, e) in truth.iter().enumerate() {
        by_entity.entry(*e).or_default().push(i);
    }
    println!("--- true pairs left apart");
    let mut shown = 0;
    let mut kinds: HashMap<(u8, u8), usize> = HashMap::new();
    for v in by_entity.values() {
        for (x, a) in v.iter().enumerate() {
            for b in &v[x + 1..] {
                if result.clusters[*a] != result.clusters[*b] {
                    let c = compare::compare(&prepared[*a], &prepared[*b]);
                    *kinds.entry((c.levels[0], c.levels[1])).or_default() += 1;
                    let want = std::env::var("KIND")
                        .ok()
                        .is_none_or(|k| k == format!("{},{}", c.levels[0], c.levels[1]));
                    if shown < 40 && want {
                        show(*a, *b);
                        shown += 1;
                    }
                }
            }
        }
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|k| std::cmp::Reverse(k.1));
    println!("missed pairs by (name level, birth-date level): {kinds:?}");
    println!("--- false pairs joined");
    let mut by_cluster: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, c) in result.clusters.iter().enumerate() {
        by_cluster.entry(*c).or_default().push(i);
    }
    let mut shown = 0;
    for v in by_cluster.values() {
        for (x, a) in v.iter().enumerate() {
            for b in &v[x + 1..] {
                if shown < 40 && truth[*a] != truth[*b] {
                    show(*a, *b);
                    shown += 1;
                }
            }
        }
    }
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
