//! Known scam signals: contacts, handles, domains and wallets seen in earlier cases.
//!
//! The list is given as CSV `kind,value,cases` (header optional; `kind` is one of `phone`,
//! `handle`, `telegram`, `whatsapp`, `line`, `wechat`, `zalo`, `email`, `domain`, `url`,
//! `wallet`). Text-form values are compiled into one Aho-Corasick automaton; phone numbers are
//! compared on their last nine digits, so `+66 81 234 5678`, `081-234-5678` and `66812345678`
//! are one number.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use serde::Serialize;

use crate::ScreenError;
use crate::text::normalize;

/// Digits a phone number is compared on.
const PHONE_KEY_DIGITS: usize = 9;
/// Shortest text value accepted in a signal list (shorter ones would match everywhere).
const MIN_VALUE_LEN: usize = 4;
/// Largest signal list accepted, in entries.
pub const MAX_SIGNALS: usize = 1_000_000;

/// The kind of a contact or signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Phone,
    Handle,
    Email,
    Domain,
    Wallet,
}

impl SignalKind {
    fn parse(s: &str) -> Option<SignalKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "phone" | "whatsapp_phone" | "tel" => SignalKind::Phone,
            "handle" | "telegram" | "whatsapp" | "line" | "wechat" | "zalo" | "signal"
            | "viber" | "facebook" | "tiktok" => SignalKind::Handle,
            "email" | "e-mail" => SignalKind::Email,
            "domain" | "url" | "website" => SignalKind::Domain,
            "wallet" | "crypto" | "usdt" | "btc" | "eth" | "trx" => SignalKind::Wallet,
            _ => return None,
        })
    }

    /// A word for the kind, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            SignalKind::Phone => "phone number",
            SignalKind::Handle => "messaging handle",
            SignalKind::Email => "e-mail address",
            SignalKind::Domain => "website",
            SignalKind::Wallet => "crypto wallet",
        }
    }
}

/// One known signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub kind: SignalKind,
    /// The normalised value.
    pub value: String,
    /// In how many cases it was seen.
    pub cases: u32,
}

/// A list of known signals, compiled for matching.
#[derive(Debug, Clone)]
pub struct SignalList {
    signals: Vec<Signal>,
    automaton: Option<AhoCorasick>,
    /// Signal index of each automaton pattern.
    text_ids: Vec<usize>,
    phones: HashMap<String, usize>,
    /// Whether every text value starts with an ASCII letter or digit: the automaton is then
    /// anchored and run at word starts whose first byte is in `first_bytes`.
    at_words: bool,
    first_bytes: [bool; 256],
}

impl Default for SignalList {
    fn default() -> Self {
        SignalList {
            signals: Vec::new(),
            automaton: None,
            text_ids: Vec::new(),
            phones: HashMap::new(),
            at_words: false,
            first_bytes: [false; 256],
        }
    }
}

/// Text-value signals found at word starts of one ad (signal indices, in text order).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordHits {
    found: [u32; 8],
    n: usize,
    /// End of the last match: matches do not overlap.
    last_end: usize,
}

#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Normalises a value of `kind` into its matching key.
fn key(kind: SignalKind, raw: &str) -> Option<String> {
    let v = normalize(raw.trim());
    let v = match kind {
        SignalKind::Phone => {
            let digits: String = v.chars().filter(char::is_ascii_digit).collect();
            if digits.len() < 8 || digits.len() > 15 {
                return None;
            }
            return Some(digits[digits.len() - PHONE_KEY_DIGITS..].to_owned());
        }
        SignalKind::Handle => {
            let v = v
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let v = v
                .trim_start_matches("t.me/")
                .trim_start_matches("telegram.me/");
            v.trim_start_matches('@').trim_end_matches('/').to_owned()
        }
        SignalKind::Domain => {
            let v = v
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            let v = v.trim_start_matches("www.");
            v.split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned()
        }
        SignalKind::Email | SignalKind::Wallet => v,
    };
    (v.len() >= MIN_VALUE_LEN && v.is_ascii()).then_some(v)
}

impl SignalList {
    /// Builds a list from signals; entries that cannot be normalised are skipped.
    pub fn new(signals: impl IntoIterator<Item = Signal>) -> Result<SignalList, ScreenError> {
        let mut list = SignalList::default();
        let mut patterns = Vec::new();
        let mut seen: HashMap<(SignalKind, String), usize> = HashMap::new();
        for s in signals {
            let Some(k) = key(s.kind, &s.value) else {
                continue;
            };
            if let Some(&i) = seen.get(&(s.kind, k.clone())) {
                list.signals[i].cases = list.signals[i].cases.max(s.cases);
                continue;
            }
            if list.signals.len() >= MAX_SIGNALS {
                return Err(ScreenError::Input(format!(
                    "signal list longer than {MAX_SIGNALS}"
                )));
            }
            let idx = list.signals.len();
            seen.insert((s.kind, k.clone()), idx);
            if s.kind == SignalKind::Phone {
                list.phones.insert(k.clone(), idx);
            } else {
                patterns.push(k.clone());
                list.text_ids.push(idx);
            }
            list.signals.push(Signal {
                kind: s.kind,
                value: k,
                cases: s.cases.max(1),
            });
        }
        // Values that all start with a letter or digit are searched only where a word starts
        // (fed by the tokeniser), not by a scan of every byte.
        let at_words = patterns
            .iter()
            .all(|p| p.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric));
        if at_words {
            for p in &patterns {
                if let Some(&b) = p.as_bytes().first() {
                    list.first_bytes[usize::from(b)] = true;
                }
            }
        }
        list.at_words = at_words;
        if !patterns.is_empty() {
            list.automaton = Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .start_kind(if at_words {
                        StartKind::Anchored
                    } else {
                        StartKind::Unanchored
                    })
                    .build(&patterns)
                    .map_err(|e| ScreenError::Input(format!("signal list: {e}")))?,
            );
        }
        Ok(list)
    }

    /// Parses CSV `kind,value,cases` (header optional, `cases` optional, `#` comments).
    pub fn from_csv(src: &str) -> Result<SignalList, ScreenError> {
        let mut out = Vec::new();
        for (n, line) in src.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(3, ',');
            let kind = parts.next().unwrap_or_default();
            let value = parts.next().unwrap_or_default().trim().trim_matches('"');
            let cases = parts.next().map(str::trim).unwrap_or("1");
            if n == 0 && kind.trim().eq_ignore_ascii_case("kind") {
                continue;
            }
            let kind = SignalKind::parse(kind).ok_or_else(|| {
                ScreenError::Input(format!("signal list line {}: unknown kind {kind:?}", n + 1))
            })?;
            let cases = cases.parse::<u32>().map_err(|_| {
                ScreenError::Input(format!("signal list line {}: cases is not a number", n + 1))
            })?;
            out.push(Signal {
                kind,
                value: value.to_owned(),
                cases,
            });
        }
        SignalList::new(out)
    }

    /// Number of distinct signals.
    pub fn len(&self) -> usize {
        self.signals.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.signals.is_empty()
    }

    /// Looks for text values starting at the word that starts at `start` of normalised `text`
    /// (the tokeniser calls this for every word).
    #[inline]
    pub(crate) fn on_word(&self, text: &str, start: usize, hits: &mut WordHits) {
        if !self.at_words {
            return;
        }
        let bytes = text.as_bytes();
        if !bytes
            .get(start)
            .is_some_and(|&b| self.first_bytes[usize::from(b)])
            || start < hits.last_end
            || hits.n == hits.found.len()
            || start.checked_sub(1).is_some_and(|i| is_word_byte(bytes[i]))
        {
            return;
        }
        let Some(ac) = &self.automaton else { return };
        let input = Input::new(text).range(start..).anchored(Anchored::Yes);
        let Ok(Some(m)) = ac.try_find(input) else {
            return;
        };
        if bytes.get(m.end()).is_some_and(|&b| is_word_byte(b)) {
            return;
        }
        hits.last_end = m.end();
        if let Some(&idx) = self.text_ids.get(m.pattern().as_usize()) {
            let idx = idx as u32;
            if !hits.found[..hits.n].contains(&idx) {
                hits.found[hits.n] = idx;
                hits.n += 1;
            }
        }
    }

    /// Calls `hit` with each known signal found in normalised `text` (at most once each,
    /// at most `limit` hits).
    #[cfg(test)]
    pub(crate) fn scan(&self, text: &str, limit: usize, hit: impl FnMut(&Signal)) {
        let mut words = WordHits::default();
        let bytes = text.as_bytes();
        for i in 0..bytes.len() {
            if bytes[i].is_ascii_alphanumeric() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            {
                self.on_word(text, i, &mut words);
            }
        }
        self.scan_with(text, &words, limit, hit);
    }

    /// [`SignalList::scan`] given the text values already found at word starts by
    /// [`SignalList::on_word`].
    pub(crate) fn scan_with(
        &self,
        text: &str,
        words: &WordHits,
        limit: usize,
        mut hit: impl FnMut(&Signal),
    ) {
        if self.signals.is_empty() {
            return;
        }
        let mut found: [usize; 8] = [usize::MAX; 8];
        let mut nfound = 0;
        let limit = limit.min(found.len());
        let mut report = |idx: usize, found: &mut [usize; 8], nfound: &mut usize| {
            if *nfound < limit && !found[..*nfound].contains(&idx) {
                found[*nfound] = idx;
                *nfound += 1;
                if let Some(s) = self.signals.get(idx) {
                    hit(s);
                }
            }
        };
        let bytes = text.as_bytes();
        let is_word = |b: Option<&u8>| b.is_some_and(|&b| is_word_byte(b));
        if self.at_words {
            for &idx in &words.found[..words.n] {
                report(idx as usize, &mut found, &mut nfound);
            }
        } else if let Some(ac) = &self.automaton {
            for m in ac.find_iter(text) {
                let before = m.start().checked_sub(1).and_then(|i| bytes.get(i));
                if is_word(before) || is_word(bytes.get(m.end())) {
                    continue;
                }
                if let Some(&idx) = self.text_ids.get(m.pattern().as_usize()) {
                    report(idx, &mut found, &mut nfound);
                }
            }
        }
        if !self.phones.is_empty() {
            for_each_phone(text, |digits| {
                if let Some(&idx) = self.phones.get(&digits[digits.len() - PHONE_KEY_DIGITS..]) {
                    report(idx, &mut found, &mut nfound);
                }
            });
        }
    }
}

/// Calls `f` with the digits of each phone-number-like run in `text`: starting with `+` or `0`
/// (or 10+ digits), separated only by spaces, dashes, dots or brackets, 8 to 15 digits.
fn for_each_phone(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut digits = [0u8; 15];
    while i < bytes.len() {
        i = next_digit_or_plus(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        let starts =
            (b == b'+' || b.is_ascii_digit()) && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let plus = b == b'+';
        let mut j = if plus { i + 1 } else { i };
        let mut n = 0;
        let mut overflow = false;
        while j < bytes.len() {
            let c = bytes[j];
            if c.is_ascii_digit() {
                if n == digits.len() {
                    overflow = true;
                    break;
                }
                digits[n] = c;
                n += 1;
            } else if !(matches!(c, b' ' | b'-' | b'.' | b'(' | b')')
                && bytes
                    .get(j + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == b'('))
            {
                break;
            }
            j += 1;
        }
        let first_zero = n > 0 && digits[0] == b'0';
        let clean_end = !bytes.get(j).is_some_and(u8::is_ascii_alphanumeric);
        if !overflow
            && clean_end
            && n >= 8
            && (plus || first_zero || n >= 10)
            && let Ok(s) = std::str::from_utf8(&digits[..n])
        {
            f(s);
        }
        i = j.max(i + 1);
    }
}

/// The first index from `i` holding an ASCII digit or `+` (`bytes.len()` if none), sixteen
/// bytes a step.
#[inline]
fn next_digit_or_plus(bytes: &[u8], mut i: usize) -> usize {
    let hit = |c: u8| c.wrapping_sub(b'0') < 10 || c == b'+';
    while let Some(block) = bytes.get(i..i + 16) {
        if block.iter().fold(false, |any, &c| any | hit(c)) {
            break;
        }
        i += 16;
    }
    while i < bytes.len() && !hit(bytes[i]) {
        i += 1;
    }
    i
}

/// A contact found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub kind: SignalKind,
    /// The normalised value (as a signal list would hold it).
    pub value: String,
}

/// Extracts phone numbers, @handles, t.me / wa.me / line.me links, e-mail addresses, domains
/// and crypto wallets from `text` (at most `limit`), normalised for a signal list.
pub fn extract_contacts(text: &str, limit: usize) -> Vec<Contact> {
    let text = normalize(&text[..crate::floor_char_boundary(text, crate::MAX_TEXT_BYTES)]);
    let mut out: Vec<Contact> = Vec::new();
    let push = |kind: SignalKind, raw: &str, out: &mut Vec<Contact>| {
        if out.len() >= limit {
            return;
        }
        if let Some(value) = key(kind, raw) {
            let c = Contact { kind, value };
            if !out.contains(&c) {
                out.push(c);
            }
        }
    };
    for_each_phone(&text, |d| push(SignalKind::Phone, d, &mut out));
    let chunks = text.split(|c: char| {
        !(c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '/' | ':' | '+' | '-' | '_' | '~'))
    });
    for chunk in chunks {
        let chunk = chunk.trim_matches(|c: char| matches!(c, '.' | ':' | '-' | '/'));
        if chunk.len() < MIN_VALUE_LEN {
            continue;
        }
        if let Some(rest) = chunk.split_once("t.me/").map(|(_, r)| r) {
            push(
                SignalKind::Handle,
                rest.split(['/', '?']).next().unwrap_or_default(),
                &mut out,
            );
        } else if let Some(rest) = chunk.split_once("wa.me/").map(|(_, r)| r) {
            push(SignalKind::Phone, rest, &mut out);
        } else if let Some(rest) = chunk.split_once("line.me/ti/p/").map(|(_, r)| r) {
            push(SignalKind::Handle, rest.trim_start_matches('~'), &mut out);
        } else if let Some(h) = chunk.strip_prefix('@') {
            if h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.'))
            {
                push(SignalKind::Handle, h, &mut out);
            }
        } else if let Some((local, domain)) = chunk.split_once('@') {
            if !local.is_empty() && domain.contains('.') {
                push(SignalKind::Email, chunk, &mut out);
            }
        } else if is_wallet(chunk) {
            push(SignalKind::Wallet, chunk, &mut out);
        } else if looks_like_domain(chunk) {
            push(SignalKind::Domain, chunk, &mut out);
        }
    }
    out
}

/// An Ethereum-style (`0x` + 40 hex) or TRON-style (`t` + 33 alphanumerics) address.
fn is_wallet(s: &str) -> bool {
    let eth = s.len() == 42 && s.starts_with("0x") && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
    let tron = s.len() == 34
        && s.starts_with('t')
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.bytes().any(|b| b.is_ascii_digit());
    eth || tron
}

fn looks_like_domain(s: &str) -> bool {
    let host = s
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let mut labels = host.split('.');
    let Some(tld) = host.rsplit('.').next() else {
        return false;
    };
    host.contains('.')
        && (2..=12).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_lowercase())
        && labels
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_and_normalises_contacts() {
        let c = extract_contacts(
            "Telegram @Example_HR or t.me/example_jobs, WhatsApp +000 81 234 5678, mail hr@example.com, see www.example-jobs.test/apply, USDT 0x00000000000000000000000000000000000000aB",
            20,
        );
        let has = |k: SignalKind, v: &str| c.iter().any(|x| x.kind == k && x.value == v);
        assert!(has(SignalKind::Handle, "example_hr"), "{c:?}");
        assert!(has(SignalKind::Handle, "example_jobs"), "{c:?}");
        assert!(has(SignalKind::Phone, "812345678"), "{c:?}");
        assert!(has(SignalKind::Email, "hr@example.com"), "{c:?}");
        assert!(has(SignalKind::Domain, "example-jobs.test"), "{c:?}");
        assert!(
            has(
                SignalKind::Wallet,
                "0x00000000000000000000000000000000000000ab"
            ),
            "{c:?}"
        );
    }

    #[test]
    #[expect(clippy::unwrap_used, reason = "test")]
    fn matches_list_across_formats() {
        let list = SignalList::from_csv(
            "kind,value,cases\nphone,+000-812-345-678,3\ntelegram,@example_hr,2\ndomain,https://www.example-jobs.test/x,1\n",
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        let mut hits = Vec::new();
        list.scan(
            &normalize("call 0812 345 678 or tg @Example_HR, example-jobs.test"),
            8,
            |s| hits.push((s.kind, s.cases)),
        );
        assert_eq!(hits.len(), 3, "{hits:?}");
        let mut none = 0;
        list.scan(&normalize("tg @example_hr2 and 1812345678x"), 8, |_| {
            none += 1
        });
        assert_eq!(none, 0);
    }

    #[test]
    fn rejects_bad_lines() {
        assert!(SignalList::from_csv("fax,123,1").is_err());
        assert!(SignalList::from_csv("phone,0812345678,many").is_err());
    }
}
