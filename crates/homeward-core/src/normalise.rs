//! Intake normalisation (C1): partial dates with Buddhist-Era years, E.164
//! phones, document check digits, and the folded text used for search.
//! The full multilingual name knowledge lives in `homeward-match`; intake only
//! needs to store what was written and make it findable.

use unicode_normalization::UnicodeNormalization;

/// Maximum length (in characters) of short text fields.
pub const MAX_SHORT: usize = 200;
/// Maximum length (in characters) of free text.
pub const MAX_LONG: usize = 20_000;

/// Parses a full or partial birth/contact date into ISO `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD`. Accepts `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-MM`, `YYYY` and
/// `DD/MM/YYYY`; years 2400–2700 are read as Thai Buddhist Era (CE + 543).
pub fn partial_date(input: &str) -> Result<String, String> {
    let s = input.trim();
    let err = || {
        format!(
            "'{}' is not a date; use YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY",
            s.chars().take(40).collect::<String>()
        )
    };
    let num = |t: &str| -> Result<i32, String> {
        if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        t.parse::<i32>().map_err(|_| err())
    };
    let (y, m, d) = if let Some((d, rest)) = s.split_once('/') {
        let (m, y) = rest.split_once('/').ok_or_else(err)?;
        (num(y)?, Some(num(m)?), Some(num(d)?))
    } else if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (num(&s[0..4])?, Some(num(&s[4..6])?), Some(num(&s[6..8])?))
    } else {
        let mut parts = s.split('-');
        let y = num(parts.next().unwrap_or_default())?;
        let m = parts.next().map(num).transpose()?;
        let d = parts.next().map(num).transpose()?;
        if parts.next().is_some() {
            return Err(err());
        }
        (y, m, d)
    };
    let year = if (2400..=2700).contains(&y) {
        y - 543
    } else {
        y
    };
    if !(1900..=2100).contains(&year) {
        return Err(format!(
            "year {y} is out of range (1900–2100, or a Buddhist-Era year)"
        ));
    }
    match (m, d) {
        (None, _) => Ok(format!("{year:04}")),
        (Some(m), None) if (1..=12).contains(&m) => Ok(format!("{year:04}-{m:02}")),
        (Some(m), Some(d)) => {
            let month = u8::try_from(m)
                .ok()
                .and_then(|m| time::Month::try_from(m).ok())
                .ok_or_else(|| format!("month {m} does not exist"))?;
            let day = u8::try_from(d).map_err(|_| format!("day {d} does not exist"))?;
            time::Date::from_calendar_date(year, month, day)
                .map_err(|_| format!("{year:04}-{m:02}-{d:02} does not exist"))?;
            Ok(format!("{year:04}-{m:02}-{d:02}"))
        }
        (Some(m), None) => Err(format!("month {m} does not exist")),
    }
}

/// Normalises a phone number to E.164, reading national numbers in the
/// region of the first nationality given (e.g. Thai `081…` → `+6681…`).
pub fn phone_e164(raw: &str, nationalities: &[String]) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("empty phone number".into());
    }
    if trimmed.chars().count() > 40 {
        return Err("phone number is too long".into());
    }
    let region = nationalities.iter().find_map(|n| {
        n.trim()
            .to_ascii_uppercase()
            .parse::<phonenumber::country::Id>()
            .ok()
    });
    let parsed = phonenumber::parse(region, trimmed).map_err(|_| {
        format!(
            "'{trimmed}' is not a phone number; give it with its country code, e.g. +66 81 234 5678"
        )
    })?;
    Ok(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// Normalises a messaging handle or e-mail for comparison.
pub fn handle(raw: &str) -> String {
    raw.trim().trim_start_matches('@').to_lowercase()
}

/// The comparison key of a document number: letters and digits only, upper
/// case (`"k 123-456(7)"` → `"K1234567"`).
pub fn document_key(raw: &str) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(40)
        .collect()
}

/// Hong Kong identity card check digit (`A123456(7)`): `None` if the
/// number is not HKID-shaped, otherwise whether the check digit is right.
pub fn hkid_valid(raw: &str) -> Option<bool> {
    let s: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = s.as_bytes();
    let (letters, rest) = match b.len() {
        8 if b[0].is_ascii_alphabetic() => (&b[..1], &b[1..]),
        9 if b[0].is_ascii_alphabetic() && b[1].is_ascii_alphabetic() => (&b[..2], &b[2..]),
        _ => return None,
    };
    if !rest[..6].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let val = |c: u8| -> u32 { u32::from(c - b'A') + 10 };
    let mut sum: u32 = if letters.len() == 1 {
        36 * 9 + val(letters[0]) * 8
    } else {
        val(letters[0]) * 9 + val(letters[1]) * 8
    };
    for (i, d) in rest[..6].iter().enumerate() {
        sum += u32::from(d - b'0') * (7 - i as u32);
    }
    let check = (11 - sum % 11) % 11;
    let expected = if check == 10 {
        b'A'
    } else {
        b'0' + check as u8
    };
    Some(rest[6] == expected)
}

/// PRC resident identity number (18 characters, ISO 7064 MOD 11-2).
pub fn prc_id_valid(raw: &str) -> Option<bool> {
    let s: Vec<u8> = raw.trim().to_ascii_uppercase().bytes().collect();
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = s[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = b"10X98765432"[(sum % 11) as usize];
    Some(s[17] == expected)
}

/// Folds text for search: NFKD, combining marks removed, đ → d, lower case,
/// whitespace collapsed. "Nguyễn Văn Đức" → "nguyen van duc"; Han, Thai and
/// other scripts pass through unchanged but for case and spacing.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() || c == '-' || c == ',' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_form() {
        assert_eq!(partial_date("2001-03-04").as_deref(), Ok("2001-03-04"));
        assert_eq!(partial_date("20010304").as_deref(), Ok("2001-03-04"));
        assert_eq!(partial_date("04/03/2001").as_deref(), Ok("2001-03-04"));
        assert_eq!(partial_date("2001-03").as_deref(), Ok("2001-03"));
        assert_eq!(partial_date("2001").as_deref(), Ok("2001"));
        assert_eq!(partial_date("2544").as_deref(), Ok("2001"), "Buddhist Era");
        assert!(partial_date("2001-02-30").is_err());
        assert!(partial_date("2001-13").is_err());
        assert!(partial_date("yesterday").is_err());
        assert!(partial_date("").is_err());
        assert!(partial_date("1/1/1/1").is_err());
    }

    #[test]
    fn phones_to_e164_with_nationality_as_region() {
        assert_eq!(
            phone_e164("081 234 5678", &["TH".into()]).as_deref(),
            Ok("+66812345678")
        );
        assert_eq!(
            phone_e164("+852 9123 4567", &[]).as_deref(),
            Ok("+85291234567")
        );
        assert!(phone_e164("not a phone", &[]).is_err());
    }

    #[test]
    fn check_digits() {
        assert_eq!(hkid_valid("A123456(3)"), Some(true));
        assert_eq!(hkid_valid("A123456(4)"), Some(false));
        assert_eq!(hkid_valid("K12345678"), None);
        assert_eq!(prc_id_valid("11010519491231002X"), Some(true));
        assert_eq!(prc_id_valid("110105194912310021"), Some(false));
    }

    #[test]
    fn folding_removes_marks_keeps_scripts() {
        assert_eq!(fold("Nguyễn  Văn Đức"), "nguyen van duc");
        assert_eq!(fold("CHAN, Wai-Kit"), "chan wai kit");
        assert_eq!(fold("陳偉傑"), "陳偉傑");
    }
}
