//! Contract checks of the sharing model: request grants, consent, the
//! still-held flag, blind match notices and the disclosure index.

use std::sync::Arc;

use homeward_types::wire::{
    ConsentInput, MarkingInput, RequestInput, RequestMessageInput, RequestTransitionInput,
};
use homeward_types::{ConsentScope, GrantField, Marking, OrgKind, RequestKind, RequestState, Role};

use super::{Failure, PW, filter, ok, sample_report, world};
use crate::model::RequestFilter;
use crate::store::Store;
use crate::{Actor, CoreError, Credential, Homeward};

fn request(
    case: homeward_types::CaseId,
    to: homeward_types::OrgId,
    kind: RequestKind,
) -> RequestInput {
    RequestInput {
        case_id: case,
        to_org: to,
        kind,
        legal_basis: "police-to-police channel".into(),
        items: "Locate the subject and confirm they are alive.".into(),
        deadline: Some("2099-01-31".into()),
        grant: vec![GrantField::Names, GrantField::Contacts],
        send: false,
        message: Some("Family reports the last message came from Myawaddy.".into()),
        notice_id: None,
    }
}

fn to(state: RequestState, reason: Option<&str>) -> RequestTransitionInput {
    RequestTransitionInput {
        to: state,
        reason: reason.map(str::to_string),
    }
}

fn invalid_on<T>(r: &Result<T, CoreError>, field: &str) -> bool {
    matches!(r, Err(CoreError::Invalid(errs)) if errs.iter().any(|e| e.field == field))
}

async fn user_of(hw: &Homeward, kind: OrgKind, name: &str, email: &str) -> Result<Actor, Failure> {
    let org = ok(
        hw.create_org(Credential::Cli, name, kind, "MY").await,
        "create org",
    )?;
    ok(
        hw.create_user(Credential::Cli, org, email, Role::Officer, Some(PW))
            .await,
        "create user",
    )?;
    Ok(ok(hw.login(email, PW).await, "login")?.actor)
}

/// A request's grant shows its recipient exactly the granted fields from
/// sending until it closes; only the right party makes each move; every
/// grant, read through it and its end is in the owner's disclosure index.
pub async fn request_grants(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store.clone()).await?;
    let case = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let draft = ok(
        w.hw.create_request(
            &w.hk,
            request(case.case_id, w.th.org_id, RequestKind::Rescue),
        )
        .await,
        "create draft",
    )?;
    let id = draft.request.id;
    check!(
        draft.request.state == RequestState::Draft,
        "a new request is a draft"
    );
    check!(
        draft.request.reference.starts_with("REQ-HK-"),
        "reference numbered per sender: {}",
        draft.request.reference
    );
    check!(
        matches!(
            w.hw.request_view(&w.th, id).await,
            Err(CoreError::NotFound { .. })
        ),
        "the recipient does not see a draft"
    );
    check!(
        matches!(
            w.hw.case_detail(&w.th, case.case_id).await,
            Err(CoreError::NotFound { .. })
        ),
        "a draft grants nothing"
    );
    let r =
        w.hw.move_request(&w.hk_viewer, id, to(RequestState::Sent, None))
            .await;
    check!(
        matches!(r, Err(CoreError::Forbidden { .. })),
        "viewers do not send requests"
    );

    ok(
        w.hw.move_request(&w.hk, id, to(RequestState::Sent, None))
            .await,
        "send",
    )?;
    let d = ok(
        w.hw.case_detail(&w.th, case.case_id).await,
        "recipient reads the case",
    )?;
    check!(
        d.person.names.len() == 2 && d.person.contacts.len() == 1,
        "granted names and contacts are shown"
    );
    check!(
        d.person.documents.is_empty() && d.person.birth_date.as_deref() == Some("2001"),
        "documents and the exact birth date are not granted"
    );
    check!(
        d.reports
            .iter()
            .all(|r| r.narrative.is_none() && r.reporter_name.is_none()),
        "narrative and reporter are not granted"
    );
    check!(
        d.granted.as_deref() == Some(&[GrantField::Names, GrantField::Contacts][..]),
        "the view says what is granted: {:?}",
        d.granted
    );
    check!(
        d.notes.is_empty() && d.allowed_transitions.is_empty(),
        "no notes, no moves"
    );
    let page = ok(w.hw.list_cases(&w.th, filter(50)).await, "list")?;
    check!(
        page.items
            .iter()
            .any(|c| c.id == case.case_id && c.subject == "CHAN Wai Kit"),
        "the granted case is listed with its name"
    );

    let r =
        w.hw.move_request(&w.th, id, to(RequestState::Cancelled, Some("no")))
            .await;
    check!(invalid_on(&r, "to"), "the recipient cannot cancel");
    ok(
        w.hw.move_request(&w.th, id, to(RequestState::Acknowledged, None))
            .await,
        "ack",
    )?;
    let r =
        w.hw.move_request(&w.hk, id, to(RequestState::Accepted, None))
            .await;
    check!(invalid_on(&r, "to"), "the sender cannot accept");
    let r =
        w.hw.move_request(&w.th, id, to(RequestState::Declined, None))
            .await;
    check!(invalid_on(&r, "reason"), "declining needs a reason");
    ok(
        w.hw.post_request_message(
            &w.th,
            id,
            RequestMessageInput {
                body: "Team dispatched.".into(),
            },
        )
        .await,
        "message",
    )?;
    for s in [
        RequestState::Accepted,
        RequestState::InProgress,
        RequestState::Completed,
    ] {
        ok(w.hw.move_request(&w.th, id, to(s, None)).await, "move")?;
    }
    let v = ok(w.hw.request_view(&w.hk, id).await, "sender reads")?;
    check!(
        v.thread.len() == 8 && !v.grant_in_force,
        "thread holds every move and message ({}), grant ended",
        v.thread.len()
    );
    check!(
        matches!(
            w.hw.case_detail(&w.th, case.case_id).await,
            Err(CoreError::NotFound { .. })
        ),
        "the grant ends when the request is completed"
    );
    let page = ok(w.hw.list_cases(&w.th, filter(50)).await, "list")?;
    check!(
        !page.items.iter().any(|c| c.id == case.case_id),
        "no longer listed"
    );

    let log = ok(
        store.disclosures(w.hk.org_id, None, 100).await,
        "disclosures",
    )?;
    let actions: Vec<&str> = log.iter().map(|d| d.action.as_str()).collect();
    for a in [
        "request.send",
        "case.read.granted",
        "case.list.granted",
        "request.grant.end",
    ] {
        check!(actions.contains(&a), "disclosure log has {a}: {actions:?}");
    }
    check!(
        log.iter()
            .all(|d| d.disclosure.recipient_org == Some(w.th.org_id)),
        "every disclosure names its recipient"
    );
    check!(
        ok(
            store.disclosures(w.th.org_id, None, 100).await,
            "disclosures"
        )?
        .is_empty(),
        "nothing of TH's data was disclosed"
    );
    let received = ok(
        store
            .requests(
                w.th.org_id,
                &RequestFilter {
                    sent: Some(false),
                    limit: 10,
                    ..RequestFilter::default()
                },
            )
            .await,
        "received",
    )?;
    check!(received.len() == 1, "TH received one request");
    let verified = ok(w.hw.verify_audit().await, "verify")?;
    check!(verified.is_ok(), "audit chain intact: {verified:?}");
    Ok(())
}

/// Still held: no clear/green marking, and only locate/rescue grants to
/// police stand. Consent: grants to other organisations need it in force.
pub async fn still_held_and_consent(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let mut held = sample_report("SOMCHAI Jaidee", "สมชาย ใจดี");
    held.still_held = true;
    held.marking = Some(Marking::Green);
    let r = w.hw.file_report(&w.hk, held.clone()).await;
    check!(
        invalid_on(&r, "marking"),
        "still held cannot be filed green"
    );
    held.marking = None;
    let case = ok(w.hw.file_report(&w.hk, held).await, "file")?;
    let r =
        w.hw.change_marking(
            &w.hk,
            case.case_id,
            MarkingInput {
                marking: Marking::Green,
                sharing_group_id: None,
                reason: Some("appeal".into()),
            },
        )
        .await;
    check!(
        invalid_on(&r, "marking"),
        "still held cannot be marked green"
    );
    let mut identify = request(case.case_id, w.th.org_id, RequestKind::Identify);
    identify.send = true;
    let r = w.hw.create_request(&w.hk, identify).await;
    check!(
        invalid_on(&r, "grant"),
        "still held: identify grants refused"
    );
    let mut rescue = request(case.case_id, w.th.org_id, RequestKind::Rescue);
    rescue.send = true;
    ok(
        w.hw.create_request(&w.hk, rescue).await,
        "rescue request to police",
    )?;

    let ngo = user_of(
        &w.hw,
        OrgKind::Ngo,
        "Shelter NGO (test)",
        "case@ngo.example",
    )
    .await?;
    let plain = ok(
        w.hw.file_report(&w.hk, sample_report("LEE Ka Ho", "李家豪"))
            .await,
        "file",
    )?;
    let mut to_ngo = request(plain.case_id, ngo.org_id, RequestKind::Repatriate);
    to_ngo.send = true;
    let r = w.hw.create_request(&w.hk, to_ngo.clone()).await;
    check!(invalid_on(&r, "grant"), "a grant to an NGO needs consent");
    let consent = ok(
        w.hw.record_consent(
            &w.hk,
            plain.case_id,
            ConsentInput {
                scope: ConsentScope::Share,
                recipients: vec![ngo.org_id],
                language: "zh-Hant".into(),
                given_by: "the person".into(),
                given_on: "2026-01-01".into(),
                expires_on: None,
            },
        )
        .await,
        "consent",
    )?;
    check!(consent.in_force, "consent in force");
    ok(
        w.hw.create_request(&w.hk, to_ngo).await,
        "request with consent",
    )?;
    let d = ok(w.hw.case_detail(&ngo, plain.case_id).await, "ngo reads")?;
    check!(!d.person.names.is_empty(), "consented grant shows names");
    ok(
        w.hw.revoke_consent(&w.hk, plain.case_id, consent.id).await,
        "revoke",
    )?;
    let d = ok(w.hw.case_detail(&ngo, plain.case_id).await, "ngo reads")?;
    check!(
        d.person.names.is_empty() && d.person.contacts.is_empty(),
        "withdrawn consent stops the grant"
    );
    let r =
        w.hw.record_consent(
            &w.th,
            plain.case_id,
            ConsentInput {
                scope: ConsentScope::Publish,
                recipients: vec![],
                language: "en".into(),
                given_by: "x".into(),
                given_on: "2026-01-01".into(),
                expires_on: None,
            },
        )
        .await;
    check!(
        matches!(r, Err(CoreError::NotFound { .. })),
        "only the owner records consent"
    );
    Ok(())
}

/// A report sharing a document or phone with another organisation's open
/// case tells the reporter only who holds a possible match; a request
/// drafted from the notice tells the holder which of its cases it is.
pub async fn blind_match_notices(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let held = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let mut again = sample_report("Chan Wai-kit", "");
    again.subject.names.truncate(1);
    again.subject.contacts.clear();
    again.subject.documents[0].number = "k0000 0001".into();
    let found = ok(w.hw.file_report(&w.th, again).await, "file")?;
    check!(
        found.possible_matches.len() == 1
            && found.possible_matches[0].organisation.id == w.hk.org_id,
        "the reporter learns that HK holds a possible match"
    );
    let json = serde_json::to_string(&found).unwrap_or_default();
    check!(
        !json.contains(&held.case_id.to_string()) && !json.contains("CHAN"),
        "the notice reveals nothing of the other record"
    );
    let d = ok(w.hw.case_detail(&w.th, found.case_id).await, "read own")?;
    check!(d.match_notices.len() == 1, "the notice is kept on the case");
    let mut req = request(found.case_id, w.hk.org_id, RequestKind::Identify);
    req.notice_id = Some(found.possible_matches[0].id);
    req.send = true;
    let v = ok(w.hw.create_request(&w.th, req).await, "request from notice")?;
    check!(
        v.matched_case.is_none(),
        "the sender never sees the holder's case"
    );
    let v = ok(w.hw.request_view(&w.hk, v.request.id).await, "holder reads")?;
    check!(
        v.matched_case == Some(held.case_id),
        "the holder is told which case"
    );
    let d = ok(w.hw.case_detail(&w.th, found.case_id).await, "read own")?;
    check!(
        d.match_notices[0].request_id == Some(v.request.id),
        "notice marked drafted"
    );
    let mut other = sample_report("NGUYEN Van An", "");
    other.subject.names.truncate(1);
    other.subject.documents[0].number = "B12345678".into();
    other.subject.contacts.clear();
    let none = ok(w.hw.file_report(&w.th, other).await, "file")?;
    check!(
        none.possible_matches.is_empty(),
        "no identifier in common, no notice"
    );
    Ok(())
}

/// The criminal-justice compartment is read by the owner's criminal-justice
/// staff and, through a request granting it, the recipient police's; never
/// by other roles; the grantee's read is a disclosure.
pub async fn compartment(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store.clone()).await?;
    let cj = |email: &'static str, org| {
        let hw = w.hw.clone();
        async move {
            ok(
                hw.create_user(Credential::Cli, org, email, Role::CriminalJustice, Some(PW))
                    .await,
                "create user",
            )?;
            Ok::<Actor, Failure>(ok(hw.login(email, PW).await, "login")?.actor)
        }
    };
    let hk_cj = cj("cj@hk.example", w.hk.org_id).await?;
    let th_cj = cj("cj@th.example", w.th.org_id).await?;
    let case = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let entry = homeward_types::wire::CompartmentInput {
        kind: homeward_types::CompartmentKind::Screening,
        outcome: Some(homeward_types::ScreeningOutcome::IdentifiedVictim),
        body: "Forced labour indicators: debt, confiscated passport.".into(),
    };
    let r =
        w.hw.add_compartment_entry(&w.hk, case.case_id, entry.clone())
            .await;
    check!(
        matches!(r, Err(CoreError::Forbidden { .. })),
        "officers do not write the compartment"
    );
    let mut bad = entry.clone();
    bad.outcome = None;
    let r = w.hw.add_compartment_entry(&hk_cj, case.case_id, bad).await;
    check!(invalid_on(&r, "outcome"), "a screening needs its outcome");
    ok(
        w.hw.add_compartment_entry(&hk_cj, case.case_id, entry)
            .await,
        "add",
    )?;
    let d = ok(w.hw.case_detail(&hk_cj, case.case_id).await, "cj reads")?;
    check!(
        d.compartment.as_ref().is_some_and(|c| c.len() == 1),
        "owner's cj staff read it"
    );
    let d = ok(w.hw.case_detail(&w.hk, case.case_id).await, "officer reads")?;
    check!(d.compartment.is_none(), "the owner's officers do not");

    let mut req = request(case.case_id, w.th.org_id, RequestKind::Identify);
    req.grant = vec![GrantField::Names, GrantField::CriminalJustice];
    req.send = true;
    ok(
        w.hw.create_request(&w.hk, req).await,
        "request granting the compartment",
    )?;
    let d = ok(
        w.hw.case_detail(&th_cj, case.case_id).await,
        "grantee cj reads",
    )?;
    check!(
        d.compartment.as_ref().is_some_and(|c| c.len() == 1),
        "the grantee's cj staff read it"
    );
    let r = w.hw.compartment(&w.th, case.case_id).await;
    check!(
        matches!(r, Err(CoreError::Forbidden { .. })),
        "the grantee's officers do not"
    );
    let log = ok(
        store.disclosures(w.hk.org_id, None, 50).await,
        "disclosures",
    )?;
    check!(
        log.iter().any(|d| d.action == "compartment.read"
            && d.disclosure.fields == vec![GrantField::CriminalJustice]),
        "the grantee's read is a disclosure"
    );
    Ok(())
}

fn list_row(
    n: usize,
    names: &[&str],
    dob: &str,
    nat: &str,
    passport: Option<&str>,
) -> homeward_match::PersonRecord {
    homeward_match::PersonRecord {
        record_id: n.to_string(),
        names: names.iter().map(|s| (*s).to_string()).collect(),
        birth_date: Some(dob.into()).filter(|d: &String| !d.is_empty()),
        nationality: Some(nat.into()).filter(|d: &String| !d.is_empty()),
        passport_no: passport.map(str::to_string),
        ..homeward_match::PersonRecord::default()
    }
}

/// A third organisation reconciles a rescue list written in several scripts
/// against two organisations' open cases: each owner is notified of exactly
/// its own matches, the uploader of nothing of theirs; a confirmation moves
/// the case to released with the list's release mode.
pub async fn rescue_list_reconciliation(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let ngo = user_of(
        &w.hw,
        OrgKind::Ngo,
        "Receiving NGO (test)",
        "intake@ngo.example",
    )
    .await?;
    let hk_case = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let mut th_report = sample_report("SOMCHAI Jaidee", "สมชาย ใจดี");
    th_report.subject.nationalities = vec!["TH".into()];
    th_report.subject.birth_date = Some("1995-07-12".into());
    th_report.subject.documents[0].number = "AA1234567".into();
    th_report.subject.documents[0].issuing_state = Some("TH".into());
    th_report.subject.contacts[0].value = "+66 81 234 5678".into();
    let th_case = ok(w.hw.file_report(&w.th, th_report).await, "file")?;
    let mut other = sample_report("NGUYEN Thi Lan", "Nguyễn Thị Lan");
    other.subject.nationalities = vec!["VN".into()];
    other.subject.birth_date = Some("1999-01-20".into());
    other.subject.documents[0].number = "C7654321".into();
    other.subject.contacts[0].value = "+84 90 123 4567".into();
    ok(w.hw.file_report(&w.hk, other).await, "file")?;
    // HK has asked Thai police to locate its person: Thailand's partner
    // report counts the request, and the release the list will bring.
    let mut locate = request(hk_case.case_id, w.th.org_id, RequestKind::Locate);
    locate.send = true;
    ok(w.hw.create_request(&w.hk, locate).await, "request")?;

    let rows = vec![
        list_row(1, &["Chan Wai-kit"], "04/03/2001", "HKG", Some("K00000001")),
        list_row(
            2,
            &["สมชาย ใจดี", "Somchai Jaidee"],
            "2538-07-12",
            "Thailand",
            None,
        ),
        list_row(3, &["Tran Van Minh"], "1990", "VN", None),
        list_row(4, &[], "", "", None),
    ];
    let summary = ok(
        w.hw.reconcile_rescue_list(
            crate::Uploader::User(&ngo),
            crate::RescueListInput {
                name: "Myawaddy handover, 2026-11-20".into(),
                file_sha256: "0".repeat(64),
                release_mode: homeward_types::ReleaseMode::Handover,
                rows,
                file: Some(crate::model::ListFile::new(
                    "handover.csv".into(),
                    "Name,DOB\nsynthetic,2001\n".into(),
                )),
            },
        )
        .await,
        "reconcile",
    )?;
    check!(
        summary.rows == 4 && summary.unusable == 1,
        "rows and unusable: {summary:?}"
    );
    check!(
        summary.matched == 2,
        "two rows confidently matched: {summary:?}"
    );
    check!(
        summary.notified_organisations == 2,
        "both owners notified: {summary:?}"
    );
    check!(
        summary.own_matches.is_empty(),
        "the uploader sees nothing of others' cases"
    );
    let hk = ok(w.hw.list_matches(&w.hk).await, "hk matches")?;
    check!(
        hk.len() == 1 && hk[0].case_id == hk_case.case_id && hk[0].row == 1,
        "HK is told of exactly its row: {hk:?}"
    );
    let th = ok(w.hw.list_matches(&w.th).await, "th matches")?;
    check!(
        th.len() == 1 && th[0].case_id == th_case.case_id && th[0].row == 2,
        "TH is told of exactly its row: {th:?}"
    );
    let r =
        w.hw.decide_list_match(
            &w.th,
            hk[0].id,
            homeward_types::wire::ListMatchDecision { confirm: true },
        )
        .await;
    check!(
        matches!(r, Err(CoreError::NotFound { .. })),
        "only the owner decides"
    );
    let v = ok(
        w.hw.decide_list_match(
            &w.hk,
            hk[0].id,
            homeward_types::wire::ListMatchDecision { confirm: true },
        )
        .await,
        "confirm",
    )?;
    check!(v.status == "confirmed", "confirmed");
    let d = ok(w.hw.case_detail(&w.hk, hk_case.case_id).await, "read")?;
    check!(
        d.case.state == homeward_types::CaseState::Released
            && d.release_mode == Some(homeward_types::ReleaseMode::Handover),
        "the confirmed case is released by handover"
    );
    let report = ok(w.hw.partner_report(&w.th).await, "partner report")?;
    let hk_row = report.partners.iter().find(|p| p.partner.id == w.hk.org_id);
    check!(
        hk_row.is_some_and(|r| r.received == 1 && r.released == 1),
        "Thailand's partner report counts HK's request as released: {report:?}"
    );
    // The uploader's view: counts, never another organisation's rows.
    let lists = ok(w.hw.rescue_lists(&ngo).await, "lists")?;
    check!(
        lists.len() == 1
            && lists[0].matched == 2
            && lists[0].own == 0
            && lists[0].file_name.as_deref() == Some("handover.csv"),
        "the uploader's list: {lists:?}"
    );
    let detail = ok(w.hw.rescue_list(&ngo, summary.list_id).await, "list")?;
    check!(
        detail.own_matches.is_empty(),
        "no other organisation's row shown"
    );
    check!(
        matches!(
            w.hw.rescue_list(&w.hk, summary.list_id).await,
            Err(CoreError::NotFound { .. })
        ),
        "only the uploader sees the list"
    );
    let file = ok(w.hw.rescue_list_file(&ngo, summary.list_id).await, "file")?;
    check!(
        file.bytes.starts_with(b"Name,DOB"),
        "the original file is kept"
    );
    // Undo: withdrawing the list withdraws the pending match; the decision
    // already taken stands.
    check!(
        matches!(
            w.hw.withdraw_rescue_list(&ngo, summary.list_id, " ").await,
            Err(CoreError::Invalid(_))
        ),
        "a withdrawal needs a reason"
    );
    let withdrawn = ok(
        w.hw.withdraw_rescue_list(&ngo, summary.list_id, "wrong list uploaded")
            .await,
        "withdraw",
    )?;
    check!(withdrawn.list.withdrawn_at.is_some(), "withdrawn");
    let th = ok(w.hw.list_matches(&w.th).await, "th matches")?;
    check!(
        th[0].status == "withdrawn",
        "the pending match is withdrawn: {th:?}"
    );
    check!(
        matches!(
            w.hw.decide_list_match(
                &w.th,
                th[0].id,
                homeward_types::wire::ListMatchDecision { confirm: true },
            )
            .await,
            Err(CoreError::Conflict(_))
        ),
        "a withdrawn match is not decided"
    );
    let hk = ok(w.hw.list_matches(&w.hk).await, "hk matches")?;
    check!(hk[0].status == "confirmed", "the confirmation stands");
    let d = ok(w.hw.case_detail(&w.th, th_case.case_id).await, "read")?;
    check!(
        d.case.state == homeward_types::CaseState::Reported,
        "a withdrawn match moves nothing"
    );
    let verified = ok(w.hw.verify_audit().await, "verify")?;
    check!(verified.is_ok(), "audit chain intact");
    Ok(())
}
