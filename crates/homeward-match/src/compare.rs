//! Field-by-field graded comparison of two prepared records, and the words that explain it.

use crate::date::{self, DateLevel};
use crate::ident::{self, DocLevel, PhoneLevel};
use crate::names::{self, NameAgreement, NameLevel, Sys};
use crate::record::Prepared;
use crate::text::jaro_winkler;

/// Compared fields, in the order of [`Comparison::levels`].
pub const FIELDS: [&str; 11] = [
    "name",
    "birth date",
    "sex",
    "nationality",
    "phone",
    "passport",
    "id number",
    "handle",
    "address",
    "postcode",
    "last seen place",
];
/// Number of levels of each field (level 0 is always "different").
pub const LEVELS: [usize; 11] = [7, 7, 2, 2, 3, 3, 3, 2, 4, 2, 3];
/// Marks a field missing on either side: it then carries no weight.
pub const MISSING: u8 = u8::MAX;

/// Index of the name field.
pub const NAME: usize = 0;
/// Index of the phone field.
pub const PHONE: usize = 4;

/// The graded comparison of two records.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Level per field, or [`MISSING`].
    pub levels: [u8; 11],
    /// Details of the best name agreement.
    pub name: NameAgreement,
    /// E.164 numbers the two records share (for term-frequency adjustment).
    pub shared_phone: Option<u64>,
}

/// Compares two prepared records. Symmetric in its levels.
pub fn compare(a: &Prepared, b: &Prepared) -> Comparison {
    let mut c = compare_without_name(a, b);
    add_name(&mut c, a, b);
    c
}

/// Adds the name comparison (the costliest field) to a [`compare_without_name`] result.
pub fn add_name(c: &mut Comparison, a: &Prepared, b: &Prepared) {
    // Name: best over the names each record carries.
    let mut best = NameAgreement::default();
    for x in &a.names {
        for y in &b.names {
            let ag = names::compare(x, y);
            let better = match (ag.level, best.level) {
                (Some(l), Some(bl)) => {
                    l > bl || (l == bl && ag.agreeing.len() > best.agreeing.len())
                }
                (Some(_), None) => true,
                _ => false,
            };
            if better {
                best = ag;
            }
        }
    }
    if let Some(l) = best.level {
        c.levels[NAME] = l as u8;
    }
    c.name = best;
}

/// Compares every field but the name (left [`MISSING`]).
pub fn compare_without_name(a: &Prepared, b: &Prepared) -> Comparison {
    let mut levels = [MISSING; 11];
    if let (Some(x), Some(y)) = (&a.dob, &b.dob) {
        levels[1] = date::compare(x, y) as u8;
    }
    if let (Some(x), Some(y)) = (a.sex, b.sex) {
        levels[2] = u8::from(x == y);
    }
    if let (Some(x), Some(y)) = (&a.nationality, &b.nationality) {
        levels[3] = u8::from(x == y);
    }
    let mut shared_phone = None;
    if !a.phones.is_empty() && !b.phones.is_empty() {
        let (l, shared) = ident::compare_phones(&a.phones, &b.phones);
        levels[4] = l as u8;
        shared_phone = shared;
    }
    if let (Some(x), Some(y)) = (&a.passport, &b.passport) {
        levels[5] = ident::compare_documents(x.as_bytes(), y.as_bytes()) as u8;
    }
    if let (Some(x), Some(y)) = (&a.id_no, &b.id_no) {
        levels[6] = ident::compare_documents(x.as_bytes(), y.as_bytes()) as u8;
    }
    if !a.handles.is_empty() && !b.handles.is_empty() {
        levels[7] = u8::from(a.handles.iter().any(|h| b.handles.contains(h)));
    }
    if !a.address.is_empty() && !b.address.is_empty() {
        let common = a
            .address
            .iter()
            .filter(|w| b.address.binary_search(w).is_ok())
            .count();
        let j = common as f64 / (a.address.len() + b.address.len() - common) as f64;
        levels[8] = if j >= 0.99 {
            3
        } else if j >= 0.5 {
            2
        } else if j > 0.0 {
            1
        } else {
            0
        };
    }
    if let (Some(x), Some(y)) = (&a.postcode, &b.postcode) {
        levels[9] = u8::from(x == y);
    }
    if let (Some((hx, x)), Some((hy, y))) = (&a.place, &b.place) {
        levels[10] = if hx == hy {
            2
        } else if jaro_winkler(x, y) >= 0.9 {
            1
        } else {
            0
        };
    }
    Comparison {
        levels,
        name: NameAgreement::default(),
        shared_phone,
    }
}

fn via_words(via: &[Sys]) -> String {
    let words: Vec<&str> = via
        .iter()
        .filter_map(|s| match s {
            Sys::Pinyin => Some("Han characters and pinyin"),
            Sys::Cantonese => Some("Han characters and Cantonese romanisation"),
            Sys::Dialect => Some("Han surname and its Hokkien/Teochew/Hakka/Vietnamese reading"),
            Sys::Thai => Some("Thai script and its romanisation"),
            Sys::Across => Some("romanisations of the same Han characters in different systems"),
            Sys::Latin => None,
        })
        .collect();
    words.join(", ")
}

/// Describes one field's level in words a caseworker understands.
pub fn describe(field: usize, level: u8, cmp: &Comparison) -> String {
    if level == MISSING {
        return "missing on one side".to_owned();
    }
    let s: String = match field {
        0 => {
            let via = via_words(&cmp.name.via);
            let mut w = match level {
                l if l == NameLevel::HanExact as u8 => "same Han characters".to_owned(),
                l if l == NameLevel::Exact as u8 && !via.is_empty() => format!("same in {via}"),
                l if l == NameLevel::Exact as u8 => "same".to_owned(),
                l if l == NameLevel::Phonetic as u8 && !via.is_empty() => {
                    format!("same sound in {via}, spelled differently")
                }
                l if l == NameLevel::Phonetic as u8 => "same, spelled differently".to_owned(),
                l if l == NameLevel::Subset as u8 => {
                    "all parts of one name in the other (a part missing)".to_owned()
                }
                l if l == NameLevel::Fuzzy as u8 => {
                    "similar (typing errors or initials)".to_owned()
                }
                l if l == NameLevel::Partial as u8 => "some parts in common".to_owned(),
                _ => "different".to_owned(),
            };
            if cmp.name.reordered && level >= NameLevel::Subset as u8 {
                w.push_str(", in another order");
            }
            w
        }
        1 => match level {
            l if l == DateLevel::Exact as u8 => "same",
            l if l == DateLevel::Partial as u8 => "agrees as far as both give it",
            l if l == DateLevel::Swapped as u8 => "day and month swapped",
            l if l == DateLevel::OneOff as u8 => "one digit or one unit apart",
            l if l == DateLevel::YearOnly as u8 => "same year only",
            l if l == DateLevel::Near as u8 => "within two years",
            _ => "different",
        }
        .to_owned(),
        4 => match level {
            l if l == PhoneLevel::Same as u8 => "same number",
            l if l == PhoneLevel::Tail as u8 => {
                "same last 7 digits (renumbered or country code missing)"
            }
            _ => "different",
        }
        .to_owned(),
        5 | 6 => match level {
            l if l == DocLevel::Same as u8 => "same",
            l if l == DocLevel::OneEdit as u8 => "one character apart",
            _ => "different",
        }
        .to_owned(),
        8 => [
            "different",
            "a few words in common",
            "mostly the same",
            "same",
        ][usize::from(level.min(3))]
        .to_owned(),
        10 => ["different", "similar", "same"][usize::from(level.min(2))].to_owned(),
        _ => (if level > 0 { "same" } else { "different" }).to_owned(),
    };
    s
}
