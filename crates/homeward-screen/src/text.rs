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
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c.is_uppercase() {
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
    out.reserve(end);
    for c in s[..end].chars() {
        if c.is_control() && c != '\n' {
            out.push(' ');
        } else {
            push_folded(out, c);
        }
    }
    cut
}

/// Normalises a lexicon entry the same way as ad text.
pub(crate) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(&mut out, s, usize::MAX);
    out
}

/// 64-bit FNV-1a, seeded; the feature hash (stable across platforms and releases).
#[inline]
pub(crate) fn fnv(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

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

/// Calls `f` for every feature of normalised `text`: word unigrams and bigrams (stop words
/// skipped, as in the EMSCAD preprocessing the model is trained on) and character bigrams and
/// trigrams for scripts written without spaces.
pub(crate) fn for_each_feature(
    text: &str,
    is_stop: impl Fn(u64) -> bool,
    mut f: impl FnMut(Feature),
) {
    let bytes = text.as_bytes();
    let mut prev_word: Option<(u64, u32)> = None;
    // Previous two dense characters: (hash, start).
    let mut d1: Option<(u64, u32)> = None;
    let mut d2: Option<(u64, u32)> = None;
    let mut word_start: Option<usize> = None;

    let emit_word = |start: usize,
                     end: usize,
                     prev_word: &mut Option<(u64, u32)>,
                     f: &mut dyn FnMut(Feature)| {
        let h = mix(fnv(FNV_SEED, &bytes[start..end]));
        if is_stop(h) {
            return;
        }
        f(Feature {
            hash: h,
            start: start as u32,
            end: end as u32,
        });
        if let Some((p, ps)) = *prev_word {
            f(Feature {
                hash: combine(p, h),
                start: ps,
                end: end as u32,
            });
        }
        *prev_word = Some((h, start as u32));
    };

    for (i, c) in text.char_indices() {
        match class(c) {
            Class::Word => {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                d1 = None;
                d2 = None;
            }
            Class::Dense => {
                if let Some(s) = word_start.take() {
                    emit_word(s, i, &mut prev_word, &mut f);
                }
                prev_word = None;
                let end = i + c.len_utf8();
                let h = mix(fnv(FNV_SEED ^ 0x5bd1, &bytes[i..end]));
                if let Some((h1, s1)) = d1 {
                    let b = combine(h1, h);
                    f(Feature {
                        hash: b,
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
                if let Some(s) = word_start.take() {
                    emit_word(s, i, &mut prev_word, &mut f);
                }
                d1 = None;
                d2 = None;
            }
        }
    }
    if let Some(s) = word_start.take() {
        emit_word(s, bytes.len(), &mut prev_word, &mut f);
    }
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
