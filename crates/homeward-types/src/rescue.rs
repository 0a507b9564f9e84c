//! Wire types of rescue-list reconciliation (C3). Re-exported from [`crate::wire`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::OrganisationView;
use crate::{CaseId, ListMatchId, ReleaseMode, RescueListId};

/// What reconciling a rescue list found (the CLI prints this object).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RescueListSummary {
    /// The list.
    pub list_id: RescueListId,
    /// Rows read.
    pub rows: usize,
    /// Rows that could not be used (no name, unreadable fields), by reason.
    pub unusable: usize,
    /// Rows confidently linked to an open case of any organisation.
    pub matched: usize,
    /// Rows possibly linked, queued for the owners' review.
    pub review: usize,
    /// Organisations other than the uploader told that the list may name their open cases.
    pub notified_organisations: usize,
    /// The uploader's own matches (rows linked to its cases); other
    /// organisations' cases are never shown.
    pub own_matches: Vec<ListMatchView>,
}

/// A row of a rescue list that may be one of your open cases.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ListMatchView {
    /// Id (confirm or reject it by this).
    pub id: ListMatchId,
    /// The list's name, e.g. "Myawaddy handover, 2026-11-20".
    pub list_name: String,
    /// Who published the list.
    pub uploaded_by: OrganisationView,
    /// 1-based row of the list.
    pub row: usize,
    /// The row as written (names, birth date, nationality, document).
    pub row_text: String,
    /// Your case.
    pub case_id: CaseId,
    /// Match probability.
    pub probability: f64,
    /// Field by field.
    pub explanation: String,
    /// `matched` (confident) or `review`.
    pub strength: String,
    /// `pending`, `confirmed` or `rejected`.
    pub status: String,
    /// Release mode a confirmation records.
    pub release_mode: ReleaseMode,
}

/// Confirming or rejecting a list match.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMatchDecision {
    /// True: this row is the person of the case (the case moves to `released`).
    pub confirm: bool,
}

/// A rescue list sent as JSON (the CLI reads CSV files).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescueListInput {
    /// Name, e.g. "Myawaddy handover, 2026-11-20".
    pub name: String,
    /// How the people left the compound (default `handover`).
    #[serde(default)]
    pub release_mode: Option<ReleaseMode>,
    /// The rows, in the list's order.
    pub rows: Vec<RescueRowInput>,
}

/// One person on a rescue list, fields as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescueRowInput {
    /// Names in any script and order.
    #[serde(default)]
    pub names: Vec<String>,
    /// Sex as written.
    #[serde(default)]
    pub sex: Option<String>,
    /// Birth date in any supported format (ISO, `DD/MM/YYYY`, Buddhist-Era years, year only).
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Nationality: ISO code or English name.
    #[serde(default)]
    pub nationality: Option<String>,
    /// Passport number.
    #[serde(default)]
    pub passport_no: Option<String>,
    /// National id number.
    #[serde(default)]
    pub id_no: Option<String>,
    /// Phones in any format.
    #[serde(default)]
    pub phones: Vec<String>,
}

/// A rescue list you uploaded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RescueListView {
    /// Id.
    pub id: RescueListId,
    /// Name.
    pub name: String,
    /// Rows read.
    pub rows: usize,
    /// Rows that could not be used.
    pub unusable: usize,
    /// Rows confidently linked to an open case of any organisation.
    pub matched: usize,
    /// Rows possibly linked, for the owners' review.
    pub review: usize,
    /// Rows linked to your own organisation's cases.
    pub own: usize,
    /// Release mode a confirmation records.
    pub release_mode: ReleaseMode,
    /// When it was uploaded.
    pub uploaded_at: String,
    /// SHA-256 of the file as received.
    pub file_sha256: String,
    /// The file's name, when the file is kept.
    pub file_name: Option<String>,
    /// When it was withdrawn (its pending matches withdrawn with it).
    pub withdrawn_at: Option<String>,
}

/// A rescue list you uploaded, with the rows that matched your own cases.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RescueListDetail {
    /// The list.
    pub list: RescueListView,
    /// Rows linked to your organisation's open cases (other organisations'
    /// cases are never shown).
    pub own_matches: Vec<ListMatchView>,
}

/// Withdrawing a rescue list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// Why (kept in the audit log).
    pub reason: String,
}
