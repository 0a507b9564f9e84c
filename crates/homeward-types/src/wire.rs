//! JSON wire types of the API (`/api/v1`). Inputs refuse unknown fields so a
//! misspelt key is an error, not silently dropped data. Times are RFC 3339 UTC
//! strings; birth dates are partial ISO dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).

mod account;
pub use account::*;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::consolidate::*;
pub use crate::group_cases::*;
pub use crate::rescue::*;
pub use crate::sharing::*;

use crate::{
    CaseId, CaseKind, CaseState, ContactKind, DocumentKind, Marking, NoteId, OrgId, OrgKind,
    PersonId, Priority, ReleaseMode, ReportId, Role, Script, Sex, SharingGroupId, SiteId,
    SiteStatus, UserId,
};

/// A name as written, with optional parts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameInput {
    /// The full name exactly as written, in any script.
    pub text: String,
    /// Given name part, if known.
    #[serde(default)]
    pub given: Option<String>,
    /// Family name part, if known.
    #[serde(default)]
    pub family: Option<String>,
    /// Romanisation system, if the name is a romanisation (e.g. `pinyin`, `hk_gov`, `rtgs`).
    #[serde(default)]
    pub system: Option<String>,
}

/// An identity document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// Document kind.
    pub kind: DocumentKind,
    /// Number as written.
    pub number: String,
    /// Issuing state, ISO 3166 alpha-2.
    #[serde(default)]
    pub issuing_state: Option<String>,
}

/// A contact point (phone number, messaging handle, e-mail).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Contact kind.
    pub kind: ContactKind,
    /// Value as given.
    pub value: String,
}

/// The person a report is about.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    /// At least one name, in any script; several are welcome.
    pub names: Vec<NameInput>,
    /// Sex, if known.
    #[serde(default)]
    pub sex: Option<Sex>,
    /// Birth date, full or partial (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `DD/MM/YYYY`;
    /// Buddhist-Era years are converted).
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Nationalities, ISO 3166 alpha-2 (e.g. `HK`, `TH`).
    #[serde(default)]
    pub nationalities: Vec<String>,
    /// Identity documents.
    #[serde(default)]
    pub documents: Vec<DocumentInput>,
    /// Contact points.
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
}

/// Who made the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReporterInput {
    /// Reporter's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Relationship to the subject (mother, friend, self, NGO, …).
    #[serde(default)]
    pub relationship: Option<String>,
    /// How to reach the reporter.
    #[serde(default)]
    pub contact: Option<String>,
}

/// A new report about a missing or held person; filing it opens a case.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// The person the report is about.
    pub subject: SubjectInput,
    /// Who reported.
    #[serde(default)]
    pub reporter: ReporterInput,
    /// Date of last contact (partial ISO date allowed).
    #[serde(default)]
    pub last_contact_date: Option<String>,
    /// Channel of last contact (e.g. whatsapp, telegram, phone).
    #[serde(default)]
    pub last_contact_channel: Option<String>,
    /// Where the person was last known to be, in words.
    #[serde(default)]
    pub last_seen_place: Option<String>,
    /// Known site (compound), if identified.
    #[serde(default)]
    pub site_id: Option<SiteId>,
    /// Recruitment channel (facebook, telegram, job portal, acquaintance, …).
    #[serde(default)]
    pub recruitment_channel: Option<String>,
    /// The job that was promised.
    #[serde(default)]
    pub job_promised: Option<String>,
    /// Free-text account.
    #[serde(default)]
    pub narrative: Option<String>,
    /// Case priority (default `normal`).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Marking of the new records (default `amber+strict`).
    #[serde(default)]
    pub marking: Option<Marking>,
    /// With marking `amber`: the sharing group that may see the case (one your
    /// organisation belongs to).
    #[serde(default)]
    pub sharing_group_id: Option<SharingGroupId>,
    /// The person is still held: blocks clear/green markings, exports and
    /// publication, and limits grants to locate and rescue requests to police.
    #[serde(default)]
    pub still_held: bool,
}

/// What filing a report created.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportCreated {
    /// The new case.
    pub case_id: CaseId,
    /// Its human reference, e.g. `HK-2026-000123`.
    pub reference: String,
    /// The report.
    pub report_id: ReportId,
    /// The person record.
    pub person_id: PersonId,
    /// Other organisations holding a possible match of this person (blind:
    /// only who holds it; draft a request to learn more).
    pub possible_matches: Vec<MatchNoticeView>,
    /// Cases you may see whose subject may be the same person, most probable
    /// first (merge from the case page or `POST /cases/{id}/merge`).
    #[serde(default)]
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

/// A request to move a case to another state.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    /// Target state.
    pub to: CaseState,
    /// Why (required, shown in the timeline).
    pub reason: String,
    /// Required when moving to `released`.
    #[serde(default)]
    pub release_mode: Option<ReleaseMode>,
}

/// A new note on a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    /// Note text.
    pub body: String,
}

/// A new site (compound) in the register.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// Canonical name.
    pub name: String,
    /// Other names, any script.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Zone, e.g. "Myawaddy".
    #[serde(default)]
    pub zone: Option<String>,
    /// Country, ISO 3166 alpha-2.
    pub country: String,
    /// Status (default `active`).
    #[serde(default)]
    pub status: Option<SiteStatus>,
    /// Marking (default `green`).
    #[serde(default)]
    pub marking: Option<Marking>,
}

/// An organisation as listed to other users.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganisationView {
    /// Id.
    pub id: OrgId,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Country, ISO 3166 alpha-2.
    pub country: String,
}

/// The signed-in user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeView {
    /// User id.
    pub id: UserId,
    /// E-mail (login).
    pub email: String,
    /// Role.
    pub role: Role,
    /// Organisation.
    pub organisation: OrganisationView,
}

/// A site (compound).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SiteView {
    /// Id.
    pub id: SiteId,
    /// Canonical name.
    pub name: String,
    /// Other names.
    pub aliases: Vec<String>,
    /// Zone.
    pub zone: Option<String>,
    /// Country.
    pub country: String,
    /// Status.
    pub status: SiteStatus,
    /// Marking.
    pub marking: Marking,
}

/// A name as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NameView {
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
    /// The case it came from by a merge (owner only; absent: this case's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<CaseId>,
}

/// An identity document as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DocumentView {
    /// Kind.
    pub kind: DocumentKind,
    /// Number as written.
    pub number: String,
    /// Issuing state.
    pub issuing_state: Option<String>,
    /// Whether the number's check digit is valid (`null` where the kind has none we check).
    pub check_digit_valid: Option<bool>,
    /// The case it came from by a merge (owner only; absent: this case's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<CaseId>,
}

/// A contact point as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContactView {
    /// Kind.
    pub kind: ContactKind,
    /// As given.
    pub raw: String,
    /// Normalised (E.164 for phones, lower-case handle otherwise).
    pub normalised: String,
    /// The case it came from by a merge (owner only; absent: this case's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<CaseId>,
}

/// A person, possibly redacted: other organisations see no names, documents,
/// contacts or exact birth date (PRODUCT §4).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    /// Id.
    pub id: PersonId,
    /// True when personal data was withheld from this viewer.
    pub redacted: bool,
    /// Names (empty when redacted).
    pub names: Vec<NameView>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Birth date as recorded, or only its year when redacted.
    pub birth_date: Option<String>,
    /// Nationalities.
    pub nationalities: Vec<String>,
    /// Documents (empty when redacted).
    pub documents: Vec<DocumentView>,
    /// Contacts (empty when redacted).
    pub contacts: Vec<ContactView>,
}

/// A report as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportView {
    /// Id.
    pub id: ReportId,
    /// When it was filed.
    pub created_at: String,
    /// Who filed it (user e-mail).
    pub created_by: String,
    /// Reporter name (withheld when redacted).
    pub reporter_name: Option<String>,
    /// Reporter's relationship to the subject.
    pub reporter_relationship: Option<String>,
    /// Reporter contact (withheld when redacted).
    pub reporter_contact: Option<String>,
    /// Date of last contact.
    pub last_contact_date: Option<String>,
    /// Channel of last contact.
    pub last_contact_channel: Option<String>,
    /// Last known place.
    pub last_seen_place: Option<String>,
    /// Recruitment channel.
    pub recruitment_channel: Option<String>,
    /// Job promised.
    pub job_promised: Option<String>,
    /// Free text (withheld when redacted).
    pub narrative: Option<String>,
    /// The case it came from by a merge (owner only; absent: this case's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<CaseId>,
}

/// One move of a case in its lifecycle.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransitionView {
    /// From.
    pub from: CaseState,
    /// To.
    pub to: CaseState,
    /// Why.
    pub reason: String,
    /// Release mode, for `released`.
    pub release_mode: Option<ReleaseMode>,
    /// Who (user e-mail).
    pub actor: String,
    /// When.
    pub at: String,
}

/// A note as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteView {
    /// Id.
    pub id: NoteId,
    /// Author (user e-mail).
    pub author: String,
    /// When.
    pub at: String,
    /// Text.
    pub body: String,
}

/// A case in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseSummary {
    /// Id.
    pub id: CaseId,
    /// Human reference.
    pub reference: String,
    /// Kind.
    pub kind: CaseKind,
    /// State.
    pub state: CaseState,
    /// Priority.
    pub priority: Priority,
    /// Marking.
    pub marking: Marking,
    /// With marking `amber`: the sharing group that may see it.
    pub sharing_group_id: Option<SharingGroupId>,
    /// Owning organisation.
    pub owner: OrganisationView,
    /// Subject's display name, or "(withheld)" when redacted.
    pub subject: String,
    /// Subject's nationalities.
    pub nationalities: Vec<String>,
    /// Known site.
    pub site: Option<String>,
    /// Opened.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// A case with everything the viewer may see.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseDetail {
    /// The case.
    pub case: CaseSummary,
    /// Release mode, once released.
    pub release_mode: Option<ReleaseMode>,
    /// The subject.
    pub person: PersonView,
    /// Reports, oldest first.
    pub reports: Vec<ReportView>,
    /// Lifecycle, oldest first.
    pub transitions: Vec<TransitionView>,
    /// Notes, oldest first.
    pub notes: Vec<NoteView>,
    /// States the viewer may move the case to now (empty if they may not change it).
    pub allowed_transitions: Vec<CaseState>,
    /// The person is still held: nothing that could identify them leaves the
    /// owning organisation except in a locate or rescue request to police.
    pub still_held: bool,
    /// For a viewer seeing the case through a request's grant: the personal
    /// data granted (everything else is withheld).
    pub granted: Option<Vec<crate::GrantField>>,
    /// Consent records (owner only).
    pub consents: Vec<ConsentView>,
    /// Requests about the case that the viewer's organisation is party to.
    pub requests: Vec<RequestSummary>,
    /// Other organisations holding a possible match (owner only).
    pub match_notices: Vec<MatchNoticeView>,
    /// Merges this case took part in, either side (owner only).
    #[serde(default)]
    pub merges: Vec<MergeView>,
    /// The criminal-justice compartment: present only for the owner's
    /// criminal-justice staff and those of a request granting it.
    pub compartment: Option<Vec<CompartmentEntryView>>,
}

/// One page of a list; pass `next_cursor` as `cursor` to get the next.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CasePage {
    /// Items.
    pub items: Vec<CaseSummary>,
    /// Cursor of the next page, absent on the last.
    pub next_cursor: Option<String>,
}

/// A field-level problem in an input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as a JSON pointer-ish path (e.g. `subject.names[0].text`).
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// RFC 9457 problem details, with a stable machine-readable `code`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong and how to fix it.
    pub detail: String,
    /// Stable snake_case code, e.g. `invalid_transition`.
    pub code: String,
    /// Field errors, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A job ad or recruitment message to screen (PRODUCT §5.3). Every field is optional text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdInput {
    /// Caller's id, echoed back.
    #[serde(default)]
    pub id: Option<String>,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Body text, or the whole pasted message.
    #[serde(default)]
    pub description: Option<String>,
    /// Advertiser.
    #[serde(default)]
    pub company: Option<String>,
    /// Place of work.
    #[serde(default)]
    pub location: Option<String>,
    /// Pay as written.
    #[serde(default)]
    pub salary: Option<String>,
    /// How to apply / contact.
    #[serde(default)]
    pub contact: Option<String>,
    /// Requirements.
    #[serde(default)]
    pub requirements: Option<String>,
    /// Benefits.
    #[serde(default)]
    pub benefits: Option<String>,
    /// Link to the ad.
    #[serde(default)]
    pub url: Option<String>,
    /// Language hint (BCP 47).
    #[serde(default)]
    pub lang: Option<String>,
}

/// One ad, or a batch of ads (a JSON array).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum ScreenInput {
    /// A batch (at most 1,000 ads). Listed first: serde would otherwise read
    /// an array as a struct by position.
    Batch(Vec<AdInput>),
    /// One ad.
    One(Box<AdInput>),
}

/// Why an ad scored as it did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScreenReason {
    /// Stable code (a rule, `pay_above_market`, `known_signal` or `model`).
    pub code: String,
    /// Plain-language explanation.
    pub message: String,
    /// Log-odds it added.
    pub weight: f32,
    /// The words that triggered it.
    pub triggers: Vec<String>,
}

/// The screening verdict of one ad.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScreenVerdict {
    /// The ad's id as given (or its position in the batch).
    pub id: String,
    /// Calibrated lure risk, 0–1.
    pub score: f32,
    /// Whether the score is at or above the threshold.
    pub flagged: bool,
    /// The threshold applied.
    pub threshold: f32,
    /// Reasons, strongest first.
    pub reasons: Vec<ScreenReason>,
    /// Whether the ad exceeded the size limits and only its beginning was read.
    pub truncated: bool,
}

/// The verdicts, in input order (one element for a single ad).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScreenOutput {
    /// Verdicts.
    pub verdicts: Vec<ScreenVerdict>,
}

/// A new sharing group (your organisation owns it and is its first member).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingGroupInput {
    /// Name, e.g. "Myawaddy task force".
    pub name: String,
}

/// An organisation to add to a sharing group.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMemberInput {
    /// The organisation.
    pub org_id: OrgId,
}

/// A sharing group as shown to its members.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SharingGroupView {
    /// Id.
    pub id: SharingGroupId,
    /// Name.
    pub name: String,
    /// The organisation that manages it.
    pub owner: OrganisationView,
    /// Its members (the owner included).
    pub members: Vec<OrganisationView>,
}

/// A change of a case's marking (owner only; lowering needs a reason and is audited as such).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkingInput {
    /// The new marking.
    pub marking: Marking,
    /// With `amber`: the sharing group that may see the case.
    #[serde(default)]
    pub sharing_group_id: Option<SharingGroupId>,
    /// Why (required when the marking is lowered).
    #[serde(default)]
    pub reason: Option<String>,
}
