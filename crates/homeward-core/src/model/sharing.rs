//! Records of the sharing model: cross-border requests and their threads,
//! consent, blind match notices and disclosures.

use homeward_types::{
    CaseId, CompartmentEntryId, CompartmentKind, ConsentId, ConsentScope, GrantField, NoticeId,
    OrgId, RequestEventId, RequestId, RequestKind, RequestState, ScreeningOutcome, UserId,
};
use serde::Serialize;

/// A cross-border request about one case of the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Id.
    pub id: RequestId,
    /// Human reference (`REQ-TH-2026-000007`), assigned by the store.
    pub reference: String,
    /// The case it is about (owned by `from_org`).
    pub case_id: CaseId,
    /// Sender.
    pub from_org: OrgId,
    /// Recipient.
    pub to_org: OrgId,
    /// Kind.
    pub kind: RequestKind,
    /// Legal basis or channel.
    pub legal_basis: String,
    /// Items requested.
    pub items: String,
    /// Answer wanted by.
    pub deadline_ms: Option<i64>,
    /// State.
    pub state: RequestState,
    /// Personal data of the case the recipient may see while it is open.
    pub grant: Vec<GrantField>,
    /// Drafted from this match notice.
    pub notice_id: Option<NoticeId>,
    /// The recipient's own case that may be the same person (from the notice).
    pub matched_case: Option<CaseId>,
    /// Who wrote it.
    pub created_by: UserId,
    /// Created.
    pub created_ms: i64,
    /// Last change.
    pub updated_ms: i64,
}

impl Request {
    /// Whether the grant admits `org` now.
    pub fn grants_to(&self, org: OrgId) -> bool {
        self.to_org == org && self.state.grant_in_force()
    }

    /// The basis a disclosure under this request names:
    /// `rescue REQ-HK-2026-000001 (police-to-police channel)`.
    pub fn basis(&self) -> String {
        format!("{} {} ({})", self.kind, self.reference, self.legal_basis)
    }

    /// Past its deadline and still open.
    pub fn overdue(&self, now_ms: i64) -> bool {
        self.state.is_open() && self.deadline_ms.is_some_and(|d| d < now_ms)
    }
}

/// An entry of a request's thread: a message, or a move with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEvent {
    /// Id.
    pub id: RequestEventId,
    /// The request.
    pub request_id: RequestId,
    /// Who.
    pub actor: UserId,
    /// Their organisation.
    pub org_id: OrgId,
    /// When.
    pub at_ms: i64,
    /// For a move: from.
    pub from: Option<RequestState>,
    /// For a move: to.
    pub to: Option<RequestState>,
    /// Message, or reason of a move.
    pub body: Option<String>,
}

/// Filters of a request list.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only requests sent (`Some(true)`) or received (`Some(false)`).
    pub sent: Option<bool>,
    /// Only this state.
    pub state: Option<RequestState>,
    /// Only requests whose grant is in force.
    pub in_force: bool,
    /// Ids below this (cursor).
    pub before: Option<RequestId>,
    /// Page size.
    pub limit: u32,
}

/// A consent record for a case's subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Id.
    pub id: ConsentId,
    /// The case.
    pub case_id: CaseId,
    /// Owner (the case's organisation).
    pub org_id: OrgId,
    /// Scope.
    pub scope: ConsentScope,
    /// Organisations the data may go to (scope `share`).
    pub recipients: Vec<OrgId>,
    /// Language explained in.
    pub language: String,
    /// Given by.
    pub given_by: String,
    /// Date given (`YYYY-MM-DD`).
    pub given_on: String,
    /// End date (`YYYY-MM-DD`), inclusive.
    pub expires_on: Option<String>,
    /// Withdrawn.
    pub revoked_ms: Option<i64>,
    /// Recorded by.
    pub created_by: UserId,
    /// Recorded.
    pub created_ms: i64,
}

impl Consent {
    /// Given, not expired on `today` (`YYYY-MM-DD`), not withdrawn.
    pub fn in_force(&self, today: &str) -> bool {
        self.revoked_ms.is_none()
            && self.given_on.as_str() <= today
            && self.expires_on.as_deref().is_none_or(|e| today <= e)
    }

    /// Whether it lets the case's data go to `org` on `today`.
    pub fn allows_sharing_with(&self, org: OrgId, today: &str) -> bool {
        self.scope == ConsentScope::Share && self.recipients.contains(&org) && self.in_force(today)
    }
}

/// "Organisation `holder_org` holds a possible match of case `case_id`."
/// The holder's case is kept for the request drafted from the notice and is
/// never shown to the notified organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchNotice {
    /// Id.
    pub id: NoticeId,
    /// The notified organisation's case.
    pub case_id: CaseId,
    /// The notified organisation.
    pub org_id: OrgId,
    /// Who holds a possible match.
    pub holder_org: OrgId,
    /// Their case (never disclosed to `org_id`).
    pub holder_case: CaseId,
    /// Found.
    pub created_ms: i64,
    /// The request drafted from it.
    pub request_id: Option<RequestId>,
}

/// A disclosure of personal data, attached to the audit entry recording it
/// (the entry's detail carries the same facts, so the hash chain covers them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    /// Whose data it is.
    pub owner_org: OrgId,
    /// Where it went.
    pub recipient_org: Option<OrgId>,
    /// The case.
    pub case_id: Option<CaseId>,
    /// Which personal data.
    pub fields: Vec<GrantField>,
    /// On what basis.
    pub basis: String,
}

/// A disclosure as read back, with its audit entry's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureRecord {
    /// Audit sequence number.
    pub seq: i64,
    /// When.
    pub at_ms: i64,
    /// Audit action.
    pub action: String,
    /// Acting user.
    pub actor_user: Option<UserId>,
    /// Their organisation.
    pub actor_org: Option<OrgId>,
    /// The disclosure.
    pub disclosure: Disclosure,
}

/// An entry of a case's criminal-justice compartment (screenings, warrant
/// checks, notes): readable only by the criminal-justice role of the owning
/// organisation and of a request's recipient granted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompartmentEntry {
    /// Id.
    pub id: CompartmentEntryId,
    /// The case.
    pub case_id: CaseId,
    /// Owner.
    pub org_id: OrgId,
    /// Kind.
    pub kind: CompartmentKind,
    /// Screening outcome.
    pub outcome: Option<ScreeningOutcome>,
    /// Text.
    pub body: String,
    /// Author.
    pub author: UserId,
    /// When.
    pub at_ms: i64,
}

/// A rescue list as uploaded: who published it, its name and the digest of
/// the original file (kept for audit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RescueList {
    /// Id.
    pub id: homeward_types::RescueListId,
    /// The uploading organisation.
    pub org_id: OrgId,
    /// Name, e.g. "Myawaddy handover, 2026-11-20".
    pub name: String,
    /// SHA-256 of the file as uploaded.
    pub file_sha256: String,
    /// Rows read.
    pub rows: usize,
    /// Rows that could not be used.
    pub unusable: usize,
    /// Release mode a confirmed match records.
    pub release_mode: homeward_types::ReleaseMode,
    /// Uploaded by.
    pub created_by: Option<UserId>,
    /// Uploaded.
    pub created_ms: i64,
    /// Withdrawn (its pending matches withdrawn with it).
    pub withdrawn_ms: Option<i64>,
    /// Withdrawn by.
    pub withdrawn_by: Option<UserId>,
    /// The kept file's name (none: no file kept; empty: pasted text).
    pub file_name: Option<String>,
}

/// The file a list was read from, as received.
#[derive(Clone, PartialEq, Eq)]
pub struct ListFile {
    /// File name as uploaded.
    pub name: String,
    /// Media type (`text/csv`, the XLSX type, or `text/plain` for pasted text).
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl ListFile {
    /// A file, its media type told from its signature.
    pub fn new(name: String, bytes: Vec<u8>) -> ListFile {
        let media_type = if bytes.starts_with(b"PK\x03\x04") {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        } else if name.is_empty() {
            "text/plain"
        } else {
            "text/csv"
        };
        ListFile {
            name: name.chars().take(200).collect(),
            media_type: media_type.into(),
            bytes,
        }
    }
}

impl std::fmt::Debug for ListFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListFile")
            .field("name", &self.name)
            .field("media_type", &self.media_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A row of a rescue list that may be an open case of `owner_org`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListMatch {
    /// Id.
    pub id: homeward_types::ListMatchId,
    /// The list.
    pub list_id: homeward_types::RescueListId,
    /// 1-based row.
    pub row: usize,
    /// The row as written.
    pub row_text: String,
    /// The case.
    pub case_id: CaseId,
    /// Its owner (who is notified).
    pub owner_org: OrgId,
    /// Probability.
    pub probability: f64,
    /// Explanation.
    pub explanation: String,
    /// `matched` or `review`.
    pub strength: String,
    /// `pending`, `confirmed`, `rejected`.
    pub status: String,
    /// Decided by.
    pub decided_by: Option<UserId>,
    /// Decided.
    pub decided_ms: Option<i64>,
}
