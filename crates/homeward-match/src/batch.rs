//! Whole-file matching: deduplicate one set of records or link two. Blocking with capped
//! blocks, unsupervised training, parallel scoring, and clustering that only merges groups that
//! hold together as a whole.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::block;
use crate::compare::{Comparison, compare};
use crate::model::{LeaveOneOut, Model, NoFrequencies, Score, TermFrequencies};
use crate::record::Prepared;

/// Options of a batch run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Report pairs and link clusters at or above this probability (default: the model's).
    pub threshold: Option<f64>,
    /// Estimate m/u on this data (EM) before scoring.
    pub train: bool,
    /// Blocks larger than this are not expanded into pairs.
    pub block_cap: usize,
    /// Attach explanations to the reported pairs.
    pub explain: bool,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            threshold: None,
            train: true,
            block_cap: 20,
            explain: true,
        }
    }
}

/// A reported pair (indices into the records as given; in `link`, right-hand records follow
/// the left-hand ones).
#[derive(Debug, Clone)]
pub struct Pair {
    /// Lower index.
    pub left: u32,
    /// Higher index.
    pub right: u32,
    /// Score with explanation.
    pub score: Score,
}

/// Result of a batch run.
#[derive(Debug, Clone)]
pub struct BatchResult {
    /// Pairs at or above the threshold, best first.
    pub pairs: Vec<Pair>,
    /// Cluster number of each record (the index of its first member).
    pub clusters: Vec<u32>,
    /// The model used (after training).
    pub model: Model,
    /// Candidate pairs compared.
    pub compared: usize,
}

/// Term frequencies over a record set: key 0 holds the population.
pub fn frequencies(records: &[Prepared]) -> HashMap<u64, u32> {
    let mut tf: HashMap<u64, u32> = records
        .par_iter()
        .fold(HashMap::new, |mut m: HashMap<u64, u32>, p| {
            for k in block::tf_keys(p) {
                *m.entry(k).or_default() += 1;
            }
            m
        })
        .reduce(HashMap::new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    tf.insert(0, records.len() as u32);
    tf
}

fn candidate_pairs(records: &[Prepared], split: Option<usize>, cap: usize) -> Vec<u64> {
    let keys: Vec<Vec<u64>> = records.par_iter().map(block::keys).collect();
    let mut entries: Vec<(u64, u32)> = keys
        .iter()
        .enumerate()
        .flat_map(|(i, ks)| ks.iter().map(move |k| (*k, i as u32)))
        .collect();
    drop(keys);
    entries.par_sort_unstable();
    let mut pairs: Vec<u64> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start + 1;
        while end < entries.len() && entries[end].0 == entries[start].0 {
            end += 1;
        }
        let block = &entries[start..end];
        if block.len() > 1 && block.len() <= cap {
            for (x, (_, a)) in block.iter().enumerate() {
                for (_, b) in &block[x + 1..] {
                    let cross = split.is_none_or(|s| ((*a as usize) < s) != ((*b as usize) < s));
                    if cross && a != b {
                        pairs.push(u64::from(*a.min(b)) << 32 | u64::from(*a.max(b)));
                    }
                }
            }
        }
        start = end;
    }
    drop(entries);
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

fn random_pairs(n: usize, split: Option<usize>, count: usize) -> Vec<(u32, u32)> {
    let mut s: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut out = Vec::with_capacity(count);
    if n < 2 {
        return out;
    }
    for _ in 0..count {
        let (a, b) = match split {
            Some(sp) if sp > 0 && sp < n => (
                (next() % sp as u64) as u32,
                (sp as u64 + next() % (n - sp) as u64) as u32,
            ),
            _ => ((next() % n as u64) as u32, (next() % n as u64) as u32),
        };
        if a != b {
            out.push((a, b));
        }
    }
    out
}

fn run(
    records: &[Prepared],
    split: Option<usize>,
    model: &Model,
    opts: &BatchOptions,
) -> BatchResult {
    let mut model = model.clone();
    let pairs = candidate_pairs(records, split, opts.block_cap.max(2));
    let n = records.len() as f64;
    let (possible, people) = match split {
        Some(s) => ((s as f64) * (n - s as f64), (s as f64).min(n - s as f64)),
        None => (n * (n - 1.0) / 2.0, n),
    };
    let mut expected: Option<f64> = None;
    if opts.train {
        let step = (pairs.len() / 200_000).max(1);
        let sample: Vec<Comparison> = pairs
            .par_iter()
            .step_by(step)
            .map(|p| compare(&records[(p >> 32) as usize], &records[(*p as u32) as usize]))
            .collect();
        // u from random pairs needs a population where random pairs are almost all non-matches.
        let n = records.len() as u64;
        let possible = split.map_or(n * n.saturating_sub(1) / 2, |s| s as u64 * (n - s as u64));
        let count = if possible >= 20_000 {
            (possible / 4).min(40_000) as usize
        } else {
            0
        };
        let random: Vec<Comparison> = random_pairs(records.len(), split, count)
            .par_iter()
            .map(|(a, b)| compare(&records[*a as usize], &records[*b as usize]))
            .collect();
        expected = model.train(&sample, &random).map(|m| m * step as f64);
    }
    // Prior: expected matching pairs over possible pairs. Without an estimate, assume about
    // half the records (or of the smaller file) have a counterpart.
    let expected = expected
        .unwrap_or(0.5 * people)
        .clamp(0.02 * people, 3.0 * people);
    model.lambda = (expected / possible.max(1.0)).clamp(1e-12, 0.5);
    let threshold = opts.threshold.unwrap_or(model.threshold);
    let tf = frequencies(records);
    let loo = LeaveOneOut(&tf);
    let tfr: &(dyn TermFrequencies + Sync) = if records.len() >= 1000 {
        &loo
    } else {
        &NoFrequencies
    };
    let scored: Vec<(u32, u32, f64)> = pairs
        .par_iter()
        .filter_map(|p| {
            let (a, b) = ((p >> 32) as u32, *p as u32);
            let s = model.score(
                &compare(&records[a as usize], &records[b as usize]),
                tfr,
                false,
            );
            (s.probability >= threshold.min(0.5)).then_some((a, b, s.probability))
        })
        .collect();
    let clusters = cluster(records, &scored, &model, tfr, threshold);
    let mut out: Vec<Pair> = scored
        .par_iter()
        .filter(|(_, _, p)| *p >= threshold)
        .map(|(a, b, p)| {
            let score = if opts.explain {
                model.score(
                    &compare(&records[*a as usize], &records[*b as usize]),
                    tfr,
                    true,
                )
            } else {
                Score {
                    probability: *p,
                    weight: 0.0,
                    fields: Vec::new(),
                }
            };
            Pair {
                left: *a,
                right: *b,
                score,
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.score
            .probability
            .total_cmp(&x.score.probability)
            .then(x.left.cmp(&y.left))
            .then(x.right.cmp(&y.right))
    });
    BatchResult {
        pairs: out,
        clusters,
        model,
        compared: pairs.len(),
    }
}

/// A cross pair below this probability is evidence of two different people.
const CANNOT_LINK: f64 = 0.5;

/// Clusters records from scored edges. Edges are taken strongest first; two groups merge only
/// if the average probability over all their cross pairs (scored on demand, capped) reaches
/// the threshold — so a single shared family phone cannot chain two people together.
pub fn cluster(
    records: &[Prepared],
    edges: &[(u32, u32, f64)],
    model: &Model,
    tf: &(dyn TermFrequencies + Sync),
    threshold: f64,
) -> Vec<u32> {
    let n = records.len();
    let mut of: Vec<u32> = (0..n as u32).collect();
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    let known: HashMap<u64, f64> = edges
        .iter()
        .map(|(a, b, p)| (u64::from(*a) << 32 | u64::from(*b), *p))
        .collect();
    let mut sorted: Vec<&(u32, u32, f64)> = edges.iter().filter(|e| e.2 >= threshold).collect();
    sorted.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)).then(x.1.cmp(&y.1)));
    let prob = |a: u32, b: u32| -> f64 {
        let (x, y) = (a.min(b), a.max(b));
        known
            .get(&(u64::from(x) << 32 | u64::from(y)))
            .copied()
            .unwrap_or_else(|| {
                model
                    .score(
                        &compare(&records[x as usize], &records[y as usize]),
                        tf,
                        false,
                    )
                    .probability
            })
    };
    for (a, b, _) in sorted {
        let (ca, cb) = (of[*a as usize], of[*b as usize]);
        if ca == cb {
            continue;
        }
        let (ma, mb) = (&members[ca as usize], &members[cb as usize]);
        if ma.len() + mb.len() > 2 {
            let mut sum = 0.0;
            let mut cnt = 0.0;
            let mut min: f64 = 1.0;
            for x in ma.iter().take(8) {
                for y in mb.iter().take(8) {
                    let p = prob(*x, *y);
                    sum += p;
                    min = min.min(p);
                    cnt += 1.0;
                }
            }
            // Merge when the groups agree on average, or when no cross pair is evidence of two
            // different people (sparse records are merely uninformative, not contradictory).
            if sum / cnt < threshold && min < CANNOT_LINK {
                continue;
            }
        }
        let (big, small) = if members[ca as usize].len() >= members[cb as usize].len() {
            (ca, cb)
        } else {
            (cb, ca)
        };
        let moved = std::mem::take(&mut members[small as usize]);
        for m in &moved {
            of[*m as usize] = big;
        }
        members[big as usize].extend(moved);
    }
    // Name each cluster by its smallest member.
    let mut first: HashMap<u32, u32> = HashMap::new();
    for (i, c) in of.iter().enumerate() {
        first.entry(*c).or_insert(i as u32);
    }
    of.iter()
        .map(|c| first.get(c).copied().unwrap_or(*c))
        .collect()
}

/// Finds duplicates within one set of records.
pub fn dedupe(records: &[Prepared], model: &Model, opts: &BatchOptions) -> BatchResult {
    run(records, None, model, opts)
}

/// Links two sets: `left` and `right` are concatenated (right indices follow left ones); only
/// cross pairs are compared.
pub fn link(
    left: &[Prepared],
    right: &[Prepared],
    model: &Model,
    opts: &BatchOptions,
) -> BatchResult {
    let all: Vec<Prepared> = left.iter().chain(right).cloned().collect();
    run(&all, Some(left.len()), model, opts)
}
