//! Wire types of the sharing model: cross-border requests with their grants
//! and threads, consent records, the still-held flag, blind match notices
//! and the disclosure log. Re-exported from [`crate::wire`].

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::wire::OrganisationView;
use crate::{
    CaseId, CompartmentEntryId, CompartmentKind, ConsentId, ConsentScope, GrantField, NoticeId,
    OrgId, RequestEventId, RequestId, RequestKind, RequestState, ScreeningOutcome,
};

/// A new cross-border request about one of your organisation's cases.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// The case (owned by your organisation) the request is about.
    pub case_id: CaseId,
    /// The organisation asked to act.
    pub to_org: OrgId,
    /// What is asked.
    pub kind: RequestKind,
    /// Legal basis or channel (e.g. "MLA treaty", "ASEANAPOL", "PDPA s.24 vital interest").
    pub legal_basis: String,
    /// The items requested, in words.
    pub items: String,
    /// Answer wanted by (`YYYY-MM-DD`, end of that day UTC, or an RFC 3339 time).
    #[serde(default)]
    pub deadline: Option<String>,
    /// The personal data of the case the recipient may see while the request
    /// is open. Empty: the recipient sees the case redacted.
    #[serde(default)]
    pub grant: Vec<GrantField>,
    /// Send at once (default: keep as a draft the recipient cannot see).
    #[serde(default)]
    pub send: bool,
    /// First message of the thread.
    #[serde(default)]
    pub message: Option<String>,
    /// Draft from a blind match notice: the recipient is told which of its
    /// cases may be the same person.
    #[serde(default)]
    pub notice_id: Option<NoticeId>,
}

/// A move of a request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestTransitionInput {
    /// Target state.
    pub to: RequestState,
    /// Why (required to decline or cancel).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A message in a request's thread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestMessageInput {
    /// Text.
    pub body: String,
}

/// A request in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestSummary {
    /// Id.
    pub id: RequestId,
    /// Human reference, e.g. `REQ-TH-2026-000007`.
    pub reference: String,
    /// Kind.
    pub kind: RequestKind,
    /// State.
    pub state: RequestState,
    /// `sent` if your organisation sent it, `received` otherwise.
    pub direction: String,
    /// Sender.
    pub from: OrganisationView,
    /// Recipient.
    pub to: OrganisationView,
    /// The case it is about.
    pub case_id: CaseId,
    /// Answer wanted by.
    pub deadline: Option<String>,
    /// Past its deadline and still open.
    pub overdue: bool,
    /// Last change.
    pub updated_at: String,
}

/// An entry of a request's thread: a message or a move.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestEventView {
    /// Id.
    pub id: RequestEventId,
    /// When.
    pub at: String,
    /// Who (user e-mail).
    pub actor: String,
    /// Their organisation.
    pub organisation: OrganisationView,
    /// For a move: from.
    pub from: Option<RequestState>,
    /// For a move: to.
    pub to: Option<RequestState>,
    /// Message text, or the reason of a move.
    pub body: Option<String>,
}

/// A request with its thread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestView {
    /// Summary.
    pub request: RequestSummary,
    /// Legal basis or channel.
    pub legal_basis: String,
    /// Items requested.
    pub items: String,
    /// What the recipient may see of the case's personal data.
    pub grant: Vec<GrantField>,
    /// Whether the grant is in force now (from sending until the request closes).
    pub grant_in_force: bool,
    /// For the recipient of a request drafted from a match notice: its own
    /// case that may be the same person.
    pub matched_case: Option<CaseId>,
    /// Thread, oldest first.
    pub thread: Vec<RequestEventView>,
    /// States the viewer may move the request to now.
    pub allowed_transitions: Vec<RequestState>,
}

/// One page of requests.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestPage {
    /// Items, newest first.
    pub items: Vec<RequestSummary>,
    /// Cursor of the next page, absent on the last.
    pub next_cursor: Option<String>,
}

/// A consent record for a case's subject.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// What was consented to.
    pub scope: ConsentScope,
    /// With `share`: the organisations the data may go to.
    #[serde(default)]
    pub recipients: Vec<OrgId>,
    /// Language the consent was explained in (BCP 47, e.g. `th`, `zh-Hant`).
    pub language: String,
    /// Who gave it (the person, a parent, a guardian, …).
    pub given_by: String,
    /// Date given (`YYYY-MM-DD`).
    pub given_on: String,
    /// Date it ends (`YYYY-MM-DD`), if any.
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// A consent record as shown to the owning organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsentView {
    /// Id.
    pub id: ConsentId,
    /// Scope.
    pub scope: ConsentScope,
    /// Recipients.
    pub recipients: Vec<OrganisationView>,
    /// Language explained in.
    pub language: String,
    /// Given by.
    pub given_by: String,
    /// Date given.
    pub given_on: String,
    /// End date.
    pub expires_on: Option<String>,
    /// When it was withdrawn.
    pub revoked_at: Option<String>,
    /// Given, not expired, not withdrawn.
    pub in_force: bool,
}

/// Setting or clearing the still-held flag.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StillHeldInput {
    /// Whether the person is still held.
    pub still_held: bool,
    /// Why (shown in the timeline and the audit).
    pub reason: String,
}

/// "Organisation X holds a possible match": never the other record's content.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatchNoticeView {
    /// Id (pass as `notice_id` to draft a request to the holder).
    pub id: NoticeId,
    /// The organisation that holds a possible match.
    pub organisation: OrganisationView,
    /// When it was found.
    pub created_at: String,
    /// The request drafted from it, if any.
    pub request_id: Option<RequestId>,
}

/// One disclosure of an organisation's personal data, from the audit chain.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DisclosureView {
    /// Position in the audit chain (`homeward audit verify` covers it).
    pub seq: i64,
    /// When.
    pub at: String,
    /// What happened: `request.grant`, `request.grant.end`, `case.read.granted`, `export`, …
    pub action: String,
    /// Who did it (user e-mail), if a user.
    pub actor: Option<String>,
    /// Their organisation.
    pub actor_organisation: Option<OrganisationView>,
    /// The organisation the data went to.
    pub recipient: Option<OrganisationView>,
    /// The case.
    pub case_id: Option<CaseId>,
    /// Which personal data.
    pub fields: Vec<GrantField>,
    /// On what basis (a request and its legal basis, a consent).
    pub basis: String,
}

/// One page of the disclosure log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DisclosurePage {
    /// Items, newest first.
    pub items: Vec<DisclosureView>,
    /// Cursor of the next page, absent on the last.
    pub next_cursor: Option<String>,
}

/// A new entry of a case's criminal-justice compartment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompartmentInput {
    /// Kind.
    pub kind: CompartmentKind,
    /// With `screening`: the outcome.
    #[serde(default)]
    pub outcome: Option<ScreeningOutcome>,
    /// Text: indicators found, what was checked and the result, …
    pub body: String,
}

/// An entry of a case's criminal-justice compartment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompartmentEntryView {
    /// Id.
    pub id: CompartmentEntryId,
    /// Kind.
    pub kind: CompartmentKind,
    /// Screening outcome.
    pub outcome: Option<ScreeningOutcome>,
    /// Text.
    pub body: String,
    /// Author (user e-mail).
    pub author: String,
    /// When.
    pub at: String,
}
