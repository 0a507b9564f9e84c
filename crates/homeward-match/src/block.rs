//! Blocking keys: a pair of records is compared only if they share at least one key. Keys cover
//! each romanisation of the name (pairs of name parts), phones, documents, handles, birth date
//! with an initial, and postcode with an initial — so one wrong field never hides a match.

use crate::names::{Name, Sys, Token, joined_keys};
use crate::record::Prepared;
use crate::text::hash;
use smallvec::SmallVec;

/// Keys of one name part (or joined pair of parts).
type Keys = SmallVec<[u64; 6]>;

/// Most keys of one record.
pub const MAX_KEYS: usize = 64;

fn mix(tag: u64, a: u64, b: u64) -> u64 {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    let h = x.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ y.rotate_left(29)
        ^ tag.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    h ^ (h >> 31)
}

/// Phonetic keys of a token for blocking: its own key, or for a Han character its simplified
/// form and first reading in each system.
fn token_keys(t: &Token) -> Keys {
    if !t.han {
        let mut v: Keys = t.phon.iter().map(|k| k.0).take(2).collect();
        // A Thai name's spelling variants ("Ngoen" / "Ngern") meet through its Thai key.
        if t.thai_context && !v.contains(&t.thai_key) {
            v.push(t.thai_key);
        }
        return v;
    }
    let mut v: Keys = smallvec::smallvec![t.exact];
    for sys in [Sys::Pinyin, Sys::Cantonese, Sys::Dialect] {
        for (k, _) in t
            .phon
            .iter()
            .filter(|(_, s)| *s == sys)
            .take(if sys == Sys::Dialect { 3 } else { 1 })
        {
            if !v.contains(k) {
                v.push(*k);
            }
        }
    }
    v
}

/// One key of a token for whole-name blocking: 0 its primary key; 1 a Han character's pinyin
/// reading or a Latin word's second spelling (Indonesian old spelling rewritten); 2 a Han
/// character's Cantonese reading (else as 1).
fn variant_key(t: &Token, which: u8) -> u64 {
    let primary = if t.han {
        t.exact
    } else {
        t.phon.first().map_or(t.exact, |k| k.0)
    };
    if !t.han {
        return if which == 0 {
            primary
        } else {
            t.phon.get(1).map_or(primary, |k| k.0)
        };
    }
    let sys = match which {
        0 => return primary,
        1 => Sys::Pinyin,
        _ => Sys::Cantonese,
    };
    t.phon
        .iter()
        .find(|(_, s)| *s == sys)
        .map_or(primary, |k| k.0)
}

fn initials(t: &Token) -> SmallVec<[u8; 4]> {
    if t.han {
        let mut v: SmallVec<[u8; 4]> = crate::han::readings(t.text.chars().next().unwrap_or(' '))
            .map(|r| {
                r.pinyin
                    .iter()
                    .take(1)
                    .chain(r.jyutping.iter().take(1))
                    .filter_map(|s| s.bytes().next())
                    .collect()
            })
            .unwrap_or_default();
        v.dedup();
        v
    } else {
        t.text.bytes().next().into_iter().collect()
    }
}

fn name_keys(n: &Name, out: &mut SmallVec<[u64; 64]>) {
    let toks: SmallVec<[usize; 8]> = (0..n.tokens.len())
        .filter(|i| !n.tokens[*i].optional && !n.tokens[*i].initial)
        .take(5)
        .collect();
    let mut sets: SmallVec<[Keys; 10]> = toks.iter().map(|i| token_keys(&n.tokens[*i])).collect();
    // Joined given names ("Weijie" against "Wei Jie" / 偉傑) as extra virtual parts: the
    // name's own joins when the two parts are adjacent.
    for w in toks.windows(2) {
        let j: Keys = match n.joins.get(w[0]) {
            Some(join) if w[1] == w[0] + 1 => join.keys.iter().map(|k| k.1).take(4).collect(),
            _ => joined_keys(&n.tokens[w[0]], &n.tokens[w[1]])
                .into_iter()
                .map(|k| k.1)
                .take(4)
                .collect(),
        };
        sets.push(j);
    }
    if toks.len() == 1 {
        for k in &sets[0] {
            out.push(mix(1, *k, 0));
        }
    }
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            for a in &sets[i] {
                for b in &sets[j] {
                    if a != b {
                        out.push(mix(2, *a, *b));
                    }
                }
            }
        }
    }
}

/// Blocking keys of a prepared record, deduplicated, at most [`MAX_KEYS`].
pub fn keys(p: &Prepared) -> Vec<u64> {
    let mut out = Vec::with_capacity(32);
    keys_into(p, &mut out);
    out
}

/// [`keys`] into `out` (emptied first), so a loop over many records reuses one buffer.
pub fn keys_into(p: &Prepared, out: &mut Vec<u64>) {
    out.clear();
    for ph in &p.phones {
        out.push(mix(30, ph.number, 0));
        out.push(ph.tail);
    }
    // Documents, and each with one half's characters sorted (two transposed characters within
    // a half keep the other half's key), or the two middle ones. The whole number's characters
    // sorted would be no key at scale: a million passports of a letter and seven digits share
    // multisets by the dozen.
    for (tag, d) in [(32, &p.passport), (33, &p.id_no)] {
        if let Some(d) = d {
            let b = d.as_bytes();
            out.push(mix(tag, hash(b), 0));
            if b.len() >= 4 {
                let half = b.len() / 2;
                // The two halves, and the two characters either side of the middle (a swap
                // across it changes both halves).
                let ranges = [
                    (0..half, tag + 10),
                    (half..b.len(), tag + 12),
                    (half - 1..half + 1, tag + 14),
                ];
                for (range, tag) in ranges {
                    let mut k = [0u8; crate::ident::DOC_LEN];
                    k[..b.len()].copy_from_slice(b);
                    k[range].sort_unstable();
                    out.push(mix(tag, hash(&k[..b.len()]), 0));
                }
            }
        }
    }
    // The whole home address (its set of words).
    if p.address.len() >= 2 {
        out.push(
            p.address
                .iter()
                .fold(0x2d35_8dcc_aa6c_78a5, |h, w| mix(38, h, *w)),
        );
    }
    // Each name part with the birth year: one badly typed part does not hide the person (a
    // part in Indonesian old spelling also under its new spelling).
    if let Some(d) = &p.dob {
        for n in p.names.iter().take(2) {
            for t in n
                .tokens
                .iter()
                .filter(|t| !t.optional && !t.initial)
                .take(4)
            {
                for v in [0, 1] {
                    let k = variant_key(t, v);
                    if v == 0 || (!t.han && k != variant_key(t, 0)) {
                        out.push(mix(39, k, u64::from(d.year)));
                    }
                }
            }
        }
    }
    // The whole name with the birth year: at a million records a common pair of parts
    // ("Sukarno Sugiarto") fills blocks past the cap, but the same name born the same year
    // stays a small block. Each part by its own key, then as read in pinyin / old spelling
    // rewritten, then in Cantonese — so 陳偉傑 meets "Chan Wai Kit" and "Janto Tjahjono" meets
    // "Yanto Cahyono" however common the parts.
    if let Some(d) = &p.dob {
        let mut whole: SmallVec<[u64; 9]> = SmallVec::new();
        for n in p.names.iter().take(3) {
            for v in 0..3 {
                let parts: SmallVec<[u64; 8]> = n
                    .tokens
                    .iter()
                    .filter(|t| !t.optional && !t.initial)
                    .map(|t| variant_key(t, v))
                    .collect();
                if parts.len() >= 2 {
                    let k = mix(41, whole_name_key(&parts), u64::from(d.year));
                    if !whole.contains(&k) {
                        whole.push(k);
                    }
                }
            }
        }
        out.extend(whole);
    }
    out.extend(p.handles.iter().map(|h| mix(34, *h, 0)));
    let mut inits: SmallVec<[u8; 16]> = p
        .names
        .iter()
        .flat_map(|n| {
            n.tokens
                .iter()
                .filter(|t| !t.optional)
                .flat_map(|t| initials(t))
        })
        .collect();
    inits.sort_unstable();
    inits.dedup();
    if let Some(d) = &p.dob
        && let (Some(m), Some(day)) = (d.month, d.day)
    {
        let dk = u64::from(d.year) << 16 | u64::from(m) << 8 | u64::from(day);
        for i in &inits {
            out.push(mix(35, dk, u64::from(*i)));
        }
        // Birth date with the surname as a Han character, whatever the romanisation
        // ("Zhou" / "Chow" / 周).
        let mut sur: SmallVec<[u16; 16]> = p
            .names
            .iter()
            .flat_map(|n| n.tokens.iter())
            .flat_map(|t| {
                let own = if t.han {
                    crate::han::char_id(t.text.chars().next().unwrap_or(' '))
                } else {
                    None
                };
                own.into_iter()
                    .chain(t.chars.iter().copied())
                    .filter(|c| crate::han::is_surname_id(*c))
                    .take(4)
            })
            .collect();
        sur.sort_unstable();
        sur.dedup();
        for c in sur.iter().take(8) {
            out.push(mix(37, dk, u64::from(*c)));
        }
    }
    if let Some(pc) = p.postcode {
        for i in &inits {
            out.push(mix(36, pc, u64::from(*i)));
        }
    }
    let mut nk: SmallVec<[u64; 64]> = SmallVec::new();
    for n in p.names.iter().take(3) {
        name_keys(n, &mut nk);
    }
    nk.sort_unstable();
    nk.dedup();
    out.extend(nk.into_iter().take(MAX_KEYS.saturating_sub(out.len())));
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_KEYS);
}

/// Key of a whole name for term frequencies: its sorted part keys combined.
pub fn whole_name_key(parts: &[u64]) -> u64 {
    let mut v: SmallVec<[u64; 8]> = SmallVec::from_slice(parts);
    v.sort_unstable();
    v.iter()
        .fold(0x51_7cc1_b727_220a, |h, k| mix(40, h, *k).rotate_left(7))
}

/// Term-frequency keys of a prepared record: one per name part (its primary phonetic key or
/// Han character) and one per phone.
pub fn tf_keys(p: &Prepared) -> Vec<u64> {
    let mut v: Vec<u64> = p
        .names
        .iter()
        .flat_map(|n| n.tokens.iter())
        .map(|t| {
            if t.han {
                t.exact
            } else {
                t.phon.first().map_or(t.exact, |k| k.0)
            }
        })
        .collect();
    for n in &p.names {
        let parts: Vec<u64> = n
            .tokens
            .iter()
            .filter(|t| !t.optional)
            .map(|t| {
                if t.han {
                    t.exact
                } else {
                    t.phon.first().map_or(t.exact, |k| k.0)
                }
            })
            .collect();
        if parts.len() >= 2 {
            v.push(whole_name_key(&parts));
        }
    }
    v.extend(p.phones.iter().map(|ph| ph.number));
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{PersonRecord, prepare};

    fn keys_of(name: &str, dob: &str) -> Vec<u64> {
        let r = PersonRecord {
            record_id: "x".into(),
            names: vec![name.into()],
            birth_date: Some(dob.into()),
            ..Default::default()
        };
        prepare(&r, true).map(|p| keys(&p)).unwrap_or_default()
    }

    fn share(a: &[u64], b: &[u64]) -> usize {
        a.iter().filter(|k| b.contains(k)).count()
    }

    fn doc_keys(passport: &str) -> Vec<u64> {
        let r = PersonRecord {
            record_id: "x".into(),
            passport_no: Some(passport.into()),
            ..Default::default()
        };
        prepare(&r, true).map(|p| keys(&p)).unwrap_or_default()
    }

    #[test]
    fn thai_spelling_variants_share_a_name_key() {
        let thai = |name: &str| {
            let r = PersonRecord {
                record_id: "x".into(),
                names: vec![name.into()],
                nationality: Some("TH".into()),
                ..Default::default()
            };
            prepare(&r, true).map(|p| keys(&p)).unwrap_or_default()
        };
        assert!(share(&thai("Thongdee Wongngoen"), &thai("THONGDEE VONGNGERN")) > 0);
    }

    #[test]
    fn transposed_document_characters_share_a_key() {
        let doc = doc_keys("K1234567");
        // Two characters swapped in either half; the number itself differs.
        assert_eq!(share(&doc, &doc_keys("K2134567")), 1);
        assert_eq!(share(&doc, &doc_keys("K1234576")), 1);
        assert_eq!(share(&doc, &doc_keys("K1243567")), 1);
        assert_eq!(share(&doc, &doc_keys("K1234567")), 4);
        // The same characters in another order throughout: no key in common.
        assert_eq!(share(&doc, &doc_keys("K7654321")), 0);
    }

    #[test]
    fn whole_name_with_year_across_readings_and_spellings() {
        // Different full dates: only name keys can bring them together.
        let han = keys_of("陳偉傑", "2001-03-14");
        let hk = keys_of("CHAN Wai Kit", "2001-07-01");
        let py = keys_of("Chen Wei Jie", "2001-07-01");
        assert!(share(&han, &hk) > 0 && share(&han, &py) > 0);
        let old = keys_of("Janto Tjahjono", "1993-11-10");
        let new = keys_of("Yanto Cahyono", "1993-01-01");
        assert!(share(&old, &new) >= 2, "whole name and parts with the year");
    }
}
