//! Wire types of group cases (C3: one compound, recruiter or event, many
//! individual cases), their exported packages and the partner report (C12).
//! Re-exported from [`crate::wire`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::{CaseSummary, OrganisationView, PersonView, ReportView};
use crate::{
    CaseId, CaseKind, CaseState, GrantField, GroupCaseId, Grouping, Marking, OrgId, SharingGroupId,
    SiteId,
};

/// A new group case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupCaseInput {
    /// What the members share: a `site` (compound), a `recruiter`, or an `event` (a raid, a handover).
    pub grouping: Grouping,
    /// Label, e.g. "KK Park, Myawaddy" or "Handover at Mae Sot, 2026-11-20".
    pub label: String,
    /// The compound, for suggestions by site.
    #[serde(default)]
    pub site_id: Option<SiteId>,
    /// The recruiter's contacts (phones, handles, links), for suggestions by shared contact.
    #[serde(default)]
    pub recruiter: Option<String>,
    /// Start of the period the group covers (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    #[serde(default)]
    pub period_from: Option<String>,
    /// End of the period.
    #[serde(default)]
    pub period_to: Option<String>,
    /// Marking (default `amber_strict`).
    #[serde(default)]
    pub marking: Option<Marking>,
    /// With marking `amber`: the sharing group that may see it.
    #[serde(default)]
    pub sharing_group_id: Option<SharingGroupId>,
}

/// Adds a case to a group case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMemberAdd {
    /// An individual case you may see.
    pub case_id: CaseId,
    /// Why it belongs (kept in both histories).
    pub reason: String,
}

/// Removes a case from a group case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMemberRemoval {
    /// Why it no longer belongs.
    pub reason: String,
}

/// A group case in lists.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupCaseSummary {
    /// Id.
    pub id: GroupCaseId,
    /// Human reference (`GRP-TH-2026-000001`).
    pub reference: String,
    /// Always `group`.
    pub kind: CaseKind,
    /// What the members share.
    pub grouping: Grouping,
    /// Label.
    pub label: String,
    /// Owning organisation (which manages it).
    pub owner: OrganisationView,
    /// Marking.
    pub marking: Marking,
    /// With marking `amber`: the sharing group that may see it.
    pub sharing_group_id: Option<SharingGroupId>,
    /// The compound's name.
    pub site: Option<String>,
    /// Opened.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// One page of group cases, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupCasePage {
    /// Items.
    pub items: Vec<GroupCaseSummary>,
    /// Cursor of the next page, absent on the last.
    pub next_cursor: Option<String>,
}

/// A member as the viewer may see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupMemberView {
    /// The case, redacted to the viewer's sight.
    pub case: CaseSummary,
    /// Added to the group.
    pub added_at: String,
    /// Why (the group owner only).
    pub reason: Option<String>,
}

/// How many members are in a state.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StateCount {
    /// State.
    pub state: CaseState,
    /// Members in it.
    pub count: usize,
}

/// An addition or removal of a member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupEventView {
    /// When.
    pub at: String,
    /// `added` or `removed`.
    pub action: String,
    /// The group case.
    pub group_id: GroupCaseId,
    /// Its reference.
    pub group_reference: String,
    /// The member case.
    pub case_id: CaseId,
    /// Its reference.
    pub case_reference: String,
    /// Who (the group owner only).
    pub actor: Option<String>,
    /// Why (the group owner only).
    pub reason: Option<String>,
}

/// A group case with the members the viewer may see.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupCaseView {
    /// The group case.
    pub group: GroupCaseSummary,
    /// The recruiter's contacts (the owner only).
    pub recruiter: Option<String>,
    /// Period start.
    pub period_from: Option<String>,
    /// Period end.
    pub period_to: Option<String>,
    /// Members the viewer may see, each redacted to the viewer's sight.
    pub members: Vec<GroupMemberView>,
    /// Those members by state.
    pub counts: Vec<StateCount>,
    /// Additions and removals of those members, oldest first.
    pub history: Vec<GroupEventView>,
    /// Whether the viewer may add, remove and export (the owner's writers).
    pub can_manage: bool,
}

/// A case that may belong to a group case, with why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberSuggestion {
    /// The case, redacted to the viewer's sight.
    pub case: CaseSummary,
    /// Higher is stronger.
    pub score: u32,
    /// Why, in words (same site, overlapping last contact, shared recruiter contact).
    pub reasons: Vec<String>,
}

/// For whom to export a group package.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupExportInput {
    /// The organisation the package is for; each member shows only what it may see.
    pub recipient_org: OrgId,
}

/// A member in a package: what the recipient may see of it, and no more
/// than the exporter may.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PackageMember {
    /// The case.
    pub case: CaseSummary,
    /// Still held: shared only with police under a locate or rescue request.
    pub still_held: bool,
    /// Personal data shown (empty: none).
    pub fields: Vec<GrantField>,
    /// The subject, redacted to `fields`.
    pub person: PersonView,
    /// Reports, redacted to `fields`.
    pub reports: Vec<ReportView>,
}

/// A group package for one recipient organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GroupPackage {
    /// The group case.
    pub group: GroupCaseSummary,
    /// For whom.
    pub recipient: OrganisationView,
    /// When it was made.
    pub generated_at: String,
    /// Members the recipient may see.
    pub members: Vec<PackageMember>,
}

/// One requesting partner's requests to the viewer's organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerRow {
    /// The partner that sent the requests.
    pub partner: OrganisationView,
    /// Requests received (sent to you, in any state since).
    pub received: usize,
    /// Of those, requests whose case was located (or got further).
    pub located: usize,
    /// Requests whose case was released: "resolved".
    pub released: usize,
    /// Requests whose case was repatriated.
    pub repatriated: usize,
    /// Median days from the report to the release, over released requests.
    pub median_days_to_release: Option<f64>,
}

/// Requests received and resolved per requesting partner (C12).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerReport {
    /// Whose report (the viewer's organisation).
    pub organisation: OrganisationView,
    /// One row per partner, most requests first.
    pub partners: Vec<PartnerRow>,
    /// All partners together.
    pub total: PartnerRow,
}

/// The group cases a case is in, and its history in them, as the viewer
/// may see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseGroupsView {
    /// Group cases the case is in now.
    pub groups: Vec<GroupCaseSummary>,
    /// Additions to and removals from group cases, oldest first.
    pub history: Vec<GroupEventView>,
}
