//! Salary parsing and the market-pay comparison.
//!
//! Only numbers next to a currency marker found by the rules pass are read, so the work is
//! bounded by the number of currency markers (at most `MAX_CURRENCY_HITS`), not the text length.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::ScreenError;
use crate::rules::{MAX_CURRENCY_HITS, RuleHits, RuleSet};

#[derive(Debug, Deserialize)]
pub(crate) struct MarketPay {
    pub ratio_fire: f32,
    pub pay_usd_month: HashMap<String, f32>,
    pub usd_per_unit: HashMap<String, f32>,
    #[serde(default)]
    pub currency_country: HashMap<String, String>,
}

static SHIPPED: LazyLock<Result<MarketPay, ScreenError>> = LazyLock::new(|| {
    toml::from_str(include_str!("../data/market_pay.toml"))
        .map_err(|e| ScreenError::Data(format!("market pay: {e}")))
});

pub(crate) fn shipped() -> Result<&'static MarketPay, ScreenError> {
    SHIPPED.as_ref().map_err(Clone::clone)
}

/// An offer read from the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Offer {
    pub usd_month: f32,
    /// Index of the currency code in `RuleSet::places`.
    pub currency: u8,
    pub start: usize,
    pub end: usize,
}

/// Multiplier words that may follow a number ("15 triệu", "2万", "30k").
const MULTIPLIERS: &[(&str, f64)] = &[
    ("k", 1e3),
    ("千", 1e3),
    ("万", 1e4),
    ("萬", 1e4),
    ("triệu", 1e6),
    ("trieu", 1e6),
    ("tr", 1e6),
    ("juta", 1e6),
    ("jt", 1e6),
    ("ribu", 1e3),
    ("rb", 1e3),
    ("nghìn", 1e3),
    ("ngàn", 1e3),
    ("พัน", 1e3),
    ("หมื่น", 1e4),
    ("แสน", 1e5),
    ("lakh", 1e5),
    ("သိန်း", 1e5),
    ("million", 1e6),
];

const PER_DAY: &[&str] = &[
    "/day",
    "per day",
    "a day",
    "daily",
    "日薪",
    "每天",
    "/天",
    "一天",
    "ต่อวัน",
    "วันละ",
    "/ngày",
    "một ngày",
    "mot ngay",
    "sehari",
    "per hari",
    "/hari",
    "kada araw",
    "isang araw",
    "/araw",
    "တစ်ရက်",
    "ក្នុងមួយថ្ងៃ",
];
const PER_WEEK: &[&str] = &[
    "/week", "per week", "a week", "weekly", "每周", "每週", "/tuần", "seminggu",
];
const PER_YEAR: &[&str] = &[
    "/year",
    "per year",
    "a year",
    "per annum",
    "annual",
    "yearly",
    "年薪",
    "/năm",
    "setahun",
    "per tahun",
    "ต่อปี",
    "kada taon",
];
const PER_HOUR: &[&str] = &[
    "/hour",
    "per hour",
    "/hr",
    "hourly",
    "an hour",
    "时薪",
    "時薪",
    "ต่อชั่วโมง",
    "/giờ",
    "per jam",
];

/// Reads the number that ends at byte `end` of `text` (skipping one space and a multiplier
/// word such as "k" or "万"), returning (value, start).
fn number_before(text: &str, end: usize) -> Option<(f64, usize)> {
    let bytes = text.as_bytes();
    let mut e = end;
    if e > 0 && bytes[e - 1] == b' ' {
        e -= 1;
    }
    let mut mult = 1.0;
    if e > 0 && !bytes[e - 1].is_ascii_digit() {
        let head = &text[..e];
        let (word, f) = MULTIPLIERS.iter().find(|(w, _)| head.ends_with(w))?;
        e -= word.len();
        mult = *f;
        if e > 0 && bytes[e - 1] == b' ' {
            e -= 1;
        }
    }
    let mut s = e;
    while s > 0 && (bytes[s - 1].is_ascii_digit() || matches!(bytes[s - 1], b',' | b'.')) {
        s -= 1;
    }
    while s < e && !bytes[s].is_ascii_digit() {
        s += 1;
    }
    parse_number(&text[s..e]).map(|v| (v * mult, s))
}

/// Reads the number that starts at byte `start` (skipping one space), returning (value, end).
fn number_after(text: &str, start: usize) -> Option<(f64, usize)> {
    let bytes = text.as_bytes();
    let mut s = start;
    if s < bytes.len() && bytes[s] == b' ' {
        s += 1;
    }
    let mut e = s;
    while e < bytes.len() && (bytes[e].is_ascii_digit() || matches!(bytes[e], b',' | b'.')) {
        e += 1;
    }
    while e > s && !bytes[e - 1].is_ascii_digit() {
        e -= 1;
    }
    parse_number(&text[s..e]).map(|v| (v, e))
}

/// Parses "1,200", "15.000.000", "1.5", "30000".
fn parse_number(s: &str) -> Option<f64> {
    if s.is_empty() || s.len() > 24 || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let groups: Vec<&str> = s.split([',', '.']).collect();
    let digits: String = if groups.len() == 1 {
        s.to_owned()
    } else if groups[1..].iter().all(|g| g.len() == 3) {
        // Thousands separators.
        groups.concat()
    } else if groups.len() == 2 {
        // A decimal point or comma.
        format!("{}.{}", groups[0], groups[1])
    } else {
        return None;
    };
    digits.parse::<f64>().ok()
}

/// A multiplier word right after `end`, returning (factor, new end).
fn multiplier_after(text: &str, end: usize) -> (f64, usize) {
    let rest = &text[end..];
    let trimmed = rest.strip_prefix(' ').unwrap_or(rest);
    let skip = rest.len() - trimmed.len();
    for (word, f) in MULTIPLIERS {
        if let Some(after) = trimmed.strip_prefix(word) {
            let next = after.chars().next();
            if next.is_none_or(|c| !c.is_ascii_alphabetic()) {
                return (*f, end + skip + word.len());
            }
        }
    }
    (1.0, end)
}

/// Factor that turns the stated period into a month, from the words around the amount.
fn period_factor(text: &str, start: usize, end: usize) -> f64 {
    let lo = floor_boundary(text, start.saturating_sub(12));
    let hi = floor_boundary(text, (end + 24).min(text.len()));
    let window = &text[lo..hi];
    if PER_HOUR.iter().any(|w| window.contains(w)) {
        176.0
    } else if PER_DAY.iter().any(|w| window.contains(w)) {
        26.0
    } else if PER_WEEK.iter().any(|w| window.contains(w)) {
        4.33
    } else if PER_YEAR.iter().any(|w| window.contains(w)) {
        1.0 / 12.0
    } else {
        1.0
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The highest monthly offer in US dollars found next to a currency marker.
pub(crate) fn best_offer(
    text: &str,
    rules: &RuleSet,
    hits: &RuleHits,
    pay: &MarketPay,
) -> Option<Offer> {
    let mut cands: Vec<(Offer, u32, usize)> = Vec::new();
    for c in &hits.currencies[..hits.ncurrencies] {
        let (cs, ce) = (c.start as usize, c.end as usize);
        let Some(code) = rules.places.get(usize::from(c.place)) else {
            continue;
        };
        let Some(rate) = pay.usd_per_unit.get(code) else {
            continue;
        };
        let marker = &text[cs..ce];
        let marker_mult = MULTIPLIERS
            .iter()
            .find(|(w, _)| *w == marker)
            .map_or(1.0, |(_, f)| *f);
        // (value, number start, span start, span end)
        let found = if let Some((v, s)) = number_before(text, cs) {
            // "1200 usd", "15 triệu"
            Some((v * marker_mult, s, s, ce))
        } else {
            // "usd 1,200", "rm3k"
            number_after(text, ce).map(|(v, e)| {
                let (m, e2) = multiplier_after(text, e);
                let ns = text[ce..].len() - text[ce..].trim_start().len() + ce;
                (v * m, ns, cs, e2)
            })
        };
        let Some((mut value, num_start, s, e)) = found else {
            continue;
        };
        value *= period_factor(text, s, e);
        let usd = (value * f64::from(*rate)) as f32;
        if !(30.0..=60_000.0).contains(&usd) {
            continue;
        }
        // A number read through a longer (more specific) marker wins over a generic one
        // ("新台幣32000元": TWD, not the 元 of yuan).
        let marker_len = (ce - cs) as u32;
        if let Some(slot) = cands.iter_mut().find(|x| x.2 == num_start) {
            if marker_len > slot.1 {
                *slot = (
                    Offer {
                        usd_month: usd,
                        currency: c.place,
                        start: s,
                        end: e,
                    },
                    marker_len,
                    num_start,
                );
            }
        } else if cands.len() < MAX_CURRENCY_HITS {
            cands.push((
                Offer {
                    usd_month: usd,
                    currency: c.place,
                    start: s,
                    end: e,
                },
                marker_len,
                num_start,
            ));
        }
    }
    cands
        .into_iter()
        .map(|c| c.0)
        .max_by(|a, b| a.usd_month.total_cmp(&b.usd_month))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::text::normalize;

    #[expect(clippy::unwrap_used, reason = "test")]
    fn offer(text: &str) -> Option<f32> {
        let rs = rules::shipped().unwrap();
        let text = format!("\n{}", normalize(text));
        let mut hits = RuleHits::default();
        rs.scan(&text, &mut hits);
        best_offer(&text, rs, &hits, shipped().unwrap()).map(|o| o.usd_month.round())
    }

    #[test]
    fn reads_common_salary_forms() {
        assert_eq!(offer("salary 1,200 USD per month"), Some(1200.0));
        assert_eq!(offer("Salary: $1500"), Some(1500.0));
        assert_eq!(offer("lương 30 triệu/tháng"), Some(1170.0));
        assert_eq!(offer("เงินเดือน 35,000 บาท"), Some(1015.0));
        assert_eq!(offer("月薪 12000元"), Some(1680.0));
        assert_eq!(offer("gaji RM 4,500 sebulan"), Some(990.0));
        assert_eq!(offer("gaji Rp 15.000.000"), Some(930.0));
        assert_eq!(offer("sahod ₱60,000 kada buwan"), Some(1050.0));
        assert_eq!(offer("50 USD per day"), Some(1300.0));
        assert_eq!(offer("30k baht"), Some(870.0));
        assert_eq!(offer("月薪2万"), None);
        assert_eq!(offer("月薪2万元"), Some(2800.0));
        assert_eq!(offer("月薪新台幣32000元"), Some(992.0));
        assert_eq!(offer("月薪澳门元17000"), Some(2108.0));
        assert_eq!(offer("no money here 2014"), None);
    }
}
