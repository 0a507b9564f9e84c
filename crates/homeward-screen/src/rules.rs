//! Red-flag rules: lexicons in `data/rules.toml`, compiled once into a single Aho-Corasick
//! automaton, and evaluated in one pass over the normalised ad.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Deserialize;

use crate::ScreenError;
use crate::text::{Class, class, normalize};

/// The most rules a rule set may hold (per-ad scratch space is a fixed array).
pub(crate) const MAX_RULES: usize = 24;
/// Distinct trigger patterns remembered per rule and ad.
const MAX_TRIGGERS: usize = 4;
/// Currency markers remembered per ad for salary parsing.
pub(crate) const MAX_CURRENCY_HITS: usize = 16;

#[derive(Debug, Deserialize)]
struct RulesFile {
    rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
struct RuleDef {
    code: String,
    weight: f32,
    message: String,
    #[serde(default = "yes")]
    show: bool,
    #[serde(default)]
    negatable: bool,
    #[serde(default)]
    patterns: HashMap<String, Vec<String>>,
    #[serde(default)]
    places: HashMap<String, Vec<String>>,
}

fn yes() -> bool {
    true
}

/// One rule as loaded.
#[derive(Debug)]
pub(crate) struct Rule {
    pub code: String,
    pub weight: f32,
    pub message: String,
    pub show: bool,
    pub negatable: bool,
}

#[derive(Debug, Clone, Copy)]
struct PatternInfo {
    rule: u8,
    /// Index into `RuleSet::places` (a country or currency code), if the pattern names one.
    place: Option<u8>,
    bound_start: bool,
    bound_end: bool,
}

/// The compiled rules.
#[derive(Debug)]
pub(crate) struct RuleSet {
    pub rules: Vec<Rule>,
    pub patterns: Vec<String>,
    info: Vec<PatternInfo>,
    pub places: Vec<String>,
    automaton: Option<AhoCorasick>,
    pub zone_rule: Option<u8>,
    pub currency_rule: Option<u8>,
    pub low_skill_rule: Option<u8>,
    pub no_experience_rule: Option<u8>,
}

/// One rule's hits in one ad.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RuleHit {
    pub count: u16,
    pub ntrig: u8,
    pub triggers: [u32; MAX_TRIGGERS],
}

/// A currency marker found in the text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CurrencyHit {
    pub start: u32,
    pub end: u32,
    pub place: u8,
}

/// Everything the rules found in one ad; fixed-size, no allocation.
#[derive(Debug, Clone)]
pub(crate) struct RuleHits {
    pub hits: [RuleHit; MAX_RULES],
    pub currencies: [CurrencyHit; MAX_CURRENCY_HITS],
    pub ncurrencies: usize,
    /// Country named by a compound-zone pattern, else by a country pattern.
    pub zone_country: Option<u8>,
    pub country: Option<u8>,
}

impl Default for RuleHits {
    fn default() -> Self {
        RuleHits {
            hits: [RuleHit::default(); MAX_RULES],
            currencies: [CurrencyHit::default(); MAX_CURRENCY_HITS],
            ncurrencies: 0,
            zone_country: None,
            country: None,
        }
    }
}

impl RuleHits {
    pub fn fired(&self, rule: Option<u8>) -> bool {
        rule.is_some_and(|r| self.hits[usize::from(r)].count > 0)
    }
}

/// Negation cues of scripts with spaces (matched as whole words).
const NEGATIONS_WORDS: &[&str] = &[
    "no", "not", "never", "without", "zero", "free", "walang", "hindi", "wala", "tidak", "tiada",
    "tanpa", "bukan", "tak", "không", "khong", "chẳng", "miễn", "mien",
];
/// Negation cues of scripts without spaces (matched anywhere).
const NEGATIONS_DENSE: &[&str] = &[
    "不",
    "无",
    "無",
    "免",
    "没有",
    "沒有",
    "ไม่",
    "ปลอด",
    "មិន",
    "គ្មាន",
    "မလို",
    "မယူ",
];

/// Whether the clause that ends at `start` contains a negation (bounded look-back).
fn negated(text: &str, start: usize) -> bool {
    let lo = crate::floor_char_boundary(text, start.saturating_sub(40));
    let mut window = &text[lo..start];
    if let Some(i) = window.rfind(['.', '!', '?', ';', ':', ',', '\n', '。', '，', '；', '！'])
    {
        window = &window[i..];
    }
    if NEGATIONS_DENSE.iter().any(|n| window.contains(n)) {
        return true;
    }
    window
        .split(|c: char| class(c) != Class::Word)
        .any(|w| !w.is_empty() && NEGATIONS_WORDS.contains(&w))
}

/// Is the character at the edge of a match a letter that continues a word?
#[inline]
fn is_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| class(c) == Class::Word && !c.is_ascii_digit())
}

impl RuleSet {
    /// Parses and compiles a rules file.
    pub fn from_toml(src: &str) -> Result<RuleSet, ScreenError> {
        let file: RulesFile =
            toml::from_str(src).map_err(|e| ScreenError::Data(format!("rules: {e}")))?;
        if file.rule.len() > MAX_RULES {
            return Err(ScreenError::Data(format!(
                "rules: more than {MAX_RULES} rules"
            )));
        }
        let mut rules = Vec::new();
        let mut patterns = Vec::new();
        let mut info = Vec::new();
        let mut places: Vec<String> = Vec::new();
        for (ri, def) in file.rule.into_iter().enumerate() {
            let ri = u8::try_from(ri).map_err(|_| ScreenError::Data("rules: too many".into()))?;
            let mut add = |raw: &str, place: Option<u8>| {
                let (body, prefix) = match raw.strip_suffix('*') {
                    Some(b) => (b, true),
                    None => (raw, false),
                };
                let norm = normalize(body.trim());
                if norm.is_empty() {
                    return;
                }
                let first = norm.chars().next();
                let last = norm.chars().next_back();
                info.push(PatternInfo {
                    rule: ri,
                    place,
                    bound_start: first.is_some_and(|c| class(c) == Class::Word),
                    bound_end: !prefix && last.is_some_and(|c| class(c) == Class::Word),
                });
                patterns.push(norm);
            };
            // Sorted so that pattern ids do not depend on hash-map order.
            let mut langs: Vec<_> = def.patterns.iter().collect();
            langs.sort_by(|a, b| a.0.cmp(b.0));
            for (_, list) in langs {
                for p in list {
                    add(p, None);
                }
            }
            let mut codes: Vec<_> = def.places.iter().collect();
            codes.sort_by(|a, b| a.0.cmp(b.0));
            for (code, list) in codes {
                let idx = match places.iter().position(|p| p == code) {
                    Some(i) => i,
                    None => {
                        places.push(code.clone());
                        places.len() - 1
                    }
                };
                let idx = u8::try_from(idx)
                    .map_err(|_| ScreenError::Data("rules: too many places".into()))?;
                for p in list {
                    add(p, Some(idx));
                }
            }
            rules.push(Rule {
                code: def.code,
                weight: def.weight,
                message: def.message,
                show: def.show,
                negatable: def.negatable,
            });
        }
        let automaton = Some(
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&patterns)
                .map_err(|e| ScreenError::Data(format!("rules automaton: {e}")))?,
        );
        let find = |code: &str| {
            rules
                .iter()
                .position(|r| r.code == code)
                .and_then(|i| u8::try_from(i).ok())
        };
        Ok(RuleSet {
            zone_rule: find("compound_zone"),
            currency_rule: find("currency"),
            low_skill_rule: find("low_skill_rule").or_else(|| find("low_skill_role")),
            no_experience_rule: find("no_experience"),
            rules,
            patterns,
            info,
            places,
            automaton,
        })
    }

    /// Runs every lexicon over normalised `text` in one pass.
    pub fn scan(&self, text: &str, out: &mut RuleHits) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        for m in automaton.find_overlapping_iter(text) {
            let pid = m.pattern().as_usize();
            let Some(pi) = self.info.get(pid) else {
                continue;
            };
            if pi.bound_start && is_letter(text[..m.start()].chars().next_back()) {
                continue;
            }
            if pi.bound_end && is_letter(text[m.end()..].chars().next()) {
                continue;
            }
            let rule = usize::from(pi.rule);
            if self.rules.get(rule).is_some_and(|r| r.negatable) && negated(text, m.start()) {
                continue;
            }
            if Some(pi.rule) == self.currency_rule {
                if let Some(place) = pi.place
                    && out.ncurrencies < MAX_CURRENCY_HITS
                {
                    out.currencies[out.ncurrencies] = CurrencyHit {
                        start: m.start() as u32,
                        end: m.end() as u32,
                        place,
                    };
                    out.ncurrencies += 1;
                }
                continue;
            }
            if let Some(place) = pi.place {
                if Some(pi.rule) == self.zone_rule && out.zone_country.is_none() {
                    out.zone_country = Some(place);
                } else if out.country.is_none() {
                    out.country = Some(place);
                }
            }
            let hit = &mut out.hits[rule];
            hit.count = hit.count.saturating_add(1);
            let pid32 = pid as u32;
            let n = usize::from(hit.ntrig);
            if n < MAX_TRIGGERS && !hit.triggers[..n].contains(&pid32) {
                hit.triggers[n] = pid32;
                hit.ntrig += 1;
            }
        }
    }

    /// Log-odds contribution of a rule that fired with `distinct` different triggers.
    pub fn strength(distinct: u8) -> f32 {
        // More distinct phrasings of the same flag add a little, not linearly.
        1.0 + 0.25 * f32::from(distinct.saturating_sub(1).min(2))
    }
}

static SHIPPED: LazyLock<Result<RuleSet, ScreenError>> =
    LazyLock::new(|| RuleSet::from_toml(include_str!("../data/rules.toml")));

/// The shipped rule set.
pub(crate) fn shipped() -> Result<&'static RuleSet, ScreenError> {
    SHIPPED.as_ref().map_err(Clone::clone)
}

static EMPTY: LazyLock<RuleSet> = LazyLock::new(|| RuleSet {
    rules: Vec::new(),
    patterns: Vec::new(),
    info: Vec::new(),
    places: Vec::new(),
    automaton: None,
    zone_rule: None,
    currency_rule: None,
    low_skill_rule: None,
    no_experience_rule: None,
});

/// A rule set with no rules (the fallback if the shipped data were unreadable).
pub(crate) fn empty() -> &'static RuleSet {
    &EMPTY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[expect(clippy::unwrap_used, reason = "test")]
    fn fired(text: &str) -> Vec<String> {
        let rs = shipped().unwrap();
        let mut hits = RuleHits::default();
        rs.scan(&normalize(text), &mut hits);
        rs.rules
            .iter()
            .enumerate()
            .filter(|(i, r)| r.show && hits.hits[*i].count > 0)
            .map(|(_, r)| r.code.clone())
            .collect()
    }

    #[test]
    fn word_boundaries_hold_for_latin_scripts() {
        assert!(fired("We are an online retailer").is_empty());
        assert_eq!(fired("Contact on Telegram"), vec!["messaging_contact"]);
        assert!(fired("usually pogos").is_empty());
        assert_eq!(fired("work at a POGO hub"), vec!["compound_zone"]);
    }
}
