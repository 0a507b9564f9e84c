//! Records of group cases: a case of kind `group` that gathers individual
//! cases sharing a compound, a recruiter or an event, and the history of its
//! members.

use homeward_types::{
    CaseId, GroupCaseId, Grouping, Marking, OrgId, SharingGroupId, SiteId, UserId,
};

/// A group case. It has no subject of its own: its members are individual
/// cases, each keeping its own owner, marking and sight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCase {
    /// Id.
    pub id: GroupCaseId,
    /// Human reference (`GRP-TH-2026-000001`), assigned by the store.
    pub reference: String,
    /// Owner (manages the members).
    pub org_id: OrgId,
    /// What the members share.
    pub grouping: Grouping,
    /// Label.
    pub label: String,
    /// The compound.
    pub site_id: Option<SiteId>,
    /// The recruiter's contacts, as written.
    pub recruiter: Option<String>,
    /// Period start (partial ISO date).
    pub period_from: Option<String>,
    /// Period end (partial ISO date).
    pub period_to: Option<String>,
    /// Marking.
    pub marking: Marking,
    /// With AMBER: the sharing group that may see it.
    pub sharing_group_id: Option<SharingGroupId>,
    /// Opened by.
    pub created_by: UserId,
    /// Opened.
    pub created_ms: i64,
    /// Last change (a member added or removed).
    pub updated_ms: i64,
}

/// A case in a group case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    /// The group case.
    pub group_id: GroupCaseId,
    /// The member.
    pub case_id: CaseId,
    /// Added by.
    pub added_by: UserId,
    /// Added.
    pub added_ms: i64,
    /// Why.
    pub reason: String,
}

/// An addition or removal of a member, kept in both the group's and the
/// member's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEvent {
    /// The group case.
    pub group_id: GroupCaseId,
    /// The member.
    pub case_id: CaseId,
    /// Added (true) or removed.
    pub added: bool,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: UserId,
    /// When.
    pub at_ms: i64,
}
