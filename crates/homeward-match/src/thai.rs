//! Thai script → Latin, close to the Royal Thai General System (RTGS), good enough that the
//! phonetic key of the output equals that of the common English spellings of a name
//! (สมชาย → "somchai", จิราพร → "chiraphon", ศักดิ์สิทธิ์ → "saksit"). Written here because no
//! maintained crate romanises Thai names correctly (see DEPENDENCIES.md).

/// (initial, final) romanisation of a consonant.
fn consonant(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        'ก' => ("k", "k"),
        'ข' | 'ฃ' | 'ค' | 'ฅ' | 'ฆ' => ("kh", "k"),
        'ง' => ("ng", "ng"),
        'จ' | 'ฉ' | 'ช' | 'ฌ' => ("ch", "t"),
        'ซ' | 'ศ' | 'ษ' | 'ส' => ("s", "t"),
        'ญ' => ("y", "n"),
        'ฎ' | 'ด' => ("d", "t"),
        'ฏ' | 'ต' => ("t", "t"),
        'ฐ' | 'ฑ' | 'ฒ' | 'ถ' | 'ท' | 'ธ' => ("th", "t"),
        'ณ' | 'น' => ("n", "n"),
        'บ' => ("b", "p"),
        'ป' => ("p", "p"),
        'ผ' | 'พ' | 'ภ' => ("ph", "p"),
        'ฝ' | 'ฟ' => ("f", "p"),
        'ม' => ("m", "m"),
        'ย' => ("y", "i"),
        'ร' => ("r", "n"),
        'ล' | 'ฬ' => ("l", "n"),
        'ว' => ("w", "o"),
        'ห' | 'ฮ' => ("h", ""),
        'อ' => ("", ""),
        _ => return None,
    })
}

fn is_consonant(c: char) -> bool {
    consonant(c).is_some()
}

/// Vowel signs written after, above or below a consonant.
fn is_follow_vowel(c: char) -> bool {
    matches!(c, 'ะ' | 'ั' | 'า' | 'ำ' | 'ิ' | 'ี' | 'ึ' | 'ื' | 'ุ' | 'ู' | '็')
}

fn is_tone(c: char) -> bool {
    matches!(c, '่' | '้' | '๊' | '๋')
}

/// True if `s` contains Thai letters.
pub fn is_thai(s: &str) -> bool {
    s.chars().any(|c| ('\u{0e01}'..='\u{0e5b}').contains(&c))
}

/// Name morphemes the rules cannot read, with their RTGS romanisation (from the RTGS rules and
/// the usual reading of these name parts; no external list): longest match first, and only
/// where the morpheme ends a syllable (the word ends, or a consonant or a leading vowel
/// follows). `open` entries end in an implicit vowel and apply only before a consonant
/// (ธนพล "thanaphon", but ธน alone is "thon").
const MORPHEMES: &[(&str, &str, bool)] = &[
    // ห silent, ร part of the cluster: "Phromma", "Promma".
    ("พรหม", "phrom", false),
    // ร after a final consonant is silent.
    ("เพชร", "phet", false),
    ("เกียรติ", "kiat", false),
    ("ประเสริฐ", "prasoet", false),
    // Pali names read with a doubled consonant or an implicit a the script does not show.
    ("พัชรา", "phatchara", false),
    ("พัชรี", "phatchari", false),
    ("พัชริน", "phatcharin", false),
    ("ชาติ", "chat", false),
    ("รัตน", "rattana", true),
    ("กฤษ", "kritsa", true),
    ("ธน", "thana", true),
];

fn is_lead(c: char) -> bool {
    matches!(c, 'เ' | 'แ' | 'โ' | 'ใ' | 'ไ')
}

/// Initial consonants that form a true cluster with a following ร / ล / ว.
fn clusters(c1: char, c2: char) -> bool {
    matches!(c2, 'ร' | 'ล' | 'ว')
        && (matches!(c1, 'ก' | 'ข' | 'ค' | 'ต' | 'ป' | 'พ' | 'ผ' | 'บ' | 'ท')
            || (c2 == 'ร' && matches!(c1, 'ศ' | 'ส')))
}

/// Romanises one Thai word.
pub fn romanise(word: &str) -> String {
    // NFKC splits sara am (ำ) into nikhahit + sara aa; put it back.
    let word = word.replace("\u{0e4d}\u{0e32}", "\u{0e33}");
    let cs: Vec<char> = word.chars().filter(|c| !is_tone(*c)).collect();
    // Drop consonants silenced by the karan (์), together with a vowel sign between them.
    let mut v: Vec<char> = Vec::with_capacity(cs.len());
    for c in cs {
        if c == '์' {
            if v.last().is_some_and(|x| is_follow_vowel(*x)) {
                v.pop();
            }
            if v.pop() == Some('ร') && v.last().is_some_and(|x| matches!(x, 'ท' | 'ต' | 'ด'))
            {
                v.pop();
            }
            continue;
        }
        v.push(c);
    }
    // Known morphemes first; the rules read the stretches between them.
    let mut out = String::new();
    let mut rest: Vec<char> = Vec::new();
    let mut p = 0;
    while p < v.len() {
        let hit = MORPHEMES
            .iter()
            .filter_map(|(th, en, open)| {
                let m: Vec<char> = th.chars().collect();
                let next = v.get(p + m.len()).copied();
                let fits = v[p..].starts_with(&m)
                    && (p == 0 || !is_lead(v[p - 1]))
                    && match next {
                        None => !open,
                        Some(c) => is_lead(c) || (is_consonant(c) && c != 'ร' && c != 'อ'),
                    };
                fits.then_some((m.len(), *en))
            })
            .max_by_key(|x| x.0);
        if let Some((len, en)) = hit {
            out.push_str(&rules(&rest));
            rest.clear();
            out.push_str(en);
            p += len;
        } else {
            rest.push(v[p]);
            p += 1;
        }
    }
    out.push_str(&rules(&rest));
    out
}

/// Romanises a stretch of Thai letters by rule.
fn rules(v: &[char]) -> String {
    let mut v = v.to_vec();
    // A final ร after ช/ต/ท/ถ/ด is silent (เพชร "phet", บุตร "but"), and after ก closing a
    // short vowel (จักร "chak").
    let n = v.len();
    if n >= 3
        && v[n - 1] == 'ร'
        && (matches!(v[n - 2], 'ช' | 'ต' | 'ท' | 'ถ' | 'ด')
            || (v[n - 2] == 'ก' && matches!(v[n - 3], 'ั' | 'ิ' | 'ุ')))
    {
        v.pop();
    }
    // A final ิ after a long vowel or ั is silent in Pali and Sanskrit words (สมบัติ "sombat",
    // ชาติ "chat", ภูมิ "phum").
    let n = v.len();
    if n >= 3
        && v[n - 1] == 'ิ'
        && matches!(v[n - 2], 'ต' | 'ฒ' | 'ธ' | 'ม')
        && matches!(v[n - 3], 'ั' | 'า' | 'ู')
    {
        v.pop();
    }
    // The same silent ร inside a compound name, before the next syllable (เพชรแก้ว "phetkaeo",
    // สมุทรสาคร "samutsakhon", เพชรรุ่ง "phetrung"): after a final consonant and not carrying a
    // vowel of its own.
    let mut k = 2;
    while k + 1 < v.len() {
        if v[k] == 'ร'
            && matches!(v[k - 1], 'ช' | 'ต' | 'ท' | 'ถ' | 'ด')
            && (is_consonant(v[k - 2]) || matches!(v[k - 2], 'ุ' | 'ิ'))
            && !is_follow_vowel(v[k + 1])
            && (v[k + 1] != 'ร' || v.get(k + 2).is_some_and(|x| is_follow_vowel(*x)))
        {
            v.remove(k);
        } else {
            k += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    let n = v.len();
    while i < n {
        let c = v[i];
        let lead = is_lead(c);
        let lead_c = if lead {
            i += 1;
            Some(c)
        } else {
            None
        };
        let Some(&c1) = v.get(i) else { break };
        // ฤ carries its own vowel: "rue", "ri" in ฤทธิ์ "rit".
        let mut forced: Option<&str> = None;
        let Some((mut ini, _)) = consonant(c1).or(if c1 == 'ฤ' { Some(("r", "")) } else { None })
        else {
            // Not a consonant where one is expected: keep digits/other as-is, skip vowels.
            if !(c1 == 'ๆ' || is_follow_vowel(c1) || c1 == 'ๅ') {
                out.push(c1);
            }
            i += 1;
            continue;
        };
        if c1 == 'ฤ' {
            forced = Some(if v.get(i + 1) == Some(&'ท') {
                "i"
            } else {
                "ue"
            });
        }
        i += 1;
        let mut ini_s = String::from(ini);
        // Leading ห / อ before a sonorant is silent; clusters with ร ล ว.
        if let Some(&c2) = v.get(i)
            && (is_consonant(c2) || c2 == 'ฤ')
            && forced.is_none()
        {
            let after = v.get(i + 1).copied();
            let vowel_after = after.is_some_and(is_follow_vowel)
                || lead_c.is_some()
                || (after == Some('อ') && c2 != 'ว');
            if c2 == 'ฤ' {
                // กฤษณา "kritsana", พฤกษ์ "phruek".
                ini_s.push('r');
                forced = Some(if matches!(c1, 'ก' | 'ต' | 'ท' | 'ศ' | 'ส') {
                    "i"
                } else {
                    "ue"
                });
                i += 1;
            } else if (c1 == 'ห' && matches!(c2, 'ง' | 'ญ' | 'น' | 'ม' | 'ย' | 'ร' | 'ล' | 'ว'))
                || (c1 == 'อ' && c2 == 'ย')
            {
                ini = consonant(c2).map_or("", |x| x.0);
                ini_s = ini.to_owned();
                i += 1;
            } else if c1 == 'ท' && c2 == 'ร' && out.is_empty() && after.is_some() {
                // ทร at the start of a word is "s" (ทราย "sai", ทรัพย์ "sap", ทรง "song").
                ini_s = "s".into();
                i += 1;
            } else if clusters(c1, c2)
                && vowel_after
                && after.is_some()
                && (c2 != 'ว' || after.is_some_and(is_follow_vowel))
            {
                ini_s.push_str(consonant(c2).map_or("", |x| x.0));
                i += 1;
            } else if lead_c == Some('เ')
                && c1 != 'ห'
                && c1 != 'อ'
                && after.is_some_and(|x| matches!(x, 'ิ' | 'ี' | 'ื'))
            {
                // The leading vowel belongs to the second consonant; the first has the
                // implicit a (เจริญ "charoen", เฉลิม "chaloem", เสถียร "sathian").
                out.push_str(&ini_s);
                out.push('a');
                ini_s = consonant(c2).map_or("", |x| x.0).to_owned();
                i += 1;
            }
        }
        out.push_str(&ini_s);
        // Vowel.
        let mut vowel = String::new();
        while forced.is_none()
            && let Some(&x) = v.get(i)
        {
            if !is_follow_vowel(x) {
                break;
            }
            vowel.push(x);
            i += 1;
        }
        let mut vs: String = match (lead_c, vowel.as_str()) {
            _ if forced.is_some() => forced.unwrap_or_default().into(),
            (Some('เ'), "า") => "ao".into(),
            (Some('เ'), "ี") if v.get(i) == Some(&'ย') => {
                i += 1;
                "ia".into()
            }
            (Some('เ'), "ื") if v.get(i) == Some(&'อ') => {
                i += 1;
                "uea".into()
            }
            (Some('เ'), "") if v.get(i) == Some(&'อ') => {
                i += 1;
                "oe".into()
            }
            // เ-ิ closed by a consonant is "oe" (เงิน "ngoen", เลิศ "loet").
            (Some('เ'), "ิ") => "oe".into(),
            (Some('เ'), _) => "e".into(),
            (Some('แ'), _) => "ae".into(),
            (Some('โ'), _) => "o".into(),
            (Some(_), _) => "ai".into(),
            (None, "ั") if v.get(i) == Some(&'ว') => {
                i += 1;
                "ua".into()
            }
            (None, "ั" | "ะ" | "า" | "ั็") => "a".into(),
            (None, "ำ") => "am".into(),
            (None, "ิ" | "ี") => "i".into(),
            (None, "ึ" | "ื") => {
                if v.get(i) == Some(&'อ') {
                    i += 1;
                }
                "ue".into()
            }
            (None, "ุ" | "ู") => "u".into(),
            (None, "็") => "e".into(),
            (None, "") => String::new(),
            (None, other) => other
                .chars()
                .filter_map(|c| match c {
                    'า' => Some('a'),
                    'ิ' | 'ี' => Some('i'),
                    'ุ' | 'ู' => Some('u'),
                    _ => None,
                })
                .collect(),
        };
        if vs.is_empty() {
            // อ or ว as the vowel ("บอย", "สวน"), double ร ("สรร"), else inherent o / a.
            match (v.get(i), v.get(i + 1)) {
                (Some('อ'), _) => {
                    i += 1;
                    vs = "o".into();
                }
                (Some('ร'), Some('ร')) => match v.get(i + 2) {
                    // พรรุ่ง "phonrung": the second ร opens the next syllable.
                    Some(x) if is_follow_vowel(*x) => vs = "o".into(),
                    // รร closed by a consonant is "a" (ธรรม "tham", พรรณ "phan").
                    Some(x)
                        if is_consonant(*x)
                            && !v.get(i + 3).is_some_and(|y| is_follow_vowel(*y)) =>
                    {
                        i += 2;
                        vs = "a".into();
                    }
                    _ => {
                        i += 2;
                        vs = "an".into();
                    }
                },
                (Some('ว'), Some(n2))
                    if is_consonant(*n2) && !v.get(i + 2).is_some_and(|x| is_follow_vowel(*x)) =>
                {
                    i += 1;
                    vs = "ua".into();
                }
                // Two consonants ending the word after this one: an open syllable with the
                // implicit a, then one with o (สมร "samon", ณรงค์ "narong").
                (Some(nc), Some(n2)) if is_consonant(*nc) && is_consonant(*n2) && i + 2 == n => {
                    vs = "a".into()
                }
                (Some(nc), after)
                    if is_consonant(*nc) && !after.is_some_and(|x| is_follow_vowel(*x)) =>
                {
                    vs = "o".into()
                }
                (Some('ร'), None) => {}
                (None, _) if ini_s.is_empty() => {}
                (None, _) => vs = "o".into(),
                _ => vs = "a".into(),
            }
        }
        out.push_str(&vs);
        // Final consonant: a consonant not followed by a vowel sign of its own.
        if let Some(&f) = v.get(i)
            && let Some((_, fin)) = consonant(f)
        {
            let next = v.get(i + 1).copied();
            let owns_vowel = next.is_some_and(is_follow_vowel);
            let starts_cluster = next.is_some_and(|x| clusters(f, x))
                && next.is_some_and(|_| v.get(i + 2).is_some_and(|y| is_follow_vowel(*y)));
            // An initial before รร (สุวรรณ "suwan").
            let before_rr = next == Some('ร') && v.get(i + 2) == Some(&'ร');
            let lone_last = i + 2 == n && next.is_some_and(is_consonant);
            // ร after a short u or i and before another syllable opens one of its own, with the
            // inherent a, as in names of Pali/Sanskrit origin (สุรชัย "surachai").
            let linking_ra = f == 'ร' && (vs == "u" || vs == "i") && next.is_some_and(is_consonant);
            if !owns_vowel && !starts_cluster && !before_rr && !lone_last && !linking_ra && f != 'อ'
            {
                if !(fin == "i" && vs.ends_with('i')) {
                    out.push_str(fin);
                }
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::phonetic_key;

    #[test]
    fn romanises_common_names() {
        for (th, en) in [
            ("สมชาย", "somchai"),
            ("สมศักดิ์", "somsak"),
            ("ประยุทธ์", "prayut"),
            ("วิชัย", "wichai"),
            ("สุภาพร", "suphaphon"),
            ("มาลี", "mali"),
            ("บุญมี", "bunmi"),
            ("ทองดี", "thongdi"),
            ("ศรีสุข", "srisuk"),
            ("แก้ว", "kaeo"),
            ("ใจดี", "chaidi"),
            ("จันทร์", "chan"),
            ("สุดา", "suda"),
            ("วงศ์สวัสดิ์", "wongsawat"),
            ("กิตติ", "kitti"),
            ("ทองคำ", "thongkham"),
            ("สุขใจ", "sukjai"),
            ("สุรชัย", "surachai"),
            ("เพชรแก้ว", "phetkaeo"),
            ("สมุทร", "samut"),
            // Morphemes: silent ห and ร, Pali readings.
            ("พรหมมา", "phromma"),
            ("เพชรรุ่ง", "phetrung"),
            ("เพชรใจ", "phetchai"),
            ("เกียรติศักดิ์", "kiatsak"),
            ("ประเสริฐ", "prasoet"),
            ("ธนพล", "thanaphon"),
            ("รัตนพร", "rattanaphon"),
            ("ชาติชาย", "chatchai"),
            ("พัชรา", "phatchara"),
            ("กฤษดา", "kritsada"),
            // Rules: silent ร after a final, silent final ิ, ทร = s, รร, เ-ิ = oe.
            ("บัตร", "bat"),
            ("จักร", "chak"),
            ("ธนากร", "thanakon"),
            ("สมบัติ", "sombat"),
            ("ภูมิ", "phum"),
            ("ทรัพย์", "sap"),
            ("ทราย", "sai"),
            ("ทรง", "song"),
            ("ธรรม", "tham"),
            ("พรรณ", "phan"),
            ("สุวรรณ", "suwan"),
            ("วรรณา", "wanna"),
            ("พรรุ่ง", "phonrung"),
            ("ปานรุ่ง", "panrung"),
            ("เงิน", "ngoen"),
            ("เลิศ", "loet"),
            ("เจริญ", "charoen"),
            ("เฉลิม", "chaloem"),
            ("เสถียร", "sathian"),
            ("สมร", "samon"),
            ("ณรงค์", "narong"),
            ("พร้อม", "phrom"),
            ("สร้อย", "sroi"),
            // ฤ: "rue", "ri" after ก / ท and in ฤทธิ์.
            ("ฤดี", "ruedi"),
            ("ฤทธิ์", "rit"),
            ("พฤกษ์", "phruek"),
            ("เรือง", "rueang"),
            ("กิตติศักดิ์", "kittisak"),
        ] {
            let r = romanise(th);
            assert_eq!(phonetic_key(&r), phonetic_key(en), "{th}: {r} vs {en}");
        }
    }

    #[test]
    fn survives_nfkc() {
        use unicode_normalization::UnicodeNormalization;
        let n: String = "ทองคำ".nfkc().collect();
        assert_eq!(phonetic_key(&romanise(&n)), phonetic_key("thongkham"));
    }

    #[test]
    fn detects_thai() {
        assert!(is_thai("สมชาย"));
        assert!(!is_thai("Somchai"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "[\u{0e01}-\u{0e5b}a-z ]{0,30}") {
            let _ = romanise(&s);
        }
    }
}
