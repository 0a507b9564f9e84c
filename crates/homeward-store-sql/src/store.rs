//! `Store` for `SqlStore`: accounts, sites and the audit log here; cases in
//! `cases.rs`.

use async_trait::async_trait;
use homeward_core::StoreError;
use homeward_core::access::Visibility;
use homeward_core::audit::{AuditDraft, AuditDraft as Draft, AuditEntry};
use homeward_core::model::{
    ApiToken, Case, CaseBundle, CaseFilter, CasePurge, CompartmentEntry, Consent, DisclosureRecord,
    GroupCase, GroupEvent, GroupMember, ListFile, ListMatch, LoginFailure, LoginThrottle,
    MatchNotice, Merge, Note, Organisation, Person, Report, Request, RequestEvent, RequestFilter,
    RescueList, Session, SharingGroup, Site, TotpUse, User,
};
use homeward_core::store::{MergeChange, NewCase, StateChange, Store, StoreResult, UnmergeChange};
use homeward_types::{
    CaseId, CaseState, ConsentId, GroupCaseId, ListMatchId, Marking, MergeId, NoticeId, OrgId,
    RequestId, RequestState, RescueListId, SharingGroupId, SiteId, TokenId, UserId,
};

use crate::rows::{self, get};
use crate::{Dialect, SqlStore, db};

const ORG_SELECT: &str = "SELECT id, name, kind, country, created_ms FROM organisations";
const USER_SELECT: &str = "SELECT id, org_id, email, role, password_hash, created_ms, disabled, \
     totp_secret, totp_pending, totp_last_step FROM users";
const SITE_SELECT: &str =
    "SELECT id, org_id, name, aliases, zone, country, status, marking, created_ms FROM sites";

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    async fn insert_org(&self, org: &Organisation, audit: AuditDraft) -> StoreResult<()> {
        let org = org.clone();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO organisations (id, name, kind, country, created_ms, case_seq) \
                     VALUES ($1, $2, $3, $4, $5, 0)",
                )
                .bind(org.id.to_string())
                .bind(org.name.clone())
                .bind(org.kind.as_str())
                .bind(org.country.clone())
                .bind(org.created_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;

                crate::append(tx, vec![audit]).await?;
                Ok(crate::Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    async fn org(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        sqlx::query(&format!("{ORG_SELECT} WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?
            .as_ref()
            .map(rows::org)
            .transpose()
    }

    async fn orgs(&self) -> StoreResult<Vec<Organisation>> {
        sqlx::query(&format!("{ORG_SELECT} ORDER BY name"))
            .fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(rows::org)
            .collect()
    }

    async fn insert_user(&self, user: &User, audit: AuditDraft) -> StoreResult<()> {
        let user = user.clone();
        self
            .write(move |tx| {
                Box::pin(async move {
                sqlx::query(
                    "INSERT INTO users (id, org_id, email, role, password_hash, created_ms, disabled) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(user.id.to_string())
                .bind(user.org_id.to_string())
                .bind(user.email.clone())
                .bind(user.role.as_str())
                .bind(user.password_hash.clone())
                .bind(user.created_ms)
                .bind(i64::from(user.disabled))
                .execute(&mut *tx)
                .await
                .map_err(db)?;

                    crate::append(tx, vec![audit]).await?;
                    Ok(crate::Out::Unit)
                })
            })
            .await
            .map(|_| ())
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        sqlx::query(&format!("{USER_SELECT} WHERE email = $1"))
            .bind(email.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?
            .as_ref()
            .map(rows::user)
            .transpose()
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        sqlx::query(&format!("{USER_SELECT} WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?
            .as_ref()
            .map(rows::user)
            .transpose()
    }

    async fn user_emails(&self, ids: &[UserId]) -> StoreResult<Vec<(UserId, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(100) {
            let sql = format!(
                "SELECT id, email FROM users WHERE id IN ({})",
                crate::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.to_string());
            }
            for row in q.fetch_all(&self.reader).await.map_err(db)? {
                out.push((rows::parse(&row, "id")?, get(&row, "email")?));
            }
        }
        Ok(out)
    }

    async fn insert_session(&self, s: &Session, audit: AuditDraft) -> StoreResult<()> {
        let s = s.clone();
        self
            .write(move |tx| {
                Box::pin(async move {
                sqlx::query("DELETE FROM sessions WHERE expires_ms < $1")
                    .bind(s.created_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                sqlx::query(
                    "INSERT INTO sessions (id_digest, user_id, csrf, created_ms, expires_ms, stage, last_seen_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(s.id_digest.clone())
                .bind(s.user_id.to_string())
                .bind(s.csrf.clone())
                .bind(s.created_ms)
                .bind(s.expires_ms)
                .bind(s.stage.as_str())
                .bind(s.last_seen_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;

                    crate::append(tx, vec![audit]).await?;
                    Ok(crate::Out::Unit)
                })
            })
            .await
            .map(|_| ())
    }

    async fn session(&self, id_digest: &str, now_ms: i64) -> StoreResult<Option<Session>> {
        sqlx::query(
            "SELECT id_digest, user_id, csrf, created_ms, expires_ms, stage, last_seen_ms FROM sessions \
             WHERE id_digest = $1 AND expires_ms > $2",
        )
        .bind(id_digest.to_string())
        .bind(now_ms)
        .fetch_optional(&self.reader)
        .await
        .map_err(db)?
        .as_ref()
        .map(rows::session)
        .transpose()
    }

    async fn delete_session(&self, id_digest: &str, audit: AuditDraft) -> StoreResult<()> {
        let id_digest = id_digest.to_string();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("DELETE FROM sessions WHERE id_digest = $1")
                    .bind(id_digest.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;

                crate::append(tx, vec![audit]).await?;
                Ok(crate::Out::Unit)
            })
        })
        .await
        .map(|_| ())
    }

    async fn insert_token(&self, t: &ApiToken, audit: AuditDraft) -> StoreResult<()> {
        let t = t.clone();
        self
            .write(move |tx| {
                Box::pin(async move {
                sqlx::query(
                    "INSERT INTO api_tokens (id, user_id, name, digest, created_ms, revoked_ms, scope) \
                     VALUES ($1, $2, $3, $4, $5, NULL, $6)",
                )
                .bind(t.id.to_string())
                .bind(t.user_id.to_string())
                .bind(t.name.clone())
                .bind(t.digest.clone())
                .bind(t.created_ms)
                .bind(t.scope.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db)?;

                    crate::append(tx, vec![audit]).await?;
                    Ok(crate::Out::Unit)
                })
            })
            .await
            .map(|_| ())
    }

    async fn token_user(&self, digest: &str) -> StoreResult<Option<(ApiToken, User)>> {
        self.token_where("t.digest = $1", digest.to_string()).await
    }

    async fn token_by_id(&self, id: TokenId) -> StoreResult<Option<(ApiToken, User)>> {
        self.token_where("t.id = $1", id.to_string()).await
    }

    async fn tokens_of(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        self.tokens_of_impl(user).await
    }

    async fn revoke_token(&self, id: TokenId, at_ms: i64, audit: AuditDraft) -> StoreResult<bool> {
        self.revoke_token_impl(id, at_ms, audit).await
    }

    async fn touch_session(&self, id_digest: &str, at_ms: i64) -> StoreResult<()> {
        self.touch_session_impl(id_digest, at_ms).await
    }

    async fn delete_sessions_of(&self, user: UserId, audit: AuditDraft) -> StoreResult<u64> {
        self.delete_sessions_of_impl(user, audit).await
    }

    async fn disable_user(&self, user: UserId, at_ms: i64, audit: AuditDraft) -> StoreResult<()> {
        self.disable_user_impl(user, at_ms, audit).await
    }

    async fn login_throttle(&self, key: &str) -> StoreResult<Option<LoginThrottle>> {
        self.login_throttle_impl(key).await
    }

    async fn record_login_failure(
        &self,
        failure: &LoginFailure,
        fail: AuditDraft,
        lock: AuditDraft,
    ) -> StoreResult<Option<i64>> {
        self.record_login_failure_impl(failure, fail, lock).await
    }

    async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
        self.clear_login_failures_impl(key).await
    }

    async fn set_totp_pending(
        &self,
        user: UserId,
        secret: Option<&str>,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        self.set_totp_pending_impl(user, secret.map(str::to_string), audit)
            .await
    }

    async fn use_totp(&self, totp: &TotpUse, audit: AuditDraft) -> StoreResult<bool> {
        self.use_totp_impl(totp, audit).await
    }

    async fn reset_totp(&self, user: UserId, audit: AuditDraft) -> StoreResult<()> {
        self.reset_totp_impl(user, audit).await
    }

    async fn insert_case(&self, new: &NewCase, audit: AuditDraft) -> StoreResult<String> {
        self.insert_case_impl(new, audit).await
    }

    async fn case(&self, id: CaseId) -> StoreResult<Option<Case>> {
        self.case_impl(id).await
    }

    async fn case_bundle(&self, id: CaseId) -> StoreResult<Option<CaseBundle>> {
        self.case_bundle_impl(id).await
    }

    async fn cases(&self, vis: &Visibility, filter: &CaseFilter) -> StoreResult<Vec<Case>> {
        self.cases_impl(vis, filter).await
    }

    async fn change_state(&self, change: &StateChange, audit: AuditDraft) -> StoreResult<bool> {
        self.change_state_impl(change, audit).await
    }

    async fn insert_note(&self, note: &Note, audit: AuditDraft) -> StoreResult<()> {
        self.insert_note_impl(note, audit).await
    }

    async fn purge_candidates(
        &self,
        states: &[CaseState],
        before_ms: i64,
        after: Option<CaseId>,
        limit: u32,
    ) -> StoreResult<Vec<(Case, i64)>> {
        self.purge_candidates_impl(states, before_ms, after, limit)
            .await
    }

    async fn purge_case(&self, purge: &CasePurge, audit: AuditDraft) -> StoreResult<bool> {
        self.purge_case_impl(purge, audit).await
    }

    async fn insert_site(&self, s: &Site, audit: AuditDraft) -> StoreResult<()> {
        let aliases =
            serde_json::to_string(&s.aliases).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let s = s.clone();
        self
            .write(move |tx| {
                Box::pin(async move {
                sqlx::query(
                    "INSERT INTO sites (id, org_id, name, aliases, zone, country, status, marking, created_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(s.id.to_string())
                .bind(s.org_id.to_string())
                .bind(s.name.clone())
                .bind(aliases)
                .bind(s.zone.clone())
                .bind(s.country.clone())
                .bind(s.status.as_str())
                .bind(s.marking.as_str())
                .bind(s.created_ms)
                .execute(&mut *tx)
                .await
                .map_err(db)?;

                    crate::append(tx, vec![audit]).await?;
                    Ok(crate::Out::Unit)
                })
            })
            .await
            .map(|_| ())
    }

    async fn site(&self, id: SiteId) -> StoreResult<Option<Site>> {
        sqlx::query(&format!("{SITE_SELECT} WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db)?
            .as_ref()
            .map(rows::site)
            .transpose()
    }

    async fn sites(&self, vis: &Visibility) -> StoreResult<Vec<Site>> {
        let mut sql = format!("{SITE_SELECT} WHERE org_id = $1");
        for i in 0..vis.network_markings.len() {
            sql.push_str(&format!(" OR marking = ${}", i + 2));
        }
        sql.push_str(" ORDER BY name");
        let mut q = sqlx::query(&sql).bind(vis.own_org.to_string());
        for m in &vis.network_markings {
            q = q.bind(m.as_str());
        }
        q.fetch_all(&self.reader)
            .await
            .map_err(db)?
            .iter()
            .map(rows::site)
            .collect()
    }

    async fn insert_group(&self, group: &SharingGroup, audit: AuditDraft) -> StoreResult<()> {
        self.insert_group_impl(group, audit).await
    }

    async fn add_group_member(
        &self,
        group: SharingGroupId,
        org: OrgId,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        self.add_group_member_impl(group, org, at_ms, audit).await
    }

    async fn group(&self, id: SharingGroupId) -> StoreResult<Option<SharingGroup>> {
        self.group_impl(id).await
    }

    async fn groups_of(&self, org: OrgId) -> StoreResult<Vec<SharingGroup>> {
        self.groups_of_impl(org).await
    }

    async fn change_marking(
        &self,
        case: CaseId,
        from: Marking,
        to: Marking,
        group: Option<SharingGroupId>,
        at_ms: i64,
        audit: AuditDraft,
    ) -> StoreResult<bool> {
        self.change_marking_impl(case, from, to, group, at_ms, audit)
            .await
    }

    async fn set_still_held(
        &self,
        case: CaseId,
        still_held: bool,
        at_ms: i64,
        audit: Draft,
    ) -> StoreResult<()> {
        self.set_still_held_impl(case, still_held, at_ms, audit)
            .await
    }

    async fn insert_request(
        &self,
        request: &Request,
        events: &[RequestEvent],
        audit: Vec<Draft>,
    ) -> StoreResult<String> {
        self.insert_request_impl(request, events, audit).await
    }

    async fn request(&self, id: RequestId) -> StoreResult<Option<Request>> {
        self.request_impl(id).await
    }

    async fn request_events(&self, id: RequestId) -> StoreResult<Vec<RequestEvent>> {
        self.request_events_impl(id).await
    }

    async fn requests(&self, org: OrgId, filter: &RequestFilter) -> StoreResult<Vec<Request>> {
        self.requests_impl(org, filter).await
    }

    async fn requests_of_case(&self, case: CaseId) -> StoreResult<Vec<Request>> {
        self.requests_of_case_impl(case).await
    }

    async fn change_request_state(
        &self,
        id: RequestId,
        from: RequestState,
        event: &RequestEvent,
        audit: Vec<Draft>,
    ) -> StoreResult<bool> {
        self.change_request_state_impl(id, from, event, audit).await
    }

    async fn insert_request_event(&self, event: &RequestEvent, audit: Draft) -> StoreResult<()> {
        self.insert_request_event_impl(event, audit).await
    }

    async fn insert_consent(&self, consent: &Consent, audit: Draft) -> StoreResult<()> {
        self.insert_consent_impl(consent, audit).await
    }

    async fn consents(&self, case: CaseId) -> StoreResult<Vec<Consent>> {
        self.consents_impl(case).await
    }

    async fn revoke_consent(&self, id: ConsentId, at_ms: i64, audit: Draft) -> StoreResult<bool> {
        self.revoke_consent_impl(id, at_ms, audit).await
    }

    async fn insert_notices(&self, notices: &[MatchNotice], audit: Vec<Draft>) -> StoreResult<()> {
        self.insert_notices_impl(notices, audit).await
    }

    async fn notice(&self, id: NoticeId) -> StoreResult<Option<MatchNotice>> {
        self.notice_impl(id).await
    }

    async fn notices(&self, case: CaseId) -> StoreResult<Vec<MatchNotice>> {
        self.notices_where("case_id", case.to_string()).await
    }

    async fn cases_with_identifiers(
        &self,
        documents: &[String],
        contacts: &[String],
        exclude: OrgId,
    ) -> StoreResult<Vec<(CaseId, OrgId, CaseState)>> {
        self.cases_with_identifiers_impl(documents, contacts, exclude)
            .await
    }

    async fn insert_compartment_entry(
        &self,
        entry: &CompartmentEntry,
        audit: Draft,
    ) -> StoreResult<()> {
        self.insert_compartment_entry_impl(entry, audit).await
    }

    async fn compartment(&self, case: CaseId) -> StoreResult<Vec<CompartmentEntry>> {
        self.compartment_impl(case).await
    }

    async fn case_persons(
        &self,
        exclude: &[CaseState],
        after: Option<CaseId>,
        limit: u32,
    ) -> StoreResult<Vec<(Case, Person)>> {
        self.case_persons_impl(exclude, after, limit).await
    }

    async fn insert_rescue_list(
        &self,
        list: &RescueList,
        file: Option<&ListFile>,
        matches: &[ListMatch],
        audit: Vec<Draft>,
    ) -> StoreResult<()> {
        self.insert_rescue_list_impl(list, file, matches, audit)
            .await
    }

    async fn rescue_list(&self, id: RescueListId) -> StoreResult<Option<RescueList>> {
        self.rescue_list_impl(id).await
    }

    async fn rescue_lists(&self, org: OrgId) -> StoreResult<Vec<RescueList>> {
        self.rescue_lists_impl(org).await
    }

    async fn matches_of_list(&self, list: RescueListId) -> StoreResult<Vec<ListMatch>> {
        self.matches_of_list_impl(list).await
    }

    async fn list_file(&self, list: RescueListId) -> StoreResult<Option<ListFile>> {
        self.list_file_impl(list).await
    }

    async fn withdraw_rescue_list(
        &self,
        id: RescueListId,
        by: UserId,
        at_ms: i64,
        audit: Draft,
    ) -> StoreResult<bool> {
        self.withdraw_rescue_list_impl(id, by, at_ms, audit).await
    }

    async fn list_matches(&self, owner: OrgId) -> StoreResult<Vec<(ListMatch, RescueList)>> {
        self.list_matches_impl(owner).await
    }

    async fn list_match(&self, id: ListMatchId) -> StoreResult<Option<(ListMatch, RescueList)>> {
        self.list_match_impl(id).await
    }

    async fn decide_list_match(
        &self,
        id: ListMatchId,
        status: &str,
        by: UserId,
        at_ms: i64,
        audit: Draft,
    ) -> StoreResult<bool> {
        self.decide_list_match_impl(id, status, by, at_ms, audit)
            .await
    }

    async fn merge_cases(&self, change: &MergeChange, audit: Draft) -> StoreResult<bool> {
        self.merge_cases_impl(change, audit).await
    }

    async fn unmerge_cases(&self, change: &UnmergeChange, audit: Draft) -> StoreResult<bool> {
        self.unmerge_cases_impl(change, audit).await
    }

    async fn merge(&self, id: MergeId) -> StoreResult<Option<Merge>> {
        self.merge_impl(id).await
    }

    async fn merges_of(&self, case: CaseId) -> StoreResult<Vec<Merge>> {
        self.merges_of_impl(case).await
    }

    async fn cases_in(&self, ids: &[CaseId]) -> StoreResult<Vec<Case>> {
        self.cases_in_impl(ids).await
    }

    async fn insert_group_case(&self, group: &GroupCase, audit: Draft) -> StoreResult<String> {
        self.insert_group_case_impl(group, audit).await
    }

    async fn group_case(&self, id: GroupCaseId) -> StoreResult<Option<GroupCase>> {
        self.group_case_impl(id).await
    }

    async fn group_cases(
        &self,
        vis: &Visibility,
        before: Option<GroupCaseId>,
        limit: u32,
    ) -> StoreResult<Vec<GroupCase>> {
        self.group_cases_impl(vis, before, limit).await
    }

    async fn change_group_member(&self, event: &GroupEvent, audit: Draft) -> StoreResult<bool> {
        self.change_group_member_impl(event, audit).await
    }

    async fn group_members(&self, id: GroupCaseId) -> StoreResult<Vec<(GroupMember, Case)>> {
        self.group_members_impl(id).await
    }

    async fn group_events(&self, id: GroupCaseId) -> StoreResult<Vec<(GroupEvent, Case)>> {
        self.group_events_impl(id).await
    }

    async fn case_group_events(&self, case: CaseId) -> StoreResult<Vec<(GroupEvent, GroupCase)>> {
        self.case_group_events_impl(case).await
    }

    async fn reports_of_cases(&self, cases: &[CaseId]) -> StoreResult<Vec<Report>> {
        self.reports_of_cases_impl(cases).await
    }

    async fn case_milestones(
        &self,
        cases: &[CaseId],
        states: &[CaseState],
    ) -> StoreResult<Vec<(CaseId, CaseState, i64)>> {
        self.case_milestones_impl(cases, states).await
    }

    async fn disclosures(
        &self,
        owner: OrgId,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<DisclosureRecord>> {
        self.disclosures_impl(owner, before, limit).await
    }

    async fn append_audit(&self, drafts: Vec<Draft>) -> StoreResult<()> {
        self.write_audit(drafts).await
    }

    async fn audit_entries(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        sqlx::query(
            "SELECT seq, at_ms, actor_user, actor_org, credential, action, object_kind, object_id, \
             detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db)?
        .iter()
        .map(|r| {
            Ok(AuditEntry {
                seq: get(r, "seq")?,
                at_ms: get(r, "at_ms")?,
                draft: Draft {
                    actor_user: get(r, "actor_user")?,
                    actor_org: get(r, "actor_org")?,
                    credential: get(r, "credential")?,
                    action: get(r, "action")?,
                    object_kind: get(r, "object_kind")?,
                    object_id: get(r, "object_id")?,
                    detail: get(r, "detail")?,
                    disclosure: None,
                },
                prev_hash: get(r, "prev_hash")?,
                hash: get(r, "hash")?,
            })
        })
        .collect()
    }

    async fn audit_head(&self) -> StoreResult<(i64, String)> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.reader)
            .await
            .map_err(db)?;
        Ok((get(&row, "seq")?, get(&row, "hash")?))
    }
}
