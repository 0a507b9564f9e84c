//! Passwords (argon2id), API tokens and session ids. Tokens and session ids
//! are 256-bit random values shown once; only their SHA-256 is stored, so a
//! copy of the database cannot be replayed as credentials.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use crate::StoreError;

/// Prefix of API tokens, so leaked tokens are recognisable by scanners.
pub const TOKEN_PREFIX: &str = "hwt_";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Database(format!("password hashing failed: {e}")))
}

/// Checks a password against its stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that verifies nothing, checked against when the e-mail is unknown
/// so a failed login takes the same time whether or not the account exists.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$IuQ5B2pAbqkHTs6xK4Vv8e2vj5m5fN0Hqv3cJv8Xx0Q"
}

/// 32 random bytes as lower-case hex.
fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A new API token (shown once).
pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex())
}

/// A new session id or CSRF secret.
pub fn new_session_id() -> String {
    random_hex()
}

/// A generated password: 20 characters from an unambiguous alphabet (~116 bits).
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// SHA-256 of a secret, hex: what the database keeps.
pub fn digest(secret: &str) -> String {
    file_digest(secret.as_bytes())
}

/// SHA-256 of bytes, hex (e.g. of an uploaded file, for the audit).
pub fn file_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("correct horse").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn secrets_are_unique_and_shaped() {
        let a = new_token();
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == 68);
        assert_ne!(a, new_token());
        assert_eq!(new_password().len(), 20);
        assert_eq!(digest("x").len(), 64);
    }
}
