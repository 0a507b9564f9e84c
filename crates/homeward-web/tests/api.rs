//! The HTTP surface driven in process: API contract, problem+json, auth,
//! CSRF, security headers and the web forms.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use homeward_core::{Credential, Homeward};
use homeward_types::{OrgKind, Role};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

#[path = "api/group_cases.rs"]
mod group_cases;
#[path = "api/security.rs"]
mod security;

struct TestApp {
    app: Router,
    hw: Homeward,
    hk_token: String,
    th_token: String,
    hk_admin_token: String,
    _dir: tempfile::TempDir,
}

const PW: &str = "a-long-test-password";

async fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = homeward_store_sqlite::open(&homeward_store_sqlite::url_for_dir(dir.path()))
        .await
        .unwrap();
    let hw = Homeward::new(Arc::new(store));
    let hk = hw
        .create_org(Credential::Cli, "HK test unit", OrgKind::Police, "HK")
        .await
        .unwrap();
    let th = hw
        .create_org(Credential::Cli, "TH test unit", OrgKind::Police, "TH")
        .await
        .unwrap();
    hw.create_user(
        Credential::Cli,
        hk,
        "officer@hk.example",
        Role::Officer,
        Some(PW),
    )
    .await
    .unwrap();
    hw.create_user(
        Credential::Cli,
        th,
        "officer@th.example",
        Role::Officer,
        Some(PW),
    )
    .await
    .unwrap();
    let hk_token = hw
        .create_token(Credential::Cli, "officer@hk.example", "t")
        .await
        .unwrap();
    let th_token = hw
        .create_token(Credential::Cli, "officer@th.example", "t")
        .await
        .unwrap();
    hw.create_user(
        Credential::Cli,
        hk,
        "admin@hk.example",
        Role::Admin,
        Some(PW),
    )
    .await
    .unwrap();
    let hk_admin_token = hw
        .create_token(Credential::Cli, "admin@hk.example", "t")
        .await
        .unwrap();
    TestApp {
        app: homeward_web::router(hw.clone(), false),
        hw,
        hk_token,
        th_token,
        hk_admin_token,
        _dir: dir,
    }
}

struct Res {
    status: StatusCode,
    headers: header::HeaderMap,
    body: String,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

impl TestApp {
    async fn send(&self, req: Request<Body>) -> Res {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        Res {
            status,
            headers,
            body,
        }
    }

    async fn api(&self, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Res {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(s) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(s.to_string())),
            None => b.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }
}

fn report_json() -> String {
    json!({
        "subject": {
            "names": [{"text": "CHAN Wai Kit"}, {"text": "陳偉傑"}],
            "birth_date": "2001-03-04",
            "nationalities": ["HK"],
            "contacts": [{"kind": "phone", "value": "5555 0101"}]
        },
        "narrative": "synthetic test report"
    })
    .to_string()
}

fn assert_problem(r: &Res, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/problem+json");
    let p = r.json();
    assert_eq!(p["code"], code, "body: {}", r.body);
    assert_eq!(p["status"], status.as_u16());
    assert!(!p["detail"].as_str().unwrap_or_default().is_empty());
}

#[tokio::test]
async fn health_openapi_and_headers() {
    let t = app().await;
    let r = t.api("GET", "/healthz", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(r.headers.contains_key(h), "missing {h}");
    }
    let doc = t
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/me",
        "/api/v1/cases",
        "/api/v1/reports",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/transitions",
        "/api/v1/cases/{id}/notes",
        "/api/v1/sites",
        "/api/v1/organisations",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert_problem(
        &t.api("GET", "/api/v1/nope", None, None).await,
        StatusCode::NOT_FOUND,
        "no_such_endpoint",
    );
}

#[tokio::test]
async fn api_requires_credentials() {
    let t = app().await;
    assert_problem(
        &t.api("GET", "/api/v1/cases", None, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_problem(
        &t.api("GET", "/api/v1/cases", Some("hwt_forged"), None)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}

#[tokio::test]
async fn report_case_transition_and_errors() {
    let t = app().await;
    let tok = Some(t.hk_token.as_str());
    let r = t
        .api("POST", "/api/v1/reports", tok, Some(&report_json()))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    let id = created["case_id"].as_str().unwrap().to_string();
    assert!(created["reference"].as_str().unwrap().starts_with("HK-"));

    let case = t
        .api("GET", &format!("/api/v1/cases/{id}"), tok, None)
        .await;
    assert_eq!(case.status, StatusCode::OK);
    let case = case.json();
    assert_eq!(case["case"]["state"], "reported");
    assert_eq!(case["person"]["contacts"][0]["normalised"], "+85255550101");

    let bad_move = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/transitions"),
            tok,
            Some(r#"{"to":"repatriated","reason":"skip"}"#),
        )
        .await;
    assert_problem(&bad_move, StatusCode::CONFLICT, "invalid_transition");
    let unknown_state = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/transitions"),
            tok,
            Some(r#"{"to":"teleported","reason":"x"}"#),
        )
        .await;
    assert_problem(
        &unknown_state,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
    let no_reason = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/transitions"),
            tok,
            Some(r#"{"to":"triaged","reason":"  "}"#),
        )
        .await;
    assert_problem(
        &no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let moved = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/transitions"),
            tok,
            Some(r#"{"to":"triaged","reason":"family confirmed identity"}"#),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.json()["case"]["state"], "triaged");

    let note = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/notes"),
            tok,
            Some(r#"{"body":"called the family"}"#),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED);

    assert_problem(
        &t.api("POST", "/api/v1/reports", tok, Some("{not json"))
            .await,
        StatusCode::BAD_REQUEST,
        "malformed_json",
    );
    assert_problem(
        &t.api(
            "POST",
            "/api/v1/reports",
            tok,
            Some(r#"{"subject":{"names":[]},"extra":1}"#),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );
    let invalid = t
        .api(
            "POST",
            "/api/v1/reports",
            tok,
            Some(r#"{"subject":{"names":[{"text":"X"}],"birth_date":"31/02/2001"}}"#),
        )
        .await;
    assert_problem(&invalid, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    assert_eq!(invalid.json()["errors"][0]["field"], "subject.birth_date");
    assert_problem(
        &t.api("GET", "/api/v1/cases/not-a-uuid", tok, None).await,
        StatusCode::BAD_REQUEST,
        "invalid_path",
    );
    assert_problem(
        &t.api("GET", "/api/v1/cases?state=teleported", tok, None)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    );

    // Another organisation: the same 404 as for a case that does not exist.
    let other = t
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&t.th_token),
            None,
        )
        .await;
    assert_problem(&other, StatusCode::NOT_FOUND, "not_found");
    let missing = t
        .api(
            "GET",
            "/api/v1/cases/01930000-0000-7000-8000-000000000000",
            Some(&t.th_token),
            None,
        )
        .await;
    assert_eq!(other.body, missing.body);
    let list = t
        .api("GET", "/api/v1/cases", Some(&t.th_token), None)
        .await
        .json();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
}

fn set_cookie_value(r: &Res, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
}

fn form(uri: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn csrf_from(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    html[i..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn web_login_csrf_and_report_form() {
    let t = app().await;
    let login = t
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let pre = set_cookie_value(&login, "hw_login_csrf").unwrap();
    let set = login.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));

    // A forged token is refused and nothing signs in.
    let forged = t
        .send(form(
            "/login",
            &format!("hw_login_csrf={pre}"),
            &format!("csrf=forged&email=officer%40hk.example&password={PW}"),
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(set_cookie_value(&forged, "hw_session").is_none());

    let wrong = t
        .send(form(
            "/login",
            &format!("hw_login_csrf={pre}"),
            &format!("csrf={pre}&email=officer%40hk.example&password=wrong-password"),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Wrong e-mail or password"));
    assert!(
        wrong.body.contains("officer@hk.example"),
        "typed e-mail kept"
    );

    let ok = t
        .send(form(
            "/login",
            &format!("hw_login_csrf={pre}"),
            &format!("csrf={pre}&email=officer%40hk.example&password={PW}"),
        ))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let session = set_cookie_value(&ok, "hw_session").unwrap();
    let cookie = format!("hw_session={session}");

    let page = t
        .send(
            Request::get("/reports/new")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_from(&page.body);

    // Invalid input: the error is shown next to the field and what was typed is kept.
    let bad = t
        .send(form(
            "/reports/new",
            &cookie,
            &format!(
                "csrf={csrf}&names=%E9%99%B3%E5%81%89%E5%82%91&birth_date=2001-02-30&nationality=HK"
            ),
        ))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("2001-02-30 does not exist"));
    assert!(bad.body.contains("陳偉傑"));

    let good = t.send(form("/reports/new", &cookie,
        &format!("csrf={csrf}&names=CHAN+Wai+Kit%0D%0A%E9%99%B3%E5%81%89%E5%82%91&birth_date=2001&nationality=HK"))).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let location = good.headers[header::LOCATION].to_str().unwrap().to_string();
    let case = t
        .send(
            Request::get(&location)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(case.body.contains("陳偉傑") && case.body.contains("CHAN Wai Kit"));

    let forged_move = t
        .send(form(
            &format!("{location}/transition"),
            &cookie,
            "csrf=nope&to=triaged&reason=x",
        ))
        .await;
    assert_eq!(forged_move.status, StatusCode::FORBIDDEN);
    let moved = t
        .send(form(
            &format!("{location}/transition"),
            &cookie,
            &format!("csrf={csrf}&to=triaged&reason=checked"),
        ))
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);

    // Lowering the marking from the case page needs a reason.
    let no_reason = t
        .send(form(
            &format!("{location}/marking"),
            &cookie,
            &format!("csrf={csrf}&marking=green&sharing_group_id=&reason="),
        ))
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("say why the marking is lowered"));
    let lowered = t
        .send(form(
            &format!("{location}/marking"),
            &cookie,
            &format!("csrf={csrf}&marking=green&sharing_group_id=&reason=public+appeal+agreed"),
        ))
        .await;
    assert_eq!(lowered.status, StatusCode::SEE_OTHER);
    let page = t
        .send(
            Request::get(&location)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.body.contains("TLP:GREEN"));

    // Cookie-authenticated API writes need the CSRF header.
    let api = t
        .send(
            Request::post("/api/v1/reports")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(report_json()))
                .unwrap(),
        )
        .await;
    assert_problem(&api, StatusCode::FORBIDDEN, "csrf_failed");
    let list = t
        .send(
            Request::get("/cases?q=chan")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(list.body.contains("CHAN Wai Kit"));
}

#[tokio::test]
async fn screening_api_and_public_check_page() {
    let t = app().await;
    let tok = Some(t.hk_token.as_str());
    let lure = r#"{"id":"a1","description":"Customer service in Bangkok, 1,200 USD a month, free flight, visa and hotel, no experience needed, contact Telegram only"}"#;
    assert_problem(
        &t.api("POST", "/api/v1/screen", None, Some(lure)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let one = t.api("POST", "/api/v1/screen", tok, Some(lure)).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    let v = &one.json()["verdicts"][0];
    assert_eq!(v["id"], "a1");
    assert_eq!(v["flagged"], true, "{v}");
    assert!(!v["reasons"].as_array().unwrap().is_empty());
    let batch = t.api("POST", "/api/v1/screen", tok,
        Some(r#"[{"description":"Registered nurse, NHS hospital, band 5 salary, apply via our careers site"},{"title":"x"}]"#)).await;
    assert_eq!(batch.json()["verdicts"].as_array().map(Vec::len), Some(2));
    assert_problem(
        &t.api("POST", "/api/v1/screen", tok, Some("[]")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    assert_problem(
        &t.api(
            "POST",
            "/api/v1/screen",
            tok,
            Some(r#"{"description":"x","bogus":1}"#),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    );

    let page = t
        .send(Request::get("/check").body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let post = |text: &str| {
        Request::post("/check")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("text={text}")))
            .unwrap()
    };
    let checked = t.send(post("Free+flight+and+visa%2C+no+experience%2C+1500+USD%2C+work+in+Myawaddy%2C+contact+Telegram+%40hr_example")).await;
    assert_eq!(checked.status, StatusCode::OK);
    assert!(checked.body.contains("High risk"), "{}", checked.body);
    assert_eq!(checked.headers[header::CACHE_CONTROL], "no-store");
    let empty = t.send(post("")).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut limited = false;
    for _ in 0..40 {
        if t.send(post("hello")).await.status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "the public page is rate-limited");
}

#[tokio::test]
async fn sharing_groups_over_the_api() {
    let t = app().await;
    let orgs = t
        .api("GET", "/api/v1/organisations", Some(&t.hk_token), None)
        .await
        .json();
    let th_org = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["country"] == "TH")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_problem(
        &t.api(
            "POST",
            "/api/v1/sharing-groups",
            Some(&t.hk_token),
            Some(r#"{"name":"x"}"#),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let g = t
        .api(
            "POST",
            "/api/v1/sharing-groups",
            Some(&t.hk_admin_token),
            Some(r#"{"name":"Task force"}"#),
        )
        .await;
    assert_eq!(g.status, StatusCode::CREATED, "{}", g.body);
    let gid = g.json()["id"].as_str().unwrap().to_string();
    let added = t
        .api(
            "POST",
            &format!("/api/v1/sharing-groups/{gid}/members"),
            Some(&t.hk_admin_token),
            Some(&json!({ "org_id": th_org }).to_string()),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert_eq!(added.json()["members"].as_array().map(Vec::len), Some(2));
    let mut report: Value = serde_json::from_str(&report_json()).unwrap();
    report["marking"] = json!("amber");
    report["sharing_group_id"] = json!(gid);
    let created = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(&t.hk_token),
            Some(&report.to_string()),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["case_id"].as_str().unwrap().to_string();
    let seen = t
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&t.th_token),
            None,
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.json()["person"]["redacted"], true);
    assert_eq!(
        seen.json()["person"]["names"].as_array().map(Vec::len),
        Some(0)
    );
    let lowered = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/marking"),
            Some(&t.hk_token),
            Some(r#"{"marking":"green"}"#),
        )
        .await;
    assert_problem(&lowered, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let raised = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/marking"),
            Some(&t.hk_token),
            Some(r#"{"marking":"amber+strict"}"#),
        )
        .await;
    assert_eq!(raised.status, StatusCode::OK, "{}", raised.body);
    assert_problem(
        &t.api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&t.th_token),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn requests_over_the_api_refuse_bad_grants_and_write_nothing() {
    let t = app().await;
    let orgs = t
        .api("GET", "/api/v1/organisations", Some(&t.hk_token), None)
        .await
        .json();
    let th_org = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["country"] == "TH")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let case = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(&t.hk_token),
            Some(&report_json()),
        )
        .await
        .json()["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = |grant: &str, deadline: &str| {
        format!(
            r#"{{"case_id":"{case}","to_org":"{th_org}","kind":"rescue","legal_basis":"police channel","items":"locate","grant":{grant},"deadline":"{deadline}","send":true}}"#
        )
    };
    // A field that does not exist, a deadline in the past, a deadline that is no date.
    let r = t
        .api(
            "POST",
            "/api/v1/requests",
            Some(&t.hk_token),
            Some(&body(r#"["names","passport_photo"]"#, "2099-01-01")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("passport_photo"), "{}", r.body);
    let r = t
        .api(
            "POST",
            "/api/v1/requests",
            Some(&t.hk_token),
            Some(&body(r#"["names"]"#, "2001-01-01")),
        )
        .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let r = t
        .api(
            "POST",
            "/api/v1/requests",
            Some(&t.hk_token),
            Some(&body(r#"["names"]"#, "next week")),
        )
        .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let list = t
        .api("GET", "/api/v1/requests", Some(&t.hk_token), None)
        .await
        .json();
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "nothing written"
    );
    // A good one: the recipient reads exactly the granted fields.
    let r = t
        .api(
            "POST",
            "/api/v1/requests",
            Some(&t.hk_token),
            Some(&body(r#"["names"]"#, "2099-01-01")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["request"]["state"], "sent");
    let d = t
        .api(
            "GET",
            &format!("/api/v1/cases/{case}"),
            Some(&t.th_token),
            None,
        )
        .await
        .json();
    assert_eq!(d["granted"], json!(["names"]));
    assert_eq!(d["person"]["names"][0]["text"], "CHAN Wai Kit");
    assert_eq!(d["person"]["contacts"], json!([]));
}

#[tokio::test]
async fn duplicates_merge_and_unmerge_over_the_api_and_the_case_page() {
    let t = app().await;
    let tok = Some(t.hk_token.as_str());
    let first = t
        .api("POST", "/api/v1/reports", tok, Some(&report_json()))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let first = first.json()["case_id"].as_str().unwrap().to_string();
    let later = json!({
        "subject": {
            "names": [{"text": "陈伟杰"}],
            "birth_date": "2001-03-04",
            "nationalities": ["HK"]
        }
    })
    .to_string();
    let second = t.api("POST", "/api/v1/reports", tok, Some(&later)).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let second = second.json();
    let dup = &second["possible_duplicates"][0];
    assert_eq!(dup["case_id"], first.as_str(), "{second}");
    assert_eq!(dup["mergeable"], true);
    assert!(dup["probability"].as_f64().unwrap() >= 0.5);
    assert!(!dup["fields"].as_array().unwrap().is_empty());
    let second = second["case_id"].as_str().unwrap().to_string();

    let listed = t
        .api(
            "GET",
            &format!("/api/v1/cases/{first}/duplicates"),
            tok,
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()[0]["case_id"], second.as_str());
    let th = t
        .api(
            "GET",
            &format!("/api/v1/cases/{first}/duplicates"),
            Some(&t.th_token),
            None,
        )
        .await;
    assert_problem(&th, StatusCode::NOT_FOUND, "not_found");

    // Bad input: no reason, unknown field, not a case of ours.
    let r = t
        .api(
            "POST",
            &format!("/api/v1/cases/{first}/merge"),
            tok,
            Some(&json!({"from": second, "reason": " "}).to_string()),
        )
        .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    let r = t
        .api(
            "POST",
            &format!("/api/v1/cases/{first}/merge"),
            tok,
            Some(&json!({"from": second, "reason": "x", "force": true}).to_string()),
        )
        .await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let detail = t
        .api("GET", &format!("/api/v1/cases/{second}"), tok, None)
        .await
        .json();
    assert_eq!(detail["case"]["state"], "reported", "nothing merged");

    let m = t
        .api(
            "POST",
            &format!("/api/v1/cases/{first}/merge"),
            tok,
            Some(&json!({"from": second, "reason": "family confirms"}).to_string()),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let merge = m.json()["id"].as_str().unwrap().to_string();
    let d = t
        .api("GET", &format!("/api/v1/cases/{first}"), tok, None)
        .await
        .json();
    assert_eq!(d["reports"].as_array().unwrap().len(), 2);
    assert_eq!(d["merges"][0]["id"], merge.as_str());
    assert!(
        d["person"]["names"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["text"] == "陈伟杰" && n["merged_from"] == second.as_str())
    );

    // The case page shows the merge with its unmerge form and sources.
    let signed = t.hw.login("officer@hk.example", PW).await.unwrap();
    let page = t
        .send(
            Request::get(format!("/cases/{first}"))
                .header(header::COOKIE, format!("hw_session={}", signed.session_id))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("/merges/{merge}/unmerge")));
    assert!(page.body.contains("陈伟杰") && page.body.contains("from "));

    let u = t
        .api(
            "POST",
            &format!("/api/v1/merges/{merge}/unmerge"),
            Some(&t.th_token),
            Some(&json!({"reason": "not ours"}).to_string()),
        )
        .await;
    assert_problem(&u, StatusCode::NOT_FOUND, "not_found");
    let u = t
        .api(
            "POST",
            &format!("/api/v1/merges/{merge}/unmerge"),
            tok,
            Some(&json!({"reason": "different person after all"}).to_string()),
        )
        .await;
    assert_eq!(u.status, StatusCode::OK, "{}", u.body);
    let again = t
        .api(
            "POST",
            &format!("/api/v1/merges/{merge}/unmerge"),
            tok,
            Some(&json!({"reason": "twice"}).to_string()),
        )
        .await;
    assert_problem(&again, StatusCode::CONFLICT, "conflict");
    let d = t
        .api("GET", &format!("/api/v1/cases/{second}"), tok, None)
        .await
        .json();
    assert_eq!(d["case"]["state"], "reported");
    assert_eq!(d["reports"].as_array().unwrap().len(), 1);

    // The same on the page: the duplicate is proposed again, with a merge form.
    let page = t
        .send(
            Request::get(format!("/cases/{first}"))
                .header(header::COOKIE, format!("hw_session={}", signed.session_id))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(page.body.contains(&format!("/cases/{first}/merge")));
    let form_body = format!("csrf={}&from={second}&reason=same+person", signed.csrf);
    let merged = t
        .send(form(
            &format!("/cases/{first}/merge"),
            &format!("hw_session={}", signed.session_id),
            &form_body,
        ))
        .await;
    assert!(merged.status.is_redirection(), "{}", merged.body);
    let forged = t
        .send(form(
            &format!("/cases/{second}/merge"),
            &format!("hw_session={}", signed.session_id),
            &format!("csrf=forged&from={first}&reason=x"),
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

fn multipart(
    uri: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Request<Body> {
    let boundary = "hwboundary7d1f";
    let mut body: Vec<u8> = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn rescue_list_upload_preview_mapping_and_results_in_the_web_ui() {
    let t = app().await;
    // TH holds an open case; HK uploads a list naming that person.
    let th_case = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(&t.th_token),
            Some(
                &json!({"subject": {"names": [{"text": "สมชาย ใจดี"}], "birth_date": "1985-06-02", "nationalities": ["TH"]}})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(th_case.status, StatusCode::CREATED);
    let hk_case = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(&t.hk_token),
            Some(&report_json()),
        )
        .await;
    let hk_case = hk_case.json()["case_id"].as_str().unwrap().to_string();
    let signed = t.hw.login("officer@hk.example", PW).await.unwrap();
    let cookie = format!("hw_session={}", signed.session_id);
    let csv = "Released at Mae Sot, synthetic\n\nNo.,Full name,Born,Citizenship,Remarks\n1,CHAN Wai Kit,04/03/2001,HK,x\n2,Somchai Jaidee,2528-06-02,Thailand,\n3,,,,no name\n4,Tran Van Minh,someday,VN,\n";

    // Forged token: nothing staged.
    let forged = t
        .send(multipart(
            "/rescue-lists/upload",
            &cookie,
            &[("csrf", "forged"), ("name", "x")],
            Some(("l.csv", csv.as_bytes())),
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Neither file nor pasted text.
    let empty = t
        .send(multipart(
            "/rescue-lists/upload",
            &cookie,
            &[("csrf", &signed.csrf), ("name", "x")],
            None,
        ))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("choose a file or paste the rows"));

    let up = t
        .send(multipart(
            "/rescue-lists/upload",
            &cookie,
            &[
                ("csrf", &signed.csrf),
                ("name", "Mae Sot handover (synthetic)"),
                ("release_mode", "handover"),
            ],
            Some(("mae-sot.csv", csv.as_bytes())),
        ))
        .await;
    assert!(up.status.is_redirection(), "{} {}", up.status, up.body);
    let staged = up.headers[header::LOCATION].to_str().unwrap().to_string();
    let page = t
        .send(
            Request::get(&staged)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    // The title line is skipped; "Citizenship" and "Born" are recognised.
    assert!(
        page.body.contains("id=\"usable-count\">3<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"unusable-count\">1<"));
    assert!(
        page.body.contains("Line 7") && page.body.contains("someday"),
        "the unreadable date is reported"
    );
    assert!(page.body.contains("value=\"nationality\" selected"));
    // Another user of the same organisation cannot see the upload.
    let th_signed = t.hw.login("officer@th.example", PW).await.unwrap();
    let other = t
        .send(
            Request::get(&staged)
                .header(
                    header::COOKIE,
                    format!("hw_session={}", th_signed.session_id),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    // Nothing is saved before reconciling.
    let lists = t
        .api("GET", "/api/v1/rescue-lists", Some(&t.hk_token), None)
        .await;
    assert_eq!(lists.json().as_array().unwrap().len(), 0);

    // Remap: the "Remarks" column as other names would be wrong; ignore
    // the birth date instead, and reconcile.
    let f = format!(
        "csrf={}&action=reconcile&name=Mae+Sot+handover+%28synthetic%29&release_mode=handover&encoding=&map_0=&map_1=full_name&map_2=birth_date&map_3=nationality&map_4=",
        signed.csrf
    );
    let go = t.send(form(&staged, &cookie, &f)).await;
    assert!(go.status.is_redirection(), "{} {}", go.status, go.body);
    let job = go.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(job.starts_with("/rescue-lists/jobs/"));
    let mut list_page = String::new();
    for _ in 0..100 {
        let r = t
            .send(
                Request::get(&job)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        if r.status.is_redirection() {
            list_page = r.headers[header::LOCATION].to_str().unwrap().to_string();
            break;
        }
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("rows linked"));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(list_page.starts_with("/rescue-lists/"), "the job finished");
    let page = t
        .send(
            Request::get(&list_page)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"rows\">4<") && page.body.contains("id=\"unusable\">1<"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"matched\">2<"),
        "HK's and TH's cases matched"
    );
    assert!(
        page.body.contains(&format!("/cases/{hk_case}")),
        "HK sees its own row"
    );
    assert!(
        !page.body.contains("สมชาย")
            || !page
                .body
                .contains(th_case.json()["case_id"].as_str().unwrap()),
        "TH's case is not shown to HK"
    );
    // HK confirms its own row from the list page; the case is released.
    let m = csrf_from(&page.body);
    let i = page.body.find("/rescue-lists/matches/").unwrap();
    let action: String = page.body[i..].split('"').next().unwrap().to_string();
    let ok = t
        .send(form(
            &action,
            &cookie,
            &format!("csrf={m}&confirm=1&back={list_page}"),
        ))
        .await;
    assert!(ok.status.is_redirection(), "{}", ok.body);
    let d = t
        .api(
            "GET",
            &format!("/api/v1/cases/{hk_case}"),
            Some(&t.hk_token),
            None,
        )
        .await;
    assert_eq!(d.json()["case"]["state"], "released");
    // TH is told about its row on its rescue-lists page.
    let th_page = t
        .send(
            Request::get("/rescue-lists")
                .header(
                    header::COOKIE,
                    format!("hw_session={}", th_signed.session_id),
                )
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        th_page
            .body
            .contains("1 people on the list 'Mae Sot handover (synthetic)'"),
        "{}",
        th_page.body
    );
    assert!(
        !th_page.body.contains("CHAN Wai Kit"),
        "TH learns nothing of HK's row"
    );
    // The original file is kept and downloadable by the uploader.
    let file = t
        .send(
            Request::get(format!("{list_page}/file"))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, csv);
}

#[tokio::test]
async fn a_rescue_list_larger_than_other_bodies_is_accepted() {
    let t = app().await;
    let rows: Vec<Value> = (0..20_000)
        .map(|i| json!({"names": [format!("Synthetic Person {i}")], "birth_date": "1990", "nationality": "VN"}))
        .collect();
    let body = json!({"name": "Large synthetic list", "rows": rows}).to_string();
    assert!(body.len() > homeward_web::MAX_BODY);
    let r = t
        .api(
            "POST",
            "/api/v1/rescue-lists",
            Some(&t.hk_token),
            Some(&body),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["rows"], 20_000);
    // Other endpoints keep the ordinary limit.
    let big_note = json!({"body": "x".repeat(homeward_web::MAX_BODY)}).to_string();
    let r = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(&t.hk_token),
            Some(&big_note),
        )
        .await;
    assert_problem(&r, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
}
