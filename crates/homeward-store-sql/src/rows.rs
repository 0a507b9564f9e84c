//! Decoding rows into domain records. A value that does not parse (a state
//! spelt wrongly, a malformed id) is a `Corrupt` error, never a panic.

use std::str::FromStr;

use homeward_core::StoreError;
use homeward_core::model::{Organisation, Session, Site, User};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::db;

/// Reads a column.
pub(crate) fn get<T>(row: &AnyRow, col: &str) -> Result<T, StoreError>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(db)
}

/// Reads a text column and parses it.
pub(crate) fn parse<T>(row: &AnyRow, col: &str) -> Result<T, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let s: String = get(row, col)?;
    s.parse()
        .map_err(|e: T::Err| StoreError::Corrupt(format!("{col}: {e}")))
}

/// Reads a nullable text column and parses it.
pub(crate) fn parse_opt<T>(row: &AnyRow, col: &str) -> Result<Option<T>, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let s: Option<String> = get(row, col)?;
    s.map(|s| {
        s.parse()
            .map_err(|e: T::Err| StoreError::Corrupt(format!("{col}: {e}")))
    })
    .transpose()
}

/// Encodes a list of country codes as `,HK,TH,` (so `LIKE '%,HK,%'` filters).
pub(crate) fn codes(list: &[String]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(",{},", list.join(","))
    }
}

/// Decodes `,HK,TH,`.
pub(crate) fn uncodes(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) fn org(row: &AnyRow) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: parse(row, "id")?,
        name: get(row, "name")?,
        kind: parse(row, "kind")?,
        country: get(row, "country")?,
        created_ms: get(row, "created_ms")?,
    })
}

pub(crate) fn user(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: parse(row, "id")?,
        org_id: parse(row, "org_id")?,
        email: get(row, "email")?,
        role: parse(row, "role")?,
        password_hash: get(row, "password_hash")?,
        created_ms: get(row, "created_ms")?,
        disabled: get::<i64>(row, "disabled")? != 0,
        totp_secret: get(row, "totp_secret")?,
        totp_pending: get(row, "totp_pending")?,
        totp_last_step: get(row, "totp_last_step")?,
    })
}

pub(crate) fn session(row: &AnyRow) -> Result<Session, StoreError> {
    Ok(Session {
        id_digest: get(row, "id_digest")?,
        user_id: parse(row, "user_id")?,
        csrf: get(row, "csrf")?,
        created_ms: get(row, "created_ms")?,
        expires_ms: get(row, "expires_ms")?,
        stage: parse(row, "stage")?,
        last_seen_ms: get(row, "last_seen_ms")?,
    })
}

pub(crate) fn site(row: &AnyRow) -> Result<Site, StoreError> {
    let aliases: String = get(row, "aliases")?;
    Ok(Site {
        id: parse(row, "id")?,
        org_id: parse(row, "org_id")?,
        name: get(row, "name")?,
        aliases: serde_json::from_str(&aliases)
            .map_err(|e| StoreError::Corrupt(format!("aliases: {e}")))?,
        zone: get(row, "zone")?,
        country: get(row, "country")?,
        status: parse(row, "status")?,
        marking: parse(row, "marking")?,
        created_ms: get(row, "created_ms")?,
    })
}
