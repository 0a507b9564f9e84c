//! The authorisation matrix: every API operation (from the OpenAPI document)
//! and every web route (from `ui::ROUTES`) is classified below, and the test
//! fails if one is not. Each is then exercised for every role of every
//! relation to the data — owner, same sharing group, request party with a
//! grant, request party without one, other organisation, anonymous — over
//! cases of every marking, asserting who may read, list, search, count and
//! change what, which personal fields each sees, that a hidden record answers
//! exactly like a nonexistent one, and that no secret name leaks anywhere.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use homeward_core::{Actor, Credential, Homeward};
use homeward_types::wire::{GroupMemberInput, RequestInput, SharingGroupInput};
use homeward_types::{CaseId, GrantField, Marking, OrgId, OrgKind, RequestKind, Role};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Owner,
    Group,
    Granted,
    Party,
    Other,
    Anon,
}

const ROLES: [Role; 5] = [
    Role::Admin,
    Role::Officer,
    Role::CriminalJustice,
    Role::Analyst,
    Role::Viewer,
];

/// Roles that change case records.
fn writer(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Officer | Role::CriminalJustice)
}

/// How an endpoint is governed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user; the content is filtered per viewer.
    AnyUser,
    /// Reading one case: the sight rule.
    CaseRead,
    /// Changing a case: the owner's officers and admins only; a 404 for
    /// everyone else, the same as for a nonexistent case.
    CaseOwnerWrite,
    /// Creating records of one's own organisation: officers and admins.
    WriterCreate,
    /// The site register: everyone but viewers.
    SiteWrite,
    /// The organisation's admins.
    AdminOnly,
    /// One request: its two parties only.
    RequestParty,
    /// Signing in and out (the login form itself is public).
    Session,
    /// The signed-in user's own account: second factor, tokens, sessions.
    Account,
    /// A rescue-list match: decided by the writers of the matched case's
    /// owner only (contract-tested: `rescue_list_reconciliation`).
    ListMatchOwner,
    /// The criminal-justice compartment: criminal-justice staff of the
    /// owner or of a grantee; 403 for other roles that see the case.
    Compartment,
    /// Reading about one's own case (possible duplicates): the owner's
    /// users; a 404 for everyone else, the same as for a nonexistent case.
    CaseOwnerRead,
    /// Undoing a merge: the writers of the merged cases' owner only
    /// (contract-tested: `duplicates_and_merge`).
    MergeOwner,
    /// A rescue-list upload waiting for reconciliation, or its running
    /// job: the uploading user (or organisation, for the job) only.
    OwnUpload,
    /// A rescue list: the uploading organisation only (contract-tested:
    /// `rescue_list_reconciliation`).
    ListUploader,
    /// Reading a group case: the sight rule on the group, then on each member.
    GroupRead,
    /// Managing a group case (members, suggestions, exports): the owner's
    /// writers; a 404 for everyone else, as for a nonexistent group case.
    GroupOwnerWrite,
}

const API: &[(&str, &str, Rule)] = &[
    ("GET", "/api/v1/me", Rule::AnyUser),
    ("GET", "/api/v1/organisations", Rule::AnyUser),
    ("GET", "/api/v1/cases", Rule::AnyUser),
    ("GET", "/api/v1/cases/{id}", Rule::CaseRead),
    (
        "POST",
        "/api/v1/cases/{id}/transitions",
        Rule::CaseOwnerWrite,
    ),
    ("POST", "/api/v1/cases/{id}/notes", Rule::CaseOwnerWrite),
    ("POST", "/api/v1/cases/{id}/marking", Rule::CaseOwnerWrite),
    (
        "POST",
        "/api/v1/cases/{id}/still-held",
        Rule::CaseOwnerWrite,
    ),
    ("POST", "/api/v1/cases/{id}/consents", Rule::CaseOwnerWrite),
    (
        "POST",
        "/api/v1/cases/{id}/consents/{consent}/revoke",
        Rule::CaseOwnerWrite,
    ),
    ("POST", "/api/v1/reports", Rule::WriterCreate),
    ("GET", "/api/v1/sites", Rule::AnyUser),
    ("POST", "/api/v1/sites", Rule::SiteWrite),
    ("POST", "/api/v1/screen", Rule::Public),
    ("GET", "/api/v1/sharing-groups", Rule::AnyUser),
    ("POST", "/api/v1/sharing-groups", Rule::AdminOnly),
    (
        "POST",
        "/api/v1/sharing-groups/{id}/members",
        Rule::AdminOnly,
    ),
    ("GET", "/api/v1/requests", Rule::AnyUser),
    ("POST", "/api/v1/requests", Rule::WriterCreate),
    ("GET", "/api/v1/requests/{id}", Rule::RequestParty),
    (
        "POST",
        "/api/v1/requests/{id}/transitions",
        Rule::RequestParty,
    ),
    ("POST", "/api/v1/requests/{id}/messages", Rule::RequestParty),
    ("GET", "/api/v1/disclosures", Rule::AdminOnly),
    ("GET", "/api/v1/tokens", Rule::Account),
    ("POST", "/api/v1/tokens", Rule::Account),
    ("DELETE", "/api/v1/tokens/{id}", Rule::Account),
    ("POST", "/api/v1/me/sessions/revoke", Rule::Account),
    ("POST", "/api/v1/users/{id}/disable", Rule::AdminOnly),
    ("GET", "/api/v1/cases/{id}/compartment", Rule::Compartment),
    ("POST", "/api/v1/rescue-lists", Rule::WriterCreate),
    ("GET", "/api/v1/rescue-lists", Rule::AnyUser),
    ("GET", "/api/v1/rescue-lists/{id}", Rule::ListUploader),
    (
        "POST",
        "/api/v1/rescue-lists/{id}/withdraw",
        Rule::ListUploader,
    ),
    ("GET", "/api/v1/rescue-lists/matches", Rule::AnyUser),
    (
        "POST",
        "/api/v1/rescue-lists/matches/{id}/decision",
        Rule::ListMatchOwner,
    ),
    ("POST", "/api/v1/cases/{id}/compartment", Rule::Compartment),
    ("GET", "/api/v1/cases/{id}/duplicates", Rule::CaseOwnerRead),
    ("POST", "/api/v1/cases/{id}/merge", Rule::CaseOwnerWrite),
    ("POST", "/api/v1/merges/{id}/unmerge", Rule::MergeOwner),
    ("GET", "/api/v1/group-cases", Rule::AnyUser),
    ("POST", "/api/v1/group-cases", Rule::WriterCreate),
    ("GET", "/api/v1/group-cases/{id}", Rule::GroupRead),
    (
        "POST",
        "/api/v1/group-cases/{id}/members",
        Rule::GroupOwnerWrite,
    ),
    (
        "POST",
        "/api/v1/group-cases/{id}/members/{case}/remove",
        Rule::GroupOwnerWrite,
    ),
    (
        "GET",
        "/api/v1/group-cases/{id}/suggestions",
        Rule::GroupOwnerWrite,
    ),
    (
        "POST",
        "/api/v1/group-cases/{id}/exports",
        Rule::GroupOwnerWrite,
    ),
    ("GET", "/api/v1/cases/{id}/group-cases", Rule::CaseRead),
    ("GET", "/api/v1/reports/partners", Rule::AnyUser),
];

const UI: &[(&str, &str, Rule)] = &[
    ("get", "/", Rule::Public),
    ("get", "/static/app.css", Rule::Public),
    ("get", "/login", Rule::Session),
    ("post", "/login", Rule::Session),
    ("post", "/logout", Rule::Session),
    ("get", "/login/code", Rule::Session),
    ("post", "/login/code", Rule::Session),
    ("get", "/account", Rule::Account),
    ("post", "/account/two-factor", Rule::Account),
    ("post", "/account/tokens", Rule::Account),
    ("post", "/account/tokens/{id}/revoke", Rule::Account),
    ("post", "/account/sessions/revoke", Rule::Account),
    ("get", "/cases", Rule::AnyUser),
    ("get", "/cases/{id}", Rule::CaseRead),
    ("post", "/cases/{id}/transition", Rule::CaseOwnerWrite),
    ("post", "/cases/{id}/notes", Rule::CaseOwnerWrite),
    ("post", "/cases/{id}/marking", Rule::CaseOwnerWrite),
    ("get", "/reports/new", Rule::AnyUser),
    ("post", "/reports/new", Rule::WriterCreate),
    ("get", "/check", Rule::Public),
    ("post", "/check", Rule::Public),
    ("get", "/requests", Rule::AnyUser),
    ("get", "/requests/{id}", Rule::RequestParty),
    ("post", "/requests/{id}/transition", Rule::RequestParty),
    ("post", "/requests/{id}/messages", Rule::RequestParty),
    ("get", "/cases/{id}/requests/new", Rule::CaseOwnerWrite),
    ("post", "/cases/{id}/requests", Rule::CaseOwnerWrite),
    ("post", "/cases/{id}/still-held", Rule::CaseOwnerWrite),
    ("post", "/cases/{id}/consents", Rule::CaseOwnerWrite),
    (
        "post",
        "/cases/{id}/consents/{consent}/revoke",
        Rule::CaseOwnerWrite,
    ),
    ("get", "/disclosures", Rule::AdminOnly),
    ("post", "/cases/{id}/compartment", Rule::Compartment),
    ("post", "/cases/{id}/merge", Rule::CaseOwnerWrite),
    ("post", "/merges/{id}/unmerge", Rule::MergeOwner),
    ("get", "/rescue-lists", Rule::AnyUser),
    ("post", "/rescue-lists/upload", Rule::WriterCreate),
    ("get", "/rescue-lists/staged/{id}", Rule::OwnUpload),
    ("post", "/rescue-lists/staged/{id}", Rule::OwnUpload),
    ("get", "/rescue-lists/jobs/{id}", Rule::OwnUpload),
    ("get", "/rescue-lists/{id}", Rule::ListUploader),
    ("get", "/rescue-lists/{id}/file", Rule::ListUploader),
    ("post", "/rescue-lists/{id}/withdraw", Rule::ListUploader),
    (
        "post",
        "/rescue-lists/matches/{id}/decision",
        Rule::ListMatchOwner,
    ),
    ("get", "/group-cases", Rule::AnyUser),
    ("post", "/group-cases", Rule::WriterCreate),
    ("get", "/group-cases/{id}", Rule::GroupRead),
    ("post", "/group-cases/{id}/members", Rule::GroupOwnerWrite),
    (
        "post",
        "/group-cases/{id}/members/{case}/remove",
        Rule::GroupOwnerWrite,
    ),
    ("post", "/group-cases/{id}/export", Rule::GroupOwnerWrite),
    ("get", "/reports/partners", Rule::AnyUser),
];

struct Viewer {
    rel: Rel,
    role: Role,
    token: String,
    session: String,
    csrf: String,
}

struct Case {
    id: CaseId,
    marking: Marking,
    secret: String,
}

struct World {
    app: Router,
    viewers: Vec<Viewer>,
    cases: Vec<Case>,
    /// A request from the owner to the granted party, and one to the other party.
    requests: Vec<(String, Rel)>,
    /// A TLP:GREEN group case of the owner holding every case.
    group: String,
    /// The organisations.
    orgs: Vec<(Rel, OrgId)>,
    _dir: tempfile::TempDir,
}

const PW: &str = "a-long-test-password";

async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = homeward_store_sqlite::open(&homeward_store_sqlite::url_for_dir(dir.path()))
        .await
        .unwrap();
    let hw = Homeward::new(Arc::new(store));
    let mut orgs: Vec<(Rel, OrgId)> = Vec::new();
    for (rel, name, kind, cc) in [
        (Rel::Owner, "Owner police", OrgKind::Police, "HK"),
        (Rel::Group, "Group police", OrgKind::Police, "TH"),
        (Rel::Granted, "Granted police", OrgKind::Police, "MY"),
        (Rel::Party, "Party police", OrgKind::Police, "ID"),
        (Rel::Other, "Other NGO", OrgKind::Ngo, "PH"),
    ] {
        orgs.push((
            rel,
            hw.create_org(Credential::Cli, name, kind, cc)
                .await
                .unwrap(),
        ));
    }
    let org = |r: Rel| orgs.iter().find(|(x, _)| *x == r).unwrap().1;
    let mut viewers = Vec::new();
    let mut actors: Vec<(Rel, Role, Actor)> = Vec::new();
    for (rel, org_id) in &orgs {
        for role in ROLES {
            let email = format!("{}@{:?}.example", role, rel).to_lowercase();
            hw.create_user(Credential::Cli, *org_id, &email, role, Some(PW))
                .await
                .unwrap();
            let token = hw
                .create_token(Credential::Cli, &email, "matrix")
                .await
                .unwrap();
            let signed = hw.login(&email, PW).await.unwrap();
            if role.requires_second_factor() {
                let enrol = hw.totp_begin(&signed.session_id).await.unwrap();
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                let code = homeward_core::totp::code_at(&enrol.secret, now).unwrap();
                hw.totp_confirm(&signed.session_id, &code).await.unwrap();
            }
            actors.push((*rel, role, signed.actor.clone()));
            viewers.push(Viewer {
                rel: *rel,
                role,
                token,
                session: signed.session_id,
                csrf: signed.csrf,
            });
        }
    }
    let actor = |rel: Rel, role: Role| {
        actors
            .iter()
            .find(|(r, ro, _)| *r == rel && *ro == role)
            .unwrap()
            .2
            .clone()
    };
    let admin = actor(Rel::Owner, Role::Admin);
    let group = hw
        .create_group(
            &admin,
            SharingGroupInput {
                name: "task force".into(),
            },
        )
        .await
        .unwrap();
    hw.add_group_member(
        &admin,
        group.id,
        GroupMemberInput {
            org_id: org(Rel::Group),
        },
    )
    .await
    .unwrap();
    // Re-read the owner officer so its actor knows the group.
    let officer = hw.login("officer@owner.example", PW).await.unwrap().actor;
    let mut cases = Vec::new();
    let mut requests = Vec::new();
    for (i, marking) in Marking::ALL.iter().enumerate() {
        let secret = format!("Zqxv{i}secret");
        let mut r =
            homeward_core::store::contract::sample_report(&format!("{secret} Chan"), "陳偉傑");
        r.marking = Some(*marking);
        r.sharing_group_id = (*marking == Marking::Amber).then_some(group.id);
        r.subject.documents[0].number = format!("K9{i:07}");
        r.subject.contacts[0].value = format!("+852 5555 {:04}", 100 + i);
        let created = hw.file_report(&officer, r).await.unwrap();
        for (rel, grant) in [
            (Rel::Granted, vec![GrantField::Names, GrantField::Contacts]),
            (Rel::Party, vec![]),
        ] {
            let v = hw
                .create_request(
                    &officer,
                    RequestInput {
                        case_id: created.case_id,
                        to_org: org(rel),
                        kind: RequestKind::Locate,
                        legal_basis: "police-to-police channel".into(),
                        items: "locate".into(),
                        deadline: None,
                        grant,
                        send: true,
                        message: None,
                        notice_id: None,
                    },
                )
                .await
                .unwrap();
            requests.push((v.request.id.to_string(), rel));
        }
        let cj = actor(Rel::Owner, Role::CriminalJustice);
        hw.add_compartment_entry(
            &cj,
            created.case_id,
            homeward_types::wire::CompartmentInput {
                kind: homeward_types::CompartmentKind::WarrantCheck,
                outcome: None,
                body: "warrant check clear".into(),
            },
        )
        .await
        .unwrap();
        cases.push(Case {
            id: created.case_id,
            marking: *marking,
            secret,
        });
    }
    let group = hw
        .create_group_case(
            &officer,
            homeward_types::wire::GroupCaseInput {
                grouping: homeward_types::Grouping::Event,
                label: "matrix handover".into(),
                site_id: None,
                recruiter: None,
                period_from: None,
                period_to: None,
                marking: Some(Marking::Green),
                sharing_group_id: None,
            },
        )
        .await
        .unwrap();
    for c in &cases {
        hw.add_group_case_member(
            &officer,
            group.group.id,
            homeward_types::wire::GroupMemberAdd {
                case_id: c.id,
                reason: "same handover".into(),
            },
        )
        .await
        .unwrap();
    }
    World {
        app: homeward_web::router(hw, false),
        viewers,
        cases,
        requests,
        group: group.group.id.to_string(),
        orgs,
        _dir: dir,
    }
}

struct Res {
    status: StatusCode,
    body: String,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

impl World {
    async fn call(
        &self,
        method: &str,
        path: &str,
        v: Option<&Viewer>,
        ui: bool,
        body: &str,
    ) -> Res {
        let mut b = Request::builder().method(method).uri(path);
        let payload = if ui {
            if let Some(v) = v {
                b = b.header(header::COOKIE, format!("hw_session={}", v.session));
            }
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            let csrf = v.map(|v| v.csrf.as_str()).unwrap_or("");
            format!("csrf={csrf}&{body}")
        } else {
            if let Some(v) = v {
                b = b.header(header::AUTHORIZATION, format!("Bearer {}", v.token));
            }
            b = b.header(header::CONTENT_TYPE, "application/json");
            body.to_string()
        };
        let req = b
            .body(if method == "GET" || method == "get" {
                Body::empty()
            } else {
                Body::from(payload)
            })
            .unwrap();
        let req = {
            let (mut parts, body) = req.into_parts();
            parts.method = method.to_uppercase().parse().unwrap();
            parts
                .extensions
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [127, 0, 0, 1],
                    9,
                ))));
            Request::from_parts(parts, body)
        };
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        Res { status, body }
    }
}

/// What a relation sees of a case with this marking: None if nothing,
/// Some(names shown) otherwise.
fn sees(rel: Rel, m: Marking) -> Option<bool> {
    match rel {
        Rel::Owner => Some(true),
        Rel::Granted => Some(true),
        Rel::Party => Some(false),
        Rel::Group => {
            matches!(m, Marking::Clear | Marking::Green | Marking::Amber).then_some(false)
        }
        Rel::Other => matches!(m, Marking::Clear | Marking::Green).then_some(false),
        Rel::Anon => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_is_in_the_matrix() {
    let w = world().await;
    let doc = w
        .call("GET", "/api/v1/openapi.json", None, false, "")
        .await
        .json();
    let mut served = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            served.insert((method.to_uppercase(), path.clone()));
        }
    }
    let listed: BTreeSet<(String, String)> = API
        .iter()
        .map(|(m, p, _)| ((*m).to_string(), (*p).to_string()))
        .collect();
    assert_eq!(
        served, listed,
        "API operations and the matrix differ: add new endpoints to API"
    );
    let ui: BTreeSet<(String, String)> = homeward_web::ui::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_string(), (*p).to_string()))
        .collect();
    let listed: BTreeSet<(String, String)> = UI
        .iter()
        .map(|(m, p, _)| ((*m).to_string(), (*p).to_string()))
        .collect();
    assert_eq!(
        ui, listed,
        "web routes and the matrix differ: add new routes to UI"
    );
}

fn fill(path: &str, case: &str, request: &str, group: &str) -> String {
    path.replace(
        "{id}",
        if path.contains("/requests/{id}") {
            request
        } else if path.contains("/group-cases/{id}") {
            group
        } else {
            case
        },
    )
    .replace("{consent}", &CaseId::new().to_string())
    .replace("{case}", case)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_lists_search_and_counts_follow_the_sight_rule() {
    let w = world().await;
    for v in &w.viewers {
        let list = w
            .call("GET", "/api/v1/cases?limit=200", Some(v), false, "")
            .await;
        assert_eq!(list.status, StatusCode::OK);
        let items = list.json()["items"].as_array().cloned().unwrap_or_default();
        let mut expected_count = 0;
        for c in &w.cases {
            let who = format!("{:?} {} on {}", v.rel, v.role, c.marking);
            let r = w
                .call(
                    "GET",
                    &format!("/api/v1/cases/{}", c.id),
                    Some(v),
                    false,
                    "",
                )
                .await;
            let listed = items.iter().find(|i| i["id"] == c.id.to_string());
            match sees(v.rel, c.marking) {
                None => {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: hidden");
                    let ghost = w
                        .call(
                            "GET",
                            &format!("/api/v1/cases/{}", CaseId::new()),
                            Some(v),
                            false,
                            "",
                        )
                        .await;
                    assert_eq!(r.body, ghost.body, "{who}: hidden answers like nonexistent");
                    assert!(listed.is_none(), "{who}: not listed");
                    let ui = w
                        .call("GET", &format!("/cases/{}", c.id), Some(v), true, "")
                        .await;
                    assert_eq!(ui.status, StatusCode::NOT_FOUND, "{who}: web page hidden");
                }
                Some(names) => {
                    expected_count += 1;
                    assert_eq!(r.status, StatusCode::OK, "{who}: visible");
                    let d = r.json();
                    let p = &d["person"];
                    assert_eq!(
                        !p["names"].as_array().unwrap().is_empty(),
                        names,
                        "{who}: names"
                    );
                    assert_eq!(
                        r.body.contains(&c.secret),
                        names,
                        "{who}: secret name in body"
                    );
                    let owner = v.rel == Rel::Owner;
                    assert_eq!(
                        !p["documents"].as_array().unwrap().is_empty(),
                        owner,
                        "{who}: documents"
                    );
                    assert_eq!(
                        !p["contacts"].as_array().unwrap().is_empty(),
                        names,
                        "{who}: contacts"
                    );
                    assert_eq!(
                        p["birth_date"] == "2001-03-04",
                        owner,
                        "{who}: exact birth date"
                    );
                    assert_eq!(
                        d["reports"][0]["narrative"].is_string(),
                        owner,
                        "{who}: narrative"
                    );
                    assert_eq!(
                        !d["allowed_transitions"].as_array().unwrap().is_empty(),
                        owner && writer(v.role),
                        "{who}: moves"
                    );
                    let l = listed.unwrap_or_else(|| panic!("{who}: listed"));
                    assert_eq!(
                        l["subject"].as_str().unwrap_or("").contains(&c.secret),
                        names,
                        "{who}: list subject"
                    );
                    let ui = w
                        .call("GET", &format!("/cases/{}", c.id), Some(v), true, "")
                        .await;
                    assert_eq!(ui.status, StatusCode::OK, "{who}: web page");
                    assert_eq!(ui.body.contains(&c.secret), names, "{who}: web page name");
                }
            }
            // The compartment: criminal-justice staff of the owner only here
            // (the grants of this world do not include it).
            let cj = w
                .call(
                    "GET",
                    &format!("/api/v1/cases/{}/compartment", c.id),
                    Some(v),
                    false,
                    "",
                )
                .await;
            let expected = match sees(v.rel, c.marking) {
                None => StatusCode::NOT_FOUND,
                Some(_) if v.rel == Rel::Owner && v.role == Role::CriminalJustice => StatusCode::OK,
                Some(_) => StatusCode::FORBIDDEN,
            };
            assert_eq!(cj.status, expected, "{who}: compartment");
            if cj.status == StatusCode::OK {
                assert!(
                    cj.body.contains("warrant check clear"),
                    "{who}: compartment entries"
                );
            }
            assert_eq!(
                r.body.contains("warrant check clear"),
                expected == StatusCode::OK,
                "{who}: compartment in the case view"
            );
            // Names are searchable in one's own cases only: no oracle.
            let s = w
                .call(
                    "GET",
                    &format!("/api/v1/cases?q={}", c.secret),
                    Some(v),
                    false,
                    "",
                )
                .await;
            let found = s.json()["items"].as_array().map(|a| a.len()).unwrap_or(0);
            assert_eq!(found > 0, v.rel == Rel::Owner, "{who}: search by name");
        }
        assert_eq!(
            items.len(),
            expected_count,
            "{:?} {}: list count",
            v.rel,
            v.role
        );
    }
    // Anonymous: nothing.
    for c in &w.cases {
        let r = w
            .call("GET", &format!("/api/v1/cases/{}", c.id), None, false, "")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let ui = w
            .call("GET", &format!("/cases/{}", c.id), None, true, "")
            .await;
        assert!(
            ui.status.is_redirection(),
            "anonymous web reads go to the login page"
        );
    }
}

fn body_for(path: &str) -> &'static str {
    match path.rsplit('/').next().unwrap_or("") {
        "transitions" => r#"{"to":"triaged","reason":"matrix"}"#,
        "notes" => r#"{"body":"matrix note"}"#,
        "marking" => r#"{"marking":"red","reason":"matrix"}"#,
        "still-held" => r#"{"still_held":false,"reason":"matrix"}"#,
        "consents" => {
            r#"{"scope":"publish","language":"en","given_by":"the person","given_on":"2026-01-01"}"#
        }
        "messages" => r#"{"body":"matrix message"}"#,
        "decision" => r#"{"confirm":false}"#,
        "merge" => r#"{"from":"019a0000-0000-7000-8000-000000000000","reason":"matrix"}"#,
        _ => "{}",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_the_owners_and_everything_else_is_a_404_or_403() {
    let w = world().await;
    let anon = None;
    for (method, path, rule) in API {
        if *rule != Rule::CaseOwnerWrite {
            continue;
        }
        for c in &w.cases {
            let url = fill(path, &c.id.to_string(), "", "");
            let r = w.call(method, &url, anon, false, body_for(path)).await;
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "anonymous {method} {url}"
            );
            for v in &w.viewers {
                let who = format!("{:?} {} {method} {path} on {}", v.rel, v.role, c.marking);
                let r = w.call(method, &url, Some(v), false, body_for(path)).await;
                let ghost = w
                    .call(
                        method,
                        &fill(path, &CaseId::new().to_string(), "", ""),
                        Some(v),
                        false,
                        body_for(path),
                    )
                    .await;
                match (v.rel, writer(v.role)) {
                    (Rel::Owner, true) => assert!(
                        r.status.is_success()
                            || r.status == StatusCode::UNPROCESSABLE_ENTITY
                            || r.status == StatusCode::CONFLICT
                            || (path.ends_with("revoke") && r.status == StatusCode::NOT_FOUND),
                        "{who}: owner writer allowed, got {} {}",
                        r.status,
                        r.body
                    ),
                    (Rel::Owner, _) => assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}"),
                    _ => {
                        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
                        assert_eq!(
                            r.body, ghost.body,
                            "{who}: same answer as a nonexistent case"
                        );
                    }
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_only_reads_are_a_404_to_everyone_else() {
    let w = world().await;
    for (method, path, rule) in API {
        if *rule != Rule::CaseOwnerRead {
            continue;
        }
        for c in &w.cases {
            let url = fill(path, &c.id.to_string(), "", "");
            let r = w.call(method, &url, None, false, "").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {url}");
            for v in &w.viewers {
                let who = format!("{:?} {} {method} {path} on {}", v.rel, v.role, c.marking);
                let r = w.call(method, &url, Some(v), false, "").await;
                if v.rel == Rel::Owner {
                    assert_eq!(r.status, StatusCode::OK, "{who}");
                } else {
                    let ghost = w
                        .call(
                            method,
                            &fill(path, &CaseId::new().to_string(), "", ""),
                            Some(v),
                            false,
                            "",
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
                    assert_eq!(r.body, ghost.body, "{who}: same as nonexistent");
                }
                for other in &w.cases {
                    if v.rel != Rel::Owner || other.id == c.id {
                        continue;
                    }
                    assert!(
                        !r.body.contains(&other.secret) || sees(v.rel, other.marking) == Some(true),
                        "{who}: no hidden name among the duplicates"
                    );
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_seen_by_their_parties_and_the_log_by_admins() {
    let w = world().await;
    for (id, to) in &w.requests {
        for v in &w.viewers {
            let who = format!("{:?} {} on request to {to:?}", v.rel, v.role);
            let r = w
                .call("GET", &format!("/api/v1/requests/{id}"), Some(v), false, "")
                .await;
            let party = v.rel == Rel::Owner || v.rel == *to;
            assert_eq!(
                r.status,
                if party {
                    StatusCode::OK
                } else {
                    StatusCode::NOT_FOUND
                },
                "{who}"
            );
            let m = w
                .call(
                    "POST",
                    &format!("/api/v1/requests/{id}/messages"),
                    Some(v),
                    false,
                    body_for("messages"),
                )
                .await;
            let expected = match (party, writer(v.role)) {
                (false, _) => StatusCode::NOT_FOUND,
                (true, true) => StatusCode::CREATED,
                (true, false) => StatusCode::FORBIDDEN,
            };
            assert_eq!(m.status, expected, "{who}: message");
            // Only the recipient acknowledges; the sender may only cancel.
            let ack = w
                .call(
                    "POST",
                    &format!("/api/v1/requests/{id}/transitions"),
                    Some(v),
                    false,
                    r#"{"to":"acknowledged"}"#,
                )
                .await;
            if !party {
                assert_eq!(ack.status, StatusCode::NOT_FOUND, "{who}: ack");
            } else if v.rel == Rel::Owner {
                assert!(
                    ack.status == StatusCode::UNPROCESSABLE_ENTITY
                        || ack.status == StatusCode::FORBIDDEN,
                    "{who}: sender cannot ack ({})",
                    ack.status
                );
            }
        }
        let anon = w
            .call("GET", &format!("/api/v1/requests/{id}"), None, false, "")
            .await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    }
    for v in &w.viewers {
        let who = format!("{:?} {}", v.rel, v.role);
        let r = w
            .call("GET", "/api/v1/disclosures", Some(v), false, "")
            .await;
        if v.role != Role::Admin {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            continue;
        }
        assert_eq!(r.status, StatusCode::OK, "{who}");
        let items = r.json()["items"].as_array().cloned().unwrap_or_default();
        // Only the owner's data was disclosed (grants and reads through them).
        assert_eq!(
            !items.is_empty(),
            v.rel == Rel::Owner,
            "{who}: own disclosures only"
        );
        let ui = w.call("GET", "/disclosures", Some(v), true, "").await;
        assert_eq!(ui.status, StatusCode::OK, "{who}: page");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_endpoint_leaks_a_name_or_fails() {
    let w = world().await;
    let case = w.cases[3].id.to_string(); // AMBER+STRICT
    let request = w
        .requests
        .iter()
        .find(|(_, to)| *to == Rel::Party)
        .map(|(id, _)| id.clone())
        .unwrap();
    for (method, path, rule) in API {
        if path.ends_with("/sessions/revoke") {
            continue; // would sign the viewers out of the web checks below
        }
        let url = fill(path, &case, &request, &w.group);
        let r = w.call(method, &url, None, false, body_for(path)).await;
        if *rule == Rule::Public {
            assert!(
                r.status.is_success() || r.status.is_client_error(),
                "{method} {path} public: {}",
                r.status
            );
        } else {
            assert_eq!(
                r.status,
                StatusCode::UNAUTHORIZED,
                "anonymous {method} {path}"
            );
        }
        for v in w
            .viewers
            .iter()
            .filter(|v| !matches!(v.rel, Rel::Owner | Rel::Granted))
        {
            let r = w.call(method, &url, Some(v), false, body_for(path)).await;
            assert!(
                !r.status.is_server_error(),
                "{:?} {} {method} {path}: {}",
                v.rel,
                v.role,
                r.status
            );
            for c in &w.cases {
                assert!(
                    !r.body.contains(&c.secret),
                    "{:?} {} {method} {path} leaks {}",
                    v.rel,
                    v.role,
                    c.secret
                );
            }
        }
    }
    for (method, path, _) in UI.iter().filter(|(m, _, _)| *m == "get") {
        let url = fill(path, &case, &request, &w.group);
        for v in w
            .viewers
            .iter()
            .filter(|v| !matches!(v.rel, Rel::Owner | Rel::Granted))
        {
            let r = w.call(method, &url, Some(v), true, "").await;
            assert!(
                !r.status.is_server_error(),
                "{:?} {} {method} {path}: {}",
                v.rel,
                v.role,
                r.status
            );
            for c in &w.cases {
                assert!(
                    !r.body.contains(&c.secret),
                    "{:?} {} {method} {path} leaks {}",
                    v.rel,
                    v.role,
                    c.secret
                );
            }
        }
    }
    // Web forms refuse a forged CSRF token and write nothing.
    let owner = w
        .viewers
        .iter()
        .find(|v| v.rel == Rel::Owner && v.role == Role::Officer)
        .unwrap();
    let forged = Viewer {
        rel: Rel::Owner,
        role: Role::Officer,
        token: String::new(),
        session: owner.session.clone(),
        csrf: "forged".into(),
    };
    for (method, path, rule) in UI.iter().filter(|(m, _, _)| *m == "post") {
        if matches!(rule, Rule::Public | Rule::Session) {
            continue;
        }
        let r = w
            .call(
                method,
                &fill(path, &case, &request, &w.group),
                Some(&forged),
                true,
                "body=x",
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "forged CSRF on {path}");
    }
    let _ = Rel::Anon;
}

/// Whether `rel` receives requests from the owner in this world.
fn receives_requests(rel: Rel) -> bool {
    matches!(rel, Rel::Granted | Rel::Party)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_cases_show_each_viewer_only_the_members_it_may_see() {
    let w = world().await;
    let g = &w.group;
    for v in &w.viewers {
        let who = format!("{:?} {}", v.rel, v.role);
        // The group case is TLP:GREEN: every organisation sees it, and in it
        // exactly the members it may see, with names only where it may.
        let r = w
            .call(
                "GET",
                &format!("/api/v1/group-cases/{g}"),
                Some(v),
                false,
                "",
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{who}: group read");
        let body = r.json();
        let listed: BTreeSet<String> = body["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["case"]["id"].as_str().unwrap().to_string())
            .collect();
        let ui = w
            .call("GET", &format!("/group-cases/{g}"), Some(v), true, "")
            .await;
        assert_eq!(ui.status, StatusCode::OK, "{who}: group page");
        for c in &w.cases {
            let seen = sees(v.rel, c.marking);
            let what = format!("{who} on {}", c.marking);
            assert_eq!(
                listed.contains(&c.id.to_string()),
                seen.is_some(),
                "{what}: member listed"
            );
            assert_eq!(
                r.body.contains(&c.secret),
                seen == Some(true),
                "{what}: name in the group"
            );
            assert_eq!(
                ui.body.contains(&c.secret),
                seen == Some(true),
                "{what}: name on the group page"
            );
            assert_eq!(
                ui.body.contains(&c.id.to_string()),
                seen.is_some(),
                "{what}: member on the group page"
            );
            let m = w
                .call(
                    "GET",
                    &format!("/api/v1/cases/{}/group-cases", c.id),
                    Some(v),
                    false,
                    "",
                )
                .await;
            match seen {
                None => assert_eq!(m.status, StatusCode::NOT_FOUND, "{what}: memberships"),
                Some(_) => {
                    assert_eq!(m.status, StatusCode::OK, "{what}: memberships");
                    assert_eq!(m.json()["groups"][0]["id"], g.as_str(), "{what}");
                }
            }
        }
        let owner = v.rel == Rel::Owner;
        assert_eq!(
            body["members"][0]["reason"].is_string(),
            owner,
            "{who}: reasons are the owner's"
        );
        // Partner report: the recipients of the owner's requests count them.
        let p = w
            .call("GET", "/api/v1/reports/partners", Some(v), false, "")
            .await;
        assert_eq!(p.status, StatusCode::OK, "{who}: partner report");
        let expected = if receives_requests(v.rel) {
            w.cases.len()
        } else {
            0
        };
        assert_eq!(
            p.json()["total"]["received"],
            expected,
            "{who}: requests received"
        );
        for c in &w.cases {
            assert!(!p.body.contains(&c.secret), "{who}: partner report leaks");
        }
        let ui = w.call("GET", "/reports/partners", Some(v), true, "").await;
        assert_eq!(ui.status, StatusCode::OK, "{who}: partner page");
    }
    // Managing: the owner's writers; 403 for the owner's other roles; 404
    // (as for a nonexistent group case) for everyone else.
    let case = w.cases[0].id;
    let recipient = w.orgs[2].1; // Granted
    for (method, path, rule) in API {
        if *rule != Rule::GroupOwnerWrite {
            continue;
        }
        let body = match path.rsplit('/').next().unwrap_or("") {
            "members" => format!(r#"{{"case_id":"{case}","reason":"matrix"}}"#),
            "remove" => r#"{"reason":"matrix"}"#.to_string(),
            "exports" => format!(r#"{{"recipient_org":"{recipient}"}}"#),
            _ => String::new(),
        };
        let url = fill(path, &case.to_string(), "", g);
        let ghost_url = fill(
            path,
            &case.to_string(),
            "",
            &homeward_types::GroupCaseId::new().to_string(),
        );
        let anon = w.call(method, &url, None, false, &body).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "anonymous {path}");
        for v in &w.viewers {
            let who = format!("{:?} {} {method} {path}", v.rel, v.role);
            let r = w.call(method, &url, Some(v), false, &body).await;
            match (v.rel, writer(v.role)) {
                (Rel::Owner, true) => assert!(
                    r.status.is_success()
                        || r.status == StatusCode::CONFLICT
                        || r.status == StatusCode::NOT_FOUND && path.ends_with("remove"),
                    "{who}: {} {}",
                    r.status,
                    r.body
                ),
                (Rel::Owner, _) => assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}"),
                _ => {
                    let ghost = w.call(method, &ghost_url, Some(v), false, &body).await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
                    assert_eq!(r.body, ghost.body, "{who}: same as a nonexistent group");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_package_shows_each_recipient_only_what_it_may_see() {
    let w = world().await;
    let officer = w
        .viewers
        .iter()
        .find(|v| v.rel == Rel::Owner && v.role == Role::Officer)
        .unwrap();
    for (rel, org) in &w.orgs {
        let r = w
            .call(
                "POST",
                &format!("/api/v1/group-cases/{}/exports", w.group),
                Some(officer),
                false,
                &format!(r#"{{"recipient_org":"{org}"}}"#),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{rel:?}: {}", r.body);
        let members: BTreeSet<String> = r.json()["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["case"]["id"].as_str().unwrap().to_string())
            .collect();
        for c in &w.cases {
            let seen = sees(*rel, c.marking);
            assert_eq!(
                members.contains(&c.id.to_string()),
                seen.is_some(),
                "{rel:?} on {}: in the package",
                c.marking
            );
            assert_eq!(
                r.body.contains(&c.secret),
                seen == Some(true),
                "{rel:?} on {}: names in the package",
                c.marking
            );
        }
        // The printable page says the same.
        let ui = w
            .call(
                "POST",
                &format!("/group-cases/{}/export", w.group),
                Some(officer),
                true,
                &format!("recipient_org={org}&format=html"),
            )
            .await;
        assert_eq!(ui.status, StatusCode::OK, "{rel:?}: printable page");
        for c in &w.cases {
            assert_eq!(
                ui.body.contains(&c.secret),
                sees(*rel, c.marking) == Some(true),
                "{rel:?} on {}: names on the printable page",
                c.marking
            );
        }
    }
    // Each export is in the owner's disclosure log.
    let admin = w
        .viewers
        .iter()
        .find(|v| v.rel == Rel::Owner && v.role == Role::Admin)
        .unwrap();
    let log = w
        .call(
            "GET",
            "/api/v1/disclosures?limit=500",
            Some(admin),
            false,
            "",
        )
        .await;
    assert!(log.body.contains("group.export.case"), "exports disclosed");
}
