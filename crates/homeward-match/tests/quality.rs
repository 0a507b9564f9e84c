//! End-to-end quality: F1 of deduplication on a fixed generated set must not drop below the
//! recorded value. Fast enough for debug builds.

use std::collections::HashMap;

use homeward_match::{BatchOptions, Model, batch, prepare, synth};

/// Pairwise precision, recall and F1 of a clustering against ground truth.
fn pairwise(truth: &[u64], clusters: &[u32]) -> (f64, f64, f64) {
    let count = |keys: &mut dyn Iterator<Item = u64>| -> u64 {
        let mut m: HashMap<u64, u64> = HashMap::new();
        for k in keys {
            *m.entry(k).or_default() += 1;
        }
        m.values().map(|n| n * (n - 1) / 2).sum()
    };
    let t = count(&mut truth.iter().copied());
    let p = count(&mut clusters.iter().map(|c| u64::from(*c)));
    let tp = count(
        &mut truth
            .iter()
            .zip(clusters)
            .map(|(t, c)| t << 32 ^ u64::from(*c)),
    );
    let prec = if p == 0 { 1.0 } else { tp as f64 / p as f64 };
    let rec = if t == 0 { 1.0 } else { tp as f64 / t as f64 };
    (
        prec,
        rec,
        if prec + rec == 0.0 {
            0.0
        } else {
            2.0 * prec * rec / (prec + rec)
        },
    )
}

#[test]
fn dedupe_f1_on_generated_set_holds() {
    let data = synth::persons(3000, 42);
    let prepared: Vec<_> = data
        .iter()
        .filter_map(|s| prepare(&s.record, false).ok())
        .collect();
    assert_eq!(prepared.len(), data.len());
    let truth: Vec<u64> = data.iter().map(|s| s.entity_id).collect();
    let options = BatchOptions {
        explain: false,
        ..Default::default()
    };
    let result = batch::dedupe(&prepared, &Model::default_model(), &options);
    let (p, r, f1) = pairwise(&truth, &result.clusters);
    eprintln!(
        "precision {p:.4} recall {r:.4} F1 {f1:.4} compared {}",
        result.compared
    );
    // Recorded 0.9887 (precision 0.9927, recall 0.9848) after the name-variation and
    // capture-recapture prior changes of 2026-11-26 (0.988 before, with the realistic name pools
    // of `synth::pools`). Raised from 0.93 when the generator stopped producing duplicates that
    // share nothing but a name (see `synth::persons`), and from 0.985 to 0.986.
    // Recorded 0.9916 (precision 0.9928, recall 0.9904) after the Thai romanisation, Hong Kong
    // spelling and typo-against-Han changes of 2026-11-26 (third session); raised to 0.991.
    const RECORDED_F1: f64 = 0.991;
    assert!(
        f1 >= RECORDED_F1,
        "F1 {f1:.4} fell below the recorded {RECORDED_F1}"
    );
}
