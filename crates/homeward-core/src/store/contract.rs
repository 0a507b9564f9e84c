//! The contract every store passes. Each store crate runs [`run_all`] on a
//! fresh, migrated database (SQLite always; PostgreSQL when
//! `HOMEWARD_TEST_POSTGRES_URL` is set). The suite drives the store through
//! the service, so it checks what users rely on: visibility, the lifecycle,
//! atomicity and the audit chain.

use std::sync::Arc;

use homeward_types::wire::{
    ContactInput, DocumentInput, GroupMemberInput, MarkingInput, NameInput, NewReport, NoteInput,
    SharingGroupInput, SiteInput, SubjectInput, TransitionInput,
};
use homeward_types::{CaseState, ContactKind, DocumentKind, Marking, OrgKind, ReleaseMode, Role};

use crate::model::CaseFilter;
use crate::store::Store;
use crate::{Actor, CoreError, Credential, Homeward};

/// A failed contract check.
pub type Failure = String;

macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

mod consolidation;
mod group_cases;
mod requests;
mod security;

pub use group_cases::{group_cases, partner_report};
pub use security::{account_security, retention};

fn ok<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> Result<T, Failure> {
    r.map_err(|e| format!("{what}: {e}"))
}

/// A report with names in two scripts, a document and a phone.
pub fn sample_report(name: &str, han: &str) -> NewReport {
    NewReport {
        subject: SubjectInput {
            names: vec![
                NameInput {
                    text: name.into(),
                    ..NameInput::default()
                },
                NameInput {
                    text: han.into(),
                    ..NameInput::default()
                },
            ],
            sex: None,
            birth_date: Some("2001-03-04".into()),
            nationalities: vec!["HK".into()],
            documents: vec![DocumentInput {
                kind: DocumentKind::Passport,
                number: "K00000001".into(),
                issuing_state: Some("HK".into()),
            }],
            contacts: vec![ContactInput {
                kind: ContactKind::Phone,
                value: "+852 5555 0101".into(),
            }],
        },
        narrative: Some(
            "Left for a customer-service job in Bangkok; last message from Myawaddy.".into(),
        ),
        ..NewReport::default()
    }
}

struct World {
    hw: Homeward,
    hk: Actor,
    th: Actor,
    hk_viewer: Actor,
}

const PW: &str = "a-long-test-password";

async fn world(store: Arc<dyn Store>) -> Result<World, Failure> {
    let hw = Homeward::new(store);
    let c = Credential::Cli;
    let hk_org = ok(
        hw.create_org(c, "HK Police Liaison (test)", OrgKind::Police, "HK")
            .await,
        "create org",
    )?;
    let th_org = ok(
        hw.create_org(c, "Thai Police Unit (test)", OrgKind::Police, "th")
            .await,
        "create org",
    )?;
    for (org, email, role) in [
        (hk_org, "officer@hk.example", Role::Officer),
        (hk_org, "viewer@hk.example", Role::Viewer),
        (th_org, "officer@th.example", Role::Officer),
    ] {
        ok(
            hw.create_user(c, org, email, role, Some(PW)).await,
            "create user",
        )?;
    }
    let hk = ok(hw.login("Officer@HK.example", PW).await, "login")?.actor;
    let th = ok(hw.login("officer@th.example", PW).await, "login")?.actor;
    let hk_viewer = ok(hw.login("viewer@hk.example", PW).await, "login")?.actor;
    Ok(World {
        hw,
        hk,
        th,
        hk_viewer,
    })
}

fn move_to(to: CaseState, mode: Option<ReleaseMode>) -> TransitionInput {
    TransitionInput {
        to,
        reason: format!("moving to {to}"),
        release_mode: mode,
    }
}

fn filter(limit: u32) -> CaseFilter {
    CaseFilter {
        limit,
        ..CaseFilter::default()
    }
}

/// Runs every contract check, each on a fresh store from `fresh`.
pub async fn run_all<F, Fut>(fresh: F) -> Result<(), Failure>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Arc<dyn Store>>,
{
    accounts(fresh().await).await?;
    case_lifecycle(fresh().await).await?;
    visibility(fresh().await).await?;
    invalid_input_writes_nothing(fresh().await).await?;
    pagination_and_filters(fresh().await).await?;
    concurrent_writes_are_isolated(fresh().await).await?;
    amber_sharing_groups_and_markings(fresh().await).await?;
    requests::request_grants(fresh().await).await?;
    requests::still_held_and_consent(fresh().await).await?;
    requests::blind_match_notices(fresh().await).await?;
    requests::compartment(fresh().await).await?;
    requests::rescue_list_reconciliation(fresh().await).await?;
    consolidation::duplicates_and_merge(fresh().await).await?;
    account_security(fresh().await).await?;
    retention(fresh().await).await?;
    group_cases(fresh().await).await?;
    partner_report(fresh().await).await?;
    Ok(())
}

/// TLP:AMBER is the owner plus the record's sharing group; markings are
/// changed by the owner only, and lowering needs a reason and is audited.
pub async fn amber_sharing_groups_and_markings(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let c = Credential::Cli;
    ok(
        w.hw.create_user(c, w.hk.org_id, "admin@hk.example", Role::Admin, Some(PW))
            .await,
        "admin",
    )?;
    let my = ok(
        w.hw.create_org(c, "MY NGO (test)", OrgKind::Ngo, "MY")
            .await,
        "org",
    )?;
    ok(
        w.hw.create_user(c, my, "officer@my.example", Role::Officer, Some(PW))
            .await,
        "user",
    )?;
    let admin = ok(w.hw.login("admin@hk.example", PW).await, "login")?.actor;
    let forbidden =
        w.hw.create_group(&w.hk, SharingGroupInput { name: "x".into() })
            .await;
    check!(
        matches!(forbidden, Err(CoreError::Forbidden { .. })),
        "only admins manage groups"
    );
    let group = ok(
        w.hw.create_group(
            &admin,
            SharingGroupInput {
                name: "Task force".into(),
            },
        )
        .await,
        "create group",
    )?;
    ok(
        w.hw.add_group_member(
            &admin,
            group.id,
            GroupMemberInput {
                org_id: w.th.org_id,
            },
        )
        .await,
        "add member",
    )?;
    // Group membership is read at sign-in.
    let hk = ok(w.hw.login("officer@hk.example", PW).await, "login")?.actor;
    let th = ok(w.hw.login("officer@th.example", PW).await, "login")?.actor;
    let my_officer = ok(w.hw.login("officer@my.example", PW).await, "login")?.actor;
    check!(
        th.groups == vec![group.id],
        "member's actor carries the group"
    );

    let mut amber = sample_report("TRAN Van Binh", "Trần Văn Bình");
    amber.marking = Some(Marking::Amber);
    amber.sharing_group_id = Some(group.id);
    let amber = ok(w.hw.file_report(&hk, amber).await, "file amber")?;
    let mut lone = sample_report("LONE Amber", "孤");
    lone.marking = Some(Marking::Amber);
    let lone = ok(
        w.hw.file_report(&hk, lone).await,
        "file amber without group",
    )?;

    let seen = ok(w.hw.case_detail(&th, amber.case_id).await, "member reads")?;
    check!(
        seen.person.redacted && seen.person.names.is_empty(),
        "members see AMBER redacted"
    );
    let r = w.hw.case_detail(&my_officer, amber.case_id).await;
    check!(
        matches!(r, Err(CoreError::NotFound { .. })),
        "non-members do not see AMBER"
    );
    let r = w.hw.case_detail(&th, lone.case_id).await;
    check!(
        matches!(r, Err(CoreError::NotFound { .. })),
        "AMBER without a group is owner-only"
    );
    let th_list = ok(w.hw.list_cases(&th, filter(50)).await, "list")?;
    check!(
        th_list.items.len() == 1 && th_list.items[0].id == amber.case_id,
        "member lists exactly the group's AMBER case, got {}",
        th_list.items.len()
    );
    let my_list = ok(w.hw.list_cases(&my_officer, filter(50)).await, "list")?;
    check!(my_list.items.is_empty(), "non-member lists nothing");

    let mut wrong = sample_report("X", "Y");
    wrong.marking = Some(Marking::AmberStrict);
    wrong.sharing_group_id = Some(group.id);
    check!(
        matches!(
            w.hw.file_report(&hk, wrong).await,
            Err(CoreError::Invalid(_))
        ),
        "a group only goes with amber"
    );
    let mut foreign = sample_report("X", "Y");
    foreign.marking = Some(Marking::Amber);
    foreign.sharing_group_id = Some(group.id);
    check!(
        matches!(
            w.hw.file_report(&my_officer, foreign).await,
            Err(CoreError::Invalid(_))
        ),
        "a group the organisation is not in is refused"
    );

    let lower = |reason: Option<&str>| MarkingInput {
        marking: Marking::Green,
        sharing_group_id: None,
        reason: reason.map(str::to_string),
    };
    check!(
        matches!(
            w.hw.change_marking(&hk, amber.case_id, lower(None)).await,
            Err(CoreError::Invalid(_))
        ),
        "lowering needs a reason"
    );
    check!(
        matches!(
            w.hw.change_marking(&th, amber.case_id, lower(Some("x")))
                .await,
            Err(CoreError::NotFound { .. })
        ),
        "only the owner changes a marking"
    );
    check!(
        matches!(
            w.hw.change_marking(&w.hk_viewer, amber.case_id, lower(Some("x")))
                .await,
            Err(CoreError::Forbidden { .. })
        ),
        "viewers cannot change markings"
    );
    let d = ok(
        w.hw.change_marking(
            &hk,
            amber.case_id,
            lower(Some("family agreed to a public appeal")),
        )
        .await,
        "lower",
    )?;
    check!(d.case.marking == Marking::Green, "marking lowered");
    let seen = ok(
        w.hw.case_detail(&my_officer, amber.case_id).await,
        "now green",
    )?;
    check!(seen.person.redacted, "green is still redacted for others");
    let entries = ok(w.hw.store().audit_entries(0, 10_000).await, "audit")?;
    check!(
        entries
            .iter()
            .any(|e| e.draft.action == "case.marking.lower"
                && e.draft.object_id == amber.case_id.to_string()),
        "lowering is audited"
    );
    Ok(())
}

/// Many writes at once (the store may commit them together): each succeeds
/// or fails on its own, references stay unique, the chain stays intact.
pub async fn concurrent_writes_are_isolated(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let reports = (0..40).map(|i| {
        let hw = w.hw.clone();
        let hk = w.hk.clone();
        async move {
            hw.file_report(
                &hk,
                sample_report(&format!("CONCURRENT Person {i}"), "並行"),
            )
            .await
        }
    });
    let dups = (0..5).map(|_| {
        let hw = w.hw.clone();
        let org = w.hk.org_id;
        async move {
            hw.create_user(
                Credential::Cli,
                org,
                "officer@hk.example",
                Role::Viewer,
                Some(PW),
            )
            .await
        }
    });
    let (created, refused) = futures::join!(
        futures::future::join_all(reports),
        futures::future::join_all(dups)
    );
    let mut refs = Vec::new();
    for r in created {
        refs.push(ok(r, "concurrent report")?.reference);
    }
    check!(
        refused
            .iter()
            .all(|r| matches!(r, Err(CoreError::Conflict(_)))),
        "duplicate users must each fail alone"
    );
    refs.sort();
    refs.dedup();
    check!(
        refs.len() == 40,
        "references unique under concurrency, got {}",
        refs.len()
    );
    let verified = ok(w.hw.verify_audit().await, "verify")?;
    check!(
        verified.is_ok(),
        "chain intact after concurrent writes: {verified:?}"
    );
    Ok(())
}

/// Users, sign-in, tokens.
pub async fn accounts(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let r = w.hw.login("officer@hk.example", "wrong password!!").await;
    check!(
        matches!(r, Err(CoreError::BadCredentials)),
        "wrong password must be refused"
    );
    let r = w.hw.login("nobody@hk.example", PW).await;
    check!(
        matches!(r, Err(CoreError::BadCredentials)),
        "unknown user must be refused like a wrong password"
    );
    let dup =
        w.hw.create_user(
            Credential::Cli,
            w.hk.org_id,
            "OFFICER@hk.example",
            Role::Viewer,
            None,
        )
        .await;
    check!(
        matches!(dup, Err(CoreError::Conflict(_))),
        "duplicate e-mail must conflict, got {dup:?}"
    );
    let (_, generated) = ok(
        w.hw.create_user(
            Credential::Cli,
            w.hk.org_id,
            "new@hk.example",
            Role::Analyst,
            None,
        )
        .await,
        "create user with generated password",
    )?;
    let generated = generated.ok_or("a generated password must be returned")?;
    ok(
        w.hw.login("new@hk.example", &generated).await,
        "login with generated password",
    )?;
    let token = ok(
        w.hw.create_token(Credential::Cli, "officer@hk.example", "ci")
            .await,
        "create token",
    )?;
    let actor = ok(w.hw.token_actor(&token, true).await, "token sign-in")?;
    check!(
        actor.user_id == w.hk.user_id,
        "token must resolve to its user"
    );
    check!(
        matches!(
            w.hw.token_actor("hwt_0000", false).await,
            Err(CoreError::Unauthenticated)
        ),
        "unknown token must be refused"
    );
    let signed = ok(w.hw.login("officer@th.example", PW).await, "login")?;
    ok(
        w.hw.session_actor(&signed.session_id).await,
        "session lookup",
    )?;
    ok(
        w.hw.logout(&signed.actor, &signed.session_id).await,
        "logout",
    )?;
    check!(
        w.hw.session_actor(&signed.session_id).await.is_err(),
        "a logged-out session must not work"
    );
    let verified = ok(w.hw.verify_audit().await, "verify")?;
    check!(verified.is_ok(), "audit chain must verify: {verified:?}");
    Ok(())
}

/// Filing, reading, moving, noting; the audit chain records it all.
pub async fn case_lifecycle(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let site = ok(
        w.hw.create_site(
            &w.hk,
            SiteInput {
                name: "KK Park".into(),
                aliases: vec!["KK園區".into()],
                zone: Some("Myawaddy".into()),
                country: "MM".into(),
                status: None,
                marking: None,
            },
        )
        .await,
        "create site",
    )?;
    let mut report = sample_report("CHAN Wai Kit", "陳偉傑");
    report.site_id = Some(site.id);
    let created = ok(w.hw.file_report(&w.hk, report).await, "file report")?;
    check!(
        created.reference.starts_with("HK-"),
        "reference {} must start with the country",
        created.reference
    );
    let mut with_hkid = sample_report("LEE Ka Ho", "李家豪");
    with_hkid.subject.documents.push(DocumentInput {
        kind: DocumentKind::Hkid,
        number: "A123456(3)".into(),
        issuing_state: Some("HK".into()),
    });
    let second = ok(w.hw.file_report(&w.hk, with_hkid).await, "file report")?;
    let d2 = ok(w.hw.case_detail(&w.hk, second.case_id).await, "read case")?;
    check!(
        d2.person.documents.len() == 2
            && d2.person.documents[0].check_digit_valid.is_none()
            && d2.person.documents[1].check_digit_valid == Some(true),
        "documents kept in order with their check-digit result: {:?}",
        d2.person.documents
    );
    check!(
        second.reference != created.reference,
        "references must be unique"
    );

    let detail = ok(w.hw.case_detail(&w.hk, created.case_id).await, "read case")?;
    check!(
        detail.case.state == CaseState::Reported,
        "new case must be reported"
    );
    check!(
        detail.person.names.len() == 2 && !detail.person.redacted,
        "owner sees names"
    );
    check!(
        detail.person.contacts[0].normalised == "+85255550101",
        "phone normalised to E.164"
    );
    check!(detail.case.site.as_deref() == Some("KK Park"), "site shown");
    check!(
        detail.allowed_transitions.contains(&CaseState::Triaged),
        "triage allowed"
    );

    let bad =
        w.hw.transition(
            &w.hk,
            created.case_id,
            move_to(CaseState::Repatriated, None),
        )
        .await;
    check!(
        matches!(bad, Err(CoreError::InvalidTransition { .. })),
        "illegal move must be refused, got {bad:?}"
    );

    for (to, mode) in [
        (CaseState::Triaged, None),
        (CaseState::Verifying, None),
        (CaseState::Released, Some(ReleaseMode::Escape)),
    ] {
        ok(
            w.hw.transition(&w.hk, created.case_id, move_to(to, mode))
                .await,
            "transition",
        )?;
    }
    let no_mode =
        w.hw.transition(&w.hk, second.case_id, move_to(CaseState::Released, None))
            .await;
    check!(
        matches!(no_mode, Err(CoreError::Invalid(_))),
        "released needs a release mode"
    );

    let viewer_move =
        w.hw.transition(
            &w.hk_viewer,
            created.case_id,
            move_to(CaseState::Screening, None),
        )
        .await;
    check!(
        matches!(viewer_move, Err(CoreError::Forbidden { .. })),
        "viewers cannot move cases"
    );

    ok(
        w.hw.add_note(
            &w.hk,
            created.case_id,
            NoteInput {
                body: "Family informed.".into(),
            },
        )
        .await,
        "note",
    )?;
    let detail = ok(w.hw.case_detail(&w.hk, created.case_id).await, "read case")?;
    check!(
        detail.case.state == CaseState::Released,
        "state after moves"
    );
    check!(
        detail.release_mode == Some(ReleaseMode::Escape),
        "release mode kept"
    );
    check!(
        detail.transitions.len() == 4,
        "opening + 3 moves recorded, got {}",
        detail.transitions.len()
    );
    check!(
        detail.transitions[3].actor == "officer@hk.example",
        "actor recorded"
    );
    check!(detail.notes.len() == 1, "note recorded");

    let (count, _) =
        ok(w.hw.verify_audit().await, "verify")?.map_err(|e| format!("chain broken: {e}"))?;
    check!(
        count >= 14,
        "audit must hold creates, logins, moves and reads; got {count}"
    );
    Ok(())
}

/// Default deny between organisations; redaction of network-visible cases.
pub async fn visibility(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let strict = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let mut green = sample_report("NGUYEN Van An", "Nguyễn Văn An");
    green.marking = Some(Marking::Green);
    let green = ok(w.hw.file_report(&w.hk, green).await, "file")?;

    let r = w.hw.case_detail(&w.th, strict.case_id).await;
    check!(
        matches!(r, Err(CoreError::NotFound { .. })),
        "AMBER+STRICT case of another org must be not found"
    );
    let r = w.hw.case_detail(&w.th, homeward_types::CaseId::new()).await;
    check!(
        matches!(r, Err(CoreError::NotFound { .. })),
        "nonexistent case must be not found"
    );

    let d = ok(
        w.hw.case_detail(&w.th, green.case_id).await,
        "read green case",
    )?;
    check!(
        d.person.redacted
            && d.person.names.is_empty()
            && d.person.contacts.is_empty()
            && d.person.documents.is_empty(),
        "other org sees a redacted person"
    );
    check!(
        d.person.birth_date.as_deref() == Some("2001"),
        "only the birth year is shown"
    );
    check!(
        d.case.subject == "(withheld)",
        "subject withheld in summary"
    );
    check!(
        d.reports.iter().all(|r| r.narrative.is_none()),
        "narrative withheld"
    );
    check!(
        d.allowed_transitions.is_empty(),
        "no moves on others' cases"
    );
    let moved =
        w.hw.transition(&w.th, green.case_id, move_to(CaseState::Triaged, None))
            .await;
    check!(
        matches!(moved, Err(CoreError::NotFound { .. })),
        "others cannot move a case"
    );

    let th_list = ok(w.hw.list_cases(&w.th, filter(50)).await, "list")?;
    check!(
        th_list.items.len() == 1,
        "other org lists only the green case, got {}",
        th_list.items.len()
    );
    let mut f = filter(50);
    f.text = Some("nguyen".into());
    let search = ok(w.hw.list_cases(&w.th, f.clone()).await, "search")?;
    check!(
        search.items.is_empty(),
        "search must not match names of others' cases (existence oracle)"
    );
    f.text = Some("Nguyễn".into());
    let own = ok(w.hw.list_cases(&w.hk, f.clone()).await, "search")?;
    check!(
        own.items.len() == 1,
        "owner finds by folded name, got {}",
        own.items.len()
    );
    f.text = Some("陳偉傑".into());
    let han = ok(w.hw.list_cases(&w.hk, f).await, "search")?;
    check!(han.items.len() == 1, "owner finds by Han name");
    Ok(())
}

/// A rejected input leaves no trace.
pub async fn invalid_input_writes_nothing(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let (before, _) = ok(w.hw.store().audit_head().await, "head")?;
    let mut bad = sample_report("X", "Y");
    bad.subject.birth_date = Some("2001-02-30".into());
    bad.subject.nationalities = vec!["Thailand".into()];
    bad.subject.contacts[0].value = "call me".into();
    let r = w.hw.file_report(&w.hk, bad).await;
    let Err(CoreError::Invalid(errors)) = r else {
        return Err(format!("invalid report must be refused, got {r:?}"));
    };
    check!(
        errors.len() == 3,
        "each bad field is reported, got {errors:?}"
    );
    let mut empty = sample_report("X", "Y");
    empty.subject.names.clear();
    check!(
        matches!(
            w.hw.file_report(&w.hk, empty).await,
            Err(CoreError::Invalid(_))
        ),
        "a name is required"
    );
    let mut long = sample_report("X", "Y");
    long.narrative = Some("x".repeat(30_000));
    check!(
        matches!(
            w.hw.file_report(&w.hk, long).await,
            Err(CoreError::Invalid(_))
        ),
        "over-long text refused"
    );
    let (after, _) = ok(w.hw.store().audit_head().await, "head")?;
    check!(before == after, "nothing written for rejected input");
    let page = ok(w.hw.list_cases(&w.hk, filter(10)).await, "list")?;
    check!(page.items.is_empty(), "no case created");
    Ok(())
}

/// Cursor pagination and filters.
pub async fn pagination_and_filters(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    for i in 0..7 {
        let mut r = sample_report(&format!("TEST Person {i}"), "測試");
        if i % 2 == 0 {
            r.subject.nationalities = vec!["TH".into()];
        }
        let c = ok(w.hw.file_report(&w.hk, r).await, "file")?;
        if i < 3 {
            ok(
                w.hw.transition(&w.hk, c.case_id, move_to(CaseState::Triaged, None))
                    .await,
                "move",
            )?;
        }
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let mut f = filter(3);
        f.before = cursor;
        let page = ok(w.hw.list_cases(&w.hk, f).await, "page")?;
        seen.extend(page.items.iter().map(|c| c.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c.parse().map_err(|e| format!("cursor: {e}"))?),
            None => break,
        }
    }
    check!(
        seen.len() == 7,
        "pages cover every case once, got {}",
        seen.len()
    );
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    check!(dedup.len() == 7, "no case twice across pages");
    let mut f = filter(50);
    f.state = Some(CaseState::Triaged);
    let triaged = ok(w.hw.list_cases(&w.hk, f).await, "filter")?;
    check!(
        triaged.items.len() == 3,
        "state filter, got {}",
        triaged.items.len()
    );
    let mut f = filter(50);
    f.nationality = Some("th".into());
    let th = ok(w.hw.list_cases(&w.hk, f).await, "filter")?;
    check!(
        th.items.len() == 4,
        "nationality filter, got {}",
        th.items.len()
    );
    Ok(())
}
