//! TOTP (RFC 6238) through `totp-rs`: SHA-1, 6 digits, 30-second steps — what
//! every authenticator app supports. One step of clock skew either way is
//! accepted; the caller (the store) makes sure each step is accepted once.

use totp_rs::{Builder, Secret, Totp};

/// Issuer shown in authenticator apps.
pub const ISSUER: &str = "homeward";

/// Seconds per code.
pub const STEP_S: u64 = 30;

/// A new random secret (160 bits), base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// A secret from given bytes, base32 (the demo derives its secrets).
pub fn secret_from_bytes(bytes: &[u8]) -> String {
    Secret::from(bytes).to_base32()
}

fn totp(secret_b32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_b32.trim()).ok()?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The `otpauth://` URL an authenticator app takes (as a QR code or typed).
pub fn otpauth_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account)?.to_url().ok()
}

/// The time step a code is valid for at `unix_s` (± one step), if any.
/// Spaces in the code are ignored; anything but 6 digits never matches.
pub fn check(secret_b32: &str, code: &str, unix_s: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = totp(secret_b32, "user")?.check(&code, unix_s)?;
    i64::try_from(step).ok()
}

/// The code for `unix_s` (for tests and the demo's instructions).
pub fn code_at(secret_b32: &str, unix_s: u64) -> Option<String> {
    Some(totp(secret_b32, "user")?.generate(unix_s).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_within_one_step() {
        let s = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&s, t).unwrap_or_default();
        assert_eq!(code.len(), 6);
        let step = (t / STEP_S) as i64;
        assert_eq!(check(&s, &code, t), Some(step));
        assert_eq!(
            check(&s, &format!("{} {}", &code[..3], &code[3..]), t),
            Some(step)
        );
        assert_eq!(
            check(&s, &code, t + STEP_S),
            Some(step),
            "one step late is accepted"
        );
        assert_eq!(
            check(&s, &code, t + 3 * STEP_S),
            None,
            "old codes are refused"
        );
        assert_eq!(check(&s, "12345", t), None);
        assert_eq!(check(&s, "abcdef", t), None);
        assert_eq!(check("not base32!", &code, t), None);
    }

    #[test]
    fn url_names_issuer_and_account() {
        let s = new_secret();
        let url = otpauth_url(&s, "admin@police.example").unwrap_or_default();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains("issuer=homeward"), "{url}");
        assert!(url.contains(&s), "{url}");
    }
}
