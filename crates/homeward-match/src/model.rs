//! Fellegi–Sunter scoring: per-field m/u probabilities, term-frequency adjustment, a calibrated
//! match probability and the per-field explanation. `u` is estimated from random pairs (almost
//! all non-matches), `m` and the prior by EM on the blocked candidate pairs — no labels needed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::compare::{self, Comparison, FIELDS, LEVELS, MISSING, NAME, PHONE};
use crate::names::NameLevel;

/// Most bits a rare name adds over its level's weight.
const TF_MAX_BITS: f64 = 4.0;

/// Most levels of any field.
pub const MAX_LEVELS: usize = 7;

/// Adds one comparison's levels to per-field level counts (missing fields are not counted).
pub fn count_levels(counts: &mut [[u64; MAX_LEVELS]; FIELDS.len()], levels: &[u8; 11]) {
    for (c, l) in counts.iter_mut().zip(levels) {
        if let Some(x) = c.get_mut(usize::from(*l)) {
            *x += 1;
        }
    }
}

/// Fields that describe a household or a place rather than a person.
const CONTACT: [usize; 5] = [4, 7, 8, 9, 10];

/// Parameters of one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParams {
    /// Field name.
    pub field: String,
    /// P(level | match), by level.
    pub m: Vec<f64>,
    /// P(level | non-match), by level.
    pub u: Vec<f64>,
}

/// A match probability from evidence in bits.
pub fn probability(bits: f64) -> f64 {
    1.0 / (1.0 + (-bits).exp2())
}

/// A model's parameters as evidence per level, computed once for scoring many pairs (see
/// [`Model::weights`]); scores exactly as [`Model::score_with_prior`].
#[derive(Debug, Clone)]
pub struct Weights {
    bits: [[f64; MAX_LEVELS]; FIELDS.len()],
    u: [[f64; MAX_LEVELS]; FIELDS.len()],
    fields: usize,
    /// The model's prior ([`Model::lambda`]).
    pub prior: f64,
}

impl Weights {
    /// Total evidence (bits) of a comparison with the model's prior.
    pub fn score(&self, cmp: &Comparison, tf: &dyn TermFrequencies) -> f64 {
        self.total(cmp, tf, self.prior, None)
    }

    /// Total evidence of a comparison, prior included; pushes each field's part to `explain`.
    fn total(
        &self,
        cmp: &Comparison,
        tf: &dyn TermFrequencies,
        prior: f64,
        mut explain: Option<&mut Vec<FieldExplanation>>,
    ) -> f64 {
        let prior = prior.clamp(1e-12, 0.5);
        let mut total = (prior / (1.0 - prior)).log2();
        let mut contact_best: f64 = 0.0;
        let mut contact_sum: f64 = 0.0;
        for (f, &level) in cmp.levels.iter().enumerate() {
            if level == MISSING || f >= self.fields {
                continue;
            }
            let l = usize::from(level);
            let mut w = self.bits[f].get(l).copied().unwrap_or(0.0);
            if f == NAME
                && level >= crate::names::NameLevel::Subset as u8
                && tf.population() >= 1000
            {
                let n = tf.population() as f64;
                // Empirical frequency of the whole agreeing name when known, else the product
                // of its parts' frequencies (which overstates the rarity of a common pair).
                let parts: f64 = cmp
                    .name
                    .agreeing
                    .iter()
                    .map(|k| (tf.count(*k).max(1) as f64 / n).min(1.0))
                    .product();
                let whole = tf.count(crate::block::whole_name_key(&cmp.name.agreeing)) as f64 / n;
                let u_tf = parts.max(whole);
                let u_level = self.u[f][l];
                w += (u_level / u_tf.max(1e-12)).log2().clamp(-6.0, TF_MAX_BITS);
            }
            if f == PHONE
                && let Some(k) = cmp.shared_phone
            {
                let c = tf.count(k);
                if c > 1 {
                    w -= 1.5 * (c as f64).log2();
                }
            }
            // Nationality and sex mostly restate what an agreeing name already says.
            if matches!(f, 2 | 3)
                && w > 0.0
                && cmp.levels[NAME] != MISSING
                && cmp.levels[NAME] >= crate::names::NameLevel::Subset as u8
            {
                w = w.min(0.5);
            }
            // Phone, handle, address, postcode and place are household or place evidence:
            // siblings share them all, so their agreements do not simply add up.
            if CONTACT.contains(&f) && w > 0.0 {
                contact_best = contact_best.max(w);
                contact_sum += w;
            } else {
                total += w;
            }
            if let Some(out) = explain.as_mut() {
                out.push(FieldExplanation {
                    field: FIELDS[f].to_owned(),
                    agreement: compare::describe(f, level, cmp),
                    weight: w,
                });
            }
        }
        // The strongest household/place agreement counts in full, the others a third.
        total + (contact_best + (contact_sum - contact_best) / 3.0)
    }
}

/// A matching model: parameters as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Prior probability that two records picked at random describe the same person. Batch
    /// runs set it from the data (expected matches / possible pairs); the online index uses
    /// one expected match per query (1 / population).
    pub lambda: f64,
    /// Default probability at or above which a pair is reported as a match.
    pub threshold: f64,
    /// Per-field parameters, in the order of [`compare::FIELDS`].
    pub fields: Vec<FieldParams>,
}

/// Frequencies of name tokens and phones in the population being matched.
pub trait TermFrequencies {
    /// Number of records in the population.
    fn population(&self) -> usize;
    /// Number of records carrying the name token key or phone key.
    fn count(&self, key: u64) -> usize;
}

/// No term-frequency information.
pub struct NoFrequencies;

impl TermFrequencies for NoFrequencies {
    fn population(&self) -> usize {
        0
    }
    fn count(&self, _: u64) -> usize {
        0
    }
}

/// Hasher for keys that are already well-mixed 64-bit hashes (name, phone and date keys):
/// SipHash over them would only cost time in the hottest lookups of a batch.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Counts of term-frequency keys (key 0 holds the population).
pub type KeyCounts = HashMap<u64, u32, std::hash::BuildHasherDefault<KeyHasher>>;

impl<S: std::hash::BuildHasher> TermFrequencies for HashMap<u64, u32, S> {
    fn population(&self) -> usize {
        self.get(&0).copied().unwrap_or(0) as usize
    }
    fn count(&self, key: u64) -> usize {
        self.get(&key).copied().unwrap_or(0) as usize
    }
}

/// Term frequencies seen from a record that is itself counted: leave-one-out, so a name
/// carried by just the two records being compared counts as rare, not as common.
pub struct LeaveOneOut<'a>(pub &'a KeyCounts);

impl TermFrequencies for LeaveOneOut<'_> {
    fn population(&self) -> usize {
        self.0.population().saturating_sub(1)
    }
    fn count(&self, key: u64) -> usize {
        self.0.count(key).saturating_sub(1)
    }
}

/// One field's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldExplanation {
    /// Field name.
    pub field: String,
    /// Agreement in words.
    pub agreement: String,
    /// Evidence in bits (log2 Bayes factor); positive is for a match.
    pub weight: f64,
}

/// A scored pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Calibrated match probability.
    pub probability: f64,
    /// Total evidence in bits.
    pub weight: f64,
    /// Per-field explanation (fields missing on either side are left out).
    pub fields: Vec<FieldExplanation>,
}

impl Score {
    /// One line: `name: same in Han characters and Cantonese romanisation (+9.1); ...`.
    pub fn explanation(&self) -> String {
        self.fields
            .iter()
            .map(|f| format!("{}: {} ({:+.1})", f.field, f.agreement, f.weight))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn params(field: &str, m: &[f64], u: &[f64]) -> FieldParams {
    FieldParams {
        field: field.to_owned(),
        m: m.to_vec(),
        u: u.to_vec(),
    }
}

impl Model {
    /// The shipped model: parameters set from the region's name, date and phone realities and
    /// refined on mixed data; usable without training (the server's online matching).
    pub fn default_model() -> Model {
        Model {
            lambda: 1e-4,
            threshold: 0.5,
            fields: vec![
                params(
                    "name",
                    &[0.02, 0.05, 0.10, 0.13, 0.20, 0.42, 0.08],
                    &[0.90, 0.095, 0.003, 0.001, 0.0005, 0.0004, 0.0001],
                ),
                params(
                    "birth date",
                    &[0.03, 0.02, 0.03, 0.07, 0.02, 0.08, 0.75],
                    &[0.93, 0.05, 0.0175, 0.002, 0.00005, 0.0004, 0.00005],
                ),
                params("sex", &[0.03, 0.97], &[0.5, 0.5]),
                params("nationality", &[0.05, 0.95], &[0.8, 0.2]),
                params("phone", &[0.35, 0.05, 0.60], &[0.9998, 0.0001, 0.0001]),
                params(
                    "passport",
                    &[0.10, 0.05, 0.85],
                    &[0.99998, 0.00001, 0.00001],
                ),
                params(
                    "id number",
                    &[0.10, 0.05, 0.85],
                    &[0.99998, 0.00001, 0.00001],
                ),
                params("handle", &[0.30, 0.70], &[0.99999, 0.00001]),
                params(
                    "address",
                    &[0.20, 0.10, 0.20, 0.50],
                    &[0.90, 0.09, 0.009, 0.001],
                ),
                params("postcode", &[0.10, 0.90], &[0.99, 0.01]),
                params("last seen place", &[0.30, 0.10, 0.60], &[0.90, 0.05, 0.05]),
            ],
        }
    }

    /// The most evidence (bits) a name agreement can add, term-frequency adjustment included:
    /// with [`Model::score`] of a comparison whose name is missing, an upper bound on the
    /// weight once the name is compared.
    pub fn name_bound(&self) -> f64 {
        (0..LEVELS[NAME])
            .map(|l| self.bits(NAME, l as u8))
            .fold(f64::MIN, f64::max)
            + TF_MAX_BITS
    }

    fn bits(&self, f: usize, level: u8) -> f64 {
        let p = &self.fields[f];
        let l = usize::from(level);
        let m = p.m.get(l).copied().unwrap_or(1e-6).max(1e-9);
        let u = p.u.get(l).copied().unwrap_or(1e-6).max(1e-9);
        (m / u).log2()
    }

    /// Scores a comparison; term frequencies lower the weight of common names and of phones
    /// many records share (a family or a compound's phone).
    pub fn score(&self, cmp: &Comparison, tf: &dyn TermFrequencies, explain: bool) -> Score {
        self.score_with_prior(cmp, tf, explain, self.lambda)
    }

    /// As [`Model::score`] with another prior match probability.
    pub fn score_with_prior(
        &self,
        cmp: &Comparison,
        tf: &dyn TermFrequencies,
        explain: bool,
        prior: f64,
    ) -> Score {
        let mut fields = Vec::new();
        let total = self
            .weights()
            .total(cmp, tf, prior, explain.then_some(&mut fields));
        Score {
            probability: probability(total),
            weight: total,
            fields,
        }
    }

    /// The evidence (bits) of each level of each field, for scoring many pairs.
    pub fn weights(&self) -> Weights {
        let mut bits = [[0.0; MAX_LEVELS]; FIELDS.len()];
        let mut u = [[1e-9; MAX_LEVELS]; FIELDS.len()];
        for (f, p) in self.fields.iter().enumerate().take(FIELDS.len()) {
            for l in 0..MAX_LEVELS {
                bits[f][l] = self.bits(f, l as u8);
                u[f][l] = p.u.get(l).copied().unwrap_or(1e-6).max(1e-9);
            }
        }
        Weights {
            bits,
            u,
            fields: self.fields.len().min(FIELDS.len()),
            prior: self.lambda,
        }
    }

    /// Unsupervised estimation: `u` from comparisons of random pairs, then `m` and the prior by
    /// EM on candidate-pair comparisons, starting from the current parameters. Pseudo-counts
    /// from the current model keep rare levels from collapsing to zero.
    ///
    /// Returns the estimated number of matching pairs among the candidates when EM gave a
    /// plausible estimate (the caller turns it into the prior [`Model::lambda`]).
    pub fn train(&mut self, candidates: &[Comparison], random: &[Comparison]) -> Option<f64> {
        if !random.is_empty() {
            let mut counts = [[0u64; MAX_LEVELS]; FIELDS.len()];
            for c in random {
                count_levels(&mut counts, &c.levels);
            }
            self.set_u(&counts);
        }
        if candidates.len() < 50 {
            return None;
        }
        let mut patterns: HashMap<[u8; 11], f64> = HashMap::new();
        for c in candidates {
            *patterns.entry(c.levels).or_default() += 1.0;
        }
        let patterns: Vec<([u8; 11], f64)> = patterns.into_iter().collect();
        let total: f64 = patterns.iter().map(|p| p.1).sum();
        // EM over the blocked pairs updates m and a local u (blocked non-matches agree far
        // more often than random pairs do); scoring then uses that m with the population u
        // from random pairs and the shipped prior — the approach Splink takes.
        let mut local = self.clone();
        local.lambda = 0.1;
        // Start the non-match class from the level frequencies among all candidates (mostly
        // non-matches at scale) rather than from random pairs.
        for (f, p) in local.fields.iter_mut().enumerate() {
            let mut counts = vec![1.0; LEVELS[f]];
            for (levels, n) in &patterns {
                if let Some(x) = counts.get_mut(usize::from(levels[f])) {
                    *x += n;
                }
            }
            let s: f64 = counts.iter().sum();
            p.u = counts.iter().map(|x| x / s).collect();
        }
        local.em(&patterns, total);
        // Accept the estimate only if its "match" class looks like people rather than, say,
        // households or speakers of one language: names mostly agreeing in full and birth
        // dates mostly not contradicting.
        let name_strong: f64 = local.fields[NAME]
            .m
            .iter()
            .skip(NameLevel::Fuzzy as usize)
            .sum();
        let dob_differ = local.fields[1].m.first().copied().unwrap_or(1.0);
        if local.lambda < 0.98 && name_strong >= 0.5 && dob_differ <= 0.3 {
            for (p, l) in self.fields.iter_mut().zip(&local.fields) {
                p.m.clone_from(&l.m);
            }
            Some(local.lambda * total)
        } else {
            self.m_from_documents(candidates);
            None
        }
    }

    /// When EM gives no plausible estimate: `m` of the person fields (name, birth date, sex,
    /// nationality) from the candidate pairs that carry the same passport or id number — near
    /// certain matches whose other fields vary as matches' do. Needs 200 such pairs; the
    /// shipped values count as 20 pairs.
    fn m_from_documents(&mut self, candidates: &[Comparison]) {
        const PSEUDO: f64 = 20.0;
        let same = crate::ident::DocLevel::Same as u8;
        let anchored: Vec<&Comparison> = candidates
            .iter()
            .filter(|c| c.levels[5] == same || c.levels[6] == same)
            .collect();
        if anchored.len() < 200 {
            return;
        }
        for f in [NAME, 1, 2, 3] {
            let p = &mut self.fields[f];
            let mut counts: Vec<f64> = p.m.iter().map(|m| m * PSEUDO).collect();
            for c in &anchored {
                if let Some(x) = counts.get_mut(usize::from(c.levels[f])) {
                    *x += 1.0;
                }
            }
            // No level is rarer than 1 in 200 among true matches of a real register (typing,
            // guessed and transcribed dates), whatever this sample shows.
            let n: f64 = counts.iter().sum();
            let m: Vec<f64> = counts.iter().map(|x| (x / n).max(0.005)).collect();
            let n: f64 = m.iter().sum();
            p.m = m.iter().map(|x| x / n).collect();
        }
    }

    /// Sets each field's `u` from level counts over random pairs (almost all non-matches), as
    /// gathered by [`count_levels`]; a field seen on fewer than 50 pairs keeps its value. Half
    /// a pseudo-count per level keeps rare levels from reaching zero.
    pub fn set_u(&mut self, counts: &[[u64; MAX_LEVELS]; FIELDS.len()]) {
        for (f, p) in self.fields.iter_mut().enumerate() {
            let Some(c) = counts.get(f) else { continue };
            let c: Vec<f64> = c.iter().take(LEVELS[f]).map(|x| *x as f64 + 0.5).collect();
            let n: f64 = c.iter().sum();
            if n > 50.0 {
                p.u = c.iter().map(|x| x / n).collect();
            }
        }
    }

    fn em(&mut self, patterns: &[([u8; 11], f64)], total: f64) {
        const PSEUDO: f64 = 20.0;
        for _ in 0..30 {
            let mut mc: Vec<Vec<f64>> = self
                .fields
                .iter()
                .map(|p| p.m.iter().map(|m| m * PSEUDO).collect())
                .collect();
            let mut uc: Vec<Vec<f64>> = self
                .fields
                .iter()
                .map(|p| p.u.iter().map(|u| u * PSEUDO).collect())
                .collect();
            let mut matched = 0.0;
            for (levels, n) in patterns {
                let mut lm = self.lambda.ln();
                let mut lu = (1.0 - self.lambda).ln();
                for (f, &l) in levels.iter().enumerate() {
                    if l == MISSING {
                        continue;
                    }
                    let p = &self.fields[f];
                    lm += p.m[usize::from(l)].max(1e-9).ln();
                    lu += p.u[usize::from(l)].max(1e-9).ln();
                }
                let g = 1.0 / (1.0 + (lu - lm).exp());
                matched += g * n;
                for (f, &l) in levels.iter().enumerate() {
                    if l != MISSING {
                        mc[f][usize::from(l)] += g * n;
                        uc[f][usize::from(l)] += (1.0 - g) * n;
                    }
                }
            }
            for ((p, c), d) in self.fields.iter_mut().zip(&mc).zip(&uc) {
                let s: f64 = c.iter().sum();
                if s > 0.0 {
                    p.m = c.iter().map(|x| x / s).collect();
                }
                let s: f64 = d.iter().sum();
                if s > 0.0 {
                    p.u = d.iter().map(|x| x / s).collect();
                }
            }
            self.lambda = (matched / total).clamp(1e-6, 0.999);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{PersonRecord, prepare};

    fn rec(names: &[&str], dob: &str, phone: &str) -> PersonRecord {
        PersonRecord {
            record_id: "x".into(),
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            birth_date: Some(dob.into()),
            phones: vec![phone.into()],
            nationality: Some("HK".into()),
            ..Default::default()
        }
    }

    #[test]
    fn m_from_document_anchored_pairs() {
        let pair = |date: u8| {
            let mut levels = [MISSING; 11];
            levels[5] = crate::ident::DocLevel::Same as u8;
            levels[1] = date;
            Comparison {
                levels,
                ..Default::default()
            }
        };
        let mut cands: Vec<Comparison> = (0..100).map(|_| pair(5)).collect();
        cands.extend((0..200).map(|_| pair(6)));
        let mut m = Model::default_model();
        m.m_from_documents(&cands[..150]);
        // Too few anchored pairs: unchanged.
        assert_eq!(m, Model::default_model());
        m.m_from_documents(&cands);
        let dob = &m.fields[1].m;
        assert!((dob[5] - 100.0 / 320.0).abs() < 0.02, "{dob:?}");
        assert!(dob.iter().all(|x| *x >= 0.004), "{dob:?}");
        assert!((dob.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // Fields without anchored observations keep their shape.
        assert_eq!(m.fields[4], Model::default_model().fields[4]);
    }

    #[test]
    fn the_issue_example_matches_and_explains() -> Result<(), crate::record::FieldError> {
        let a = prepare(&rec(&["陳偉傑"], "2001-03-14", "+852 9123 4567"), true)?;
        let b = prepare(&rec(&["CHAN Wai Kit"], "2001", "9123-4567"), true)?;
        let c = prepare(&rec(&["Lam Ka Ho"], "1980-01-01", "+852 6000 0000"), true)?;
        let m = Model::default_model();
        let s = m.score(&compare::compare(&a, &b), &NoFrequencies, true);
        assert!(s.probability > 0.95, "{s:?}");
        let e = s.explanation();
        assert!(
            e.contains("name: same in Han characters and Cantonese romanisation"),
            "{e}"
        );
        assert!(e.contains("phone: same number"), "{e}");
        let s2 = m.score(&compare::compare(&a, &c), &NoFrequencies, false);
        assert!(s2.probability < 0.01, "{s2:?}");
        Ok(())
    }
}
