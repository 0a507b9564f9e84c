//! Wire types of consolidation (C3): possible duplicates at intake, merge
//! and unmerge. Re-exported from [`crate::wire`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::OrganisationView;
use crate::{CaseId, CaseState, MergeId};

/// How one field of two records compares, as the matching engine saw it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatchFieldView {
    /// Field, e.g. `name`, `birth_date`, `phone`.
    pub field: String,
    /// Agreement in words, e.g. "same in Han characters and Cantonese romanisation".
    pub agreement: String,
    /// Evidence in bits (log2 Bayes factor): positive for a match, negative against.
    pub weight: f64,
}

/// An existing case whose subject may be the same person as this one. Only
/// cases whose names the viewer may see are listed; another organisation's
/// hidden case is announced as a blind match notice instead.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PossibleDuplicate {
    /// The other case.
    pub case_id: CaseId,
    /// Its reference.
    pub reference: String,
    /// Its subject's name as displayed.
    pub subject: String,
    /// Its state.
    pub state: CaseState,
    /// Who owns it.
    pub organisation: OrganisationView,
    /// Calibrated probability that both are the same person.
    pub probability: f64,
    /// One line, field by field.
    pub explanation: String,
    /// The same, structured.
    pub fields: Vec<MatchFieldView>,
    /// Whether the viewer may merge it with this case (both its organisation's, both open).
    pub mergeable: bool,
}

/// Merge another case of your organisation into this one.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The case that is merged in (it becomes `duplicate`; its reports,
    /// names, documents and contacts join this case, each with its source).
    pub from: CaseId,
    /// Why (shown in both histories).
    pub reason: String,
}

/// Undo a merge.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnmergeInput {
    /// Why (shown in both histories).
    pub reason: String,
}

/// A merge, seen from either case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MergeView {
    /// Id (unmerge by this).
    pub id: MergeId,
    /// The case that absorbed the other.
    pub into_case: CaseId,
    /// Its reference.
    pub into_reference: String,
    /// The case merged in.
    pub from_case: CaseId,
    /// Its reference.
    pub from_reference: String,
    /// State of the merged-in case before the merge (restored by unmerging).
    pub from_state: CaseState,
    /// Why.
    pub reason: String,
    /// Who merged (e-mail).
    pub by: String,
    /// When.
    pub at: String,
    /// When it was undone, if it was.
    pub undone_at: Option<String>,
    /// Why it was undone.
    pub undo_reason: Option<String>,
}
