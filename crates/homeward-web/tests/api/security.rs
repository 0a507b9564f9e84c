//! Account security over HTTP: lockout, two-factor sign-in, scoped and
//! revocable tokens, session expiry and revocation; and the retention purge.

use std::time::Duration;

use homeward_core::{AccountPolicy, Credential, Homeward, PURGE_MARKER, now_ms, totp};
use homeward_types::TokenScope;

use super::*;

async fn sign_in(t: &TestApp, email: &str, password: &str) -> Res {
    let login = t
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    let pre = set_cookie_value(&login, "hw_login_csrf").unwrap();
    t.send(form(
        "/login",
        &format!("hw_login_csrf={pre}"),
        &format!(
            "csrf={pre}&email={}&password={password}",
            email.replace('@', "%40")
        ),
    ))
    .await
}

async fn get_with(t: &TestApp, path: &str, cookie: &str) -> Res {
    t.send(
        Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

fn location(r: &Res) -> &str {
    r.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn unix_s() -> u64 {
    u64::try_from(now_ms() / 1000).unwrap()
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).unwrap() + start.len();
    html[i..].split(end).next().unwrap()
}

#[tokio::test]
async fn lockout_answers_the_same_for_unknown_accounts() {
    let t = app().await;
    let mut last = Vec::new();
    for email in ["officer@hk.example", "nobody@hk.example"] {
        for _ in 0..5 {
            let r = sign_in(&t, email, "wrong-password").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(r.body.contains("Wrong e-mail or password"));
        }
        // The sixth attempt, even with the right password, is refused.
        let r = sign_in(&t, email, PW).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert!(set_cookie_value(&r, "hw_session").is_none());
        last.push(between(&r.body, "role=\"alert\">", "<").to_string());
    }
    assert!(last[0].contains("Too many failed sign-ins"), "{last:?}");
    assert_eq!(last[0], last[1], "no existence oracle");
    let audit = t.hw.store().audit_entries(0, 10_000).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.draft.action == "account.lock")
            .count(),
        2
    );
}

#[tokio::test]
async fn admins_must_enrol_totp_and_codes_work_once() {
    let t = app().await;
    let r = sign_in(&t, "admin@hk.example", PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/account");
    let cookie = format!("hw_session={}", set_cookie_value(&r, "hw_session").unwrap());

    // Until enrolled: nothing else, in the UI or the API.
    let cases = get_with(&t, "/cases", &cookie).await;
    assert_eq!(location(&cases), "/account");
    assert_problem(
        &get_with(&t, "/api/v1/me", &cookie).await,
        StatusCode::UNAUTHORIZED,
        "second_factor_required",
    );

    let page = get_with(&t, "/account", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = between(&page.body, "id=\"totp-secret\">", "<").to_string();
    assert!(page.body.contains("otpauth://totp/"));
    let csrf = csrf_from(&page.body);
    let now = unix_s();
    let wrong = t
        .send(form(
            "/account/two-factor",
            &cookie,
            &format!("csrf={csrf}&code=12345x"),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = totp::code_at(&secret, now).unwrap();
    let ok = t
        .send(form(
            "/account/two-factor",
            &cookie,
            &format!("csrf={csrf}&code={code}"),
        ))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let me = get_with(&t, "/api/v1/me", &cookie).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert!(
        get_with(&t, "/account", &cookie)
            .await
            .body
            .contains("totp-on")
    );

    // The next sign-in asks for a code; the code already used is refused.
    let r = sign_in(&t, "admin@hk.example", PW).await;
    assert_eq!(location(&r), "/login/code");
    let cookie = format!("hw_session={}", set_cookie_value(&r, "hw_session").unwrap());
    assert_problem(
        &get_with(&t, "/api/v1/cases", &cookie).await,
        StatusCode::UNAUTHORIZED,
        "second_factor_required",
    );
    let code_page = get_with(&t, "/login/code", &cookie).await;
    let csrf = csrf_from(&code_page.body);
    let replay = t
        .send(form(
            "/login/code",
            &cookie,
            &format!("csrf={csrf}&code={code}"),
        ))
        .await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert!(replay.body.contains("already used"));
    let next = totp::code_at(&secret, now + totp::STEP_S).unwrap();
    let good = t
        .send(form(
            "/login/code",
            &cookie,
            &format!("csrf={csrf}&code={next}"),
        ))
        .await;
    assert_eq!(location(&good), "/cases");
    assert_eq!(
        get_with(&t, "/api/v1/me", &cookie).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn tokens_are_scoped_listed_and_revocable() {
    let t = app().await;
    let read =
        t.hw.create_token_scoped(Credential::Cli, "officer@hk.example", "r", TokenScope::Read)
            .await
            .unwrap();
    assert_eq!(
        t.api("GET", "/api/v1/cases", Some(&read), None)
            .await
            .status,
        StatusCode::OK
    );
    assert_problem(
        &t.api("POST", "/api/v1/reports", Some(&read), Some(&report_json()))
            .await,
        StatusCode::FORBIDDEN,
        "token_scope",
    );
    let listed = t
        .api("GET", "/api/v1/tokens", Some(&read), None)
        .await
        .json();
    let ids: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2, "{listed}");
    assert!(!listed.to_string().contains("hwt_"), "secrets never listed");
    assert_problem(
        &t.api(
            "DELETE",
            &format!("/api/v1/tokens/{}", ids[0]),
            Some(&read),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "token_scope",
    );
    // A token cannot mint tokens; a signed-in session can.
    assert_problem(
        &t.api(
            "POST",
            "/api/v1/tokens",
            Some(&t.hk_token),
            Some(r#"{"name":"x"}"#),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let r = sign_in(&t, "officer@hk.example", PW).await;
    let sid = set_cookie_value(&r, "hw_session").unwrap();
    let (_, csrf) = t.hw.session_actor(&sid).await.unwrap();
    let created = t
        .send(
            Request::post("/api/v1/tokens")
                .header(header::COOKIE, format!("hw_session={sid}"))
                .header("x-csrf-token", &csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"name":"laptop","scope":"write"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let new = created.json();
    let secret = new["secret"].as_str().unwrap().to_string();
    assert_eq!(
        t.api("GET", "/api/v1/me", Some(&secret), None).await.status,
        StatusCode::OK
    );
    let id = new["id"].as_str().unwrap();
    // Another organisation cannot revoke it (not found, like a wrong id).
    assert_problem(
        &t.api(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Some(&t.th_token),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let revoked = t
        .api(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            Some(&t.hk_token),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_problem(
        &t.api("GET", "/api/v1/me", Some(&secret), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    // The admin of the organisation revokes the officer's read token.
    let read_id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "r")
        .map(|t| t["id"].as_str().unwrap().to_string())
        .unwrap();
    let by_admin = t
        .api(
            "DELETE",
            &format!("/api/v1/tokens/{read_id}"),
            Some(&t.hk_admin_token),
            None,
        )
        .await;
    assert_eq!(by_admin.status, StatusCode::NO_CONTENT, "{}", by_admin.body);
    assert_problem(
        &t.api("GET", "/api/v1/cases", Some(&read), None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    assert_problem(
        &t.api(
            "DELETE",
            "/api/v1/tokens/not-an-id",
            Some(&t.hk_admin_token),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_path",
    );
}

#[tokio::test]
async fn sessions_expire_when_idle_or_old_and_can_all_be_revoked() {
    let t = app().await;
    let sign_in_core =
        |hw: Homeward| async move { hw.login("officer@hk.example", PW).await.unwrap().session_id };
    // Sign out everywhere.
    let a = sign_in_core(t.hw.clone()).await;
    let b = sign_in_core(t.hw.clone()).await;
    let (_, csrf) = t.hw.session_actor(&a).await.unwrap();
    let r = t
        .send(
            Request::post("/api/v1/me/sessions/revoke")
                .header(header::COOKIE, format!("hw_session={a}"))
                .header("x-csrf-token", &csrf)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["revoked"], 2);
    for sid in [&a, &b] {
        assert_problem(
            &get_with(&t, "/api/v1/me", &format!("hw_session={sid}")).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        );
    }

    // Idle and absolute expiry, with a shortened policy.
    for policy in [
        AccountPolicy {
            session_idle_ms: 300,
            ..AccountPolicy::default()
        },
        AccountPolicy {
            session_ttl_ms: 300,
            ..AccountPolicy::default()
        },
    ] {
        let hw = Homeward::with_policy(t.hw.store().clone(), policy);
        let short = TestApp {
            app: homeward_web::router(hw.clone(), false),
            hw: hw.clone(),
            hk_token: String::new(),
            th_token: String::new(),
            hk_admin_token: String::new(),
            _dir: tempfile::tempdir().unwrap(),
        };
        let sid = sign_in_core(hw).await;
        let cookie = format!("hw_session={sid}");
        assert_eq!(
            get_with(&short, "/api/v1/me", &cookie).await.status,
            StatusCode::OK
        );
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_problem(
            &get_with(&short, "/api/v1/me", &cookie).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        );
        assert_eq!(
            location(&get_with(&short, "/cases", &cookie).await),
            "/login"
        );
    }
}

#[tokio::test]
async fn purge_removes_personal_data_and_is_audited() {
    let t = app().await;
    let created = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(&t.hk_token),
            Some(&report_json()),
        )
        .await
        .json();
    let id = created["case_id"].as_str().unwrap().to_string();
    let moved = t
        .api(
            "POST",
            &format!("/api/v1/cases/{id}/transitions"),
            Some(&t.hk_token),
            Some(r#"{"to":"unfounded","reason":"the family found him in Kowloon"}"#),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let report = t.hw.purge_closed(Credential::Cli, 0, false).await.unwrap();
    assert_eq!(report.purged, 1);
    let case = t
        .api(
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&t.hk_token),
            None,
        )
        .await;
    assert_eq!(case.status, StatusCode::OK);
    for gone in [
        "陳偉傑",
        "CHAN",
        "synthetic test report",
        "Kowloon",
        "5555",
        "2001-03-04",
    ] {
        assert!(!case.body.contains(gone), "{gone} still in {}", case.body);
    }
    assert!(case.body.contains(PURGE_MARKER));
    assert!(case.body.contains("\"unfounded\""));
    let audit = t.hw.store().audit_entries(0, 10_000).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.draft.action == "case.purge")
            .count(),
        1
    );
    assert!(t.hw.verify_audit().await.unwrap().is_ok());
}
