//! Group cases end to end over the API: two organisations' cases, a group
//! case of one, suggestions, a package for the other that shows only what
//! it may see, and the partner report counting the resolved request.

use super::*;

async fn file(t: &TestApp, token: &str, name: &str, extra: Value) -> String {
    let mut report = json!({
        "subject": {
            "names": [{"text": name}],
            "birth_date": "2001-03-04",
            "nationalities": ["HK"],
            "documents": [{"kind": "passport", "number": "K00000001"}],
            "contacts": [{"kind": "phone", "value": "+852 5555 0101"}]
        },
        "narrative": format!("{name} left for a job in Bangkok"),
    });
    if let (Some(r), Some(e)) = (report.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            r.insert(k.clone(), v.clone());
        }
    }
    let r = t
        .api(
            "POST",
            "/api/v1/reports",
            Some(token),
            Some(&report.to_string()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["case_id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_package_carries_only_what_the_recipient_may_see() {
    let t = app().await;
    let (hk, th) = (t.hk_token.as_str(), t.th_token.as_str());
    let th_org = t.api("GET", "/api/v1/me", Some(th), None).await.json()["organisation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let green = file(
        &t,
        hk,
        "Lima Greencase",
        json!({"marking": "green", "recruitment_channel": "Telegram @hr_jobs_bkk"}),
    )
    .await;
    let strict = file(
        &t,
        hk,
        "Mike Strictcase",
        json!({"job_promised": "call 081-234-5678"}),
    )
    .await;
    let theirs = file(
        &t,
        th,
        "สมชาย ใจดี",
        json!({"marking": "green", "recruitment_channel": "t.me/hr_jobs_bkk"}),
    )
    .await;

    let g = t
        .api(
            "POST",
            "/api/v1/group-cases",
            Some(hk),
            Some(
                &json!({"grouping": "recruiter", "label": "HR Jobs BKK",
                        "recruiter": "@hr_jobs_bkk, +66 81 234 5678", "marking": "green"})
                .to_string(),
            ),
        )
        .await;
    assert_eq!(g.status, StatusCode::CREATED, "{}", g.body);
    assert_eq!(g.json()["group"]["kind"], "group");
    let gid = g.json()["group"]["id"].as_str().unwrap().to_string();

    // Suggestions name all three, each with its shared contact.
    let s = t
        .api(
            "GET",
            &format!("/api/v1/group-cases/{gid}/suggestions"),
            Some(hk),
            None,
        )
        .await;
    assert_eq!(s.status, StatusCode::OK);
    for id in [&green, &strict, &theirs] {
        let hit = s.json().as_array().unwrap().iter().any(|x| {
            x["case"]["id"] == id.as_str()
                && x["reasons"][0]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("shares recruiter contact")
        });
        assert!(hit, "{id} suggested: {}", s.body);
    }
    assert!(
        !s.body.contains("สมชาย"),
        "another organisation's names stay hidden"
    );
    for id in [&green, &strict, &theirs] {
        let r = t
            .api(
                "POST",
                &format!("/api/v1/group-cases/{gid}/members"),
                Some(hk),
                Some(&json!({"case_id": id, "reason": "same recruiter"}).to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    // TH sees the group, its own case and HK's green one (redacted), not the strict one.
    let v = t
        .api("GET", &format!("/api/v1/group-cases/{gid}"), Some(th), None)
        .await;
    assert_eq!(v.status, StatusCode::OK);
    assert_eq!(v.json()["members"].as_array().unwrap().len(), 2);
    assert!(!v.body.contains("Lima") && !v.body.contains("Mike") && !v.body.contains(&strict));

    // A package for TH: the same; names only for its own case.
    let export = |body: String| {
        let t = &t;
        let gid = gid.clone();
        async move {
            t.api(
                "POST",
                &format!("/api/v1/group-cases/{gid}/exports"),
                Some(hk),
                Some(&body),
            )
            .await
        }
    };
    let p = export(json!({"recipient_org": th_org}).to_string()).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.json()["members"].as_array().unwrap().len(), 2);
    assert!(!p.body.contains("Lima") && !p.body.contains("Mike") && !p.body.contains(&strict));
    assert!(
        !p.body.contains("สมชาย"),
        "HK sees TH's case redacted, so its package cannot carry the names"
    );

    // A locate request granting names and phones: the strict case joins, with just those.
    let req = t
        .api(
            "POST",
            "/api/v1/requests",
            Some(hk),
            Some(
                &json!({"case_id": strict, "to_org": th_org, "kind": "locate",
                        "legal_basis": "police-to-police channel", "items": "locate",
                        "grant": ["names", "contacts"], "send": true})
                .to_string(),
            ),
        )
        .await;
    assert_eq!(req.status, StatusCode::CREATED, "{}", req.body);
    let p = export(json!({"recipient_org": th_org}).to_string()).await;
    let members = p.json()["members"].as_array().cloned().unwrap();
    let m = members
        .iter()
        .find(|m| m["case"]["id"] == strict.as_str())
        .unwrap();
    assert_eq!(m["fields"], json!(["names", "contacts"]));
    assert_eq!(m["person"]["names"][0]["text"], "Mike Strictcase");
    assert!(m["person"]["documents"].as_array().unwrap().is_empty());
    assert!(m["reports"][0]["narrative"].is_null());
    assert!(!p.body.contains("Lima"), "the green case stays redacted");

    // Lists page by cursor; a bad cursor is a problem.
    let list = t
        .api("GET", "/api/v1/group-cases?limit=10", Some(th), None)
        .await;
    assert_eq!(
        list.json()["items"][0]["id"],
        gid.as_str(),
        "TH lists the green group"
    );
    let bad = t
        .api("GET", "/api/v1/group-cases?cursor=nope", Some(th), None)
        .await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, "invalid_query");

    // Errors are problem+json.
    let bad = export(json!({"recipient_org": homeward_types::OrgId::new()}).to_string()).await;
    assert_problem(&bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    assert_eq!(bad.json()["errors"][0]["field"], "recipient_org");
    let other = t
        .api(
            "POST",
            &format!("/api/v1/group-cases/{gid}/exports"),
            Some(th),
            Some(&json!({"recipient_org": th_org}).to_string()),
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::NOT_FOUND,
        "only the owner exports"
    );

    // The partner report: TH received one request from HK; once HK's case
    // is released it counts as resolved.
    for (to, mode) in [
        ("triaged", None),
        ("verifying", None),
        ("locating", None),
        ("located", None),
        ("request_sent", None),
        ("release_in_progress", None),
        ("released", Some("raid")),
    ] {
        let r = t
            .api(
                "POST",
                &format!("/api/v1/cases/{strict}/transitions"),
                Some(hk),
                Some(&json!({"to": to, "reason": "progress", "release_mode": mode}).to_string()),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{to}: {}", r.body);
    }
    let r = t
        .api("GET", "/api/v1/reports/partners", Some(th), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let row = &r.json()["partners"][0];
    assert_eq!(row["partner"]["name"], "HK test unit");
    assert_eq!(
        (
            row["received"].as_u64(),
            row["located"].as_u64(),
            row["released"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert!(row["median_days_to_release"].is_number());
    let mine = t
        .api("GET", "/api/v1/reports/partners", Some(hk), None)
        .await;
    assert_eq!(mine.json()["total"]["received"], 0);

    // All of it is in the OpenAPI document.
    let doc = t
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    for path in [
        "/api/v1/group-cases",
        "/api/v1/group-cases/{id}/exports",
        "/api/v1/reports/partners",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}
