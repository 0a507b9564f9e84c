//! Contract checks of group cases (members, history both ways, suggestions,
//! packages for a recipient) and of the partner report.

use std::sync::Arc;

use homeward_types::wire::{
    GroupCaseInput, GroupExportInput, GroupMemberAdd, GroupMemberRemoval, RequestInput, SiteInput,
    StillHeldInput,
};
use homeward_types::{
    CaseId, CaseState, GrantField, Grouping, Marking, OrgId, ReleaseMode, RequestKind,
};

use super::{Failure, move_to, ok, sample_report, world};
use crate::CoreError;
use crate::store::Store;
use crate::{Actor, Homeward};

fn add(case: CaseId, reason: &str) -> GroupMemberAdd {
    GroupMemberAdd {
        case_id: case,
        reason: reason.into(),
    }
}

fn request(case: CaseId, to: OrgId, kind: RequestKind, grant: Vec<GrantField>) -> RequestInput {
    RequestInput {
        case_id: case,
        to_org: to,
        kind,
        legal_basis: "police-to-police channel".into(),
        items: "Locate the subject.".into(),
        deadline: None,
        grant,
        send: true,
        message: None,
        notice_id: None,
    }
}

async fn file(
    hw: &Homeward,
    actor: &Actor,
    name: &str,
    edit: impl FnOnce(&mut homeward_types::wire::NewReport),
) -> Result<CaseId, Failure> {
    let mut r = sample_report(name, "陳偉傑");
    edit(&mut r);
    Ok(ok(hw.file_report(actor, r).await, "file")?.case_id)
}

/// Group cases: only visible cases join, only the owner's writers manage,
/// history is kept on both sides, suggestions explain themselves and see no
/// more than the actor, a package shows the recipient only what it may see,
/// and a still-held member blocks it unless a locate or rescue request to
/// police stands.
pub async fn group_cases(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store.clone()).await?;
    let hw = &w.hw;
    let site = ok(
        hw.create_site(
            &w.hk,
            SiteInput {
                name: "KK Park".into(),
                aliases: vec![],
                zone: None,
                country: "MM".into(),
                status: None,
                marking: Some(Marking::Green),
            },
        )
        .await,
        "site",
    )?;
    let a = file(hw, &w.hk, "Alpha Grouptest", |r| {
        r.site_id = Some(site.id);
        r.recruitment_channel = Some("Telegram @hr_bkk_jobs".into());
    })
    .await?;
    let b = file(hw, &w.hk, "Bravo Grouptest", |r| {
        r.last_contact_date = Some("2026-03-14".into());
    })
    .await?;
    let unrelated = file(hw, &w.hk, "Charlie Grouptest", |_| {}).await?;
    let d = file(hw, &w.th, "Delta Grouptest", |r| {
        r.marking = Some(Marking::Green);
        r.job_promised = Some("Customer service, apply at t.me/HR_BKK_JOBS".into());
    })
    .await?;
    let hidden = file(hw, &w.th, "Echo Grouptest", |r| {
        r.recruitment_channel = Some("@hr_bkk_jobs".into());
    })
    .await?;

    let g = ok(
        hw.create_group_case(
            &w.hk,
            GroupCaseInput {
                grouping: Grouping::Site,
                label: "KK Park, Myawaddy".into(),
                site_id: Some(site.id),
                recruiter: Some("@hr_bkk_jobs".into()),
                period_from: Some("2026-03".into()),
                period_to: Some("2026-03".into()),
                marking: None,
                sharing_group_id: None,
            },
        )
        .await,
        "create group case",
    )?;
    let id = g.group.id;
    check!(
        g.group.reference.starts_with("GRP-HK-") && g.group.marking == Marking::AmberStrict,
        "reference and default marking: {:?}",
        g.group
    );
    check!(
        matches!(
            hw.create_group_case(
                &w.hk_viewer,
                GroupCaseInput {
                    label: "x".into(),
                    ..group_input()
                }
            )
            .await,
            Err(CoreError::Forbidden { .. })
        ),
        "viewers do not open group cases"
    );

    // Suggestions: by site, recruiter contact and dates; never the hidden case.
    let s = ok(hw.suggest_group_members(&w.hk, id).await, "suggest")?;
    let find = |c: CaseId| s.iter().find(|x| x.case.id == c);
    let sa = find(a).ok_or("A suggested")?;
    check!(
        sa.reasons.iter().any(|r| r.starts_with("same site"))
            && sa.reasons.iter().any(|r| r.contains("@hr_bkk_jobs")),
        "A's reasons: {:?}",
        sa.reasons
    );
    let sd = find(d).ok_or("D suggested by its job ad link")?;
    check!(
        sd.case.subject == "(withheld)",
        "another organisation's case is redacted in suggestions"
    );
    check!(
        find(b).is_some_and(|x| x
            .reasons
            .iter()
            .any(|r| r.contains("last contact 2026-03-14"))),
        "B suggested by its last contact"
    );
    check!(find(hidden).is_none(), "a hidden case is never suggested");
    check!(
        find(unrelated).is_none(),
        "a case sharing nothing is not suggested"
    );
    check!(
        s.first().map(|x| x.case.id) == Some(a),
        "the strongest first: {:?}",
        s.iter().map(|x| x.score).collect::<Vec<_>>()
    );

    // Members.
    ok(
        hw.add_group_case_member(&w.hk, id, add(a, "same compound"))
            .await,
        "add A",
    )?;
    ok(
        hw.add_group_case_member(&w.hk, id, add(d, "same recruiter"))
            .await,
        "add D",
    )?;
    check!(
        matches!(
            hw.add_group_case_member(&w.hk, id, add(hidden, "x")).await,
            Err(CoreError::Invalid(_))
        ),
        "a case the actor may not see cannot be added"
    );
    check!(
        matches!(
            hw.add_group_case_member(&w.hk, id, add(a, "again")).await,
            Err(CoreError::Conflict(_))
        ),
        "a member is added once"
    );
    check!(
        matches!(
            hw.add_group_case_member(&w.hk, id, add(b, " ")).await,
            Err(CoreError::Invalid(_))
        ),
        "a reason is required"
    );
    check!(
        matches!(
            hw.add_group_case_member(&w.hk_viewer, id, add(b, "x"))
                .await,
            Err(CoreError::Forbidden { .. })
        ),
        "viewers do not change group cases"
    );
    check!(
        matches!(
            hw.add_group_case_member(&w.th, id, add(d, "x")).await,
            Err(CoreError::NotFound { .. })
        ),
        "another organisation cannot see an AMBER+STRICT group case"
    );
    check!(
        matches!(
            hw.group_case_view(&w.th, id).await,
            Err(CoreError::NotFound { .. })
        ),
        "nor read it"
    );
    let v = ok(hw.group_case_view(&w.hk, id).await, "view")?;
    check!(
        v.members.len() == 2 && v.can_manage,
        "two members: {:?}",
        v.members.len()
    );
    check!(
        v.counts.iter().map(|c| c.count).sum::<usize>() == 2
            && v.counts.iter().all(|c| c.state == CaseState::Reported),
        "counts by state: {:?}",
        v.counts
    );
    let vv = ok(hw.group_case_view(&w.hk_viewer, id).await, "viewer view")?;
    check!(!vv.can_manage, "viewers read only");
    ok(
        hw.remove_group_case_member(
            &w.hk,
            id,
            a,
            GroupMemberRemoval {
                reason: "different compound".into(),
            },
        )
        .await,
        "remove A",
    )?;
    check!(
        matches!(
            hw.remove_group_case_member(
                &w.hk,
                id,
                a,
                GroupMemberRemoval {
                    reason: "again".into()
                }
            )
            .await,
            Err(CoreError::NotFound { .. })
        ),
        "removing a non-member is not found"
    );
    let v = ok(hw.group_case_view(&w.hk, id).await, "view")?;
    let actions: Vec<&str> = v.history.iter().map(|e| e.action.as_str()).collect();
    check!(
        actions == ["added", "added", "removed"],
        "group history: {actions:?}"
    );
    check!(
        v.history[2].reason.as_deref() == Some("different compound"),
        "the owner reads the reasons"
    );
    let ca = ok(hw.case_group_cases(&w.hk, a).await, "case groups")?;
    check!(
        ca.groups.is_empty()
            && ca.history.len() == 2
            && ca.history[0].group_reference == v.group.reference,
        "the member's history: {:?}",
        ca.history
    );
    let cd = ok(hw.case_group_cases(&w.th, d).await, "th case groups")?;
    check!(
        cd.groups.is_empty() && cd.history.is_empty(),
        "the member's owner does not learn of a group case it may not see"
    );
    let cd = ok(hw.case_group_cases(&w.hk, d).await, "hk case groups")?;
    check!(cd.groups.len() == 1, "D is in the group");

    // Packages. TH may see its own D fully, but HK sees it redacted: no names go out.
    ok(
        hw.add_group_case_member(&w.hk, id, add(b, "same week"))
            .await,
        "add B",
    )?;
    let to_th = GroupExportInput {
        recipient_org: w.th.org_id,
    };
    let p = ok(
        hw.export_group_case(&w.hk, id, to_th.clone()).await,
        "export",
    )?;
    check!(
        p.members.len() == 1 && p.members[0].case.id == d && p.members[0].fields.is_empty(),
        "only D, redacted: {:?}",
        p.members
            .iter()
            .map(|m| (&m.case.reference, &m.fields))
            .collect::<Vec<_>>()
    );
    check!(
        !serde_json::to_string(&p)
            .unwrap_or_default()
            .contains("Bravo"),
        "B is AMBER+STRICT: not in the package"
    );
    check!(
        matches!(
            hw.export_group_case(&w.th, id, to_th.clone()).await,
            Err(CoreError::NotFound { .. })
        ),
        "only the owner exports"
    );
    check!(
        matches!(
            hw.export_group_case(&w.hk_viewer, id, to_th.clone()).await,
            Err(CoreError::Forbidden { .. })
        ),
        "viewers do not export"
    );
    // A locate request granting names to TH: B goes out with its names only.
    ok(
        hw.create_request(
            &w.hk,
            request(b, w.th.org_id, RequestKind::Locate, vec![GrantField::Names]),
        )
        .await,
        "request",
    )?;
    let p = ok(
        hw.export_group_case(&w.hk, id, to_th.clone()).await,
        "export",
    )?;
    let pb = p
        .members
        .iter()
        .find(|m| m.case.id == b)
        .ok_or("B exported")?;
    check!(
        pb.fields == [GrantField::Names]
            && !pb.person.names.is_empty()
            && pb.person.documents.is_empty()
            && pb.reports.iter().all(|r| r.narrative.is_none()),
        "B shows exactly the granted names: {:?}",
        pb.fields
    );
    // Still held: the locate request to police stands, an identify request would not.
    ok(
        hw.set_still_held(
            &w.hk,
            b,
            StillHeldInput {
                still_held: true,
                reason: "family heard".into(),
            },
        )
        .await,
        "still held",
    )?;
    ok(
        hw.export_group_case(&w.hk, id, to_th.clone()).await,
        "export under a locate request",
    )?;
    let c = file(hw, &w.hk, "Foxtrot Grouptest", |r| r.still_held = true).await?;
    ok(
        hw.add_group_case_member(&w.hk, id, add(c, "same raid"))
            .await,
        "add C",
    )?;
    ok(
        hw.create_request(
            &w.hk,
            request(c, w.th.org_id, RequestKind::Identify, vec![]),
        )
        .await,
        "identify request",
    )?;
    check!(
        matches!(
            hw.export_group_case(&w.hk, id, to_th.clone()).await,
            Err(CoreError::Invalid(ref e)) if e.iter().any(|f| f.field == "recipient_org" && f.message.contains("still held"))
        ),
        "a still-held member without a locate or rescue basis blocks the export"
    );
    // Every export is in the owner's disclosure log, with the group as basis.
    let log = ok(
        store.disclosures(w.hk.org_id, None, 100).await,
        "disclosures",
    )?;
    check!(
        log.iter().any(|d| d.action == "group.export.case"
            && d.disclosure.case_id == Some(b)
            && d.disclosure.fields == [GrantField::Names]
            && d.disclosure.basis.contains(&v.group.reference)),
        "the export of B is a disclosure"
    );
    let th_log = ok(
        store.disclosures(w.th.org_id, None, 100).await,
        "th disclosures",
    )?;
    check!(
        !th_log.iter().any(|d| d.action == "group.export.case"),
        "D went back to its owner: not a disclosure"
    );
    // A member may be in several group cases.
    let other = ok(
        hw.create_group_case(&w.hk, group_input()).await,
        "second group",
    )?;
    ok(
        hw.add_group_case_member(&w.hk, other.group.id, add(d, "also at the handover"))
            .await,
        "add D again",
    )?;
    let cd = ok(hw.case_group_cases(&w.hk, d).await, "hk case groups")?;
    check!(cd.groups.len() == 2, "D is in both: {:?}", cd.groups);
    // Lists page by cursor and show only the group cases one may see.
    let first = ok(hw.list_group_cases(&w.hk, None, 1).await, "list")?;
    let cursor = first.next_cursor.as_deref().and_then(|c| c.parse().ok());
    let second = ok(hw.list_group_cases(&w.hk, cursor, 1).await, "page 2")?;
    check!(
        first.items.len() == 1
            && first.items[0].id == other.group.id
            && second.items.len() == 1
            && second.items[0].id == id,
        "newest first, one per page"
    );
    let th_list = ok(hw.list_group_cases(&w.th, None, 50).await, "th list")?;
    check!(
        th_list.items.is_empty(),
        "AMBER+STRICT group cases stay the owner's"
    );
    // Retention: a purged case's membership reasons go with its other free text.
    ok(
        hw.transition_quiet(&w.hk, a, move_to(CaseState::Unfounded, None))
            .await,
        "close A",
    )?;
    std::thread::sleep(std::time::Duration::from_millis(5));
    ok(
        hw.purge_closed(crate::Credential::Cli, 0, false).await,
        "purge",
    )?;
    let ca = ok(hw.case_group_cases(&w.hk, a).await, "purged case groups")?;
    check!(
        ca.history.len() == 2
            && ca
                .history
                .iter()
                .all(|e| e.reason.as_deref() == Some(crate::PURGE_MARKER)),
        "membership reasons purged: {:?}",
        ca.history
    );
    check!(
        ok(hw.verify_audit().await, "verify")?.is_ok(),
        "audit chain intact"
    );
    Ok(())
}

fn group_input() -> GroupCaseInput {
    GroupCaseInput {
        grouping: Grouping::Event,
        label: "Handover at Mae Sot".into(),
        site_id: None,
        recruiter: None,
        period_from: None,
        period_to: None,
        marking: None,
        sharing_group_id: None,
    }
}

/// The partner report counts the requests an organisation received per
/// sender and how far their cases got.
pub async fn partner_report(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store).await?;
    let hw = &w.hw;
    let mut cases = Vec::new();
    for name in ["Golf Partner", "Hotel Partner", "India Partner"] {
        let c = file(hw, &w.hk, name, |_| {}).await?;
        ok(
            hw.create_request(&w.hk, request(c, w.th.org_id, RequestKind::Locate, vec![]))
                .await,
            "request",
        )?;
        cases.push(c);
    }
    let path = crate::lifecycle::main_path_to(CaseState::Released);
    for (i, to) in path.iter().enumerate() {
        let mode = (*to == CaseState::Released).then_some(ReleaseMode::Raid);
        ok(
            hw.transition_quiet(&w.hk, cases[0], move_to(*to, mode))
                .await,
            "move",
        )?;
        if i < 4 {
            ok(
                hw.transition_quiet(&w.hk, cases[1], move_to(*to, None))
                    .await,
                "move",
            )?;
        }
    }
    let r = ok(hw.partner_report(&w.th).await, "report")?;
    check!(r.partners.len() == 1, "one partner: {:?}", r.partners);
    let p = &r.partners[0];
    check!(
        p.partner.id == w.hk.org_id
            && (p.received, p.located, p.released, p.repatriated) == (3, 2, 1, 0),
        "counts: {p:?}"
    );
    check!(
        p.median_days_to_release
            .is_some_and(|d| (0.0..1.0).contains(&d)),
        "median days: {:?}",
        p.median_days_to_release
    );
    check!(r.total.received == 3, "total: {:?}", r.total);
    let hk = ok(hw.partner_report(&w.hk).await, "hk report")?;
    check!(
        hk.partners.is_empty() && hk.total.received == 0,
        "the sender received nothing: {:?}",
        hk.partners
    );
    Ok(())
}
