//! Fitting the n-gram logistic regression: TF-IDF weighting, L2-regularised logistic loss
//! minimised by deterministic full-batch Nesterov gradient descent (step from a power-iteration
//! estimate of the Lipschitz constant), and Platt scaling.

use crate::model::{Bucket, FP_BITS, FP_MASK, I2_SCALE, coverage};

/// One document for the logistic regression: feature occurrences, each `bucket << FP_BITS | fingerprint`.
pub(crate) struct Doc {
    pub buckets: Vec<u32>,
    pub label: bool,
}

/// Options of [`fit`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct FitOptions {
    pub bits: u8,
    /// Inverse regularisation strength, as scikit-learn's `C`.
    pub c: f64,
    pub iterations: usize,
    /// Features in fewer documents than this are dropped.
    pub min_df: u32,
}

/// Fitted weights per bucket, and the bias.
pub(crate) struct Fitted {
    pub table: Vec<Bucket>,
    pub bias: f32,
}

impl Fitted {
    /// `(margin, coverage)` as [`Model::margin`].
    pub fn margin(&self, buckets: &[u32]) -> (f32, f32) {
        let (mut dot, mut norm, mut known) = (0.0f32, 0.0f32, 0u32);
        for &code in buckets {
            if let Some(bk) = self.table.get((code >> FP_BITS) as usize)
                && bk.knows(code & FP_MASK as u32)
            {
                dot += bk.wi;
                norm += bk.i2();
                known += 1;
            }
        }
        let m = if norm > 0.0 {
            self.bias + dot / norm.sqrt()
        } else {
            self.bias
        };
        (m, coverage(known, buckets.len() as u32))
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Fits an L2-regularised logistic regression on `docs` (TF-IDF features computed from them).
pub(crate) fn fit(docs: &[&Doc], opts: FitOptions) -> Fitted {
    let size = 1usize << opts.bits;
    let n = docs.len().max(1);
    // Document frequency and smoothed idf, as scikit-learn's TfidfVectorizer(smooth_idf=True).
    let mut df = vec![0u32; size];
    let mut masks = vec![0u16; size];
    let mut scratch: Vec<u32> = Vec::new();
    for d in docs {
        for &code in &d.buckets {
            masks[(code >> FP_BITS) as usize] |= 1 << (code & FP_MASK as u32);
        }
        scratch.clear();
        scratch.extend(d.buckets.iter().map(|&c| c >> FP_BITS));
        scratch.sort_unstable();
        scratch.dedup();
        for &b in &scratch {
            df[b as usize] += 1;
        }
    }
    // Compact index over seen buckets.
    let mut local = vec![u32::MAX; size];
    let mut idf: Vec<f64> = Vec::new();
    let mut global: Vec<usize> = Vec::new();
    for (b, &f) in df.iter().enumerate() {
        if f >= opts.min_df.max(1) {
            local[b] = idf.len() as u32;
            idf.push(((1.0 + n as f64) / (1.0 + f64::from(f))).ln() + 1.0);
            global.push(b);
        }
    }
    // Sparse rows: (local index, value).
    let mut rows: Vec<Vec<(u32, f64)>> = Vec::with_capacity(docs.len());
    let mut max_sq: f64 = 0.0;
    for d in docs {
        scratch.clear();
        scratch.extend(
            d.buckets
                .iter()
                .map(|&c| local[(c >> FP_BITS) as usize])
                .filter(|&l| l != u32::MAX),
        );
        scratch.sort_unstable();
        let norm: f64 = scratch
            .iter()
            .map(|&i| idf[i as usize].powi(2))
            .sum::<f64>()
            .sqrt();
        let mut row: Vec<(u32, f64)> = Vec::new();
        for &i in &scratch {
            match row.last_mut() {
                Some((j, v)) if *j == i => *v += idf[i as usize] / norm,
                _ => row.push((i, idf[i as usize] / norm)),
            }
        }
        max_sq = max_sq.max(row.iter().map(|(_, v)| v * v).sum::<f64>());
        rows.push(row);
    }
    let y: Vec<f64> = docs
        .iter()
        .map(|d| if d.label { 1.0 } else { 0.0 })
        .collect();
    let dim = idf.len();
    let lambda = 1.0 / (opts.c * n as f64);
    // Step 1/L with L the gradient's Lipschitz constant: the top eigenvalue of [X 1]ᵀ[X 1]/n
    // (power iteration; deterministic start) over 4, plus lambda. Capped by the row-norm bound.
    let mut vec_ = vec![1.0f64; dim + 1];
    let mut eig = max_sq + 1.0;
    for _ in 0..30 {
        let mut next = vec![0.0f64; dim + 1];
        for row in &rows {
            let z = vec_[dim] + row.iter().map(|&(i, v)| vec_[i as usize] * v).sum::<f64>();
            for &(i, v) in row {
                next[i as usize] += z * v / n as f64;
            }
            next[dim] += z / n as f64;
        }
        let norm = next.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm <= 0.0 || !norm.is_finite() {
            break;
        }
        eig = norm / vec_.iter().map(|x| x * x).sum::<f64>().sqrt();
        vec_ = next.into_iter().map(|x| x / norm).collect();
    }
    let eig = (eig * 1.05).min(max_sq + 1.0);
    let step = 1.0 / (eig / 4.0 + lambda);
    // Nesterov accelerated gradient on (w, bias).
    let mut w = vec![0.0f64; dim + 1];
    let mut prev = w.clone();
    let mut look = w.clone();
    let mut grad = vec![0.0f64; dim + 1];
    let mut t = 1.0f64;
    for _ in 0..opts.iterations {
        grad.iter_mut().for_each(|g| *g = 0.0);
        for (row, &yi) in rows.iter().zip(&y) {
            let z = look[dim] + row.iter().map(|&(i, v)| look[i as usize] * v).sum::<f64>();
            let r = (sigmoid(z) - yi) / n as f64;
            for &(i, v) in row {
                grad[i as usize] += r * v;
            }
            grad[dim] += r;
        }
        for i in 0..dim {
            grad[i] += lambda * look[i];
        }
        let t_next = (1.0 + (1.0 + 4.0 * t * t).sqrt()) / 2.0;
        let momentum = (t - 1.0) / t_next;
        for i in 0..=dim {
            let new = look[i] - step * grad[i];
            look[i] = new + momentum * (new - prev[i]);
            prev[i] = new;
        }
        w.copy_from_slice(&prev);
        t = t_next;
    }
    let mut table = vec![Bucket::default(); size];
    for (i, &b) in global.iter().enumerate() {
        table[b] = Bucket {
            wi: (idf[i] * w[i]) as f32,
            i2q: (idf[i] * idf[i] * f64::from(I2_SCALE))
                .round()
                .min(f64::from(u16::MAX)) as u16,
            mask: masks[b],
        };
    }
    Fitted {
        table,
        bias: w[dim] as f32,
    }
}

/// Fits `p = sigmoid(a·x + b)` (Platt scaling) by Newton's method, with Platt's target smoothing.
pub(crate) fn platt(margins: &[f32], labels: &[bool]) -> [f32; 2] {
    let pos = labels.iter().filter(|&&l| l).count() as f64;
    let neg = labels.len() as f64 - pos;
    let hi = (pos + 1.0) / (pos + 2.0);
    let lo = 1.0 / (neg + 2.0);
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for (&m, &l) in margins.iter().zip(labels) {
            let x = f64::from(m);
            let p = sigmoid(a * x + b);
            let t = if l { hi } else { lo };
            let d = p - t;
            ga += d * x;
            gb += d;
            let h = p * (1.0 - p);
            haa += h * x * x;
            hab += h * x;
            hbb += h;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() + db.abs() < 1e-9 {
            break;
        }
    }
    [a as f32, b as f32]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::for_each_bucket;
    use crate::text::normalize;

    fn doc(text: &str, label: bool) -> Doc {
        let mut buckets = Vec::new();
        for_each_bucket(&normalize(text), 12, |b, fp, _| {
            buckets.push((b as u32) << FP_BITS | fp)
        });
        Doc { buckets, label }
    }

    #[test]
    fn learns_a_separable_toy_problem() {
        let docs = [
            doc("work from home earn money fast", true),
            doc("earn money fast easy", true),
            doc("senior engineer rust backend", false),
            doc("backend engineer databases", false),
        ];
        let refs: Vec<&Doc> = docs.iter().collect();
        let f = fit(
            &refs,
            FitOptions {
                bits: 12,
                c: 10.0,
                iterations: 200,
                min_df: 1,
            },
        );
        assert!(f.margin(&doc("earn money", true).buckets).0 > 0.0);
        assert!(f.margin(&doc("rust engineer", false).buckets).0 < 0.0);
        let [a, _] = platt(&[-2.0, -1.0, 1.0, 2.0], &[false, false, true, true]);
        assert!(a > 0.0);
    }
}
