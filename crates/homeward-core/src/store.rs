//! The storage contract. Both database crates implement [`Store`]; the
//! contract suite in [`contract`] runs against each of them.
//!
//! Every mutating method takes the audit drafts that record it and must
//! write them, linked into the chain, in the same transaction as the change.

pub mod contract;

use async_trait::async_trait;
use homeward_types::{
    CaseId, CaseState, ConsentId, GroupCaseId, ListMatchId, Marking, MergeId, NoticeId, OrgId,
    RequestId, RequestState, RescueListId, SharingGroupId, SiteId, TokenId, UserId,
};

use crate::StoreError;
use crate::access::Visibility;
use crate::audit::{AuditDraft, AuditEntry};
use crate::model::{
    ApiToken, Case, CaseBundle, CaseFilter, CasePurge, CompartmentEntry, Consent, DisclosureRecord,
    GroupCase, GroupEvent, GroupMember, ListFile, ListMatch, LoginFailure, LoginThrottle,
    MatchNotice, Merge, Note, Organisation, Person, Report, Request, RequestEvent, RequestFilter,
    RescueList, Session, SharingGroup, Site, TotpUse, Transition, User,
};

/// Result of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// A whole new case as filed from one report.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The subject.
    pub person: Person,
    /// The report.
    pub report: Report,
    /// The case (its `reference` is assigned by the store: `<CC>-<year>-<n>`).
    pub case: Case,
    /// The opening transition (`reported → reported`, reason "report filed").
    pub opened: Transition,
}

/// A state change, applied only if the case is still in `from`.
#[derive(Debug, Clone)]
pub struct StateChange {
    /// The transition to record.
    pub transition: Transition,
    /// New resume state.
    pub resume_state: Option<CaseState>,
}

/// A merge to apply: `from_case` becomes `duplicate` (if still in
/// `merge.from_state`), its reports move, its subject's names, documents and
/// contacts are copied to `into_case`'s subject with their source.
#[derive(Debug, Clone)]
pub struct MergeChange {
    /// The merge record.
    pub merge: Merge,
    /// `into_case`'s search text after the merge.
    pub into_search_text: String,
    /// Timeline entries of both cases (`from_case`'s is its move to `duplicate`).
    pub transitions: Vec<Transition>,
}

/// An unmerge: everything the merge moved or copied goes back, `from_case`
/// returns to its earlier state.
#[derive(Debug, Clone)]
pub struct UnmergeChange {
    /// The merge undone (as it was before).
    pub merge: Merge,
    /// `into_case`'s search text after the unmerge (from the names it keeps).
    pub into_search_text: String,
    /// Who undoes it.
    pub by: UserId,
    /// When.
    pub at_ms: i64,
    /// Why.
    pub reason: String,
    /// Timeline entries of both cases.
    pub transitions: Vec<Transition>,
}

/// Persistence of a homeward node.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend, for logs (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;

    /// Inserts an organisation.
    async fn insert_org(&self, org: &Organisation, audit: AuditDraft) -> StoreResult<()>;
    /// An organisation by id.
    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>>;
    /// All organisations, by name.
    async fn orgs(&self) -> StoreResult<Vec<Organisation>>;

    /// Inserts a user; `Duplicate` if the e-mail is taken.
    async fn insert_user(&self, user: &User, audit: AuditDraft) -> StoreResult<()>;
    /// A user by (lower-case) e-mail.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    /// A user by id.
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// E-mails of the given users, for timelines.
    async fn user_emails(&self, ids: &[UserId]) -> StoreResult<Vec<(UserId, String)>>;

    /// Inserts a session.
    async fn insert_session(&self, session: &Session, audit: AuditDraft) -> StoreResult<()>;
    /// A live session by id digest (expired sessions are not returned).
    async fn session(&self, id_digest: &str, now_ms: i64) -> StoreResult<Option<Session>>;
    /// Deletes a session.
    async fn delete_session(&self, id_digest: &str, audit: AuditDraft) -> StoreResult<()>;
    /// Records that a session was used (for the idle timeout). Bookkeeping,
    /// not an event: not audited.
    async fn touch_session(&self, id_digest: &str, at_ms: i64) -> StoreResult<()>;
    /// Deletes every session of a user ("sign out everywhere"); returns how many.
    async fn delete_sessions_of(&self, user: UserId, audit: AuditDraft) -> StoreResult<u64>;
    /// Disables a user, deletes their sessions and revokes their API tokens,
    /// in one transaction.
    async fn disable_user(&self, user: UserId, at_ms: i64, audit: AuditDraft) -> StoreResult<()>;

    /// The failed sign-ins recorded for an account key.
    async fn login_throttle(&self, key: &str) -> StoreResult<Option<LoginThrottle>>;
    /// Counts a failed password or code (failures older than the window
    /// restart the count). When the count reaches the maximum, locks the key
    /// and also writes `lock`. Returns the lock's end if this failure locked it.
    async fn record_login_failure(
        &self,
        failure: &LoginFailure,
        fail: AuditDraft,
        lock: AuditDraft,
    ) -> StoreResult<Option<i64>>;
    /// Forgets the failures of a key after a complete sign-in. Bookkeeping:
    /// the `session.create` entry records the sign-in.
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Sets (or clears) the TOTP secret shown for enrolment.
    async fn set_totp_pending(
        &self,
        user: UserId,
        secret: Option<&str>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Accepts a TOTP code: only if its step is later than the last accepted
    /// one (on enrolment: only if the pending secret is still `enrol_secret`,
    /// which then becomes the user's secret); promotes the session and
    /// clears the key's failures. False (nothing written) if refused.
    async fn use_totp(&self, totp: &TotpUse, audit: AuditDraft) -> StoreResult<bool>;
    /// Turns two-factor sign-in off for a user (operator reset for a lost
    /// authenticator); deletes their sessions.
    async fn reset_totp(&self, user: UserId, audit: AuditDraft) -> StoreResult<()>;

    /// Inserts an API token.
    async fn insert_token(&self, token: &ApiToken, audit: AuditDraft) -> StoreResult<()>;
    /// A token by digest with its user, in one read (revoked tokens are
    /// returned, with `revoked_ms`).
    async fn token_user(&self, digest: &str) -> StoreResult<Option<(ApiToken, User)>>;
    /// A token by id with its user.
    async fn token_by_id(&self, id: TokenId) -> StoreResult<Option<(ApiToken, User)>>;
    /// A user's tokens, newest first (revoked ones included).
    async fn tokens_of(&self, user: UserId) -> StoreResult<Vec<ApiToken>>;
    /// Revokes a token; false (nothing written) if it was already revoked.
    async fn revoke_token(&self, id: TokenId, at_ms: i64, audit: AuditDraft) -> StoreResult<bool>;

    /// Files a new case in one transaction, assigning its reference; returns it.
    async fn insert_case(&self, new: &NewCase, audit: AuditDraft) -> StoreResult<String>;
    /// A case row.
    async fn case(&self, id: CaseId) -> StoreResult<Option<Case>>;
    /// A case with person, reports, transitions and notes.
    async fn case_bundle(&self, id: CaseId) -> StoreResult<Option<CaseBundle>>;
    /// One page of cases visible under `vis`, newest first.
    async fn cases(&self, vis: &Visibility, filter: &CaseFilter) -> StoreResult<Vec<Case>>;
    /// Applies a state change if the case is still in `transition.from`;
    /// returns false (and writes nothing) if it is not.
    async fn change_state(&self, change: &StateChange, audit: AuditDraft) -> StoreResult<bool>;
    /// Adds a note.
    async fn insert_note(&self, note: &Note, audit: AuditDraft) -> StoreResult<()>;
    /// Cases in one of `states`, not yet purged, that entered their current
    /// state before `before_ms`, by id after `after`; each with the time it
    /// entered that state.
    async fn purge_candidates(
        &self,
        states: &[CaseState],
        before_ms: i64,
        after: Option<CaseId>,
        limit: u32,
    ) -> StoreResult<Vec<(Case, i64)>>;
    /// Removes a case's personal data (names, documents, contacts, exact
    /// birth date, reporter, narrative, places, note and transition text)
    /// if it is still in `purge.state` and not purged; false if not.
    async fn purge_case(&self, purge: &CasePurge, audit: AuditDraft) -> StoreResult<bool>;

    /// Inserts a site.
    async fn insert_site(&self, site: &Site, audit: AuditDraft) -> StoreResult<()>;
    /// A site by id.
    async fn site(&self, id: SiteId) -> StoreResult<Option<Site>>;
    /// Sites visible under `vis`, by name.
    async fn sites(&self, vis: &Visibility) -> StoreResult<Vec<Site>>;

    /// Inserts a sharing group with its owner as first member.
    async fn insert_group(&self, group: &SharingGroup, audit: AuditDraft) -> StoreResult<()>;
    /// Adds an organisation to a group (no-op if already a member).
    async fn add_group_member(
        &self,
        group: SharingGroupId,
        org: OrgId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// A group with its members.
    async fn group(&self, id: SharingGroupId) -> StoreResult<Option<SharingGroup>>;
    /// The groups an organisation belongs to, with their members.
    async fn groups_of(&self, org: OrgId) -> StoreResult<Vec<SharingGroup>>;
    /// Sets a case's marking and group if it is still `from`; false if not.
    async fn change_marking(
        &self,
        case: CaseId,
        from: Marking,
        to: Marking,
        group: Option<SharingGroupId>,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<bool>;

    /// Sets or clears a case's still-held flag.
    async fn set_still_held(
        &self,
        case: CaseId,
        still_held: bool,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    /// Inserts a request with its first thread entries, assigning its
    /// reference (`REQ-<CC>-<year>-<n>`, numbered per sending organisation);
    /// marks its notice, if any, as drafted. Returns the reference.
    async fn insert_request(
        &self,
        request: &Request,
        events: &[RequestEvent],
        audit: Vec<AuditDraft>,
    ) -> StoreResult<String>;
    /// A request by id.
    async fn request(&self, id: RequestId) -> StoreResult<Option<Request>>;
    /// A request's thread, oldest first.
    async fn request_events(&self, id: RequestId) -> StoreResult<Vec<RequestEvent>>;
    /// One page of the requests `org` sent (any state) or received (once
    /// sent), newest first.
    async fn requests(&self, org: OrgId, filter: &RequestFilter) -> StoreResult<Vec<Request>>;
    /// Every request about a case, oldest first.
    async fn requests_of_case(&self, case: CaseId) -> StoreResult<Vec<Request>>;
    /// Moves a request if it is still in `from`, recording the move in its
    /// thread; false (nothing written) if it is not.
    async fn change_request_state(
        &self,
        id: RequestId,
        from: RequestState,
        event: &RequestEvent,
        audit: Vec<AuditDraft>,
    ) -> StoreResult<bool>;
    /// Adds a message to a request's thread.
    async fn insert_request_event(
        &self,
        event: &RequestEvent,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    /// Inserts a consent record.
    async fn insert_consent(&self, consent: &Consent, audit: AuditDraft) -> StoreResult<()>;
    /// A case's consent records, oldest first.
    async fn consents(&self, case: CaseId) -> StoreResult<Vec<Consent>>;
    /// Withdraws a consent if it was not already; false if it was.
    async fn revoke_consent(
        &self,
        id: ConsentId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<bool>;

    /// Records match notices.
    async fn insert_notices(
        &self,
        notices: &[MatchNotice],
        audit: Vec<AuditDraft>,
    ) -> StoreResult<()>;
    /// A notice by id.
    async fn notice(&self, id: NoticeId) -> StoreResult<Option<MatchNotice>>;
    /// The notices of a case, oldest first.
    async fn notices(&self, case: CaseId) -> StoreResult<Vec<MatchNotice>>;
    /// Cases of organisations other than `exclude` whose subject has one of
    /// these document numbers (exact) or normalised contacts: `(case, owner, state)`.
    async fn cases_with_identifiers(
        &self,
        documents: &[String],
        contacts: &[String],
        exclude: OrgId,
    ) -> StoreResult<Vec<(CaseId, OrgId, CaseState)>>;

    /// Adds an entry to a case's criminal-justice compartment.
    async fn insert_compartment_entry(
        &self,
        entry: &CompartmentEntry,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// A case's compartment, oldest first.
    async fn compartment(&self, case: CaseId) -> StoreResult<Vec<CompartmentEntry>>;

    /// Merges two cases (see [`MergeChange`]). False (nothing written) when
    /// `from_case` is no longer in `merge.from_state` or `into_case` is
    /// final.
    async fn merge_cases(&self, change: &MergeChange, audit: AuditDraft) -> StoreResult<bool>;

    /// Undoes a merge (see [`UnmergeChange`]). False (nothing written) when
    /// it was already undone, `from_case` is no longer `duplicate`, or
    /// either case has been purged under the retention period.
    async fn unmerge_cases(&self, change: &UnmergeChange, audit: AuditDraft) -> StoreResult<bool>;

    /// A merge by id.
    async fn merge(&self, id: MergeId) -> StoreResult<Option<Merge>>;

    /// Merges a case took part in (either side), oldest first.
    async fn merges_of(&self, case: CaseId) -> StoreResult<Vec<Merge>>;

    /// Cases by id (those that exist), in no particular order.
    async fn cases_in(&self, ids: &[CaseId]) -> StoreResult<Vec<Case>>;

    /// One page of cases not in `exclude` states with their subjects, by id
    /// (for reconciling rescue lists against every open case).
    async fn case_persons(
        &self,
        exclude: &[CaseState],
        after: Option<CaseId>,
        limit: u32,
    ) -> StoreResult<Vec<(Case, Person)>>;
    /// Records a rescue list, the file it was read from and its possible
    /// matches.
    async fn insert_rescue_list(
        &self,
        list: &RescueList,
        file: Option<&ListFile>,
        matches: &[ListMatch],
        audit: Vec<AuditDraft>,
    ) -> StoreResult<()>;

    /// A rescue list.
    async fn rescue_list(&self, id: RescueListId) -> StoreResult<Option<RescueList>>;

    /// The lists an organisation uploaded, newest first (at most 500).
    async fn rescue_lists(&self, org: OrgId) -> StoreResult<Vec<RescueList>>;

    /// Every possible match of a list, by row.
    async fn matches_of_list(&self, list: RescueListId) -> StoreResult<Vec<ListMatch>>;

    /// The file a list was read from.
    async fn list_file(&self, list: RescueListId) -> StoreResult<Option<ListFile>>;

    /// Withdraws a list and its pending matches; false if it was already.
    async fn withdraw_rescue_list(
        &self,
        id: RescueListId,
        by: UserId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<bool>;
    /// The list matches of `owner`'s cases, newest list first.
    async fn list_matches(&self, owner: OrgId) -> StoreResult<Vec<(ListMatch, RescueList)>>;
    /// One list match with its list.
    async fn list_match(&self, id: ListMatchId) -> StoreResult<Option<(ListMatch, RescueList)>>;
    /// Records a decision on a pending match; false if it was decided already.
    async fn decide_list_match(
        &self,
        id: ListMatchId,
        status: &str,
        by: UserId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<bool>;

    /// Inserts a group case, assigning its reference (`GRP-<CC>-<year>-<n>`,
    /// numbered per organisation); returns it.
    async fn insert_group_case(&self, group: &GroupCase, audit: AuditDraft) -> StoreResult<String>;
    /// A group case by id.
    async fn group_case(&self, id: GroupCaseId) -> StoreResult<Option<GroupCase>>;
    /// One page of the group cases visible under `vis` (owner, network
    /// markings, AMBER in one of its groups), newest first, ids below `before`.
    async fn group_cases(
        &self,
        vis: &Visibility,
        before: Option<GroupCaseId>,
        limit: u32,
    ) -> StoreResult<Vec<GroupCase>>;
    /// Adds (`event.added`) or removes a member and records the event in
    /// the group's history; false (nothing written) if the case already
    /// was (for an addition) or was not (for a removal) a member.
    async fn change_group_member(&self, event: &GroupEvent, audit: AuditDraft)
    -> StoreResult<bool>;
    /// The members of a group case with their cases, in order of addition.
    async fn group_members(&self, id: GroupCaseId) -> StoreResult<Vec<(GroupMember, Case)>>;
    /// The history of a group case with each event's case, oldest first.
    async fn group_events(&self, id: GroupCaseId) -> StoreResult<Vec<(GroupEvent, Case)>>;
    /// The group-case history of one case with each event's group case,
    /// oldest first.
    async fn case_group_events(&self, case: CaseId) -> StoreResult<Vec<(GroupEvent, GroupCase)>>;
    /// The reports of these cases, oldest first.
    async fn reports_of_cases(&self, cases: &[CaseId]) -> StoreResult<Vec<Report>>;
    /// When each of these cases first entered each of `states`:
    /// `(case, state, time)` for the pairs that happened.
    async fn case_milestones(
        &self,
        cases: &[CaseId],
        states: &[CaseState],
    ) -> StoreResult<Vec<(CaseId, CaseState, i64)>>;

    /// Disclosures of `owner`'s data, newest first, with `seq < before`.
    async fn disclosures(
        &self,
        owner: OrgId,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<DisclosureRecord>>;

    /// Appends entries that record no change (reads of personal data).
    async fn append_audit(&self, drafts: Vec<AuditDraft>) -> StoreResult<()>;
    /// Audit entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditEntry>>;
    /// The recorded head: (last seq, its hash).
    async fn audit_head(&self) -> StoreResult<(i64, String)>;
}
