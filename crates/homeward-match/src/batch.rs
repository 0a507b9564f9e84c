//! Whole-file matching: deduplicate one set of records or link two. Blocking with capped
//! blocks, unsupervised training, parallel scoring, and clustering that only merges groups that
//! hold together as a whole.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::block;
use crate::compare::{Comparison, FIELDS, MISSING, NAME, add_name, compare, compare_without_name};
use crate::date::DateLevel;
use crate::ident::DocLevel;
use crate::model::{
    KeyCounts, LeaveOneOut, MAX_LEVELS, Model, NoFrequencies, Score, TermFrequencies, count_levels,
    probability,
};
use crate::names::NameLevel;
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
    /// Seconds spent per stage (blocking, training, scoring, clustering, explaining).
    pub timings: Vec<(&'static str, f64)>,
}

/// The parts one after another in one vector of the exact size, each part freed as soon as it
/// is copied (`[Vec<T>]::concat` would keep them all until the end: at a million records that
/// is another few hundred MB at the peak).
fn flatten<T: Copy>(parts: Vec<Vec<T>>) -> Vec<T> {
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend_from_slice(&part);
    }
    out
}

/// Term frequencies over a record set: key 0 holds the population. Counted by sorting the
/// keys rather than in per-thread hash maps merged pairwise: at a million records those maps
/// grew and were merged over and over, most of a run's fresh memory.
pub fn frequencies(records: &[Prepared]) -> KeyCounts {
    let parts: Vec<Vec<u64>> = records
        .par_chunks(4096)
        .map(|chunk| chunk.iter().flat_map(block::tf_keys).collect())
        .collect();
    let mut keys = flatten(parts);
    keys.par_sort_unstable();
    let distinct = 1 + keys.windows(2).filter(|w| w[0] != w[1]).count();
    let mut tf = KeyCounts::with_capacity_and_hasher(distinct + 1, Default::default());
    for run in keys.chunk_by(|a, b| a == b) {
        tf.insert(run[0], run.len() as u32);
    }
    tf.insert(0, records.len() as u32);
    tf
}

/// Candidate pairs, in chunks: every pair of records sharing a key whose block holds 2 to `cap`
/// records, each pair once. Pairs come block by block (not sorted): scoring them in that order
/// keeps the few records of a block in cache for all of its pairs, where sorted pairs would
/// fetch a random record from memory for almost every pair. Everything is built in chunks of
/// known size rather than grown: at a million records the keys are tens of millions of entries,
/// and growing (copying) vectors that size cost more than making them.
fn candidate_pairs(records: &[Prepared], split: Option<usize>, cap: usize) -> Vec<Vec<u64>> {
    // Records per chunk of keys: small enough that a chunk's buffer (under 512 KiB) comes from
    // the allocator's reusable pages rather than fresh memory from the system.
    const CHUNK: usize = 1024;
    let parts: Vec<Vec<(u64, u32)>> = records
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut v = Vec::with_capacity(chunk.len() * 20);
            let mut keys = Vec::with_capacity(block::MAX_KEYS);
            for (i, p) in chunk.iter().enumerate() {
                block::keys_into(p, &mut keys);
                let r = (c * CHUNK + i) as u32;
                v.extend(keys.iter().map(|k| (*k, r)));
            }
            v
        })
        .collect();
    let mut entries = flatten(parts);
    entries.par_sort_unstable();
    // Blocks are runs of one key; only those of 2..=cap records make pairs.
    let blocks: Vec<(usize, usize)> = (0..entries.len())
        .into_par_iter()
        .filter(|&i| i == 0 || entries[i].0 != entries[i - 1].0)
        .map(|start| {
            let key = entries[start].0;
            let len = entries[start..]
                .iter()
                .take(cap + 1)
                .take_while(|e| e.0 == key)
                .count();
            (start, len)
        })
        .filter(|(_, len)| (2..=cap).contains(len))
        .collect();
    // Each record's blocks (by number, so in key order): a pair is made only in the first
    // block the two records share (so once, without collecting and sorting all pairs).
    let mut offsets = vec![0u32; records.len() + 1];
    for (start, len) in &blocks {
        for (_, r) in &entries[*start..start + len] {
            offsets[*r as usize + 1] += 1;
        }
    }
    for i in 0..records.len() {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut shared = vec![0u32; offsets[records.len()] as usize];
    for (b, (start, len)) in blocks.iter().enumerate() {
        for (_, r) in &entries[*start..start + len] {
            shared[fill[*r as usize] as usize] = b as u32;
            fill[*r as usize] += 1;
        }
    }
    drop(fill);
    let blocks_of =
        |r: u32| &shared[offsets[r as usize] as usize..offsets[r as usize + 1] as usize];
    let first_shared = |a: u32, b: u32| -> Option<u32> {
        let (x, y) = (blocks_of(a), blocks_of(b));
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return Some(x[i]),
            }
        }
        None
    };
    let entries = &entries;
    blocks
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut out = Vec::new();
            for (k, (start, len)) in chunk.iter().enumerate() {
                let here = Some((c * CHUNK + k) as u32);
                let block = &entries[*start..start + len];
                for (x, (_, a)) in block.iter().enumerate() {
                    for (_, b) in &block[x + 1..] {
                        let cross =
                            split.is_none_or(|s| ((*a as usize) < s) != ((*b as usize) < s));
                        if cross && a != b && first_shared(*a, *b) == here {
                            out.push(u64::from(*a.min(b)) << 32 | u64::from(*a.max(b)));
                        }
                    }
                }
            }
            out
        })
        .collect()
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

type LevelCounts = [[u64; MAX_LEVELS]; FIELDS.len()];

/// Level counts of each field over the given pairs, compared with `cmp`.
fn level_counts<F>(pairs: &[(u32, u32)], cmp: F) -> LevelCounts
where
    F: Fn(usize, usize) -> Comparison + Sync,
{
    pairs
        .par_iter()
        .fold(
            || [[0u64; MAX_LEVELS]; FIELDS.len()],
            |mut acc, (a, b)| {
                count_levels(&mut acc, &cmp(*a as usize, *b as usize).levels);
                acc
            },
        )
        .reduce(
            || [[0u64; MAX_LEVELS]; FIELDS.len()],
            |mut x, y| {
                for (a, b) in x.iter_mut().zip(y) {
                    for (p, q) in a.iter_mut().zip(b) {
                        *p += q;
                    }
                }
                x
            },
        )
}

/// When EM gives no estimate: the number of matching pairs among the candidates, by capture
/// and recapture (Lincoln–Petersen). Two ways of "catching" a matching pair that do not depend
/// on each other — the same passport or id number, and the same full name with the same full
/// birth date — each catch part of the matches; the share of the first one's catch that the
/// second one also catches estimates the second one's share of all matches. `None` when the two
/// share fewer than 50 sampled pairs.
fn matches_by_recapture(sample: &[Comparison], step: usize) -> Option<f64> {
    let same_doc = DocLevel::Same as u8;
    let by_document = |c: &Comparison| c.levels[5] == same_doc || c.levels[6] == same_doc;
    let by_name_and_date = |c: &Comparison| {
        c.levels[NAME] != MISSING
            && c.levels[NAME] >= NameLevel::Exact as u8
            && c.levels[1] == DateLevel::Exact as u8
    };
    let a = sample.iter().filter(|c| by_document(c)).count();
    let b = sample.iter().filter(|c| by_name_and_date(c)).count();
    let both = sample
        .iter()
        .filter(|c| by_document(c) && by_name_and_date(c))
        .count();
    (both >= 50).then(|| a as f64 * b as f64 / both as f64 * step as f64)
}

fn run(
    records: &[Prepared],
    split: Option<usize>,
    model: &Model,
    opts: &BatchOptions,
) -> BatchResult {
    let mut model = model.clone();
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str| {
        timings.push((name, clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    let pairs = candidate_pairs(records, split, opts.block_cap.max(2));
    let compared: usize = pairs.iter().map(Vec::len).sum();
    lap("blocking");
    let n = records.len() as f64;
    let (possible, people) = match split {
        Some(s) => ((s as f64) * (n - s as f64), (s as f64).min(n - s as f64)),
        None => (n * (n - 1.0) / 2.0, n),
    };
    let mut expected: Option<f64> = None;
    if opts.train {
        let step = (compared / 100_000).max(1);
        let sampled: Vec<u64> = pairs.iter().flatten().step_by(step).copied().collect();
        let sample: Vec<Comparison> = sampled
            .par_iter()
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
        // Names (the costly field) from `count` random pairs; every other field from up to
        // twenty times as many, cheap to compare: a full birth date is shared by about one
        // random pair in 20,000, too rare to estimate from 40,000 pairs. At most eight pairs
        // per record, so small files stay fast.
        let cheap = (count * 20).min(8 * records.len()).max(count);
        let pairs = random_pairs(records.len(), split, cheap);
        let mut counts = level_counts(&pairs, |a, b| {
            compare_without_name(&records[a], &records[b])
        });
        let names = level_counts(&pairs[..count.min(pairs.len())], |a, b| {
            compare(&records[a], &records[b])
        });
        counts[NAME] = names[NAME];
        model.set_u(&counts);
        expected = model
            .train(&sample, &[])
            .map(|m| m * step as f64)
            .or_else(|| matches_by_recapture(&sample, step));
    }
    // Prior: expected matching pairs over possible pairs. Without an estimate (neither EM nor
    // recapture), assume about half the records (or of the smaller file) have a counterpart.
    let expected = expected
        .unwrap_or(0.5 * people)
        .clamp(0.02 * people, 3.0 * people);
    model.lambda = (expected / possible.max(1.0)).clamp(1e-12, 0.5);
    lap("training");
    let threshold = opts.threshold.unwrap_or(model.threshold);
    let tf = frequencies(records);
    let loo = LeaveOneOut(&tf);
    let tfr: &(dyn TermFrequencies + Sync) = if records.len() >= 1000 {
        &loo
    } else {
        &NoFrequencies
    };
    // Pairs that cannot reach the cut even with the best possible name agreement are left
    // without comparing names (the costliest field); the result is the same.
    let cut = threshold.min(0.5);
    let cut_bits = (cut / (1.0 - cut)).log2() - 1e-6;
    let name_bound = model.name_bound();
    let weights = model.weights();
    let scored: Vec<(u32, u32, f64)> = pairs
        .par_iter()
        .flat_map_iter(|chunk| chunk.iter())
        .filter_map(|p| {
            let (a, b) = ((p >> 32) as u32, *p as u32);
            let (ra, rb) = (&records[a as usize], &records[b as usize]);
            let mut c = compare_without_name(ra, rb);
            if weights.score(&c, tfr) + name_bound < cut_bits {
                return None;
            }
            add_name(&mut c, ra, rb);
            let p = probability(weights.score(&c, tfr));
            (p >= cut).then_some((a, b, p))
        })
        .collect();
    lap("scoring");
    let clusters = cluster(records, &scored, &model, tfr, threshold);
    lap("clustering");
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
    lap("reporting");
    BatchResult {
        pairs: out,
        clusters,
        model,
        compared,
        timings,
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
    // Merges only ever happen along edges at or above the threshold, so each connected
    // component of those edges is clustered on its own (in parallel) with the same result as
    // one pass over all edges.
    let mut root: Vec<u32> = (0..n as u32).collect();
    fn find(root: &mut [u32], mut x: u32) -> u32 {
        while root[x as usize] != x {
            let up = root[root[x as usize] as usize];
            root[x as usize] = up;
            x = up;
        }
        x
    }
    for (a, b, p) in edges {
        if *p >= threshold {
            let (ra, rb) = (find(&mut root, *a), find(&mut root, *b));
            if ra != rb {
                root[ra.max(rb) as usize] = ra.min(rb);
            }
        }
    }
    for i in 0..n as u32 {
        let r = find(&mut root, i);
        root[i as usize] = r;
    }
    // Edges within one component, grouped by component.
    let mut local: Vec<(u32, u32, u32, f64)> = edges
        .par_iter()
        .filter(|(a, b, _)| root[*a as usize] == root[*b as usize])
        .map(|(a, b, p)| (root[*a as usize], *a, *b, *p))
        .collect();
    local.par_sort_unstable_by(|x, y| {
        x.0.cmp(&y.0)
            .then(y.3.total_cmp(&x.3))
            .then(x.1.cmp(&y.1))
            .then(x.2.cmp(&y.2))
    });
    let mut groups: Vec<&[(u32, u32, u32, f64)]> = Vec::new();
    let mut start = 0;
    while start < local.len() {
        let mut end = start + 1;
        while end < local.len() && local[end].0 == local[start].0 {
            end += 1;
        }
        groups.push(&local[start..end]);
        start = end;
    }
    let merged: Vec<Vec<(u32, u32)>> = groups
        .par_iter()
        .map(|g| cluster_component(records, g, model, tf, threshold))
        .collect();
    let mut of: Vec<u32> = (0..n as u32).collect();
    for (x, c) in merged.iter().flatten() {
        of[*x as usize] = *c;
    }
    of
}

/// Greedy coherent clustering of one component: its edges strongest first (ties by index).
/// Returns (record, smallest member of its cluster) for every record the edges touch.
fn cluster_component(
    records: &[Prepared],
    edges: &[(u32, u32, u32, f64)],
    model: &Model,
    tf: &(dyn TermFrequencies + Sync),
    threshold: f64,
) -> Vec<(u32, u32)> {
    let mut slot: HashMap<u32, u32> = HashMap::with_capacity(edges.len() + 1);
    let mut ids: Vec<u32> = Vec::new();
    let mut id = |x: u32, ids: &mut Vec<u32>| -> u32 {
        *slot.entry(x).or_insert_with(|| {
            ids.push(x);
            (ids.len() - 1) as u32
        })
    };
    let mut known: HashMap<u64, f64> = HashMap::with_capacity(edges.len());
    let mut strong: Vec<(u32, u32)> = Vec::new();
    for (_, a, b, p) in edges {
        let (la, lb) = (id(*a, &mut ids), id(*b, &mut ids));
        known.insert(u64::from(*a) << 32 | u64::from(*b), *p);
        if *p >= threshold {
            strong.push((la, lb));
        }
    }
    let m = ids.len();
    let mut of: Vec<u32> = (0..m as u32).collect();
    let mut members: Vec<Vec<u32>> = (0..m as u32).map(|i| vec![i]).collect();
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
    for (a, b) in strong {
        let (ca, cb) = (of[a as usize], of[b as usize]);
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
                    let p = prob(ids[*x as usize], ids[*y as usize]);
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
        for x in &moved {
            of[*x as usize] = big;
        }
        members[big as usize].extend(moved);
    }
    // Name each cluster by its smallest member.
    let mut first: Vec<u32> = vec![u32::MAX; m];
    for (x, c) in of.iter().enumerate() {
        first[*c as usize] = first[*c as usize].min(ids[x]);
    }
    of.iter()
        .enumerate()
        .map(|(x, c)| (ids[x], first[*c as usize]))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(document: bool, name_and_date: bool) -> Comparison {
        let mut c = Comparison {
            levels: [MISSING; 11],
            ..Default::default()
        };
        if document {
            c.levels[5] = DocLevel::Same as u8;
        }
        if name_and_date {
            c.levels[NAME] = NameLevel::Exact as u8;
            c.levels[1] = DateLevel::Exact as u8;
        }
        c
    }

    fn person(
        id: &str,
        names: &[&str],
        dob: &str,
        nat: &str,
        doc: Option<&str>,
        phone: Option<&str>,
    ) -> Prepared {
        let r = crate::record::PersonRecord {
            record_id: id.into(),
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            birth_date: Some(dob.to_owned()).filter(|d| !d.is_empty()),
            nationality: Some(nat.to_owned()).filter(|d| !d.is_empty()),
            passport_no: doc.map(str::to_owned),
            phones: phone.map(str::to_owned).into_iter().collect(),
            ..Default::default()
        };
        crate::record::prepare(&r, false).unwrap_or_default()
    }

    /// The rescue-list reconciliation of `homeward-core` (its store contract test): a list in
    /// several scripts linked against open cases with the shipped model, untrained.
    #[test]
    fn rescue_list_rows_link_to_their_cases() {
        let rows = [
            person(
                "1",
                &["Chan Wai-kit"],
                "04/03/2001",
                "HKG",
                Some("K00000001"),
                None,
            ),
            person(
                "2",
                &["สมชาย ใจดี", "Somchai Jaidee"],
                "2538-07-12",
                "Thailand",
                None,
                None,
            ),
            person("3", &["Tran Van Minh"], "1990", "VN", None, None),
        ];
        let cases = [
            person(
                "hk",
                &["CHAN Wai Kit", "陳偉傑"],
                "2001-03-04",
                "HK",
                Some("K00000001"),
                Some("+852 5555 0101"),
            ),
            person(
                "th",
                &["SOMCHAI Jaidee", "สมชาย ใจดี"],
                "1995-07-12",
                "TH",
                Some("AA1234567"),
                Some("+66 81 234 5678"),
            ),
            person(
                "vn",
                &["NGUYEN Thi Lan", "Nguyễn Thị Lan"],
                "1999-01-20",
                "VN",
                Some("C7654321"),
                Some("+84 90 123 4567"),
            ),
        ];
        let opts = BatchOptions {
            threshold: Some(0.5),
            train: false,
            block_cap: 50,
            explain: true,
        };
        let r = link(&rows, &cases, &Model::default_model(), &opts);
        let linked: Vec<(u32, u32)> = r.pairs.iter().map(|p| (p.left, p.right)).collect();
        assert_eq!(linked.len(), 2, "{linked:?}");
        assert!(
            linked.contains(&(0, 3)) && linked.contains(&(1, 4)),
            "{linked:?}"
        );
    }

    #[test]
    fn recapture_estimates_matches() {
        // 100 pairs caught by document, 120 by name and date, 60 by both: 200 matches, every
        // tenth candidate sampled.
        let mut sample: Vec<Comparison> = (0..60).map(|_| pair(true, true)).collect();
        sample.extend((0..40).map(|_| pair(true, false)));
        sample.extend((0..60).map(|_| pair(false, true)));
        sample.extend((0..500).map(|_| pair(false, false)));
        let m = matches_by_recapture(&sample, 10).unwrap_or(0.0);
        assert!((m - 2000.0).abs() < 1e-6, "{m}");
        // Too few caught both ways: no estimate.
        assert_eq!(matches_by_recapture(&sample[40..], 10), None);
    }
}
