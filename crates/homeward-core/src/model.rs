//! Domain records as core and the stores exchange them. Times are Unix
//! milliseconds (UTC); ids are the newtypes of `homeward-types`.

mod consolidate;
mod group_cases;
mod sharing;

pub use consolidate::*;
pub use group_cases::*;
pub use sharing::*;

use homeward_types::{
    CaseId, CaseKind, CaseState, ContactKind, DocumentKind, Marking, NoteId, OrgId, OrgKind,
    PersonId, Priority, ReleaseMode, ReportId, Role, Script, Sex, SharingGroupId, SiteId,
    SiteStatus, TokenId, TokenScope, UserId,
};

/// An organisation of the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Id.
    pub id: OrgId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// ISO 3166 alpha-2 country.
    pub country: String,
    /// Created.
    pub created_ms: i64,
}

/// A user account.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Organisation.
    pub org_id: OrgId,
    /// Login e-mail, lower case.
    pub email: String,
    /// Role.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Created.
    pub created_ms: i64,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Confirmed TOTP secret (base32); `Some` means two-factor sign-in is on.
    pub totp_secret: Option<String>,
    /// A TOTP secret shown for enrolment but not yet confirmed with a code.
    pub totp_pending: Option<String>,
    /// The last TOTP time step accepted (a code is accepted once).
    pub totp_last_step: Option<i64>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("password_hash", &"<redacted>")
            .field("totp", &self.totp_secret.is_some())
            .finish_non_exhaustive()
    }
}

/// A browser session; the id itself is never stored, only its digest.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 of the session id.
    pub id_digest: String,
    /// The user.
    pub user_id: UserId,
    /// CSRF secret bound to the session.
    pub csrf: String,
    /// Created.
    pub created_ms: i64,
    /// Expires (absolute).
    pub expires_ms: i64,
    /// How far sign-in has got.
    pub stage: SessionStage,
    /// Last use (refreshed at most once a minute), for the idle timeout.
    pub last_seen_ms: i64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("stage", &self.stage)
            .field("expires_ms", &self.expires_ms)
            .field("last_seen_ms", &self.last_seen_ms)
            .finish_non_exhaustive()
    }
}

/// How far a session has got through sign-in. Only `Full` sessions act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Password (and, where enrolled or required, the second factor) passed.
    Full,
    /// Password passed; the TOTP code is still due.
    Code,
    /// Password passed; the role needs a second factor that is not set up yet.
    Enrol,
}

impl SessionStage {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionStage::Full => "full",
            SessionStage::Code => "code",
            SessionStage::Enrol => "enrol",
        }
    }
}

impl std::str::FromStr for SessionStage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "full" => Ok(SessionStage::Full),
            "code" => Ok(SessionStage::Code),
            "enrol" => Ok(SessionStage::Enrol),
            other => Err(format!("unknown session stage '{other}'")),
        }
    }
}

/// An API token; only its digest is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Id.
    pub id: TokenId,
    /// Owner.
    pub user_id: UserId,
    /// Label.
    pub name: String,
    /// SHA-256 of the token.
    pub digest: String,
    /// What it may do.
    pub scope: TokenScope,
    /// Created.
    pub created_ms: i64,
    /// Revoked, if it was.
    pub revoked_ms: Option<i64>,
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiToken")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A name of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// As written.
    pub text: String,
    /// Script.
    pub script: Script,
    /// Given part.
    pub given: Option<String>,
    /// Family part.
    pub family: Option<String>,
    /// Romanisation system.
    pub system: Option<String>,
    /// The case it came from by a merge (none: the person's own).
    pub merged_from: Option<CaseId>,
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Kind.
    pub kind: DocumentKind,
    /// As written.
    pub number: String,
    /// Issuing state.
    pub issuing_state: Option<String>,
    /// Check digit valid, where we know the scheme.
    pub check_digit_valid: Option<bool>,
    /// The case it came from by a merge (none: the person's own).
    pub merged_from: Option<CaseId>,
}

/// A contact point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Kind.
    pub kind: ContactKind,
    /// As given.
    pub raw: String,
    /// Normalised.
    pub normalised: String,
    /// The case it came from by a merge (none: the person's own).
    pub merged_from: Option<CaseId>,
}

/// A person (the subject of a case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Id.
    pub id: PersonId,
    /// Owner.
    pub org_id: OrgId,
    /// Marking.
    pub marking: Marking,
    /// Sex.
    pub sex: Option<Sex>,
    /// Partial ISO birth date.
    pub birth_date: Option<String>,
    /// ISO alpha-2 nationalities.
    pub nationalities: Vec<String>,
    /// Names.
    pub names: Vec<PersonName>,
    /// Documents.
    pub documents: Vec<Document>,
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Created.
    pub created_ms: i64,
}

/// A report about a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Id.
    pub id: ReportId,
    /// Owner.
    pub org_id: OrgId,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// The person it is about.
    pub person_id: PersonId,
    /// Marking.
    pub marking: Marking,
    /// Filed by.
    pub created_by: UserId,
    /// Filed.
    pub created_ms: i64,
    /// Reporter name.
    pub reporter_name: Option<String>,
    /// Relationship.
    pub reporter_relationship: Option<String>,
    /// Reporter contact.
    pub reporter_contact: Option<String>,
    /// Last contact date.
    pub last_contact_date: Option<String>,
    /// Last contact channel.
    pub last_contact_channel: Option<String>,
    /// Last known place.
    pub last_seen_place: Option<String>,
    /// Recruitment channel.
    pub recruitment_channel: Option<String>,
    /// Job promised.
    pub job_promised: Option<String>,
    /// Free text.
    pub narrative: Option<String>,
}

/// A case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Id.
    pub id: CaseId,
    /// Human reference (`HK-2026-000123`).
    pub reference: String,
    /// Owner.
    pub org_id: OrgId,
    /// Kind.
    pub kind: CaseKind,
    /// State.
    pub state: CaseState,
    /// Main-path state to resume from a side state.
    pub resume_state: Option<CaseState>,
    /// Priority.
    pub priority: Priority,
    /// Marking.
    pub marking: Marking,
    /// With AMBER: the sharing group that may see it.
    pub sharing_group_id: Option<SharingGroupId>,
    /// Subject.
    pub person_id: PersonId,
    /// Known site.
    pub site_id: Option<SiteId>,
    /// Release mode once released.
    pub release_mode: Option<ReleaseMode>,
    /// The person is still held: nothing identifying leaves the owner except
    /// in a locate or rescue request to police.
    pub still_held: bool,
    /// What the case has beyond its reports ([`Case::HAS_REQUESTS`], …), kept
    /// by the store so a read skips empty lookups.
    pub sharing: i64,
    /// Display name of the subject (first name given), for lists.
    pub subject_display: String,
    /// Nationalities of the subject, for filtering.
    pub nationalities: Vec<String>,
    /// Folded names and reference, for owner-only text search.
    pub search_text: String,
    /// Opened.
    pub created_ms: i64,
    /// Last change.
    pub updated_ms: i64,
}

impl Case {
    /// `sharing` bit: the case has requests.
    pub const HAS_REQUESTS: i64 = 1;
    /// `sharing` bit: the case has consent records.
    pub const HAS_CONSENTS: i64 = 2;
    /// `sharing` bit: the case has match notices.
    pub const HAS_NOTICES: i64 = 4;

    /// Whether a `sharing` bit is set.
    pub fn has(&self, bit: i64) -> bool {
        self.sharing & bit != 0
    }
}

/// One move of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// Case.
    pub case_id: CaseId,
    /// From.
    pub from: CaseState,
    /// To.
    pub to: CaseState,
    /// Why.
    pub reason: String,
    /// Release mode.
    pub release_mode: Option<ReleaseMode>,
    /// Who.
    pub actor: UserId,
    /// When.
    pub at_ms: i64,
}

/// A note on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Id.
    pub id: NoteId,
    /// Case.
    pub case_id: CaseId,
    /// Author.
    pub author: UserId,
    /// When.
    pub at_ms: i64,
    /// Text.
    pub body: String,
}

/// A site (compound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Id.
    pub id: SiteId,
    /// Owner (who registered it).
    pub org_id: OrgId,
    /// Canonical name.
    pub name: String,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Zone.
    pub zone: Option<String>,
    /// Country.
    pub country: String,
    /// Status.
    pub status: SiteStatus,
    /// Marking.
    pub marking: Marking,
    /// Created.
    pub created_ms: i64,
}

/// A case with everything attached, as read in one go.
#[derive(Debug, Clone)]
pub struct CaseBundle {
    /// The case.
    pub case: Case,
    /// Its subject.
    pub person: Person,
    /// Its reports, oldest first.
    pub reports: Vec<Report>,
    /// Its transitions, oldest first.
    pub transitions: Vec<Transition>,
    /// Its notes, oldest first.
    pub notes: Vec<Note>,
}

/// Filters of a case list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this state.
    pub state: Option<CaseState>,
    /// Only subjects of this nationality.
    pub nationality: Option<String>,
    /// Only this site.
    pub site_id: Option<SiteId>,
    /// Folded text to find in names (own cases only) or references.
    pub text: Option<String>,
    /// Cases with ids below this (cursor).
    pub before: Option<CaseId>,
    /// Page size.
    pub limit: u32,
}

/// A sharing group: the organisations that see its members' AMBER records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharingGroup {
    /// Id.
    pub id: SharingGroupId,
    /// The organisation that manages it.
    pub owner_org: OrgId,
    /// Name.
    pub name: String,
    /// Members (the owner included).
    pub members: Vec<OrgId>,
    /// Created.
    pub created_ms: i64,
}

/// Failed sign-ins of one account key (the digest of the e-mail, whether or
/// not an account has it, so the answer never reveals which e-mails exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginThrottle {
    /// Failures in the current window.
    pub failures: i64,
    /// Last failure.
    pub last_failure_ms: i64,
    /// Locked until, if a lock was set.
    pub locked_until_ms: Option<i64>,
}

/// One failed password or code, with the lockout policy to apply.
#[derive(Debug, Clone)]
pub struct LoginFailure {
    /// Account key (digest of the lower-case e-mail).
    pub key: String,
    /// When.
    pub at_ms: i64,
    /// Failures older than this window no longer count.
    pub window_ms: i64,
    /// Failures that lock the account.
    pub max_failures: i64,
    /// How long a lock lasts.
    pub lock_ms: i64,
}

/// An accepted TOTP code: remembers its time step (so it is accepted once)
/// and completes the session's sign-in.
#[derive(Clone)]
pub struct TotpUse {
    /// The user.
    pub user_id: UserId,
    /// The accepted time step; must be later than the last one accepted.
    pub step: i64,
    /// The session to promote to `Full`, if any.
    pub session_digest: Option<String>,
    /// On enrolment: the pending secret the code was checked against; it
    /// becomes the user's secret if it is still the pending one.
    pub enrol_secret: Option<String>,
    /// Account key whose failure count to clear.
    pub clear_key: String,
    /// When.
    pub at_ms: i64,
}

impl std::fmt::Debug for TotpUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpUse")
            .field("user_id", &self.user_id)
            .field("step", &self.step)
            .field("enrol", &self.enrol_secret.is_some())
            .finish_non_exhaustive()
    }
}

/// Removal of a closed case's personal data (retention).
#[derive(Debug, Clone)]
pub struct CasePurge {
    /// The case.
    pub case_id: CaseId,
    /// Its subject.
    pub person_id: PersonId,
    /// The final state the case must still be in.
    pub state: CaseState,
    /// Text put where free text was (note bodies, transition reasons, the list name).
    pub marker: String,
    /// When.
    pub at_ms: i64,
}
