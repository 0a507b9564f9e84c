//! The partner report (C12): per requesting partner, the requests your
//! organisation received and how many of their cases were located, released
//! and repatriated, with the median time from the report to the release —
//! "19 of 28 requests resolved". It counts only your organisation's received
//! requests and the lifecycle of the cases they are about: counts, never the
//! cases themselves.

use std::collections::{BTreeMap, HashMap};

use homeward_types::wire::{PartnerReport, PartnerRow};
use homeward_types::{CaseId, CaseState, OrgId};

use super::Homeward;
use super::accounts::org_view;
use super::requests::unknown_org;
use crate::model::{Request, RequestFilter};
use crate::{Actor, CoreError, CoreResult};

/// States at or past `located` on the main path: a case that reached any
/// of them was located.
const LOCATED: &[CaseState] = &[
    CaseState::Located,
    CaseState::RequestSent,
    CaseState::ReleaseInProgress,
    CaseState::Released,
    CaseState::Screening,
    CaseState::IdentifiedVictim,
    CaseState::NotIdentified,
    CaseState::Undetermined,
    CaseState::Sheltered,
    CaseState::RepatriationPending,
    CaseState::Repatriated,
    CaseState::FollowUp,
];

/// States at or past `released`.
const RELEASED: &[CaseState] = &[
    CaseState::Released,
    CaseState::Screening,
    CaseState::IdentifiedVictim,
    CaseState::NotIdentified,
    CaseState::Undetermined,
    CaseState::Sheltered,
    CaseState::RepatriationPending,
    CaseState::Repatriated,
    CaseState::FollowUp,
];

const DAY_MS: f64 = 86_400_000.0;

/// What happened to one case: first time it entered each state.
#[derive(Default)]
struct Milestones(HashMap<CaseState, i64>);

impl Milestones {
    fn reached(&self, states: &[CaseState]) -> bool {
        states.iter().any(|s| self.0.contains_key(s))
    }

    /// Days from the report (the case's opening) to its release.
    fn days_to_release(&self) -> Option<f64> {
        let opened = self.0.get(&CaseState::Reported)?;
        let released = self.0.get(&CaseState::Released)?;
        #[expect(
            clippy::cast_precision_loss,
            reason = "milliseconds of a few years fit"
        )]
        Some((released - opened) as f64 / DAY_MS)
    }
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

fn row(
    partner: homeward_types::wire::OrganisationView,
    requests: &[&Request],
    cases: &HashMap<CaseId, Milestones>,
) -> PartnerRow {
    let none = Milestones::default();
    let of = |r: &&Request| cases.get(&r.case_id).unwrap_or(&none);
    PartnerRow {
        partner,
        received: requests.len(),
        located: requests.iter().filter(|r| of(r).reached(LOCATED)).count(),
        released: requests.iter().filter(|r| of(r).reached(RELEASED)).count(),
        repatriated: requests
            .iter()
            .filter(|r| of(r).reached(&[CaseState::Repatriated]))
            .count(),
        median_days_to_release: median(
            requests
                .iter()
                .filter_map(|r| of(r).days_to_release())
                .collect(),
        ),
    }
}

impl Homeward {
    /// The partner report of the actor's organisation.
    pub async fn partner_report(&self, actor: &Actor) -> CoreResult<PartnerReport> {
        self.partner_report_of(actor.org_id).await
    }

    /// The partner report of an organisation, for its operator on the
    /// command line.
    pub async fn partner_report_of(&self, org: OrgId) -> CoreResult<PartnerReport> {
        let me = self.org_cached(org).await?.ok_or(CoreError::NotFound {
            what: "organisation",
        })?;
        let mut received: Vec<Request> = Vec::new();
        let mut before = None;
        loop {
            let page = self
                .store
                .requests(
                    org,
                    &RequestFilter {
                        sent: Some(false),
                        before,
                        limit: 500,
                        ..RequestFilter::default()
                    },
                )
                .await?;
            let full = page.len() == 500;
            before = page.last().map(|r| r.id);
            received.extend(page);
            if !full {
                break;
            }
        }
        let mut ids: Vec<CaseId> = received.iter().map(|r| r.case_id).collect();
        ids.sort();
        ids.dedup();
        let mut states = vec![CaseState::Reported];
        states.extend_from_slice(LOCATED);
        let mut cases: HashMap<CaseId, Milestones> = HashMap::new();
        for chunk in ids.chunks(500) {
            for (case, state, at) in self.store.case_milestones(chunk, &states).await? {
                cases.entry(case).or_default().0.insert(state, at);
            }
        }
        let mut by_partner: BTreeMap<OrgId, Vec<&Request>> = BTreeMap::new();
        for r in &received {
            by_partner.entry(r.from_org).or_default().push(r);
        }
        let mut partners = Vec::new();
        for (partner, reqs) in &by_partner {
            let view = self
                .org_cached(*partner)
                .await?
                .map_or_else(|| unknown_org(*partner), |o| org_view(&o));
            partners.push(row(view, reqs, &cases));
        }
        partners.sort_by(|a, b| {
            b.received
                .cmp(&a.received)
                .then_with(|| a.partner.name.cmp(&b.partner.name))
        });
        let all: Vec<&Request> = received.iter().collect();
        let mut everyone = org_view(&me);
        everyone.name = "All partners".into();
        Ok(PartnerReport {
            organisation: org_view(&me),
            partners,
            total: row(everyone, &all, &cases),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn released_cases_count_as_located_too() {
        let mut m = Milestones::default();
        m.0.insert(CaseState::Reported, 0);
        m.0.insert(CaseState::Released, 3 * 86_400_000);
        assert!(m.reached(LOCATED) && m.reached(RELEASED));
        assert!(!m.reached(&[CaseState::Repatriated]));
        assert_eq!(m.days_to_release(), Some(3.0));
    }
}
