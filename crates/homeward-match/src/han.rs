//! Han characters: Mandarin pinyin, Cantonese (Jyutping and Hong Kong government style),
//! Hokkien/Teochew/Hakka/Sino-Vietnamese surname readings, traditional → simplified.
//!
//! The character table `data/han.tsv` is extracted at development time from PyPI packages
//! (see `data/README.md` for sources and licences) and parsed once, lazily.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Readings of one character.
#[derive(Debug, Default)]
pub struct Readings {
    /// Mandarin pinyin, toneless, `ü` as `v`.
    pub pinyin: Vec<&'static str>,
    /// Cantonese Jyutping, toneless.
    pub jyutping: Vec<&'static str>,
    /// Simplified form when the character is traditional.
    pub simplified: Option<char>,
}

static TABLE: LazyLock<HashMap<char, Readings>> = LazyLock::new(|| {
    let mut m = HashMap::with_capacity(8000);
    for line in include_str!("../data/han.tsv").lines() {
        let mut f = line.split('\t');
        let Some(c) = f.next().and_then(|s| s.chars().next()) else {
            continue;
        };
        let split = |s: Option<&'static str>| -> Vec<&'static str> {
            s.unwrap_or("")
                .split(',')
                .filter(|x| !x.is_empty())
                .collect()
        };
        let pinyin = split(f.next());
        let jyutping = split(f.next());
        let simplified = f.next().and_then(|s| s.chars().next());
        m.insert(
            c,
            Readings {
                pinyin,
                jyutping,
                simplified,
            },
        );
    }
    m
});

/// Surname readings outside Mandarin and Cantonese that families actually carry on passports in
/// Singapore, Malaysia, Indonesia, the Philippines and Viet Nam (hand-compiled from common
/// surname lists; Sino-Vietnamese readings without diacritics).
const DIALECT_SURNAMES: &[(char, &[&str])] = &[
    ('陈', &["tan", "chin", "ting", "tran", "chen"]),
    ('林', &["lim", "lam", "liem", "lin"]),
    (
        '黄',
        &[
            "ng", "wee", "oei", "uy", "huang", "hoang", "huynh", "bong", "wong",
        ],
    ),
    ('李', &["lee", "li", "ly", "lie"]),
    (
        '张',
        &[
            "teo", "teoh", "chong", "chang", "cheung", "trương", "truong", "tio",
        ],
    ),
    ('王', &["ong", "heng", "wong", "vuong", "ang"]),
    ('吴', &["goh", "ng", "gouw", "ngo", "go"]),
    ('刘', &["lau", "low", "liu", "luu", "lao"]),
    ('蔡', &["chua", "choi", "tsai", "thai", "choa", "tjoa"]),
    ('杨', &["yeo", "yong", "yang", "duong", "nyo", "yeoh"]),
    ('许', &["koh", "khor", "hee", "hsu", "hui", "kho"]),
    ('郑', &["tay", "teh", "cheng", "trinh", "tee"]),
    ('谢', &["chia", "tse", "seah", "hsieh", "ta", "sia"]),
    (
        '郭',
        &[
            "kuek", "quek", "kwek", "koay", "kuo", "kwok", "quach", "kwee",
        ],
    ),
    ('洪', &["ang", "hung", "hong", "hung"]),
    ('邱', &["khoo", "hew", "yau", "chiu", "khu", "khaw"]),
    ('丘', &["khoo", "hew", "yau", "chiu"]),
    ('曾', &["chan", "tsang", "tsen", "tseng", "chang"]),
    ('廖', &["liao", "leow", "liew", "liu"]),
    ('赖', &["lai", "lua"]),
    ('徐', &["chee", "tsui", "hsu", "tsi", "cher"]),
    ('周', &["chew", "chow", "chou", "chau", "chu", "chiu"]),
    ('叶', &["yap", "yip", "yeh", "diep", "iap"]),
    ('苏', &["soh", "so", "su", "sou"]),
    ('庄', &["chng", "chong", "chuang"]),
    ('吕', &["lu", "lui", "lee", "loo", "lu"]),
    ('江', &["kang", "kong", "chiang", "giang"]),
    ('何', &["ho", "hoe", "ha", "hoo"]),
    ('萧', &["seow", "siew", "siu", "hsiao", "tieu"]),
    ('罗', &["loh", "law", "lo", "la", "lor"]),
    ('高', &["koh", "ko", "kao", "cao", "kou"]),
    ('潘', &["phua", "pua", "poon", "phan", "pan"]),
    ('朱', &["choo", "chu", "chua", "tjoe"]),
    ('钟', &["chong", "chung", "cheong", "chung"]),
    ('彭', &["pang", "phang", "bang"]),
    ('柯', &["kua", "quah", "ko", "kwa"]),
    ('黎', &["lai", "lee", "le", "li"]),
    ('胡', &["oh", "woo", "hu", "wu", "ho"]),
    ('梁', &["neo", "nio", "leong", "leung", "luong", "liang"]),
    ('宋', &["song", "soong", "sung", "tong"]),
    ('唐', &["tng", "tong", "tang", "duong"]),
    ('傅', &["poh", "foo", "fu", "phu"]),
    ('沈', &["sim", "shum", "shen", "tham", "sham"]),
    ('曹', &["chow", "tso", "cho", "tsao", "tao"]),
    ('魏', &["gwee", "ngai", "wei", "nguy"]),
    ('方', &["png", "fong", "fang", "phuong", "hng"]),
    ('石', &["chio", "shek", "shih", "thach"]),
    ('马', &["beh", "ma", "mah", "ma"]),
    ('余', &["ee", "yee", "yu", "u", "du"]),
    ('游', &["yew", "iu", "yu", "you"]),
    ('戴', &["tay", "tai", "dai"]),
    ('白', &["peh", "pak", "bai", "bach"]),
    ('孙', &["sng", "suen", "sun", "ton"]),
    ('冯', &["pang", "fung", "feng", "phung"]),
    ('翁', &["ang", "yung", "weng", "ung"]),
    ('姚', &["yeo", "yiu", "yao", "dieu"]),
    ('卢', &["loo", "lo", "lu", "lou"]),
    ('汪', &["ong", "wong", "wang", "uong"]),
    ('赵', &["teo", "chiu", "zhao", "chao", "trieu", "tio"]),
    ('阮', &["nguyen", "yuen", "ruan", "ng"]),
    ('范', &["pham", "fan", "huan", "fam"]),
    ('武', &["vu", "vo", "wu", "boo"]),
    ('邓', &["dang", "tang", "teng", "deng"]),
    ('裴', &["bui", "pei", "pui"]),
    ('杜', &["do", "to", "du", "toh"]),
    ('吴', &["ngo"]),
    ('温', &["woon", "wan", "wen", "boon", "un"]),
    ('饶', &["yeow", "jao", "yiu", "jow"]),
    ('侯', &["hau", "hou", "hau"]),
    ('雷', &["lui", "lei", "looi"]),
    ('欧', &["au", "ow", "ou"]),
    ('麦', &["mak", "mai", "meh", "beh"]),
    ('莫', &["mok", "bok", "mo"]),
    ('严', &["yim", "giam", "yan", "nghiem"]),
    ('锺', &["chong", "chung"]),
];

static DIALECT: LazyLock<HashMap<char, &'static [&'static str]>> = LazyLock::new(|| {
    let mut m: HashMap<char, &'static [&'static str]> = HashMap::new();
    for (c, r) in DIALECT_SURNAMES {
        m.entry(*c).or_insert(*r);
    }
    m
});

/// Characters in a fixed order (the table's), so a character has a small stable id.
static IDS: LazyLock<(Vec<char>, HashMap<char, u16>)> = LazyLock::new(|| {
    let mut v: Vec<char> = TABLE.keys().map(|c| simplify(*c)).collect();
    v.sort_unstable();
    v.dedup();
    let m = v.iter().enumerate().map(|(i, c)| (*c, i as u16)).collect();
    (v, m)
});

/// Every romanised spelling (pinyin, Hong Kong, Jyutping, dialect surname readings) → the
/// simplified characters it can stand for.
static SPELLINGS: LazyLock<HashMap<String, Vec<u16>>> = LazyLock::new(|| {
    let mut m: HashMap<String, Vec<u16>> = HashMap::new();
    let mut add = |spelling: String, c: char| {
        if let Some(id) = char_id(c) {
            let v = m.entry(spelling).or_default();
            if !v.contains(&id) {
                v.push(id);
            }
        }
    };
    for (c, r) in TABLE.iter() {
        for p in &r.pinyin {
            add((*p).to_owned(), *c);
        }
        for hk in hk_char_spellings(r) {
            add(hk, *c);
        }
        for j in &r.jyutping {
            add((*j).to_owned(), *c);
        }
    }
    for (c, rs) in DIALECT_SURNAMES {
        for r in *rs {
            add(crate::text::fold_latin(r), *c);
        }
    }
    for v in m.values_mut() {
        v.sort_unstable();
    }
    m
});

/// Stable id of a character (after simplification), if in the table.
pub fn char_id(c: char) -> Option<u16> {
    IDS.1.get(&simplify(c)).copied()
}

/// Ids of the characters a romanised syllable can stand for, sorted (empty if none).
pub fn spelled(syllable: &str) -> &'static [u16] {
    SPELLINGS.get(syllable).map_or(&[], Vec::as_slice)
}

/// Surname characters among those a syllable can stand for, sorted (see [`spelled`]).
static SURNAME_SPELLINGS: LazyLock<HashMap<String, Vec<u16>>> = LazyLock::new(|| {
    SPELLINGS
        .iter()
        .map(|(k, v)| {
            let s: Vec<u16> = v.iter().copied().filter(|c| is_surname_id(*c)).collect();
            (k.clone(), s)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
});

/// Ids of the common surnames a romanised syllable can stand for, sorted ("wu": 吳, 胡, 武…).
pub fn spelled_surnames(syllable: &str) -> &'static [u16] {
    SURNAME_SPELLINGS.get(syllable).map_or(&[], Vec::as_slice)
}

/// True if the character with this id is a common surname.
pub fn is_surname_id(id: u16) -> bool {
    IDS.0
        .get(usize::from(id))
        .is_some_and(|c| DIALECT.contains_key(c))
}

/// True for CJK unified ideographs (basic block and extension A).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// Readings of `c`, if in the table.
pub fn readings(c: char) -> Option<&'static Readings> {
    TABLE.get(&c)
}

/// Simplified form of `c` (itself if already simplified or unknown).
pub fn simplify(c: char) -> char {
    readings(c).and_then(|r| r.simplified).unwrap_or(c)
}

/// Hokkien/Teochew/Hakka/Sino-Vietnamese readings of a surname character.
pub fn dialect_surname(c: char) -> &'static [&'static str] {
    DIALECT.get(&simplify(c)).copied().unwrap_or(&[])
}

/// Hong Kong spellings of a Jyutping syllable: [`jyutping_to_hk`] first, then the variants
/// that the Hong Kong government romanisation and Hong Kong families use as often:
/// - an open "aa" with a closing "h" ("waa" → "Wa" and "Wah", 華);
/// - z/c written "ts" as well as "ch" (徐 "Chui" / "Tsui", 靜 "Ching" / "Tsing", 曾 "Tsang");
///   before i: "Tsz", "Tsze", "Chi" (子, 芝, 慈);
/// - s before i: "Sze", "See", "Si" (思, 詩); s written "sh" or "s" before i-, u- and
///   ü-finals and the e-finals (成 "Shing" / "Sing", 淑 "Shuk", 信 "Shun" / "Sun",
///   書 "Shu", 水 "Shui" / "Sui");
/// - short a before n also "u" after f, z and s (芬 "Fun", 珍 "Chun", 新 "Sun" as in Sun Hung
///   Kai 新鴻基), never after c (陳 is "Chan" only);
/// - ji also "Yee" (兒, 怡, 儀);
/// - ei also "ee" (李 "Lee", 基 "Kee"), and 美 mei also "May".
pub fn hk_spellings(syl: &str) -> Vec<String> {
    let hk = jyutping_to_hk(syl);
    let (ini, fin) = split_jyutping(syl);
    let mut v = vec![hk.clone()];
    let mut push = |s: String| {
        if !v.contains(&s) {
            v.push(s);
        }
    };
    if syl.ends_with("aa") && hk.ends_with('a') {
        push(format!("{hk}h"));
    }
    match (ini, fin) {
        ("z" | "c", "i") => {
            for s in ["tsz", "tsze", "chi"] {
                push(s.to_owned());
            }
        }
        // Short a before n written "u" too after f, z and s (芬 "Fun", 珍 / 振 "Chun", 新
        // "Sun"), never after c (陳 is "Chan" only).
        ("z", "an") => {
            for s in ["tsan", "chun", "tsun"] {
                push(s.to_owned());
            }
        }
        ("z" | "c", _) => {
            if let Some(rest) = hk.strip_prefix("ch") {
                push(format!("ts{rest}"));
            }
        }
        ("s", "i") => {
            for s in ["sze", "see", "si"] {
                push(s.to_owned());
            }
        }
        ("f", "an") => push("fun".to_owned()),
        ("s", "an") => push("sun".to_owned()),
        // 兒, 怡, 儀 "Yee".
        ("j", "i") => push("yee".to_owned()),
        ("s", f)
            if f.starts_with('i')
                || (f.starts_with('e') && f != "ei")
                || f.starts_with("yu")
                || f == "uk" =>
        {
            if let Some(rest) = hk.strip_prefix("sh") {
                push(format!("s{rest}"));
            } else if let Some(rest) = hk.strip_prefix('s') {
                push(format!("sh{rest}"));
            }
        }
        _ => {}
    }
    if fin == "ei" {
        push(format!("{}ee", &hk[..hk.len() - 2]));
        if ini == "m" {
            push("may".to_owned());
        }
    }
    v
}

/// Hong Kong spellings of a character's Jyutping readings: every variant of its main (first)
/// reading ([`hk_spellings`]), the plain spelling of the others (陳 "can", also read "zan", is
/// "Chan", never "Chun").
pub fn hk_char_spellings(r: &Readings) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (n, j) in r.jyutping.iter().enumerate() {
        let forms = if n == 0 {
            hk_spellings(j)
        } else {
            let hk = jyutping_to_hk(j);
            let h = (j.ends_with("aa") && hk.ends_with('a')).then(|| format!("{hk}h"));
            std::iter::once(hk).chain(h).collect()
        };
        for f in forms {
            if !v.contains(&f) {
                v.push(f);
            }
        }
    }
    v
}

/// Initial and final of a toneless Jyutping syllable ("" initial for a bare final).
fn split_jyutping(syl: &str) -> (&str, &str) {
    const INITIALS: [&str; 19] = [
        "gw", "kw", "ng", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "w", "z", "c",
        "s", "j",
    ];
    INITIALS
        .iter()
        .find(|i| syl.starts_with(**i) && syl.len() > i.len())
        .map_or(("", syl), |i| (*i, &syl[i.len()..]))
}

/// Converts one toneless Jyutping syllable to Hong Kong government romanisation
/// ("can" → "chan", "git" → "kit", "zoeng" → "cheung", "jyun" → "yuen", "seoi" → "shui").
pub fn jyutping_to_hk(syl: &str) -> String {
    let (ini, fin) = split_jyutping(syl);
    let ini_hk = match ini {
        "b" => "p",
        "d" => "t",
        "g" => "k",
        "gw" => "kw",
        "z" | "c" => "ch",
        "j" => {
            if fin.starts_with("yu") {
                ""
            } else {
                "y"
            }
        }
        "s" if fin.starts_with("eoi") || fin.starts_with("e") && !fin.starts_with("ei") => "sh",
        other => other,
    };
    let fin_hk = match fin {
        "aa" => "a",
        "i" if matches!(ini, "s" | "z" | "c") => "ze",
        "ei" => "ei",
        "eoi" => "ui",
        "eon" => "un",
        "eot" => "ut",
        "oeng" => "eung",
        "oek" => "euk",
        "oe" => "euk",
        "ou" => "o",
        // 朱 zyu "Chu", 書 syu "Shu"; 余 jyu "Yu".
        "yu" if ini.is_empty() || ini == "j" => "yu",
        "yu" => "u",
        "yun" => "uen",
        "yut" => "uet",
        "u" => "u",
        f => {
            if let Some(rest) = f.strip_prefix("aa") {
                return format!("{ini_hk}a{rest}");
            }
            f
        }
    };
    let ini_hk = if ini == "s" && fin == "i" {
        "s"
    } else if matches!(ini, "z" | "c") && fin == "i" {
        "ts"
    } else {
        ini_hk
    };
    if ini == "j" && fin == "yun" {
        return "yuen".to_owned();
    }
    if ini == "j" && fin == "yut" {
        // 月 "Yuet"
        return "yuet".to_owned();
    }
    format!("{ini_hk}{fin_hk}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_of_common_surnames() {
        let r = readings('陳').map(|r| (r.pinyin.clone(), r.jyutping.clone()));
        assert_eq!(r, Some((vec!["chen", "zhen"], vec!["can", "zan"])));
        assert_eq!(simplify('陳'), '陈');
        assert_eq!(simplify('陈'), '陈');
        assert!(dialect_surname('陳').contains(&"tan"));
        assert!(dialect_surname('黃').contains(&"ng"));
        let chow = spelled("chow");
        let zhou = spelled("zhou");
        assert!(chow.iter().any(|c| zhou.binary_search(c).is_ok()));
        assert!(char_id('周').is_some_and(|id| chow.contains(&id) && is_surname_id(id)));
    }

    #[test]
    fn hk_romanisation() {
        for (j, hk) in [
            ("can", "chan"),
            ("wai", "wai"),
            ("git", "kit"),
            ("zoeng", "cheung"),
            ("loeng", "leung"),
            ("joeng", "yeung"),
            ("jyun", "yuen"),
            ("seoi", "shui"),
            ("ceoi", "chui"),
            ("ng", "ng"),
            ("lei", "lei"),
            ("dang", "tang"),
            ("gou", "ko"),
            ("si", "sze"),
            ("zi", "tsze"),
            ("jip", "yip"),
            ("wong", "wong"),
            ("lam", "lam"),
            ("haa", "ha"),
            ("gwok", "kwok"),
            ("jyu", "yu"),
            ("jyut", "yuet"),
            ("zyu", "chu"),
            ("syu", "su"),
        ] {
            assert_eq!(jyutping_to_hk(j), hk, "{j}");
        }
    }

    #[test]
    fn hk_variants() {
        let has = |j: &str, hk: &str| hk_spellings(j).iter().any(|s| s == hk);
        for (j, hk) in [
            ("zi", "tsz"),
            ("zi", "chi"),
            ("zi", "tsze"),
            ("ci", "tsz"),
            ("si", "sze"),
            ("si", "see"),
            ("si", "si"),
            ("suk", "shuk"),
            ("sing", "shing"),
            ("sing", "sing"),
            ("seon", "shun"),
            ("seon", "sun"),
            ("san", "san"),
            ("san", "sun"),
            ("ceoi", "tsui"),
            ("ceoi", "chui"),
            ("zing", "ching"),
            ("zing", "tsing"),
            ("zang", "tsang"),
            ("lei", "lee"),
            ("lei", "lei"),
            ("mei", "mei"),
            ("mei", "may"),
            ("jyut", "yuet"),
            ("syu", "shu"),
            ("waa", "wah"),
            ("fan", "fun"),
            ("zan", "chun"),
            ("ji", "yee"),
        ] {
            assert!(has(j, hk), "{j} → {hk}: {:?}", hk_spellings(j));
        }
        // No variant the system does not write.
        for (j, hk) in [
            ("sei", "shei"),
            ("saan", "sun"),
            ("can", "chun"),
            ("lam", "lum"),
            ("gei", "may"),
            ("jyut", "uet"),
            ("sing", "tsing"),
            ("faan", "fun"),
            ("man", "mun"),
            ("zaan", "chun"),
        ] {
            assert!(!has(j, hk), "{j} ↛ {hk}: {:?}", hk_spellings(j));
        }
        let id = |c: char| char_id(c).unwrap_or(u16::MAX);
        assert!(spelled("tsz").contains(&id('子')));
        assert!(spelled("sun").contains(&id('新')));
        assert!(spelled("shuk").contains(&id('淑')));
        assert!(spelled("yuet").contains(&id('月')));
        assert!(spelled("lee").contains(&id('李')));
        assert!(spelled("tsui").contains(&id('徐')));
        // The reverse map stays specific: other characters are not reached.
        assert!(!spelled("tsz").contains(&id('陳')));
        assert!(!spelled("chun").contains(&id('陳')));
        assert!(spelled("chun").contains(&id('珍')));
        assert!(spelled("fun").contains(&id('芬')));
        assert!(!spelled("sun").contains(&id('山')));
        assert!(!spelled("shing").contains(&id('新')));
        assert!(!spelled("lee").contains(&id('林')));
        // No spelling becomes a catch-all.
        let widest = SPELLINGS.values().map(Vec::len).max().unwrap_or(0);
        assert!(widest < 200, "{widest}");
    }
}
