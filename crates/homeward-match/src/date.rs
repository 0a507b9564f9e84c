//! Birth dates as records really carry them: ISO, `YYYYMMDD`, `DD/MM/YYYY`, year or year-month
//! only, Thai Buddhist Era (CE + 543) and Taiwan Minguo (year 1 = 1912) years. Components are
//! kept even when out of range (a typed 31/02 is still evidence), and compared in grades.

/// A possibly partial date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// Gregorian year.
    pub year: u16,
    /// Month, 1–12 when valid; kept as typed otherwise.
    pub month: Option<u8>,
    /// Day of month.
    pub day: Option<u8>,
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable date {0:?}: expected YYYY-MM-DD, YYYYMMDD, YYYY-MM, YYYY or DD/MM/YYYY")]
pub struct DateError(pub String);

fn year_ce(y: u32, minguo: bool) -> Option<u16> {
    let y = if minguo {
        y + 1911
    } else if (2300..=2700).contains(&y) {
        y - 543 // Buddhist Era
    } else {
        y
    };
    (1800..=2200).contains(&y).then_some(y as u16).or(None)
}

/// Parses a date; `Ok(None)` for an empty field.
pub fn parse(raw: &str) -> Result<Option<PartialDate>, DateError> {
    let s = crate::text::bounded(raw).trim();
    if s.is_empty() {
        return Ok(None);
    }
    let err = || DateError(s.chars().take(40).collect());
    let lower = s.to_lowercase();
    let minguo = lower.contains('民') || lower.starts_with("roc") || lower.starts_with("mg");
    let be = lower.contains("b.e") || lower.contains("พ.ศ") || lower.ends_with("be");
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|x| !x.is_empty())
        .collect();
    let num = |x: &str| x.parse::<u32>().map_err(|_| err());
    let small = |x: u32| -> Option<u8> { (x <= 99).then_some(x as u8) };
    let (y, m, d) = match nums.as_slice() {
        [one] if one.len() == 8 => (
            num(&one[0..4])?,
            Some(num(&one[4..6])?),
            Some(num(&one[6..8])?),
        ),
        [one] if one.len() == 6 => (num(&one[0..4])?, Some(num(&one[4..6])?), None),
        [one] if one.len() == 4 || (minguo && one.len() <= 3) || (be && one.len() == 4) => {
            (num(one)?, None, None)
        }
        [a, b] if a.len() == 4 => (num(a)?, Some(num(b)?), None),
        [a, b] if b.len() == 4 => (num(b)?, Some(num(a)?), None),
        [a, b, c] if a.len() == 4 || (minguo && a.len() <= 3) => {
            (num(a)?, Some(num(b)?), Some(num(c)?))
        }
        [a, b, c] if c.len() == 4 => (num(c)?, Some(num(b)?), Some(num(a)?)),
        _ => return Err(err()),
    };
    let year = year_ce(y, minguo).ok_or_else(err)?;
    let month = match m {
        Some(v) => Some(small(v).ok_or_else(err)?),
        None => None,
    };
    let day = match d {
        Some(v) => Some(small(v).ok_or_else(err)?),
        None => None,
    };
    Ok(Some(PartialDate { year, month, day }))
}

/// Graded agreement of two dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateLevel {
    /// Different.
    Differ = 0,
    /// Years within two of each other (ages, estimates).
    Near = 1,
    /// Same year only.
    YearOnly = 2,
    /// One typed digit apart, or one component off by one.
    OneOff = 3,
    /// Day and month swapped.
    Swapped = 4,
    /// Agree as far as the less precise side goes (e.g. "1990" and "1990-05-04").
    Partial = 5,
    /// Same full date.
    Exact = 6,
}

fn digits(d: &PartialDate) -> [u8; 8] {
    let y = d.year;
    let m = d.month.unwrap_or(0);
    let dd = d.day.unwrap_or(0);
    [
        (y / 1000 % 10) as u8,
        (y / 100 % 10) as u8,
        (y / 10 % 10) as u8,
        (y % 10) as u8,
        m / 10,
        m % 10,
        dd / 10,
        dd % 10,
    ]
}

/// Compares two dates. Symmetric.
pub fn compare(a: &PartialDate, b: &PartialDate) -> DateLevel {
    let full = |d: &PartialDate| d.month.is_some() && d.day.is_some();
    if a == b {
        return if full(a) {
            DateLevel::Exact
        } else {
            DateLevel::Partial
        };
    }
    if a.year == b.year {
        let month_ok = a.month.is_none() || b.month.is_none() || a.month == b.month;
        let day_ok = a.day.is_none() || b.day.is_none() || a.day == b.day;
        if month_ok && day_ok {
            return DateLevel::Partial;
        }
        if full(a) && full(b) && a.month == b.day && a.day == b.month {
            return DateLevel::Swapped;
        }
    }
    if full(a) && full(b) {
        let (da, db) = (digits(a), digits(b));
        let diff = da.iter().zip(&db).filter(|(x, y)| x != y).count();
        let off_by_one =
            |x: Option<u8>, y: Option<u8>| x.zip(y).is_some_and(|(x, y)| x.abs_diff(y) == 1);
        let same_ymd =
            (a.year == b.year) as u8 + (a.month == b.month) as u8 + (a.day == b.day) as u8;
        if diff == 1
            || (same_ymd == 2
                && (off_by_one(a.day, b.day)
                    || off_by_one(a.month, b.month)
                    || a.year.abs_diff(b.year) == 1))
        {
            return DateLevel::OneOff;
        }
    }
    if a.year == b.year {
        return DateLevel::YearOnly;
    }
    if a.year.abs_diff(b.year) <= 2 {
        return DateLevel::Near;
    }
    DateLevel::Differ
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> PartialDate {
        match parse(s) {
            Ok(Some(d)) => d,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn formats() {
        let x = PartialDate {
            year: 2001,
            month: Some(3),
            day: Some(14),
        };
        for s in [
            "2001-03-14",
            "20010314",
            "14/03/2001",
            "14.3.2001",
            "2544-03-14",
            "14/03/2544",
            "民國90年3月14日",
            "ROC 90-03-14",
        ] {
            assert_eq!(d(s), x, "{s}");
        }
        assert_eq!(
            d("2001"),
            PartialDate {
                year: 2001,
                month: None,
                day: None
            }
        );
        assert_eq!(
            d("2001-03"),
            PartialDate {
                year: 2001,
                month: Some(3),
                day: None
            }
        );
        assert_eq!(parse(""), Ok(None));
        assert!(parse("next tuesday").is_err());
        assert!(parse("99").is_err());
    }

    #[test]
    fn levels() {
        assert_eq!(
            compare(&d("2001-03-14"), &d("14/03/2001")),
            DateLevel::Exact
        );
        assert_eq!(
            compare(&d("2001-03-04"), &d("2001-04-03")),
            DateLevel::Swapped
        );
        assert_eq!(
            compare(&d("2001-03-14"), &d("2001-03-15")),
            DateLevel::OneOff
        );
        assert_eq!(
            compare(&d("2001-03-14"), &d("2007-03-14")),
            DateLevel::OneOff
        );
        assert_eq!(compare(&d("2001-03-14"), &d("2001")), DateLevel::Partial);
        assert_eq!(
            compare(&d("2001-03-14"), &d("2001-09-30")),
            DateLevel::YearOnly
        );
        assert_eq!(compare(&d("2001-03-14"), &d("1999-09-30")), DateLevel::Near);
        assert_eq!(
            compare(&d("2001-03-14"), &d("1970-09-30")),
            DateLevel::Differ
        );
    }

    proptest! {
        #[test]
        fn no_panic_and_symmetric(a in "\\PC{0,20}", y in 1900u16..2100, m in 1u8..13, dd in 1u8..32, y2 in 1900u16..2100, m2 in 0u8..13, d2 in 0u8..32) {
            let _ = parse(&a);
            let x = PartialDate { year: y, month: Some(m), day: Some(dd) };
            let z = PartialDate { year: y2, month: (m2 > 0).then_some(m2), day: (d2 > 0 && m2 > 0).then_some(d2) };
            prop_assert_eq!(compare(&x, &z), compare(&z, &x));
        }
    }
}
