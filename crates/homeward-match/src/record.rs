//! The input record (strings, as received) and its prepared, comparison-ready form.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::date::{self, PartialDate};
use crate::ident::{self, DocNo, PhoneKey};
use crate::names::{self, Name};
use crate::text::{bounded, fold_latin, tagged};

/// Most names, phones or handles kept from one record.
pub const MAX_LIST: usize = 6;

/// A person as a report, a rescue list or an organisation's file describes them. Every field is
/// a string as received; missing fields are `None` or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    /// Unique id of the record within its source.
    pub record_id: String,
    /// Full names in any script and order ("陳偉傑", "CHAN, Wai Kit", "Peter Chan").
    pub names: Vec<String>,
    /// Given name(s), when the source separates them.
    pub given_name: Option<String>,
    /// Family name, when the source separates it.
    pub family_name: Option<String>,
    /// `M`/`F`/`X` or a word in a regional language.
    pub sex: Option<String>,
    /// Birth date in any supported format (see [`crate::date::parse`]).
    pub birth_date: Option<String>,
    /// Nationality: ISO alpha-2/alpha-3 or English name.
    pub nationality: Option<String>,
    /// Phone numbers in any format.
    pub phones: Vec<String>,
    /// Passport number.
    pub passport_no: Option<String>,
    /// National id number.
    pub id_no: Option<String>,
    /// Messaging handles as `kind:value` (e.g. `line:somchai88`).
    pub handles: Vec<String>,
    /// Home address, free text.
    pub address: Option<String>,
    /// Postcode.
    pub postcode: Option<String>,
    /// Place last seen (town, compound), free text.
    pub last_seen_place: Option<String>,
}

/// A field that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Column name as in the CSV contract (`birth_date`, `phone`).
    pub field: &'static str,
    /// What was wrong.
    pub message: String,
}

/// A record ready for comparison. Everything but the names and the free-text place is kept as
/// fixed-size values (hashes, inline document numbers, a packed date) inside the record, so
/// comparing a pair allocates nothing and reads little memory beyond the two records — a batch
/// compares millions of pairs.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Parsed names (each listed name, and given + family together); the first inline, so
    /// comparing a pair reaches a record's name without another memory read.
    pub names: SmallVec<[Name; 1]>,
    /// `M`, `F` or `X`.
    pub sex: Option<char>,
    /// Birth date.
    pub dob: Option<PartialDate>,
    /// Hash of the ISO alpha-2 code (or of the upper-cased value when unknown).
    pub nationality: Option<u64>,
    /// Normalised phones, as hashes (two kept inline).
    pub phones: SmallVec<[PhoneKey; 2]>,
    /// Folded passport number.
    pub passport: Option<DocNo>,
    /// Folded id number.
    pub id_no: Option<DocNo>,
    /// Hashes of normalised handles.
    pub handles: Vec<u64>,
    /// Hashes of address words, sorted, deduplicated.
    pub address: Vec<u64>,
    /// Hash of the folded postcode.
    pub postcode: Option<u64>,
    /// Last seen place: hash of the folded text, and the text (for similar spellings).
    pub place: Option<(u64, Box<str>)>,
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Prepares a record. With `strict`, an unreadable date or phone is an error; otherwise the
/// field is dropped.
pub fn prepare(rec: &PersonRecord, strict: bool) -> Result<Prepared, FieldError> {
    let nationality = opt(&rec.nationality).and_then(ident::nationality);
    let region = nationality.as_deref().filter(|n| n.len() == 2);
    let mut names: SmallVec<[Name; 1]> = SmallVec::new();
    for n in rec.names.iter().take(MAX_LIST) {
        let p = names::parse(n, region);
        if !p.tokens.is_empty() {
            names.push(p);
        }
    }
    let parts: Vec<&str> = [opt(&rec.given_name), opt(&rec.family_name)]
        .into_iter()
        .flatten()
        .collect();
    if !parts.is_empty() {
        let p = names::parse(&parts.join(" "), region);
        if !p.tokens.is_empty() {
            names.push(p);
        }
    }
    let dob = match opt(&rec.birth_date).map(date::parse) {
        None => None,
        Some(Ok(d)) => d,
        Some(Err(e)) if strict => {
            return Err(FieldError {
                field: "birth_date",
                message: e.to_string(),
            });
        }
        Some(Err(_)) => None,
    };
    let mut phones = SmallVec::new();
    for p in rec.phones.iter().take(MAX_LIST) {
        match ident::parse_phone(p, region) {
            Ok(Some(p)) => phones.push(PhoneKey::of(&p)),
            Ok(None) => {}
            Err(e) if strict => {
                return Err(FieldError {
                    field: "phone",
                    message: e.to_string(),
                });
            }
            Err(_) => {}
        }
    }
    let doc = |s: &Option<String>| {
        opt(s)
            .map(ident::fold_document)
            .filter(|d| !d.is_empty())
            .map(|d| DocNo::new(&d))
    };
    let handles = rec
        .handles
        .iter()
        .take(MAX_LIST)
        .map(|h| fold_latin(h.trim()))
        .filter(|h| !h.is_empty())
        .map(|h| tagged(20, h.trim_start_matches('@')))
        .collect();
    let mut address: Vec<u64> = opt(&rec.address)
        .map(|a| {
            fold_latin(a)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .take(24)
                .map(|w| tagged(21, w))
                .collect()
        })
        .unwrap_or_default();
    address.sort_unstable();
    address.dedup();
    let squash = |s: &Option<String>| {
        opt(s)
            .map(|p| {
                fold_latin(bounded(p))
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|s| !s.is_empty())
    };
    Ok(Prepared {
        names,
        sex: opt(&rec.sex).and_then(ident::sex),
        dob,
        nationality: nationality.as_deref().map(|n| tagged(22, n)),
        phones,
        passport: doc(&rec.passport_no),
        id_no: doc(&rec.id_no),
        handles,
        address,
        postcode: squash(&rec.postcode).map(|p| tagged(23, &p.replace(' ', ""))),
        place: squash(&rec.last_seen_place).map(|p| (tagged(24, &p), p.into_boxed_str())),
    })
}
