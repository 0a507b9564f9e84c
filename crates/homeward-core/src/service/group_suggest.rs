//! Suggested members of a group case: open cases the actor may see that
//! share the group's compound, whose last contact falls in the group's
//! period (or the span of its members' last contacts), or whose reports
//! name a recruiter contact (phone, handle, e-mail, link) that the group or
//! one of its members names. Each case is compared only on what the actor
//! may see of it, so a suggestion never shows more than the case page would.

use std::collections::{BTreeMap, HashMap, HashSet};

use homeward_types::wire::MemberSuggestion;
use homeward_types::{CaseId, GrantField, GroupCaseId};

use super::Homeward;
use crate::access::{Sight, Visibility};
use crate::model::{Case, CaseFilter, Report};
use crate::{Actor, CoreResult, lifecycle};

/// Most recent visible cases looked at for suggestions.
pub const SUGGESTION_POOL: usize = 2_000;
/// Most suggestions returned.
pub const MAX_SUGGESTIONS: usize = 50;

/// Contact-like tokens of a text: `(key, as written)`. Phones compare on
/// their last nine digits (so `081-234-5678` meets `+66 81 234 5678`);
/// handles, e-mails and `t.me/` / `wa.me/` / `line.me/` links on their
/// lower-case name.
pub fn contact_keys(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // Phones: runs of digits with + - . ( ) and spaces inside.
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            let mut end = i;
            while end < chars.len()
                && (chars[end].is_ascii_digit() || "+-. ()".contains(chars[end]))
            {
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            let digits: String = run.chars().filter(char::is_ascii_digit).collect();
            if (8..=15).contains(&digits.len()) {
                let tail = &digits[digits.len() - 9.min(digits.len())..];
                out.push((format!("phone:{tail}"), run.trim().to_string()));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    for token in text.split(|c: char| c.is_whitespace() || ",;()<>\"'".contains(c)) {
        let t = token.trim_matches(|c: char| ".:!?".contains(c));
        let lower = t.to_lowercase();
        let link = ["t.me/", "wa.me/", "line.me/ti/p/", "line.me/"]
            .iter()
            .find_map(|p| lower.split_once(p).map(|(_, rest)| rest.to_string()));
        if let Some(name) = link {
            let name = name.trim_start_matches(['~', '@']).trim_end_matches('/');
            if name.chars().all(|c| c.is_ascii_digit()) {
                continue; // wa.me/<number>: counted as a phone above
            }
            if name.len() >= 3 {
                out.push((format!("handle:{name}"), t.to_string()));
            }
        } else if let Some(name) = lower.strip_prefix('@') {
            if name.len() >= 3 {
                out.push((format!("handle:{name}"), t.to_string()));
            }
        } else if lower.contains('@') && lower.contains('.') && lower.len() >= 6 {
            out.push((format!("email:{lower}"), t.to_string()));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// A partial ISO date as the interval of days it covers (`2026-03` →
/// `2026-03-01`…`2026-03-31`); string comparison orders them.
fn span(date: &str) -> Option<(String, String)> {
    match date.len() {
        4 => Some((format!("{date}-01-01"), format!("{date}-12-31"))),
        7 => Some((format!("{date}-01"), format!("{date}-31"))),
        10 => Some((date.to_string(), date.to_string())),
        _ => None,
    }
}

/// Where a case's report texts show recruiter contacts, given its sight.
fn report_texts(r: &Report, seen: Sight) -> Vec<(&'static str, &str)> {
    let mut out = Vec::new();
    if let Some(t) = &r.recruitment_channel {
        out.push(("recruitment channel", t.as_str()));
    }
    if let Some(t) = &r.job_promised {
        out.push(("job promised", t.as_str()));
    }
    if seen.shows(GrantField::Narrative)
        && let Some(t) = &r.narrative
    {
        out.push(("report", t.as_str()));
    }
    out
}

impl Homeward {
    /// Open cases the actor may see that may belong to a group case its
    /// organisation owns, strongest first, each with its reasons.
    pub async fn suggest_group_members(
        &self,
        actor: &Actor,
        id: GroupCaseId,
    ) -> CoreResult<Vec<MemberSuggestion>> {
        let g = self.managed_group(actor, id, "change group cases").await?;
        let members: Vec<Case> = self
            .store
            .group_members(id)
            .await?
            .into_iter()
            .map(|(_, c)| c)
            .collect();
        let member_ids: HashSet<CaseId> = members.iter().map(|c| c.id).collect();

        // The pool: the most recent open cases the actor may see.
        let vis = Visibility::for_actor(actor);
        let mut pool: Vec<Case> = Vec::new();
        let mut before = None;
        while pool.len() < SUGGESTION_POOL {
            let page = self
                .store
                .cases(
                    &vis,
                    &CaseFilter {
                        before,
                        limit: 200,
                        ..CaseFilter::default()
                    },
                )
                .await?;
            let Some(last) = page.last() else { break };
            before = Some(last.id);
            let full = page.len() == 200;
            pool.extend(
                page.into_iter()
                    .filter(|c| !lifecycle::is_final(c.state) && !member_ids.contains(&c.id)),
            );
            if !full {
                break;
            }
        }
        pool.truncate(SUGGESTION_POOL);

        let grants = self.received_grants(actor).await?;
        let mut sights: HashMap<CaseId, Sight> = HashMap::new();
        for c in members.iter().chain(&pool) {
            let seen = match grants.get(&c.id) {
                Some(reqs) => self.case_sight(actor, c, reqs).await?,
                None => crate::access::sight(actor, c.org_id, c.marking, c.sharing_group_id),
            };
            sights.insert(c.id, seen);
        }
        let ids: Vec<CaseId> = members.iter().chain(&pool).map(|c| c.id).collect();
        let mut reports: HashMap<CaseId, Vec<Report>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for r in self.store.reports_of_cases(chunk).await? {
                reports.entry(r.case_id).or_default().push(r);
            }
        }

        // What the group stands for: its contacts and its period.
        let mut group_keys: BTreeMap<String, String> = BTreeMap::new();
        if let Some(text) = &g.recruiter {
            for (k, shown) in contact_keys(text) {
                group_keys.insert(k, shown);
            }
        }
        // The group's dates: days to compare, and as written for the reason.
        type Window = ((String, String), (String, String));
        let mut window: Option<Window> = match (&g.period_from, &g.period_to) {
            (None, None) => None,
            (f, t) => Some((
                (
                    f.as_deref()
                        .and_then(span)
                        .map_or_else(|| "0000".into(), |s| s.0),
                    t.as_deref()
                        .and_then(span)
                        .map_or_else(|| "9999".into(), |s| s.1),
                ),
                (
                    f.clone().unwrap_or_else(|| "…".into()),
                    t.clone().unwrap_or_else(|| "…".into()),
                ),
            )),
        };
        let from_members = window.is_none();
        for m in &members {
            let seen = sights.get(&m.id).copied().unwrap_or(Sight::None);
            if seen == Sight::None {
                continue;
            }
            for r in reports.get(&m.id).into_iter().flatten() {
                for (_, text) in report_texts(r, seen) {
                    for (k, shown) in contact_keys(text) {
                        group_keys.entry(k).or_insert(shown);
                    }
                }
                if from_members
                    && let Some(d) = r.last_contact_date.as_deref()
                    && let Some((a, b)) = span(d)
                {
                    window = Some(match window.take() {
                        Some(((x, y), (lx, ly))) => {
                            let (x, lx) = if a < x { (a, d.to_string()) } else { (x, lx) };
                            let (y, ly) = if b > y { (b, d.to_string()) } else { (y, ly) };
                            ((x, y), (lx, ly))
                        }
                        None => ((a, b), (d.to_string(), d.to_string())),
                    });
                }
            }
        }
        let site_name = match g.site_id {
            Some(s) => self.store.site(s).await?.map(|s| s.name),
            None => None,
        };

        let mut scored: Vec<(u32, Case, Sight, Vec<String>)> = Vec::new();
        for c in pool {
            let seen = sights.get(&c.id).copied().unwrap_or(Sight::None);
            if seen == Sight::None {
                continue;
            }
            let mut score = 0;
            let mut reasons = Vec::new();
            if g.site_id.is_some() && c.site_id == g.site_id {
                score += 3;
                reasons.push(format!(
                    "same site: {}",
                    site_name.as_deref().unwrap_or("the group's compound")
                ));
            }
            let mut shared: Vec<String> = Vec::new();
            let mut overlap = None;
            for r in reports.get(&c.id).into_iter().flatten() {
                for (place, text) in report_texts(r, seen) {
                    for (k, shown) in contact_keys(text) {
                        if group_keys.contains_key(&k) && !shared.iter().any(|s| s.contains(&shown))
                        {
                            shared.push(format!("shares recruiter contact {shown} ({place})"));
                        }
                    }
                }
                if let (Some((a, b)), Some(((x, y), _))) = (
                    r.last_contact_date.as_deref().and_then(span),
                    window.as_ref(),
                ) && a <= *y
                    && *x <= b
                {
                    overlap = r.last_contact_date.clone();
                }
            }
            if !shared.is_empty() {
                score += 4;
                reasons.append(&mut shared);
            }
            if let (Some(d), Some((_, (from, to)))) = (overlap, window.as_ref()) {
                score += 1;
                reasons.push(format!(
                    "last contact {d} falls in the group's dates ({from} – {to})"
                ));
            }
            if score > 0 {
                scored.push((score, c, seen, reasons));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.updated_ms.cmp(&a.1.updated_ms)));
        scored.truncate(MAX_SUGGESTIONS);
        let rows: Vec<Case> = scored.iter().map(|s| s.1.clone()).collect();
        let seen: Vec<Sight> = scored.iter().map(|s| s.2).collect();
        let summaries = self.summaries(&rows, &seen).await?;
        Ok(scored
            .into_iter()
            .zip(summaries)
            .map(|((score, _, _, reasons), case)| MemberSuggestion {
                case,
                score,
                reasons,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(t: &str) -> Vec<String> {
        contact_keys(t).into_iter().map(|k| k.0).collect()
    }

    #[test]
    fn phones_meet_across_formats() {
        assert_eq!(keys("call +66 81 234 5678 now"), keys("LINE 081-234-5678"));
        assert_eq!(keys("wa.me/66812345678"), vec!["phone:812345678"]);
        assert!(
            keys("salary 35000 baht, 2026").is_empty(),
            "short numbers are not phones"
        );
    }

    #[test]
    fn handles_links_and_emails() {
        assert_eq!(
            keys("Telegram @HR_Bangkok_Jobs"),
            vec!["handle:hr_bangkok_jobs"]
        );
        assert_eq!(
            keys("https://t.me/hr_bangkok_jobs/"),
            vec!["handle:hr_bangkok_jobs"]
        );
        assert_eq!(
            keys("mail jobs@example.test."),
            vec!["email:jobs@example.test"]
        );
        assert!(keys("Facebook job group").is_empty());
    }

    #[test]
    fn partial_dates_cover_their_days() {
        assert_eq!(
            span("2026-03"),
            Some(("2026-03-01".into(), "2026-03-31".into()))
        );
        assert_eq!(span("2026").map(|s| s.1), Some("2026-12-31".into()));
        assert_eq!(span("bad"), None);
    }
}
