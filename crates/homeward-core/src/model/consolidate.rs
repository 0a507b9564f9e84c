//! Records of consolidation: merges of one case into another.

use homeward_types::{CaseId, CaseState, MergeId, ReportId, UserId};

/// A merge of `from_case` into `into_case` (both of one organisation). The
/// merged-in case becomes `duplicate`; its reports move to `into_case` and
/// copies of its subject's names, documents and contacts are added to
/// `into_case`'s subject, marked with their source. Undoing it restores
/// both cases exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// Id.
    pub id: MergeId,
    /// The case that absorbs the other.
    pub into_case: CaseId,
    /// The case merged in.
    pub from_case: CaseId,
    /// `from_case`'s state before (restored by unmerging).
    pub from_state: CaseState,
    /// `from_case`'s resume state before.
    pub from_resume_state: Option<CaseState>,
    /// The reports moved to `into_case` (moved back by unmerging).
    pub reports: Vec<ReportId>,
    /// Why.
    pub reason: String,
    /// Who.
    pub created_by: UserId,
    /// When.
    pub created_ms: i64,
    /// Who undid it.
    pub undone_by: Option<UserId>,
    /// When it was undone.
    pub undone_ms: Option<i64>,
    /// Why it was undone.
    pub undo_reason: Option<String>,
}

impl Merge {
    /// Still in force.
    pub fn in_force(&self) -> bool {
        self.undone_ms.is_none()
    }
}
