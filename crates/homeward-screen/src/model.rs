//! The trained part: hashed word and character n-grams, TF-IDF weighted, scored by a logistic
//! regression trained here (deterministic full-batch Nesterov gradient descent) and calibrated by
//! Platt scaling on out-of-fold margins.
//!
//! Feature map (the same at training and screening): each token occurrence `t` hashes to a bucket
//! `b(t)`; the margin is `bias + Σ_t idf_b·w_b / sqrt(Σ_t idf_b²)` over occurrences of tokens seen in
//! training (unseen tokens are ignored, as a TF-IDF vocabulary would). That is a linear model on
//! `tf·idf` divided by a length norm, computable in one pass without counting distinct tokens.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::ScreenError;
use crate::text::{FNV_SEED, Feature, HashSet64, for_each_feature, hash_bytes, mix};

/// English stop words, skipped as the EMSCAD preprocessing skipped them.
pub(crate) struct StopSet {
    set: HashSet64,
}

impl StopSet {
    fn new(src: &str) -> StopSet {
        let words = src
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .filter(|w| !w.contains('\''))
            .map(|w| mix(hash_bytes(FNV_SEED, w.as_bytes())));
        StopSet {
            set: HashSet64::new(words),
        }
    }

    #[inline]
    pub fn contains(&self, h: u64) -> bool {
        self.set.contains(h)
    }
}

pub(crate) static STOP: LazyLock<StopSet> =
    LazyLock::new(|| StopSet::new(include_str!("../data/stopwords_en.txt")));

/// Calls `f(bucket, fingerprint bit index 0..32, feature)` for each feature occurrence of
/// normalised text. The fingerprint comes from hash bits below any bucket index bits.
#[inline]
pub(crate) fn for_each_bucket(text: &str, bits: u8, mut f: impl FnMut(usize, u32, Feature)) {
    let stop = &*STOP;
    let shift = 64 - u32::from(bits);
    for_each_feature(
        text,
        |h| stop.contains(h),
        |ft| {
            f(
                (ft.hash >> shift) as usize,
                ((ft.hash >> 20) & FP_MASK) as u32,
                ft,
            )
        },
    );
}

/// Fingerprint bits per feature (a bucket remembers up to 16 fingerprints).
pub(crate) const FP_BITS: u32 = 4;
pub(crate) const FP_MASK: u64 = (1 << FP_BITS) - 1;
/// Fixed-point scale of the stored idf².
pub(crate) const I2_SCALE: f32 = 256.0;

/// One hash bucket of a trained model (8 bytes, so more of the table stays in cache).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Bucket {
    /// idf·w
    pub wi: f32,
    /// idf², fixed point (× `I2_SCALE`)
    pub i2q: u16,
    /// One bit per fingerprint of the tokens trained into this bucket: a token whose bit is
    /// not set was never seen in training and is ignored (no hash-collision noise, and an honest
    /// coverage figure).
    pub mask: u16,
}

impl Bucket {
    #[inline]
    pub fn knows(&self, fp: u32) -> bool {
        self.mask & (1 << fp) != 0
    }

    #[inline]
    pub fn i2(&self) -> f32 {
        f32::from(self.i2q) / I2_SCALE
    }
}

/// Header of a model file (one JSON line, then the weight table).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    bits: u8,
    entries: usize,
    bias: f32,
    platt: [f32; 2],
    rule_weights: Vec<(String, f32)>,
    threshold: f32,
    #[serde(default = "default_unknown")]
    unknown_logit: f32,
    note: String,
}

const FORMAT: &str = "homeward-screen-model";

/// A trained, calibrated model plus the fitted rule weights.
#[derive(Clone)]
pub struct Model {
    pub(crate) bits: u8,
    /// Per bucket weights; zero for buckets never seen in training.
    pub(crate) table: Vec<Bucket>,
    pub(crate) bias: f32,
    /// Calibration: probability = sigmoid(a·margin + b + rule terms).
    pub(crate) platt: [f32; 2],
    /// Log-odds weight of each rule code (overrides the rules file when present).
    pub(crate) rule_weights: Vec<(String, f32)>,
    pub(crate) threshold: f32,
    /// Log-odds given to text the model cannot read (no known words).
    pub(crate) unknown_logit: f32,
    pub(crate) note: String,
}

/// Known token occurrences at which the model gets its full say: below it, a short text's
/// handful of words (each weighing heavily after length normalisation) is trusted less.
const FULL_SAY_TOKENS: f32 = 40.0;

/// How much the model is trusted on a text: the share of its tokens seen in training, scaled
/// down for very short texts.
#[inline]
pub(crate) fn coverage(known: u32, total: u32) -> f32 {
    if total == 0 {
        return 0.0;
    }
    let k = known as f32;
    (k / total as f32) * (k / FULL_SAY_TOKENS).min(1.0)
}

impl std::fmt::Debug for Model {
    // The weight table is large: show its size, not its contents.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("bits", &self.bits)
            .field(
                "buckets_used",
                &self.table.iter().filter(|b| b.mask != 0).count(),
            )
            .field("platt", &self.platt)
            .field("threshold", &self.threshold)
            .field("note", &self.note)
            .finish_non_exhaustive()
    }
}

/// Default log-odds for text the model has no words for: a 10 % prior.
pub(crate) const UNKNOWN_LOGIT: f32 = -2.2;

fn default_unknown() -> f32 {
    UNKNOWN_LOGIT
}

const ACC_BUF: usize = 128;

/// Accumulates the margin of a stream of feature hashes: `(margin, coverage)` where coverage is
/// the share of token occurrences the model knows (see [`coverage`]).
///
/// Hashes are buffered and looked up in a branch-free loop, so the table reads overlap.
pub(crate) struct MarginAcc<'m> {
    model: &'m Model,
    buf: [u32; ACC_BUF],
    /// Span of each buffered feature, starts and ends apart: read as they were written (a
    /// wider read of two fresh narrow writes waits for the store buffer).
    starts: [u32; ACC_BUF],
    ends: [u32; ACC_BUF],
    n: usize,
    top: TopTokens,
    dot: f32,
    norm: f32,
    known: f32,
    total: u32,
}

impl MarginAcc<'_> {
    #[inline]
    pub fn push(&mut self, ft: Feature) {
        let shift = 64 - u32::from(self.model.bits);
        let code = (((ft.hash >> shift) as u32) << FP_BITS) | ((ft.hash >> 20) & FP_MASK) as u32;
        self.buf[self.n] = code;
        self.starts[self.n] = ft.start;
        self.ends[self.n] = ft.end;
        self.n += 1;
        self.total += 1;
        if self.n == ACC_BUF {
            self.flush();
        }
    }

    #[inline]
    fn flush(&mut self) {
        let table = &self.model.table;
        let (mut dot, mut norm, mut known) = (0.0f32, 0.0f32, 0.0f32);
        let n = self.n;
        for ((&code, &s), &e) in self.buf[..n]
            .iter()
            .zip(&self.starts[..n])
            .zip(&self.ends[..n])
        {
            let bk = table
                .get((code >> FP_BITS) as usize)
                .copied()
                .unwrap_or_default();
            let k = ((bk.mask >> (code & FP_MASK as u32)) & 1) as f32;
            let c = k * bk.wi;
            dot += c;
            norm += k * bk.i2();
            known += k;
            // Rarely true once three strong tokens are held: a cheap way to explain the model.
            if c > self.top.items[2].0 {
                self.top.offer(c, s, e);
            }
        }
        self.dot += dot;
        self.norm += norm;
        self.known += known;
        self.n = 0;
    }

    /// `(margin, coverage, strongest tokens)`.
    pub fn finish(mut self) -> (f32, f32, TopTokens) {
        self.flush();
        let m = &self.model;
        let margin = if self.norm > 0.0 {
            m.bias + self.dot / self.norm.sqrt()
        } else {
            m.bias
        };
        (margin, coverage(self.known as u32, self.total), self.top)
    }
}

/// The best-scoring tokens of one ad (for explanations).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TopTokens {
    pub items: [(f32, u32, u32); 3],
}

impl TopTokens {
    #[inline]
    fn offer(&mut self, c: f32, start: u32, end: u32) {
        if c <= self.items[2].0 {
            return;
        }
        if self.items.iter().any(|&(_, s, e)| s == start && e == end) {
            return;
        }
        self.items[2] = (c, start, end);
        self.items.sort_by(|a, b| b.0.total_cmp(&a.0));
    }
}

impl Model {
    /// A model that knows nothing: margin 0, calibrated to a low prior.
    pub fn empty() -> Model {
        Model {
            bits: 1,
            table: vec![Bucket::default(); 2],
            bias: 0.0,
            platt: [1.0, -2.0],
            rule_weights: Vec::new(),
            threshold: 0.5,
            unknown_logit: UNKNOWN_LOGIT,
            note: "empty".into(),
        }
    }

    /// The default flagging threshold fitted with the model.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The raw margin of normalised text, collecting the strongest tokens.
    #[inline]
    /// Returns `(margin, coverage)` of normalised text (see [`MarginAcc`]).
    #[cfg(test)]
    pub(crate) fn margin(&self, text: &str) -> (f32, f32) {
        let stop = &*STOP;
        let mut acc = self.accumulator();
        for_each_feature(text, |h| stop.contains(h), |ft| acc.push(ft));
        let (m, c, _) = acc.finish();
        (m, c)
    }

    /// A margin accumulator, fed one feature hash at a time.
    pub(crate) fn accumulator(&self) -> MarginAcc<'_> {
        MarginAcc {
            model: self,
            buf: [0; ACC_BUF],
            starts: [0; ACC_BUF],
            ends: [0; ACC_BUF],
            n: 0,
            top: TopTokens::default(),
            dot: 0.0,
            norm: 0.0,
            known: 0.0,
            total: 0,
        }
    }

    /// The model's calibrated log-odds: the Platt-scaled margin where the model knows the words,
    /// shading to `unknown_logit` as the share of words it has never seen grows.
    #[inline]
    pub(crate) fn logit(&self, margin: f32, coverage: f32) -> f32 {
        let [a, b] = self.platt;
        coverage * (a * margin + b) + (1.0 - coverage) * self.unknown_logit
    }

    /// Serialises the model: a JSON header line, then little-endian
    /// `(u32 bucket, f32 w·idf, u16 idf²×256, u16 fingerprint mask)` for each bucket seen in training.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ScreenError> {
        let nz: Vec<(usize, Bucket)> = self
            .table
            .iter()
            .enumerate()
            .filter(|(_, v)| v.mask != 0)
            .map(|(i, v)| (i, *v))
            .collect();
        let header = Header {
            format: FORMAT.into(),
            version: 1,
            bits: self.bits,
            entries: nz.len(),
            bias: self.bias,
            platt: self.platt,
            rule_weights: self.rule_weights.clone(),
            threshold: self.threshold,
            unknown_logit: self.unknown_logit,
            note: self.note.clone(),
        };
        let mut out = serde_json::to_vec(&header).map_err(|e| ScreenError::Data(e.to_string()))?;
        out.push(b'\n');
        for (i, bk) in nz {
            out.extend_from_slice(&(i as u32).to_le_bytes());
            out.extend_from_slice(&bk.wi.to_le_bytes());
            out.extend_from_slice(&bk.i2q.to_le_bytes());
            out.extend_from_slice(&bk.mask.to_le_bytes());
        }
        Ok(out)
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ScreenError> {
        let bad = |m: &str| ScreenError::Data(format!("model: {m}"));
        let nl = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| bad("no header"))?;
        let header: Header =
            serde_json::from_slice(&bytes[..nl]).map_err(|e| bad(&format!("header: {e}")))?;
        if header.format != FORMAT || header.version != 1 {
            return Err(bad("unknown format or version"));
        }
        if !(1..=24).contains(&header.bits) {
            return Err(bad("bits out of range"));
        }
        let body = &bytes[nl + 1..];
        if body.len() != header.entries.saturating_mul(12) {
            return Err(bad("length does not match header"));
        }
        let size = 1usize << header.bits;
        let mut table = vec![Bucket::default(); size];
        for rec in body.chunks_exact(12) {
            let word = |o: usize| [rec[o], rec[o + 1], rec[o + 2], rec[o + 3]];
            let i = u32::from_le_bytes(word(0)) as usize;
            let a = f32::from_le_bytes(word(4));
            let i2q = u16::from_le_bytes([rec[8], rec[9]]);
            let mask = u16::from_le_bytes([rec[10], rec[11]]);
            if !a.is_finite() {
                return Err(bad("non-finite weight"));
            }
            *table.get_mut(i).ok_or_else(|| bad("bucket out of range"))? =
                Bucket { wi: a, i2q, mask };
        }
        let finite = header.bias.is_finite()
            && header.platt.iter().all(|v| v.is_finite())
            && header.rule_weights.iter().all(|(_, w)| w.is_finite())
            && header.unknown_logit.is_finite()
            && (0.0..=1.0).contains(&header.threshold);
        if !finite {
            return Err(bad("non-finite parameter"));
        }
        Ok(Model {
            bits: header.bits,
            table,
            bias: header.bias,
            platt: header.platt,
            rule_weights: header.rule_weights,
            threshold: header.threshold,
            unknown_logit: header.unknown_logit,
            note: header.note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(clippy::unwrap_used, reason = "test")]
    fn round_trips_and_rejects_garbage() {
        let m = Model::empty();
        let back = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(back.bits, m.bits);
        assert!(Model::from_bytes(b"not a model").is_err());
        assert!(Model::from_bytes(b"{}\n").is_err());
    }
}
