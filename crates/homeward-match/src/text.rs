//! Script-independent text folding: diacritics, case, a stable hash, and the phonetic key
//! that absorbs romanisation variation (Thai ph/p, th/t, j/ch, ee/i, oo/u, w/v, final d/t;
//! Indonesian old spelling; Wade–Giles aspiration and affricates).

use unicode_normalization::UnicodeNormalization;

/// Longest field we look at, in characters; longer input is truncated, never rejected.
pub const MAX_FIELD_CHARS: usize = 256;

/// 64-bit FNV-1a: stable across runs and platforms (the shipped model and keys rely on that).
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Hash of a string with a domain tag so keys of different kinds never collide.
pub fn tagged(tag: u8, s: &str) -> u64 {
    let mut h = hash(s.as_bytes());
    h ^= u64::from(tag).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h.wrapping_mul(0xff51_afd7_ed55_8ccd)
}

/// Truncates to [`MAX_FIELD_CHARS`] characters.
pub fn bounded(s: &str) -> &str {
    // No more bytes than the limit: no more characters either.
    if s.len() <= MAX_FIELD_CHARS {
        return s;
    }
    match s.char_indices().nth(MAX_FIELD_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Lowercase Latin with diacritics removed (Vietnamese đ → d, ø → o, ß → ss); other scripts
/// pass through lowercased. Used for comparison only: display keeps the original.
pub fn fold_latin(s: &str) -> String {
    // Plain ASCII (most romanised names) has nothing to decompose or strip.
    if s.is_ascii() {
        return bounded(s).to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in bounded(s).nfkd() {
        match c {
            '\u{300}'..='\u{36f}' => {}
            'đ' | 'Đ' => out.push('d'),
            'ø' | 'Ø' => out.push('o'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ł' | 'Ł' => out.push('l'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Phonetic key of one folded ASCII word. Equal keys mean "plausibly the same name written in
/// another romanisation"; the key is deliberately coarse and only ever used next to stricter
/// levels (exact spelling, Han characters).
pub fn phonetic_key(word: &str) -> String {
    let w: Vec<u8> = word.bytes().filter(u8::is_ascii_lowercase).collect();
    let mut out: Vec<u8> = Vec::with_capacity(w.len());
    let mut i = 0;
    let at = |k: usize| -> u8 { w.get(k).copied().unwrap_or(0) };
    while i < w.len() {
        let c = w[i];
        let n = at(i + 1);
        let n2 = at(i + 2);
        let (sym, adv): (u8, usize) = match (c, n) {
            // Indonesian old spelling and Dutch-era vowels.
            (b'o', b'e') if i + 2 < w.len() || i > 0 => (b'u', 2),
            (b'd', b'j') | (b't', b'j') => (b'C', 2),
            (b's', b'j') => (b'S', 2),
            (b'n', b'j') => (b'N', 2),
            // Aspirated stops and affricates (Thai, Wade–Giles, Hokkien).
            (b'p', b'h') | (b'b', b'h') => (b'P', 2),
            (b't', b'h') | (b'd', b'h') => (b'T', 2),
            (b'k', b'h') | (b'g', b'h') => (b'K', 2),
            (b'c', b'h') | (b'z', b'h') | (b't', b's') | (b't', b'z') => {
                if n2 == b'z' && c == b't' {
                    (b'C', 3)
                } else {
                    (b'C', 2)
                }
            }
            (b's', b'h') | (b'h', b's') => (b'S', 2),
            (b'n', b'g') => (b'G', 2),
            (b'q', b'u') if !is_vowel(n2) || n2 == b'u' => (b'K', 1),
            (b'c', b'k') => (b'K', 2),
            _ => {
                let s = match c {
                    b'b' | b'p' => b'P',
                    b'd' | b't' => b'T',
                    b'g' | b'k' | b'q' => b'K',
                    // Southeast Asian spellings: c is "ch" (Indonesian, Malay, Vietnamese).
                    b'c' => b'C',
                    b'j' | b'z' => b'C',
                    b'x' => b'S',
                    b's' => b'S',
                    // w closing a vowel ("kaew" = "kaeo") is part of the vowel.
                    b'w' if i > 0 && is_vowel(w[i - 1]) && !is_vowel(n) => {
                        i += 1;
                        continue;
                    }
                    // r closing a vowel is an English length mark ("porn" = "phon").
                    b'r' if i > 0 && is_vowel(w[i - 1]) && !is_vowel(n) => 0,
                    b'v' | b'w' => b'W',
                    b'f' => b'P',
                    b'h' => {
                        // h only counts at the start of a word ("Ha", "Hoang"); elsewhere it is
                        // an aspiration or vowel-length mark that spellings add or drop.
                        if out.is_empty() { b'H' } else { 0 }
                    }
                    b'a' | b'e' | b'i' | b'o' | b'u' | b'y' => {
                        // vowel run → one canonical vowel
                        let mut j = i;
                        while j < w.len()
                            && (is_vowel(w[j])
                                || (w[j] == b'h' && j + 1 < w.len() && is_vowel(w[j + 1]) && j > i))
                        {
                            j += 1;
                        }
                        let run = &w[i..j];
                        let v = vowel_class(run, out.is_empty(), j >= w.len());
                        out.extend_from_slice(v.as_bytes());
                        i = j;
                        continue;
                    }
                    other => other,
                };
                (s, 1)
            }
        };
        if sym != 0 && out.last() != Some(&sym) {
            out.push(sym);
        }
        i += adv;
    }
    // Thai finals: ช/ด/ต/ส/ศ all end a syllable as "t" ("Phet" / "Pech" / "Phed"); so does a
    // c/s before another consonant or at the end of the word.
    let n = out.len();
    for i in 0..n {
        if matches!(out[i], b'C' | b'S')
            && i > 0
            && (i + 1 == n || !matches!(out[i + 1], b'a' | b'e' | b'i' | b'o' | b'u' | b'Y'))
        {
            out[i] = b'T';
        }
    }
    out.dedup();
    String::from_utf8(out).unwrap_or_default()
}

/// Canonical vowel group: ee/ii/ie-final → i, oo/ou/uu → u, ay/ai/ae → ai, ow/au/ao → au.
fn vowel_class(run: &[u8], initial: bool, last: bool) -> &'static str {
    let r: Vec<u8> = run.iter().copied().filter(|c| *c != b'h').collect();
    let s = std::str::from_utf8(&r).unwrap_or("");
    match s {
        "y" if initial => "Y",
        "y" | "i" | "ee" | "ii" | "ie" | "ey" | "iy" | "ei" | "ea" => {
            if initial && s.starts_with('y') {
                "Y"
            } else {
                "i"
            }
        }
        "u" | "oo" | "ou" | "uu" | "ue" | "oe" | "eu" => "u",
        "o" | "oh" | "or" => "o",
        "a" | "aa" | "ah" | "ar" => "a",
        // Thai แ-ว is "aeo" in RTGS and "aew" in English spellings (แก้ว Kaeo / Kaew).
        "e" | "ae" | "aeo" if !last => "e",
        "aeo" => "e",
        "e" => "e",
        "ai" | "ay" | "ae" | "aai" | "aey" | "aye" | "aii" => "ai",
        "au" | "ao" | "aw" | "aau" | "ow" => "au",
        "oi" | "oy" | "ooi" | "oai" => "oi",
        "ui" | "uy" | "uei" | "ooy" => "ui",
        "ua" | "ooa" | "wa" => "ua",
        "ia" | "ya" | "iaa" => "ia",
        "io" | "yo" | "iu" | "yu" | "eo" => "iu",
        "uo" | "uao" => "uo",
        _ => {
            if initial && s.starts_with('y') {
                "Y"
            } else {
                match r.first() {
                    Some(b'a') => "a",
                    Some(b'e') => "e",
                    Some(b'i') | Some(b'y') => "i",
                    Some(b'o') => "o",
                    _ => "u",
                }
            }
        }
    }
}

/// Jaro–Winkler similarity of two short strings (by chars).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    strsim_jw(a, b)
}

fn strsim_jw(a: &str, b: &str) -> f64 {
    // Names are short: work on fixed arrays of at most 64 code points, no allocation.
    let mut ab = [0u32; 64];
    let mut bb = [0u32; 64];
    let mut la = 0;
    for (i, c) in a.chars().take(64).enumerate() {
        ab[i] = c as u32;
        la = i + 1;
    }
    let mut lb = 0;
    for (i, c) in b.chars().take(64).enumerate() {
        bb[i] = c as u32;
        lb = i + 1;
    }
    let (a, b) = (&ab[..la], &bb[..lb]);
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut bm = [false; 64];
    let mut am = [false; 64];
    let mut m = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !bm[j] && b[j] == *ca {
                bm[j] = true;
                am[i] = true;
                m += 1;
                break;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    let mut t = 0usize;
    let mut k = 0usize;
    for i in 0..a.len() {
        if am[i] {
            while !bm[k] {
                k += 1;
            }
            if a[i] != b[k] {
                t += 1;
            }
            k += 1;
        }
    }
    let m = m as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - t as f64 / 2.0) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Levenshtein distance, bounded input.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold_latin("Nguyễn Văn Đức"), "nguyen van duc");
        assert_eq!(fold_latin("Trần"), "tran");
    }

    #[test]
    fn thai_romanisation_variants_share_a_key() {
        for (a, b) in [
            ("somphon", "sompon"),
            ("thongchai", "tongchai"),
            ("jiraporn", "chiraporn"),
            ("suwit", "suvit"),
            ("pradit", "pradid"),
            ("kittisak", "kitisak"),
            ("phetkhao", "pechkao"),
            ("sirichai", "seerichai"),
            ("boonmee", "bunmi"),
            ("kaeomani", "kaewmanee"),
            ("kaeo", "kaew"),
        ] {
            assert_eq!(phonetic_key(a), phonetic_key(b), "{a} {b}");
        }
    }

    #[test]
    fn old_spelling_and_wade_giles() {
        assert_eq!(phonetic_key("soekarno"), phonetic_key("sukarno"));
        assert_eq!(phonetic_key("djoko"), phonetic_key("joko"));
        assert_eq!(phonetic_key("tjahjono"), phonetic_key("cahjono"));
        assert_eq!(phonetic_key("hsu"), phonetic_key("xu"));
        assert_eq!(phonetic_key("chang"), phonetic_key("zhang"));
        assert_eq!(phonetic_key("tsang"), phonetic_key("zang"));
        assert_ne!(phonetic_key("chan"), phonetic_key("lam"));
    }

    #[test]
    fn jaro_winkler_basics() {
        assert!((jaro_winkler("martha", "marhta") - 0.961).abs() < 0.01);
        assert_eq!(jaro_winkler("", ""), 1.0);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let f = fold_latin(&s);
            let _ = phonetic_key(&f);
            let _ = bounded(&s);
        }
        #[test]
        fn jw_symmetric(a in "[a-z]{0,12}", b in "[a-z]{0,12}") {
            prop_assert!((jaro_winkler(&a, &b) - jaro_winkler(&b, &a)).abs() < 1e-9);
            prop_assert_eq!(levenshtein(&a, &b), levenshtein(&b, &a));
        }
    }
}
