//! Training: the n-gram logistic regression, its Platt calibration on out-of-fold margins, and a
//! re-fit of the rule weights on the same out-of-fold evidence.
//!
//! Everything is deterministic: folds come from a hash of the example's position, and the
//! optimisers are full-batch. Rule weights are fitted as a small logistic regression on
//! `[model margin, rule activations]`, held non-negative (a red flag never lowers risk) and pulled
//! towards the expert weights in `data/rules.toml`, so that rules the training data never shows
//! keep their prior weight.

use serde::{Deserialize, Serialize};

use crate::fit::{Doc, FitOptions, fit, platt};
use crate::model::{FP_BITS, Model, UNKNOWN_LOGIT, for_each_bucket};
use crate::rules::MAX_RULES;
use crate::text::mix;
use crate::{Ad, PAY, PAY_CODE, ScreenError, Screener, ad_text};

/// One labelled example.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LabelledAd {
    #[serde(flatten)]
    pub ad: Ad,
    /// `true`/`false` or `1`/`0`.
    #[serde(deserialize_with = "bool_or_int")]
    pub fraudulent: bool,
}

fn bool_or_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(u8),
    }
    match Flag::deserialize(d)? {
        Flag::Bool(b) => Ok(b),
        Flag::Int(0) => Ok(false),
        Flag::Int(1) => Ok(true),
        Flag::Int(n) => Err(serde::de::Error::custom(format!("label {n} is not 0 or 1"))),
    }
}

/// Training options.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// log2 of the number of hash buckets.
    pub bits: u8,
    /// Inverse L2 regularisation strength (scikit-learn's `C`).
    pub c: f64,
    /// Optimiser iterations per fit.
    pub iterations: usize,
    /// Folds for the out-of-fold calibration.
    pub folds: usize,
    /// Features seen in fewer training documents than this are dropped (smaller table).
    pub min_df: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            bits: 17,
            c: 1000.0,
            iterations: 1500,
            folds: 5,
            min_df: 2,
        }
    }
}

/// What training measured on out-of-fold predictions of the training data.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub examples: usize,
    pub calibration_only: usize,
    pub fraudulent: usize,
    pub platt: [f32; 2],
    pub threshold: f32,
    /// Fraud-class F1 of the calibrated, rule-combined out-of-fold scores at `threshold`.
    pub oof_f1: f32,
    pub rule_weights: Vec<(String, f32)>,
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Trains a model on labelled ads.
///
/// `examples` train the n-gram model and the calibration; `calibration_only` examples join only
/// the calibration and the rule-weight fit. Use the latter for small sets in other languages,
/// whose character n-grams a handful of examples would teach the model to over-trust.
pub fn train(
    examples: &[LabelledAd],
    calibration_only: &[LabelledAd],
    opts: &TrainOptions,
) -> Result<(Model, TrainReport), ScreenError> {
    let n_model = examples.len();
    if examples.len() < 10 {
        return Err(ScreenError::Input(
            "need at least 10 labelled examples".into(),
        ));
    }
    let npos = examples.iter().filter(|e| e.fraudulent).count();
    if npos == 0 || npos == examples.len() {
        return Err(ScreenError::Input(
            "need both fraudulent and legitimate examples".into(),
        ));
    }
    if !(8..=24).contains(&opts.bits) || opts.folds < 2 {
        return Err(ScreenError::Input(
            "bits must be 8..=24 and folds at least 2".into(),
        ));
    }
    let texts: Vec<String> = examples
        .iter()
        .chain(calibration_only)
        .map(|e| {
            let mut t = String::new();
            ad_text(&e.ad, &mut t);
            t
        })
        .collect();
    let docs: Vec<Doc> = texts
        .iter()
        .zip(examples.iter().chain(calibration_only))
        .map(|(t, e)| {
            let mut buckets = Vec::new();
            for_each_bucket(t, opts.bits, |b, fp, _| {
                buckets.push((b as u32) << FP_BITS | fp)
            });
            Doc {
                buckets,
                label: e.fraudulent,
            }
        })
        .collect();
    let labels: Vec<bool> = examples
        .iter()
        .chain(calibration_only)
        .map(|e| e.fraudulent)
        .collect();
    let fit_opts = FitOptions {
        bits: opts.bits,
        c: opts.c,
        iterations: opts.iterations,
        min_df: opts.min_df,
    };

    // Out-of-fold margins.
    let fold_of = |i: usize| (mix(i as u64 ^ 0x5eed) % opts.folds as u64) as usize;
    let mut oof = vec![(0.0f32, 0.0f32); docs.len()];
    for f in 0..opts.folds {
        let train: Vec<&Doc> = docs[..n_model]
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i) != f)
            .map(|(_, d)| d)
            .collect();
        let fitted = fit(&train, fit_opts);
        for (i, d) in docs.iter().enumerate() {
            if fold_of(i) == f {
                oof[i] = fitted.margin(&d.buckets);
            }
        }
    }
    let known: Vec<(f32, bool)> = oof
        .iter()
        .zip(&labels)
        .filter(|((_, c), _)| *c > 0.5)
        .map(|((m, _), l)| (*m, *l))
        .collect();
    let calib = platt(
        &known.iter().map(|k| k.0).collect::<Vec<_>>(),
        &known.iter().map(|k| k.1).collect::<Vec<_>>(),
    );

    // Rule activations of each example, from the shipped rules.
    let probe = Screener::with_model(Model::empty())?;
    let acts: Vec<[f32; MAX_RULES + 1]> = texts
        .iter()
        .map(|t| probe.activations(&probe.evidence(t)))
        .collect();
    let prior = probe.weights;
    let (a, b, v) = fit_stack(&oof, &acts, &labels, calib, &prior);

    // Threshold with the best out-of-fold F1, kept in a sane band.
    let scores: Vec<f32> = oof
        .iter()
        .zip(&acts)
        .map(|(&(m, cov), act)| {
            let z = f64::from(cov) * (f64::from(a) * f64::from(m) + f64::from(b))
                + f64::from(1.0 - cov) * f64::from(UNKNOWN_LOGIT)
                + act
                    .iter()
                    .zip(&v)
                    .map(|(x, w)| f64::from(*x) * f64::from(*w))
                    .sum::<f64>();
            sigmoid(z) as f32
        })
        .collect();
    let (threshold, oof_f1) = best_threshold(&scores, &labels);

    let all: Vec<&Doc> = docs[..n_model].iter().collect();
    let fitted = fit(&all, fit_opts);
    let mut rule_weights: Vec<(String, f32)> = probe
        .rules
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.show)
        .map(|(i, r)| (r.code.clone(), v[i]))
        .collect();
    rule_weights.push((PAY_CODE.to_owned(), v[PAY]));
    let model = Model {
        bits: opts.bits,
        table: fitted.table,
        bias: fitted.bias,
        platt: [a, b],
        rule_weights: rule_weights.clone(),
        threshold,
        unknown_logit: UNKNOWN_LOGIT,
        note: format!(
            "trained on {} examples ({} fraudulent) plus {} for calibration; C={}, bits={}, {}-fold OOF F1 {:.3}",
            examples.len(),
            npos,
            calibration_only.len(),
            opts.c,
            opts.bits,
            opts.folds,
            oof_f1
        ),
    };
    let report = TrainReport {
        examples: examples.len(),
        calibration_only: calibration_only.len(),
        fraudulent: npos,
        platt: [a, b],
        threshold,
        oof_f1,
        rule_weights,
    };
    Ok((model, report))
}

/// Fits `sigmoid(a·m + b + Σ v_k·x_k)` with `v ≥ 0` pulled towards `prior`.
fn fit_stack(
    margins: &[(f32, f32)],
    acts: &[[f32; MAX_RULES + 1]],
    labels: &[bool],
    start: [f32; 2],
    prior: &[f32; MAX_RULES + 1],
) -> (f32, f32, [f32; MAX_RULES + 1]) {
    let n = margins.len() as f64;
    // Strength of the pull towards the expert weights, in pseudo-examples.
    let mu = 5.0 / n;
    let mut a = f64::from(start[0]);
    let mut b = f64::from(start[1]);
    let mut v: Vec<f64> = prior.iter().map(|&p| f64::from(p)).collect();
    let pr: Vec<f64> = v.clone();
    let step = 0.5;
    for _ in 0..2000 {
        let (mut ga, mut gb) = (0.0, 0.0);
        let mut gv = vec![0.0f64; v.len()];
        for ((&(m, cov), act), &l) in margins.iter().zip(acts).zip(labels) {
            let x: f64 = act.iter().zip(&v).map(|(x, w)| f64::from(*x) * w).sum();
            let (m, cov) = (f64::from(m), f64::from(cov));
            let z = cov * (a * m + b) + (1.0 - cov) * f64::from(UNKNOWN_LOGIT) + x;
            let r = (sigmoid(z) - if l { 1.0 } else { 0.0 }) / n;
            ga += r * cov * m;
            gb += r * cov;
            for (g, x) in gv.iter_mut().zip(act) {
                *g += r * f64::from(*x);
            }
        }
        a -= step * ga;
        b -= step * gb;
        for k in 0..v.len() {
            if pr[k] == 0.0 {
                continue; // hidden helper rules stay at zero
            }
            let g = gv[k] + 2.0 * mu * (v[k] - pr[k]);
            v[k] = (v[k] - step * g).max(0.0);
        }
    }
    let mut out = [0.0f32; MAX_RULES + 1];
    for (o, x) in out.iter_mut().zip(&v) {
        *o = *x as f32;
    }
    (a as f32, b as f32, out)
}

/// The threshold in [0.2, 0.8] with the best F1, and that F1.
fn best_threshold(scores: &[f32], labels: &[bool]) -> (f32, f32) {
    let mut best = (0.5f32, f1_at(scores, labels, 0.5));
    for k in 20..=80 {
        let t = k as f32 / 100.0;
        let f = f1_at(scores, labels, t);
        if f > best.1 + 1e-6 {
            best = (t, f);
        }
    }
    best
}

/// Fraud-class F1 at a threshold.
pub(crate) fn f1_at(scores: &[f32], labels: &[bool], t: f32) -> f32 {
    let (mut tp, mut fp, mut fneg) = (0u32, 0u32, 0u32);
    for (&s, &l) in scores.iter().zip(labels) {
        match (s >= t, l) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            _ => {}
        }
    }
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f32 / (2 * tp + fp + fneg) as f32
    }
}
