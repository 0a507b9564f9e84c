//! Contract checks of consolidation: possible duplicates at intake across
//! scripts, blind notices for hidden holders, merge and exact unmerge.

use std::sync::Arc;

use homeward_types::wire::{MergeInput, NameInput, NewReport, UnmergeInput};
use homeward_types::{CaseState, MergeId};

use super::{Failure, ok, sample_report, world};
use crate::store::Store;
use crate::{CoreError, lifecycle};

/// A report naming one person in one form only, with a birth date.
fn name_only(name: &str, birth_date: &str) -> NewReport {
    let mut r = sample_report(name, "");
    r.subject.names = vec![NameInput {
        text: name.into(),
        ..NameInput::default()
    }];
    r.subject.birth_date = Some(birth_date.into());
    r.subject.documents.clear();
    r.subject.contacts.clear();
    r
}

/// The reporter is shown its own organisation's possible duplicates (Han
/// characters against a Cantonese romanisation), with probability and
/// explanation; another organisation's hidden case only as a blind notice.
/// Merging keeps every report, name and contact with its source; unmerging
/// restores both cases exactly; both directions are in both histories.
pub async fn duplicates_and_merge(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = world(store.clone()).await?;
    let first = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let unrelated = ok(
        w.hw.file_report(&w.hk, name_only("NGUYEN Thi Mai", "1998-07-21"))
            .await,
        "file",
    )?;
    let second = ok(
        w.hw.file_report(&w.hk, name_only("陈伟杰", "2001-03-04"))
            .await,
        "file",
    )?;
    let dup = second
        .possible_duplicates
        .iter()
        .find(|d| d.case_id == first.case_id);
    check!(
        dup.is_some_and(|d| d.probability >= 0.5 && d.mergeable && !d.fields.is_empty()),
        "a simplified-Han report finds the romanised one, mergeable, explained: {:?}",
        second.possible_duplicates
    );
    check!(
        second
            .possible_duplicates
            .iter()
            .all(|d| d.case_id != unrelated.case_id && d.case_id != second.case_id),
        "neither an unrelated person nor the case itself is proposed"
    );
    let listed = ok(
        w.hw.possible_duplicates(&w.hk, first.case_id).await,
        "duplicates of the first",
    )?;
    check!(
        listed.iter().any(|d| d.case_id == second.case_id),
        "the case page lists the later report too"
    );
    check!(
        matches!(
            w.hw.possible_duplicates(&w.th, first.case_id).await,
            Err(CoreError::NotFound { .. })
        ),
        "another organisation cannot ask about a case it does not own"
    );

    // Thailand reports the same person without any identifier in common:
    // told only that HK holds a possible match.
    let th_report = ok(
        w.hw.file_report(&w.th, name_only("Chan Wai-kit", "2001-03-04"))
            .await,
        "file",
    )?;
    check!(
        th_report.possible_duplicates.is_empty(),
        "nothing of HK's AMBER+STRICT cases is shown to Thailand"
    );
    check!(
        th_report
            .possible_matches
            .iter()
            .any(|n| n.organisation.id == w.hk.org_id),
        "Thailand is told HK holds a possible match (found by name and date)"
    );
    let json = serde_json::to_string(&th_report).unwrap_or_default();
    check!(
        !json.contains(&first.case_id.to_string())
            && !json.contains("CHAN")
            && !json.contains("陳"),
        "the notice reveals nothing of HK's record"
    );

    // Merge the second HK case into the first.
    let before = ok(w.hw.case_detail(&w.hk, first.case_id).await, "read")?;
    check!(
        matches!(
            w.hw.merge_cases(
                &w.hk,
                first.case_id,
                MergeInput {
                    from: first.case_id,
                    reason: "same".into()
                }
            )
            .await,
            Err(CoreError::Invalid(_))
        ),
        "a case is not merged into itself"
    );
    check!(
        matches!(
            w.hw.merge_cases(
                &w.hk,
                first.case_id,
                MergeInput {
                    from: th_report.case_id,
                    reason: "same".into()
                }
            )
            .await,
            Err(CoreError::Invalid(_))
        ),
        "another organisation's case is not merged"
    );
    check!(
        matches!(
            w.hw.merge_cases(
                &w.th,
                first.case_id,
                MergeInput {
                    from: th_report.case_id,
                    reason: "same".into()
                }
            )
            .await,
            Err(CoreError::NotFound { .. })
        ),
        "nobody merges into a case it does not own"
    );
    check!(
        matches!(
            w.hw.merge_cases(
                &w.hk_viewer,
                first.case_id,
                MergeInput {
                    from: second.case_id,
                    reason: "same".into()
                }
            )
            .await,
            Err(CoreError::Forbidden { .. })
        ),
        "a viewer does not merge"
    );
    let merged = ok(
        w.hw.merge_cases(
            &w.hk,
            first.case_id,
            MergeInput {
                from: second.case_id,
                reason: "same passport photo; family confirms".into(),
            },
        )
        .await,
        "merge",
    )?;
    let into = ok(w.hw.case_detail(&w.hk, first.case_id).await, "read")?;
    let from = ok(w.hw.case_detail(&w.hk, second.case_id).await, "read")?;
    check!(
        into.reports.len() == 2
            && into
                .reports
                .iter()
                .any(|r| r.merged_from == Some(second.case_id)),
        "the merged case keeps both reports, the moved one with its source"
    );
    check!(
        into.person
            .names
            .iter()
            .any(|n| n.text == "陈伟杰" && n.merged_from == Some(second.case_id))
            && into.person.names.len() == before.person.names.len() + 1,
        "the merged-in names join, with their source"
    );
    check!(
        from.case.state == CaseState::Duplicate && from.reports.is_empty(),
        "the merged-in case is a duplicate and its report moved"
    );
    check!(
        into.merges.len() == 1 && from.merges.len() == 1 && into.merges[0].id == merged.id,
        "both cases show the merge"
    );
    check!(
        into.transitions
            .iter()
            .any(|t| t.reason.contains("merged in"))
            && from
                .transitions
                .iter()
                .any(|t| t.to == CaseState::Duplicate && t.reason.contains("merged into")),
        "both histories record the merge"
    );
    let search = ok(
        w.hw.list_cases(
            &w.hk,
            crate::model::CaseFilter {
                text: Some("陈伟杰".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await,
        "search",
    )?;
    check!(
        search.items.iter().any(|c| c.id == first.case_id),
        "the merged case is found by a merged-in name"
    );
    check!(
        lifecycle::is_final(from.case.state)
            && ok(w.hw.possible_duplicates(&w.hk, first.case_id).await, "dups")?
                .iter()
                .all(|d| d.case_id != second.case_id),
        "a merged-away case is no longer proposed"
    );

    // Unmerge restores both exactly.
    check!(
        matches!(
            w.hw.unmerge(&w.th, merged.id, UnmergeInput { reason: "x".into() })
                .await,
            Err(CoreError::NotFound { .. })
        ),
        "another organisation cannot unmerge"
    );
    check!(
        matches!(
            w.hw.unmerge(&w.hk, MergeId::new(), UnmergeInput { reason: "x".into() })
                .await,
            Err(CoreError::NotFound { .. })
        ),
        "an unknown merge is not found"
    );
    let undone = ok(
        w.hw.unmerge(
            &w.hk,
            merged.id,
            UnmergeInput {
                reason: "different fathers' names on the birth certificates".into(),
            },
        )
        .await,
        "unmerge",
    )?;
    check!(undone.undone_at.is_some(), "the merge is marked undone");
    let into = ok(w.hw.case_detail(&w.hk, first.case_id).await, "read")?;
    let from = ok(w.hw.case_detail(&w.hk, second.case_id).await, "read")?;
    let names = |d: &homeward_types::wire::CaseDetail| {
        d.person
            .names
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
    };
    check!(
        names(&into) == names(&before)
            && into.reports.len() == 1
            && into.person.contacts.len() == before.person.contacts.len()
            && into.person.documents.len() == before.person.documents.len(),
        "the absorbing case is as it was"
    );
    check!(
        from.case.state == CaseState::Reported
            && from.reports.len() == 1
            && from.reports[0].id == second.report_id,
        "the merged-in case is back in its state with its report"
    );
    check!(
        from.transitions
            .iter()
            .any(|t| t.reason.contains("unmerged from"))
            && into
                .transitions
                .iter()
                .any(|t| t.reason.contains("unmerged")),
        "both histories record the unmerge"
    );
    let search = ok(
        w.hw.list_cases(
            &w.hk,
            crate::model::CaseFilter {
                text: Some("陈伟杰".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await,
        "search",
    )?;
    check!(
        search.items.iter().all(|c| c.id != first.case_id)
            && search.items.iter().any(|c| c.id == second.case_id),
        "after the unmerge the merged-in name finds only its own case again"
    );
    check!(
        matches!(
            w.hw.unmerge(
                &w.hk,
                merged.id,
                UnmergeInput {
                    reason: "again".into()
                }
            )
            .await,
            Err(CoreError::Conflict(_))
        ),
        "a merge is undone once"
    );
    check!(
        ok(w.hw.possible_duplicates(&w.hk, first.case_id).await, "dups")?
            .iter()
            .any(|d| d.case_id == second.case_id),
        "after the unmerge the other case is proposed again"
    );
    let verified = ok(w.hw.verify_audit().await, "verify")?;
    check!(verified.is_ok(), "the audit chain holds: {verified:?}");
    Ok(())
}
