//! Text normalisation and tokenisation shared by the rules and the model.
//!
//! Policy: one pass builds a lower-cased copy of the ad in which full-width ASCII is folded to
//! ASCII and Thai, Lao, Burmese and Khmer digits become ASCII digits, so that lexicons and the
//! salary parser see one spelling. Scripts written without spaces (Chinese, Japanese kana, Thai,
//! Lao, Burmese, Khmer) are tokenised as overlapping character bigrams and trigrams; everything
//! else is split into words on non-alphanumeric characters.

/// How a character takes part in tokenisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Letter or digit of a script written with spaces between words.
    Word,
    /// Character of a script written without spaces.
    Dense,
    /// Anything else: a separator.
    Sep,
}

/// Classifies one (already lower-cased) character.
#[inline]
pub(crate) fn class(c: char) -> Class {
    let u = c as u32;
    if u < 0x80 {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Sep
        };
    }
    match u {
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x19E0..=0x19FF
        | 0x3040..=0x30FF // kana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FFFF => Class::Dense,
        // Combining marks (decomposed Vietnamese tones) stay inside their word.
        0x0300..=0x036F => Class::Word,
        _ if c.is_alphanumeric() => Class::Word,
        _ => Class::Sep,
    }
}

/// Folds one character to the form lexicons are written in, pushing it onto `out`.
#[inline]
fn push_folded(out: &mut String, c: char) {
    let u = c as u32;
    let mapped = match u {
        // Full-width ASCII variants (common in Chinese-language ads).
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0),
        0x3000 => Some(' '),
        // Thai, Lao, Burmese, Khmer digits.
        0x0E50..=0x0E59 => char::from_u32(u - 0x0E50 + 0x30),
        0x0ED0..=0x0ED9 => char::from_u32(u - 0x0ED0 + 0x30),
        0x1040..=0x1049 => char::from_u32(u - 0x1040 + 0x30),
        0x17E0..=0x17E9 => char::from_u32(u - 0x17E0 + 0x30),
        // Typographic apostrophes and dashes.
        0x2018 | 0x2019 => Some('\''),
        0x2013 | 0x2014 => Some('-'),
        _ => None,
    };
    let c = mapped.unwrap_or(c);
    // Only scripts with case need lower-casing; skip the Unicode tables for the rest.
    let cased = (c as u32) < 0x0590
        || (0x1E00..=0x1FFF).contains(&(c as u32))
        || (0x2C00..=0x2D2F).contains(&(c as u32))
        || (0xA640..=0xA7FF).contains(&(c as u32))
        || (0x10400..=0x1E943).contains(&(c as u32));
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if cased && c.is_uppercase() {
        out.extend(c.to_lowercase());
    } else {
        out.push(c);
    }
}

/// Appends the normalised form of `s` to `out`, reading at most `max_bytes` bytes of `s`
/// (cut on a character boundary). Returns whether `s` was cut.
pub(crate) fn normalize_into(out: &mut String, s: &str, max_bytes: usize) -> bool {
    let mut cut = s.len() > max_bytes;
    let mut end = s.len().min(max_bytes);
    while !s.is_char_boundary(end) {
        end -= 1;
        cut = true;
    }
    let s = &s[..end];
    out.reserve(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        // Fast path: a run of printable ASCII (or newlines) is copied and lower-cased in place.
        let run = ascii_run(rest.as_bytes());
        if run > 0 {
            let start = out.len();
            out.push_str(&rest[..run]);
            out[start..].make_ascii_lowercase();
            rest = &rest[run..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        let u = c as u32;
        if u < 0x20 || (0x7F..=0x9F).contains(&u) {
            out.push(' ');
        } else {
            push_folded(out, c);
        }
    }
    cut
}

/// Whether `b` is printable ASCII or a newline (copied as is, only lower-cased).
#[inline]
fn plain(b: u8) -> bool {
    b == b'\n' || b.wrapping_sub(0x20) < 0x5F
}

/// Length of the leading run of printable ASCII (or newlines) of `b`, sixteen bytes a step
/// (a branch-free test per block, which the compiler turns into vector compares).
#[inline]
fn ascii_run(b: &[u8]) -> usize {
    let mut i = 0;
    for block in b.chunks_exact(16) {
        if !block.iter().fold(true, |ok, &c| ok & plain(c)) {
            break;
        }
        i += 16;
    }
    i + b[i..]
        .iter()
        .position(|&c| !plain(c))
        .unwrap_or(b.len() - i)
}

/// Normalises a lexicon entry the same way as ad text.
pub(crate) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(&mut out, s, usize::MAX);
    out
}

/// A fast 64-bit hash of a short byte string (eight bytes a step), stable across platforms and
/// releases: the feature and word hash.
#[inline]
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0xff51_afd7_ed55_8ccd)
            .rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Built byte by byte: a variable-length copy would be a call to memcpy.
        let w = rest
            .iter()
            .rev()
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = tail(h, w);
    }
    h
}

#[inline]
fn tail(h: u64, w: u64) -> u64 {
    (h ^ w).wrapping_mul(0xc4ce_b9fe_1a85_ec53).rotate_left(31)
}

/// `hash_bytes(seed, &bytes[start..end])`, reading a short word as one masked 8-byte load
/// where the buffer allows.
#[inline]
pub(crate) fn hash_in(seed: u64, bytes: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    if (1..8).contains(&len)
        && let Some(chunk) = bytes.get(start..start + 8)
    {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w) & ((1u64 << (8 * len)) - 1);
        return tail(seed ^ (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15), w);
    }
    hash_bytes(seed, &bytes[start..end])
}

/// A set of 64-bit hashes (open addressing; for stop words and rule first words).
#[derive(Debug, Clone)]
pub(crate) struct HashSet64 {
    table: Vec<u64>,
    mask: usize,
    /// One bit per `filter_bit(h)` of the members: most words are in neither set, and this
    /// 512-byte filter (always in L1) rejects them without a read of the table.
    filter: [u64; FILTER_WORDS],
}

const FILTER_WORDS: usize = 64;

#[inline]
fn filter_bit(h: u64) -> (usize, u64) {
    let b = (h >> 40) as usize & (FILTER_WORDS * 64 - 1);
    (b / 64, 1u64 << (b % 64))
}

impl HashSet64 {
    pub fn new(items: impl IntoIterator<Item = u64>) -> HashSet64 {
        let items: Vec<u64> = items.into_iter().map(|h| h | 1).collect();
        let size = (items.len() * 4).next_power_of_two().max(16);
        let mut table = vec![0u64; size];
        let mask = size - 1;
        let mut filter = [0u64; FILTER_WORDS];
        for h in items {
            let (w, bit) = filter_bit(h);
            filter[w] |= bit;
            let mut i = (h >> 7) as usize & mask;
            while table[i] != 0 && table[i] != h {
                i = (i + 1) & mask;
            }
            table[i] = h;
        }
        HashSet64 {
            table,
            mask,
            filter,
        }
    }

    #[inline]
    pub fn contains(&self, h: u64) -> bool {
        let h = h | 1;
        let (w, bit) = filter_bit(h);
        if self.filter[w] & bit == 0 {
            return false;
        }
        let mut i = (h >> 7) as usize & self.mask;
        loop {
            let v = self.table[i];
            if v == h {
                return true;
            }
            if v == 0 {
                return false;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Seed of the feature hash.
pub(crate) const FNV_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// Final avalanche so that bucket indices taken from the high bits are well spread.
#[inline]
pub(crate) fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// Combines two hashes into the hash of their sequence (for n-grams).
#[inline]
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    mix(a.rotate_left(17) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// One token feature: its hash and the byte span of the text that produced it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Feature {
    pub hash: u64,
    pub start: u32,
    pub end: u32,
}

/// Byte classes of ASCII for the fast path: 0 separator, 1 letter, 2 digit.
const ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() {
            1
        } else if b.is_ascii_digit() {
            2
        } else {
            0
        };
        i += 1;
    }
    t
};

/// The hash of a word as the tokeniser computes it (for stop words and rule first words).
#[inline]
pub(crate) fn word_hash(w: &[u8]) -> u64 {
    mix(hash_bytes(FNV_SEED, w))
}

/// Tokenises normalised `text` in one pass.
///
/// Words are runs of letters or runs of digits (split where letters meet digits: "15tr" is
/// "15" and "tr"). `on_word(start, end, hash)` sees every word, stop words included (the rules
/// look for phrase starts there); `f` gets the model features: word unigrams and bigrams (stop
/// words skipped, as in the EMSCAD preprocessing the model is trained on) and character bigrams
/// and trigrams for scripts written without spaces. Text that is all ASCII takes a byte loop.
pub(crate) fn tokenize(
    text: &str,
    is_stop: impl Fn(u64) -> bool,
    mut on_word: impl FnMut(usize, usize, u64),
    mut f: impl FnMut(Feature),
) {
    let bytes = text.as_bytes();
    let mut prev_word: Option<(u64, u32)> = None;
    // Returns the features of one word (its unigram, and its bigram with the previous word)
    // for the caller to hand to `f`: passed by value, and `f` inlined, not called through a
    // `dyn` pointer (a feature written to memory and read back at once stalls the store buffer).
    let mut word_features = |start: usize,
                             end: usize,
                             prev_word: &mut Option<(u64, u32)>|
     -> Option<(Feature, Option<Feature>)> {
        let h = mix(hash_in(FNV_SEED, bytes, start, end));
        on_word(start, end, h);
        if is_stop(h) {
            return None;
        }
        let uni = Feature {
            hash: h,
            start: start as u32,
            end: end as u32,
        };
        let bi = prev_word.map(|(p, ps)| Feature {
            hash: combine(p, h),
            start: ps,
            end: end as u32,
        });
        *prev_word = Some((h, start as u32));
        Some((uni, bi))
    };
    macro_rules! emit_word {
        ($start:expr, $end:expr) => {
            if let Some((uni, bi)) = word_features($start, $end, &mut prev_word) {
                f(uni);
                if let Some(bi) = bi {
                    f(bi);
                }
            }
        };
    }

    if text.is_ascii() {
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let k = ASCII_CLASS[usize::from(bytes[i] & 0x7F)];
            if k == 0 {
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            while i < n && ASCII_CLASS[usize::from(bytes[i] & 0x7F)] == k {
                i += 1;
            }
            emit_word!(start, i);
        }
        return;
    }

    // Previous two dense characters: (hash, start).
    let mut d1: Option<(u64, u32)> = None;
    let mut d2: Option<(u64, u32)> = None;
    // Current word: (start, is digits).
    let mut word: Option<(usize, bool)> = None;
    // Mostly-Latin text with a few other characters: ASCII bytes take a table lookup, and a
    // run of ASCII bytes of one class is crossed in a tight loop (same tokens as a
    // character-by-character walk).
    let n = bytes.len();
    let ascii_class = |j: usize| {
        bytes
            .get(j)
            .filter(|b| b.is_ascii())
            .map(|&b| ASCII_CLASS[usize::from(b)])
    };
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        let (c, cls) = if b.is_ascii() {
            let cls = if ASCII_CLASS[usize::from(b)] == 0 {
                Class::Sep
            } else {
                Class::Word
            };
            (char::from(b), cls)
        } else {
            let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            (c, class(c))
        };
        let next = i + c.len_utf8();
        match cls {
            Class::Word => {
                let digit = c.is_ascii_digit();
                match word {
                    Some((s, d)) if d != digit => {
                        emit_word!(s, i);
                        word = Some((i, digit));
                    }
                    Some(_) => {}
                    None => word = Some((i, digit)),
                }
                d1 = None;
                d2 = None;
                if let Some(k) = ascii_class(i) {
                    let mut j = next;
                    while ascii_class(j) == Some(k) {
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
            Class::Dense => {
                if let Some((s, _)) = word.take() {
                    emit_word!(s, i);
                }
                prev_word = None;
                let end = i + c.len_utf8();
                let h = mix(hash_bytes(FNV_SEED ^ 0x5bd1, &bytes[i..end]));
                if let Some((h1, s1)) = d1 {
                    f(Feature {
                        hash: combine(h1, h),
                        start: s1,
                        end: end as u32,
                    });
                    if let Some((h2, s2)) = d2 {
                        f(Feature {
                            hash: combine(combine(h2, h1), h),
                            start: s2,
                            end: end as u32,
                        });
                    }
                }
                d2 = d1;
                d1 = Some((h, i as u32));
            }
            Class::Sep => {
                if let Some((s, _)) = word.take() {
                    emit_word!(s, i);
                }
                d1 = None;
                d2 = None;
                if b.is_ascii() {
                    let mut j = next;
                    while ascii_class(j) == Some(0) {
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
        }
        i = next;
    }
    if let Some((s, _)) = word.take() {
        emit_word!(s, bytes.len());
    }
}

/// [`tokenize`] without the word callback.
pub(crate) fn for_each_feature(text: &str, is_stop: impl Fn(u64) -> bool, f: impl FnMut(Feature)) {
    tokenize(text, is_stop, |_, _, _| {}, f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_digits_and_case() {
        assert_eq!(normalize("ＵＳＤ１２００ Telegram"), "usd1200 telegram");
        assert_eq!(normalize("๑๕,๐๐๐ บาท"), "15,000 บาท");
        assert_eq!(normalize("Lương 15 TRIỆU"), "lương 15 triệu");
    }

    #[test]
    fn in_buffer_hash_matches_slice_hash() {
        let text = b"no experience needed, telegram only";
        for (s, e) in [(0, 2), (3, 13), (22, 30), (31, 35)] {
            assert_eq!(
                hash_in(FNV_SEED, text, s, e),
                hash_bytes(FNV_SEED, &text[s..e])
            );
        }
    }

    /// The tokens of a character-by-character walk (the tokeniser's reference behaviour):
    /// `(kind, start, end)` with kind 0 for a word and 1 for a dense character.
    fn reference_spans(text: &str) -> Vec<(u8, usize, usize)> {
        let mut out = Vec::new();
        let mut word: Option<(usize, bool)> = None;
        for (i, c) in text.char_indices() {
            match class(c) {
                Class::Word => {
                    let digit = c.is_ascii_digit();
                    match word {
                        Some((s, d)) if d != digit => {
                            out.push((0, s, i));
                            word = Some((i, digit));
                        }
                        Some(_) => {}
                        None => word = Some((i, digit)),
                    }
                }
                Class::Dense | Class::Sep => {
                    if let Some((s, _)) = word.take() {
                        out.push((0, s, i));
                    }
                    if class(c) == Class::Dense {
                        out.push((1, i, i + c.len_utf8()));
                    }
                }
            }
        }
        if let Some((s, _)) = word {
            out.push((0, s, text.len()));
        }
        out
    }

    #[test]
    fn mixed_script_tokens_match_a_character_walk() {
        let samples = [
            "Lương 15 TRIỆU/tháng, làm việc tại Sihanoukville — café 24h",
            "Customer service 客服招聘 月薪2万元 telegram @hr_01",
            "งานแอดมิน ๓๕,๐๐๐ บาท/เดือน ไม่ต้องมีประสบการณ์ admin2",
            "it’s a résumé: naïve façade…ok x1y2z  ១២៣ ខ្មែរ ကမ္ဘာ",
            "ＵＳＤ１２００ no fee; ¥3000 ₱60,000 Rp 15.000.000",
        ];
        let extra = include_str!("../testdata/multilingual.jsonl");
        for raw in samples.iter().copied().chain(extra.lines()) {
            let text = normalize(raw);
            let mut got = Vec::new();
            let mut dense = Vec::new();
            tokenize(
                &text,
                |_| false,
                |s, e, _| got.push((0, s, e)),
                |ft| {
                    let e = ft.end as usize;
                    if let Some(last) = text[..e].chars().next_back()
                        && class(last) == Class::Dense
                    {
                        dense.push((1, e - last.len_utf8(), e));
                    }
                },
            );
            let mut want = reference_spans(&text);
            // Dense characters are reported only as the ends of bigrams and trigrams: keep
            // those that are not the first of their run.
            want.retain(|&(k, s, _)| {
                k == 0
                    || text[..s]
                        .chars()
                        .next_back()
                        .is_some_and(|p| class(p) == Class::Dense)
            });
            got.extend(dense);
            got.sort_unstable();
            got.dedup();
            want.sort_unstable();
            assert_eq!(got, want, "{raw}");
        }
    }

    #[test]
    fn cuts_on_char_boundary() {
        let mut out = String::new();
        assert!(normalize_into(&mut out, "ab泰国", 4));
        assert_eq!(out, "ab");
    }

    #[test]
    fn tokenises_words_and_dense_scripts() {
        let text = normalize("Customer service 客服招聘");
        let mut spans = Vec::new();
        for_each_feature(
            &text,
            |_| false,
            |ft| spans.push(text[ft.start as usize..ft.end as usize].to_owned()),
        );
        assert!(spans.contains(&"customer".to_owned()));
        assert!(spans.contains(&"customer service".to_owned()));
        assert!(spans.contains(&"客服".to_owned()));
        assert!(spans.contains(&"客服招".to_owned()));
    }
}
