//! Phones, identity documents, nationality and sex.
//!
//! Phones go through the `phonenumber` crate (libphonenumber metadata) with the default region
//! taken from the nationality; the last seven digits are kept as a second key because numbers
//! are renumbered (Viet Nam 2018: 0169→039; Thailand 2006: 01→081) and written with or without
//! country codes. Documents fold OCR-confusable characters (O/0, I/1, S/5, B/8, Z/2).

use crate::text::{bounded, fold_latin};

/// A normalised phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    /// E.164 (`+66812345678`) when the number parsed; else the digits as written.
    pub e164: String,
    /// Last seven digits: survives renumbering and missing country codes.
    pub tail: String,
}

/// A phone reduced to what comparison needs: hashes of its E.164 form and of its last seven
/// digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PhoneKey {
    /// `tagged(10, e164)`: also the phone's term-frequency key.
    pub number: u64,
    /// `tagged(31, tail)`.
    pub tail: u64,
}

impl PhoneKey {
    /// The key of a parsed phone.
    pub fn of(p: &Phone) -> PhoneKey {
        PhoneKey {
            number: crate::text::tagged(10, &p.e164),
            tail: crate::text::tagged(31, &p.tail),
        }
    }
}

/// Longest document number kept, in folded characters. Passports (ICAO: 9) and the region's
/// national ids (PRC 18, Indonesia 16, Thailand 13) fit; longer input is cut (bounded input).
pub const DOC_LEN: usize = 22;

/// A folded document number kept inline (no allocation, one memory read to compare).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DocNo {
    len: u8,
    bytes: [u8; DOC_LEN],
}

impl DocNo {
    /// From a folded number (see [`fold_document`]), cut to [`DOC_LEN`] bytes.
    pub fn new(folded: &str) -> DocNo {
        let b = folded.as_bytes();
        let n = b.len().min(DOC_LEN);
        let mut bytes = [0u8; DOC_LEN];
        bytes[..n].copy_from_slice(&b[..n]);
        DocNo {
            len: n as u8,
            bytes,
        }
    }

    /// The folded characters.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// Why a phone could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable phone number {0:?}")]
pub struct PhoneError(pub String);

/// Parses one phone number; `Ok(None)` for an empty field.
pub fn parse_phone(raw: &str, region: Option<&str>) -> Result<Option<Phone>, PhoneError> {
    let s = bounded(raw).trim();
    if s.is_empty() {
        return Ok(None);
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 || digits.len() > 17 {
        return Err(PhoneError(s.chars().take(40).collect()));
    }
    let tail = digits[digits.len() - 7.min(digits.len())..].to_owned();
    let id = region.and_then(|r| r.parse::<phonenumber::country::Id>().ok());
    let international = s.starts_with('+') || s.starts_with("00");
    let e164 = match phonenumber::parse(
        if international { None } else { id },
        if s.starts_with("00") {
            format!("+{}", &digits[2..])
        } else {
            s.to_owned()
        },
    ) {
        // E.164 is the country code and the national number, as the crate's E.164 formatter
        // writes it — without the formatter, which also matches the country's display
        // patterns (regular expressions) that E.164 does not use.
        Ok(n) => format!("+{}{}", n.country().code(), n.national()),
        Err(_) => digits,
    };
    Ok(Some(Phone { e164, tail }))
}

/// Graded agreement of two sets of phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PhoneLevel {
    /// No number in common.
    Differ = 0,
    /// Same last seven digits (renumbered or country code missing).
    Tail = 1,
    /// Same number.
    Same = 2,
}

/// Compares two phone lists: the level, and the number they share (its [`PhoneKey::number`]).
pub fn compare_phones(a: &[PhoneKey], b: &[PhoneKey]) -> (PhoneLevel, Option<u64>) {
    if let Some(x) = a.iter().find(|x| b.iter().any(|y| x.number == y.number)) {
        (PhoneLevel::Same, Some(x.number))
    } else if a.iter().any(|x| b.iter().any(|y| x.tail == y.tail)) {
        (PhoneLevel::Tail, None)
    } else {
        (PhoneLevel::Differ, None)
    }
}

/// Document number folded for comparison: upper-case alphanumerics, OCR confusables merged.
pub fn fold_document(raw: &str) -> String {
    bounded(raw)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| match c.to_ascii_uppercase() {
            'O' | 'Q' | 'D' => '0',
            'I' | 'L' => '1',
            'S' => '5',
            'B' => '8',
            'Z' => '2',
            'G' => '6',
            c => c,
        })
        .collect()
}

/// Graded agreement of two document numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocLevel {
    /// Different.
    Differ = 0,
    /// One character apart (a typo or a transposition).
    OneEdit = 1,
    /// Same after folding OCR-confusable characters and punctuation.
    Same = 2,
}

/// Compares two folded document numbers.
pub fn compare_documents(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> DocLevel {
    let (a, b) = (a.as_ref(), b.as_ref());
    if a == b {
        DocLevel::Same
    } else if a.len() >= 5 && b.len() >= 5 && (within_one_edit(a, b) || transposed(a, b)) {
        DocLevel::OneEdit
    } else {
        DocLevel::Differ
    }
}

/// Levenshtein distance at most one, in one pass without allocating (documents are compared
/// for most candidate pairs).
fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        // One substitution: everything after the first difference agrees.
        short.get(prefix + 1..) == long.get(prefix + 1..)
    } else {
        // One insertion into the shorter one at the first difference.
        short.get(prefix..) == long.get(prefix + 1..)
    }
}

fn transposed(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return false;
    };
    i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
}

const COUNTRIES: &[(&str, &str, &[&str])] = &[
    ("TH", "THA", &["thailand", "thai", "ไทย"]),
    (
        "VN",
        "VNM",
        &["vietnam", "viet nam", "vietnamese", "việt nam"],
    ),
    ("MY", "MYS", &["malaysia", "malaysian"]),
    ("ID", "IDN", &["indonesia", "indonesian"]),
    (
        "PH",
        "PHL",
        &["philippines", "filipino", "filipina", "philippine"],
    ),
    (
        "MM",
        "MMR",
        &["myanmar", "burma", "burmese", "myanmar (burma)"],
    ),
    ("KH", "KHM", &["cambodia", "cambodian", "khmer"]),
    ("LA", "LAO", &["laos", "lao", "lao pdr", "laotian"]),
    ("CN", "CHN", &["china", "chinese", "prc", "中国", "中國"]),
    (
        "HK",
        "HKG",
        &["hong kong", "hongkong", "hong kong sar", "香港"],
    ),
    ("MO", "MAC", &["macau", "macao", "澳門", "澳门"]),
    ("TW", "TWN", &["taiwan", "taiwanese", "台灣", "台湾"]),
    ("SG", "SGP", &["singapore", "singaporean"]),
    ("BN", "BRN", &["brunei"]),
    ("TL", "TLS", &["timor-leste", "east timor"]),
    ("KR", "KOR", &["south korea", "korea", "korean"]),
    ("JP", "JPN", &["japan", "japanese"]),
    ("IN", "IND", &["india", "indian"]),
    ("BD", "BGD", &["bangladesh", "bangladeshi"]),
    ("NP", "NPL", &["nepal", "nepali", "nepalese"]),
    ("LK", "LKA", &["sri lanka", "sri lankan"]),
    ("PK", "PAK", &["pakistan", "pakistani"]),
    ("UG", "UGA", &["uganda", "ugandan"]),
    ("KE", "KEN", &["kenya", "kenyan"]),
    ("NG", "NGA", &["nigeria", "nigerian"]),
    ("ET", "ETH", &["ethiopia", "ethiopian"]),
    ("US", "USA", &["united states", "usa", "american"]),
    ("GB", "GBR", &["united kingdom", "uk", "british"]),
    ("AU", "AUS", &["australia", "australian"]),
];

/// ISO 3166 alpha-2 code of a nationality given as alpha-2, alpha-3 or English name; other
/// values come back upper-cased so that they still compare equal to themselves.
pub fn nationality(raw: &str) -> Option<String> {
    let f = fold_latin(raw.trim());
    if f.is_empty() {
        return None;
    }
    for (a2, a3, names) in COUNTRIES {
        if f.eq_ignore_ascii_case(a2) || f.eq_ignore_ascii_case(a3) || names.contains(&f.as_str()) {
            return Some((*a2).to_owned());
        }
    }
    Some(f.to_uppercase().chars().take(40).collect())
}

/// Sex as `M`, `F` or `X`, from letters or words in the region's languages.
pub fn sex(raw: &str) -> Option<char> {
    let f = fold_latin(raw.trim());
    match f.as_str() {
        "m" | "male" | "man" | "boy" | "ชาย" | "nam" | "lelaki" | "laki-laki" | "laki"
        | "lalaki" | "男" | "l" => Some('M'),
        "f" | "female" | "woman" | "girl" | "หญิง" | "nu" | "perempuan" | "wanita" | "babae"
        | "女" | "p" | "w" => Some('F'),
        "" | "u" | "unknown" | "?" => None,
        _ => Some('X'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn one_edit_agrees_with_levenshtein(a in "[A-C0-2]{0,8}", b in "[A-C0-2]{0,8}") {
            proptest::prop_assert_eq!(within_one_edit(a.as_bytes(), b.as_bytes()), crate::text::levenshtein(&a, &b) <= 1);
        }
    }
    use proptest::prelude::*;

    fn p(s: &str, r: Option<&str>) -> Phone {
        match parse_phone(s, r) {
            Ok(Some(p)) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn phones() {
        assert_eq!(p("081 234 5678", Some("TH")).e164, "+66812345678");
        assert_eq!(p("+66 81-234-5678", None).e164, "+66812345678");
        assert_eq!(p("0066812345678", None).e164, "+66812345678");
        assert_eq!(p("9123 4567", Some("HK")).e164, "+85291234567");
        let old = PhoneKey::of(&p("01691234567", Some("VN")));
        let new = PhoneKey::of(&p("0391234567", Some("VN")));
        assert_eq!(compare_phones(&[old], &[new]), (PhoneLevel::Tail, None));
        assert_eq!(
            compare_phones(&[old], &[old]),
            (PhoneLevel::Same, Some(old.number))
        );
        assert!(parse_phone("12", None).is_err());
        assert_eq!(parse_phone(" ", None), Ok(None));
    }

    #[test]
    fn documents() {
        assert_eq!(
            compare_documents(fold_document("AB1234567"), fold_document("A81234S67")),
            DocLevel::Same
        );
        assert_eq!(
            compare_documents(fold_document("K1234567"), fold_document("K1234576")),
            DocLevel::OneEdit
        );
        assert_eq!(
            compare_documents(fold_document("K1234567"), fold_document("K9999999")),
            DocLevel::Differ
        );
    }

    #[test]
    fn nationalities_and_sex() {
        assert_eq!(nationality("tha").as_deref(), Some("TH"));
        assert_eq!(nationality("Viet Nam").as_deref(), Some("VN"));
        assert_eq!(nationality("Burma").as_deref(), Some("MM"));
        assert_eq!(nationality(""), None);
        assert_eq!(sex("Female"), Some('F'));
        assert_eq!(sex("ชาย"), Some('M'));
    }

    proptest! {
        #[test]
        fn no_panics(s in "\\PC{0,30}") {
            let _ = parse_phone(&s, Some("TH"));
            let _ = fold_document(&s);
            let _ = nationality(&s);
            let _ = sex(&s);
        }
        #[test]
        fn e164_as_the_crate_formats_it(
            cc in proptest::sample::select(vec!["66", "84", "60", "62", "63", "852", "855", "86", "95", "39"]),
            national in "0?[1-9][0-9]{6,10}",
        ) {
            if let Ok(n) = phonenumber::parse(None, format!("+{cc}{national}")) {
                let ours = format!("+{}{}", n.country().code(), n.national());
                let theirs = phonenumber::format(&n).mode(phonenumber::Mode::E164).to_string();
                prop_assert_eq!(ours, theirs);
            }
        }
        #[test]
        fn doc_symmetric(a in "[A-Z0-9]{0,10}", b in "[A-Z0-9]{0,10}") {
            prop_assert_eq!(compare_documents(&a, &b), compare_documents(&b, &a));
        }
    }
}
