#![doc = include_str!("../README.md")]

mod fit;
mod model;
mod rules;
mod salary;
mod signals;
mod text;
mod train;

use std::borrow::Cow;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use model::Model;
pub use signals::{Contact, MAX_SIGNALS, Signal, SignalKind, SignalList, extract_contacts};
pub use train::{LabelledAd, TrainOptions, TrainReport, train};

use rules::{MAX_RULES, RuleHits, RuleSet};
use salary::{MarketPay, Offer};

/// Bytes of one field read; the rest is ignored (and `Verdict::truncated` set).
pub const MAX_FIELD_BYTES: usize = 32 * 1024;
/// Bytes of an ad read in total, all fields together.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Reasons returned at most per verdict.
pub const MAX_REASONS: usize = 16;
/// Known-signal hits reported at most per ad.
pub const MAX_SIGNAL_HITS: usize = 8;

/// Errors of the screening engine.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ScreenError {
    /// A shipped or given data file (rules, market pay, model) is malformed.
    #[error("bad data file: {0}")]
    Data(String),
    /// Input given by the caller is unusable.
    #[error("bad input: {0}")]
    Input(String),
}

/// A job ad or recruitment message. Every field but `id` is optional; unknown keys are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ad {
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub salary: Option<String>,
    pub contact: Option<String>,
    pub requirements: Option<String>,
    pub benefits: Option<String>,
    pub url: Option<String>,
    /// Language hint (BCP 47); informational, the rules run every language.
    pub lang: Option<String>,
}

impl Ad {
    /// An ad holding only free text (a pasted message).
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Ad {
        Ad {
            id: id.into(),
            description: Some(text.into()),
            ..Ad::default()
        }
    }

    fn fields(&self) -> [Option<&str>; 9] {
        [
            self.title.as_deref(),
            self.company.as_deref(),
            self.location.as_deref(),
            self.salary.as_deref(),
            self.description.as_deref(),
            self.requirements.as_deref(),
            self.benefits.as_deref(),
            self.contact.as_deref(),
            self.url.as_deref(),
        ]
    }
}

/// Builds the normalised text of an ad within the limits; returns whether anything was cut.
pub(crate) fn ad_text(ad: &Ad, out: &mut String) -> bool {
    let mut cut = false;
    for f in ad.fields().into_iter().flatten() {
        if f.is_empty() {
            continue;
        }
        let room = MAX_TEXT_BYTES.saturating_sub(out.len());
        if room == 0 {
            return true;
        }
        // Each field starts with a newline: a separator in front of the first word, which the
        // rules' short-word patterns rely on.
        out.push('\n');
        cut |= text::normalize_into(out, f, room.min(MAX_FIELD_BYTES));
    }
    cut
}

pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Why an ad scored as it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// Stable code: a rule code, `pay_above_market`, `known_signal` or `model`.
    pub code: &'static str,
    /// Plain-language explanation for a member of the public.
    pub message: Cow<'static, str>,
    /// Log-odds this reason added to the score.
    pub weight: f32,
    /// The words of the ad that triggered it (normalised: lower case).
    pub triggers: Vec<String>,
}

/// The result of screening one ad.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Calibrated lure risk, 0 to 1.
    pub score: f32,
    /// Whether `score` is at or above the threshold.
    pub flagged: bool,
    /// The threshold applied.
    pub threshold: f32,
    /// Reasons, strongest first.
    pub reasons: Vec<Reason>,
    /// Whether the ad was longer than the limits and only its beginning was read.
    pub truncated: bool,
}

/// Evidence gathered from one ad, before it is turned into a score.
pub(crate) struct Evidence {
    pub hits: RuleHits,
    /// Known text-value signals found at word starts.
    pub words: signals::WordHits,
    pub offer: Option<(Offer, f32)>,
    pub margin: f32,
    pub coverage: f32,
    pub top: model::TopTokens,
}

/// Index of the market-pay pseudo-rule in the weight vector.
pub(crate) const PAY: usize = MAX_RULES;
pub(crate) const PAY_CODE: &str = "pay_above_market";
const PAY_PRIOR: f32 = 0.8;
const SIGNAL_WEIGHT: f32 = 2.5;

/// The screening engine: rules, market pay, model and known signals. `Send + Sync`; share one.
/// To add a signal list to the shipped engine: `Screener::shipped().clone().with_signals(list)`
/// (a clone copies the ~1 MB model table; the rules are shared).
#[derive(Debug, Clone)]
pub struct Screener {
    rules: &'static RuleSet,
    pay: &'static MarketPay,
    model: Model,
    signals: SignalList,
    /// Log-odds weight per rule (and `PAY`).
    weights: [f32; MAX_RULES + 1],
    threshold: f32,
}

static SHIPPED: LazyLock<Screener> =
    LazyLock::new(|| Screener::try_shipped().unwrap_or_else(|_| Screener::fallback()));

static EMPTY_PAY: LazyLock<MarketPay> = LazyLock::new(|| MarketPay {
    ratio_fire: f32::INFINITY,
    pay_usd_month: Default::default(),
    usd_per_unit: Default::default(),
    currency_country: Default::default(),
});

impl Screener {
    /// The shipped screener (shipped rules and model, no signal list), built once.
    pub fn shipped() -> &'static Screener {
        &SHIPPED
    }

    /// Builds the shipped screener, reporting a malformed data file.
    pub fn try_shipped() -> Result<Screener, ScreenError> {
        let model = Model::from_bytes(include_bytes!("../data/model.bin"))?;
        Screener::with_model(model)
    }

    /// The shipped rules with another model.
    pub fn with_model(model: Model) -> Result<Screener, ScreenError> {
        let rules = rules::shipped()?;
        let pay = salary::shipped()?;
        Ok(Screener::assemble(rules, pay, model))
    }

    fn fallback() -> Screener {
        Screener::assemble(rules::empty(), &EMPTY_PAY, Model::empty())
    }

    fn assemble(rules: &'static RuleSet, pay: &'static MarketPay, model: Model) -> Screener {
        let mut weights = [0.0f32; MAX_RULES + 1];
        for (i, r) in rules.rules.iter().enumerate() {
            weights[i] = if r.show { r.weight } else { 0.0 };
        }
        weights[PAY] = PAY_PRIOR;
        for (code, w) in &model.rule_weights {
            if code == PAY_CODE {
                weights[PAY] = *w;
            } else if let Some(i) = rules.rules.iter().position(|r| &r.code == code && r.show) {
                weights[i] = *w;
            }
        }
        let threshold = model.threshold;
        Screener {
            rules,
            pay,
            model,
            signals: SignalList::default(),
            weights,
            threshold,
        }
    }

    /// Adds a list of known scam signals.
    pub fn with_signals(mut self, signals: SignalList) -> Screener {
        self.signals = signals;
        self
    }

    /// Sets the flagging threshold (clamped to 0–1).
    pub fn with_threshold(mut self, threshold: f32) -> Screener {
        self.threshold = if threshold.is_nan() {
            self.threshold
        } else {
            threshold.clamp(0.0, 1.0)
        };
        self
    }

    /// The flagging threshold in use.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The rule codes this screener can report, with their plain-language messages.
    pub fn rule_codes(&self) -> Vec<(&'static str, &'static str)> {
        let mut v: Vec<_> = self
            .rules
            .rules
            .iter()
            .filter(|r| r.show)
            .map(|r| (r.code.as_str(), r.message.as_str()))
            .collect();
        v.push((PAY_CODE, PAY_MESSAGE));
        v
    }

    /// Screens one ad.
    pub fn screen(&self, ad: &Ad) -> Verdict {
        let mut text = String::new();
        let truncated = ad_text(ad, &mut text);
        self.screen_normalised(&text, truncated)
    }

    /// Screens free text (a pasted offer or message).
    pub fn screen_text(&self, raw: &str) -> Verdict {
        let mut text = String::from("\n");
        let truncated = text::normalize_into(&mut text, raw, MAX_TEXT_BYTES);
        self.screen_normalised(&text, truncated)
    }

    pub(crate) fn evidence(&self, text: &str) -> Evidence {
        // One tokeniser pass feeds the rules (phrase starts) and the model (features).
        let mut hits = RuleHits::default();
        let mut words = signals::WordHits::default();
        let mut acc = self.model.accumulator();
        let stop = &*model::STOP;
        text::tokenize(
            text,
            |h| stop.contains(h),
            |s, e, h| {
                self.rules.on_word(text, s, e, h, &mut hits);
                self.signals.on_word(text, s, &mut words);
            },
            |ft| acc.push(ft),
        );
        self.rules.scan_rest(text, &mut hits);
        let (margin, coverage, top) = acc.finish();
        let mut offer = None;
        if (hits.fired(self.rules.low_skill_rule) || hits.fired(self.rules.no_experience_rule))
            && let Some(o) = salary::best_offer(text, self.rules, &hits, self.pay)
        {
            let place = |p: u8| self.rules.places.get(usize::from(p));
            let country = hits
                .zone_country
                .or(hits.country)
                .and_then(place)
                .or_else(|| place(o.currency).and_then(|cur| self.pay.currency_country.get(cur)));
            let market = country
                .and_then(|c| self.pay.pay_usd_month.get(c))
                .or_else(|| self.pay.pay_usd_month.get("default"))
                .copied()
                .unwrap_or(700.0);
            let ratio = o.usd_month / market;
            if ratio >= self.pay.ratio_fire {
                offer = Some((o, ratio));
            }
        }
        Evidence {
            hits,
            words,
            offer,
            margin,
            coverage,
            top,
        }
    }

    /// The activation of each rule (and `PAY`) in `ev`: 0 when silent.
    pub(crate) fn activations(&self, ev: &Evidence) -> [f32; MAX_RULES + 1] {
        let mut a = [0.0f32; MAX_RULES + 1];
        for (i, r) in self.rules.rules.iter().enumerate() {
            let h = &ev.hits.hits[i];
            if r.show && h.count > 0 {
                a[i] = RuleSet::strength(h.ntrig);
            }
        }
        if let Some((_, ratio)) = ev.offer {
            a[PAY] = (1.0 + (ratio / self.pay.ratio_fire).log2()).min(3.0);
        }
        a
    }

    fn screen_normalised(&self, text: &str, truncated: bool) -> Verdict {
        let ev = self.evidence(text);
        let act = self.activations(&ev);
        let model_logit = self.model.logit(ev.margin, ev.coverage);
        let mut logit = model_logit;
        let mut reasons: Vec<Reason> = Vec::new();
        for (i, r) in self.rules.rules.iter().enumerate() {
            if act[i] == 0.0 {
                continue;
            }
            let w = self.weights[i] * act[i];
            logit += w;
            let h = &ev.hits.hits[i];
            let triggers = h.triggers[..usize::from(h.ntrig)]
                .iter()
                .filter_map(|&p| self.rules.display(p as usize))
                .collect();
            reasons.push(Reason {
                code: r.code.as_str(),
                message: Cow::Borrowed(r.message.as_str()),
                weight: w,
                triggers,
            });
        }
        if let Some((o, ratio)) = ev.offer {
            let w = self.weights[PAY] * act[PAY];
            logit += w;
            reasons.push(Reason {
                code: PAY_CODE,
                message: format!(
                    "{PAY_MESSAGE} This offer is about {:.0} US dollars a month, {ratio:.1} times typical pay for such work there.",
                    o.usd_month
                )
                .into(),
                weight: w,
                triggers: vec![text[o.start..o.end].to_owned()],
            });
        }
        self.signals
            .scan_with(text, &ev.words, MAX_SIGNAL_HITS, |s| {
                let w = SIGNAL_WEIGHT + 0.3 * (s.cases as f32).ln();
                logit += w;
                let cases = if s.cases == 1 {
                    "1 case".to_owned()
                } else {
                    format!("{} cases", s.cases)
                };
                reasons.push(Reason {
                    code: "known_signal",
                    message: format!(
                        "This {} was seen in {cases} of scam recruitment or trafficking.",
                        s.kind.noun()
                    )
                    .into(),
                    weight: w,
                    triggers: vec![s.value.clone()],
                });
            });
        if model_logit > 0.5 {
            let triggers = ev
                .top
                .items
                .iter()
                .filter(|(c, _, _)| *c > 0.0)
                .filter_map(|&(_, s, e)| text.get(s as usize..e as usize).map(str::to_owned))
                .collect();
            reasons.push(Reason {
                code: "model",
                message: Cow::Borrowed("The wording resembles known fraudulent job ads."),
                weight: model_logit,
                triggers,
            });
        }
        reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        reasons.truncate(MAX_REASONS);
        let score = sigmoid(logit);
        Verdict {
            score,
            flagged: score >= self.threshold,
            threshold: self.threshold,
            reasons,
            truncated,
        }
    }
}

const PAY_MESSAGE: &str =
    "Offers pay far above what this kind of low-skill job pays in that country.";

fn sigmoid(x: f32) -> f32 {
    if x.is_nan() {
        return 0.5;
    }
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests;
