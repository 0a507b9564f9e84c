//! Red-flag rules: lexicons in `data/rules.toml`, compiled once into a single Aho-Corasick
//! automaton, and evaluated in one pass over the normalised ad.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::automaton::OverlappingState;
use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use serde::Deserialize;

use crate::ScreenError;
use crate::text::{Class, HashSet64, class, normalize, word_hash};

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

/// The automata of a rule set, each with the global pattern id of its patterns.
#[derive(Debug)]
struct Automata {
    word: Option<(AhoCorasick, Vec<u32>)>,
    sep: Option<(AhoCorasick, Vec<u32>)>,
    other: Option<(AhoCorasick, Vec<u32>)>,
    /// Longest pattern of `other`, in bytes.
    other_max_len: usize,
    /// Hashes of the first word of each pattern in `word`.
    first_words: HashSet64,
}

/// The first word of an ASCII pattern: its leading run of letters, or of digits (a pattern
/// starting with a separator has none).
fn first_word(p: &[u8]) -> Option<&[u8]> {
    let first = *p.first()?;
    let len = if first.is_ascii_alphabetic() {
        p.iter().take_while(|b| b.is_ascii_alphabetic()).count()
    } else if first.is_ascii_digit() {
        p.iter().take_while(|b| b.is_ascii_digit()).count()
    } else {
        0
    };
    (len > 0).then(|| &p[..len])
}

/// The compiled rules.
#[derive(Debug)]
pub(crate) struct RuleSet {
    pub rules: Vec<Rule>,
    pub patterns: Vec<String>,
    info: Vec<PatternInfo>,
    pub places: Vec<String>,
    automata: Automata,
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

/// The first index from `i` holding a non-ASCII byte (`bytes.len()` if none), sixteen bytes
/// a step.
#[inline]
fn next_non_ascii(bytes: &[u8], mut i: usize) -> usize {
    while let Some(block) = bytes.get(i..i + 16) {
        if block.iter().fold(0u8, |acc, &c| acc | c) >= 0x80 {
            break;
        }
        i += 16;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
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
                let bound_end = !prefix && last.is_some_and(|c| class(c) == Class::Word);
                info.push(PatternInfo {
                    rule: ri,
                    place,
                    bound_start: first.is_some_and(|c| class(c) == Class::Word),
                    bound_end,
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
        // Three automata, so that plain ASCII text costs little:
        // - ASCII patterns that start with a word: searched anchored, only at word starts whose
        //   first word (letters or digits) begins some pattern (a hash-set test per word);
        // - ASCII patterns that start with a separator ("$"): a small unanchored automaton;
        // - patterns with other characters: unanchored, run only on text that is not ASCII.
        let mut word_ids = Vec::new();
        let mut sep_ids = Vec::new();
        let mut other_ids = Vec::new();
        let mut first_words = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            if !p.is_ascii() {
                other_ids.push(i as u32);
            } else if let Some(w) = first_word(p.as_bytes()) {
                word_ids.push(i as u32);
                first_words.push(word_hash(w));
            } else {
                sep_ids.push(i as u32);
            }
        }
        let build = |ids: &[u32], anchored: bool| -> Result<Option<AhoCorasick>, ScreenError> {
            if ids.is_empty() {
                return Ok(None);
            }
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .start_kind(if anchored {
                    StartKind::Anchored
                } else {
                    StartKind::Unanchored
                })
                .build(ids.iter().map(|&i| &patterns[i as usize]))
                .map(Some)
                .map_err(|e| ScreenError::Data(format!("rules automaton: {e}")))
        };
        let word_ac = build(&word_ids, true)?;
        let sep_ac = build(&sep_ids, false)?;
        let other_ac = build(&other_ids, false)?;
        let other_max_len = other_ids
            .iter()
            .map(|&i| patterns[i as usize].len())
            .max()
            .unwrap_or(0);
        let automata = Automata {
            word: word_ac.map(|a| (a, word_ids)),
            sep: sep_ac.map(|a| (a, sep_ids)),
            other: other_ac.map(|a| (a, other_ids)),
            other_max_len,
            first_words: HashSet64::new(first_words),
        };
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
            automata,
        })
    }

    /// Runs every lexicon over normalised `text` (the screener does the same inside its one pass).
    #[cfg(test)]
    pub fn scan(&self, text: &str, out: &mut RuleHits) {
        crate::text::tokenize(
            text,
            |_| true,
            |s, e, h| self.on_word(text, s, e, h, out),
            |_| {},
        );
        self.scan_rest(text, out);
    }

    /// The per-word part of [`RuleSet::scan`], fed by the tokeniser: phrases that start with a
    /// word are searched (anchored) only where a word that begins some phrase stands.
    #[inline]
    pub fn on_word(&self, text: &str, start: usize, _end: usize, hash: u64, out: &mut RuleHits) {
        let Some((ac, ids)) = &self.automata.word else {
            return;
        };
        if !self.automata.first_words.contains(hash) {
            return;
        }
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        let mut state = OverlappingState::start();
        loop {
            ac.find_overlapping(input.clone(), &mut state);
            let Some(m) = state.get_match() else { break };
            if let Some(&pid) = ids.get(m.pattern().as_usize()) {
                self.on_match(pid as usize, m.start(), m.end(), text, out);
            }
        }
    }

    /// The rest of [`RuleSet::scan`]: phrases that start with a separator, and phrases in
    /// other scripts (only when the text is not all ASCII).
    pub fn scan_rest(&self, text: &str, out: &mut RuleHits) {
        let a = &self.automata;
        if let Some((ac, ids)) = &a.sep {
            self.scan_with(ac, ids, text, out);
        }
        if let Some((ac, ids)) = &a.other {
            self.scan_non_ascii(ac, ids, a.other_max_len, text, out);
        }
    }

    /// Runs `automaton` (patterns that each hold a non-ASCII character, at most `reach` bytes
    /// long) only over the parts of `text` near non-ASCII bytes: a match contains one, so it
    /// lies within `reach` bytes of it. Mostly-English text with a stray "’" costs little.
    /// Windows are merged when they touch and searched left to right, so matches are reported
    /// once each, in the same order as by a search of the whole text.
    fn scan_non_ascii(
        &self,
        automaton: &AhoCorasick,
        ids: &[u32],
        reach: usize,
        text: &str,
        out: &mut RuleHits,
    ) {
        let bytes = text.as_bytes();
        let mut window: Option<(usize, usize)> = None;
        let mut i = next_non_ascii(bytes, 0);
        while i < bytes.len() {
            let (lo, hi) = (i.saturating_sub(reach), (i + reach + 1).min(bytes.len()));
            window = match window {
                Some((s, e)) if lo <= e => Some((s, hi)),
                Some((s, e)) => {
                    self.scan_range(automaton, ids, text, s, e, out);
                    Some((lo, hi))
                }
                None => Some((lo, hi)),
            };
            i = next_non_ascii(bytes, i + 1);
        }
        if let Some((s, e)) = window {
            self.scan_range(automaton, ids, text, s, e, out);
        }
    }

    fn scan_range(
        &self,
        automaton: &AhoCorasick,
        ids: &[u32],
        text: &str,
        start: usize,
        end: usize,
        out: &mut RuleHits,
    ) {
        let input = Input::new(text).range(start..end);
        for m in automaton.find_overlapping_iter(input) {
            if let Some(&pid) = ids.get(m.pattern().as_usize()) {
                self.on_match(pid as usize, m.start(), m.end(), text, out);
            }
        }
    }

    fn scan_with(&self, automaton: &AhoCorasick, ids: &[u32], text: &str, out: &mut RuleHits) {
        for m in automaton.find_overlapping_iter(text) {
            if let Some(&pid) = ids.get(m.pattern().as_usize()) {
                self.on_match(pid as usize, m.start(), m.end(), text, out);
            }
        }
    }

    /// Records one pattern occurrence at `start..end`, after the boundary and negation checks.
    fn on_match(&self, pid: usize, start: usize, end: usize, text: &str, out: &mut RuleHits) {
        let Some(pi) = self.info.get(pid) else {
            return;
        };
        if pi.bound_start && is_letter(text[..start].chars().next_back()) {
            return;
        }
        if pi.bound_end && is_letter(text[end..].chars().next()) {
            return;
        }
        let rule = usize::from(pi.rule);
        if self.rules.get(rule).is_some_and(|r| r.negatable) && negated(text, start) {
            return;
        }
        if Some(pi.rule) == self.currency_rule {
            if let Some(place) = pi.place
                && out.ncurrencies < MAX_CURRENCY_HITS
            {
                out.currencies[out.ncurrencies] = CurrencyHit {
                    start: start as u32,
                    end: end as u32,
                    place,
                };
                out.ncurrencies += 1;
            }
            return;
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

    /// A pattern as shown in a reason.
    pub fn display(&self, pid: usize) -> Option<String> {
        let p = self.patterns.get(pid)?;
        Some(p.clone())
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
    automata: Automata {
        word: None,
        sep: None,
        other: None,
        other_max_len: 0,
        first_words: HashSet64::new([]),
    },
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
        rs.scan(&format!("\n{}", normalize(text)), &mut hits);
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
