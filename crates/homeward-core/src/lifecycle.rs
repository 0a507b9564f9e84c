//! The case lifecycle (PRODUCT §3.2): which moves are allowed.
//!
//! The main path runs `reported → … → closed`. Three refinements reflect how
//! cases really flow (DOMAIN §1):
//! - a person can get out at any point before release (escape, ransom,
//!   handover), so `released` is reachable from every pre-release state;
//! - side states (`contact_lost`, `on_hold`, `transferred`,
//!   `declined_assistance`) are entered from any open state and left back to
//!   the state the case was in before (its *resume state*) or to locating;
//! - `re_trafficked` reopens even a closed case and restarts locating.

use homeward_types::CaseState::{self, *};

/// Pre-release states of the main path, in order.
const PRE_RELEASE: [CaseState; 7] = [
    Reported,
    Triaged,
    Verifying,
    Locating,
    Located,
    RequestSent,
    ReleaseInProgress,
];

/// Side states reachable from any open state.
const SIDE: [CaseState; 5] = [
    ContactLost,
    OnHold,
    DeclinedAssistance,
    Deceased,
    Transferred,
];

/// True for states after which nothing but reopening is possible.
pub fn is_final(state: CaseState) -> bool {
    matches!(state, Closed | Unfounded | Duplicate | Deceased)
}

/// True for the side states that pause the main path.
pub fn is_side(state: CaseState) -> bool {
    SIDE.contains(&state)
}

/// Next states along the main path (without side states).
fn forward(state: CaseState) -> &'static [CaseState] {
    match state {
        Reported => &[Triaged, Unfounded, Duplicate],
        Triaged => &[Verifying, Unfounded, Duplicate],
        Verifying => &[Locating, Unfounded, Duplicate],
        Locating => &[Located],
        Located => &[RequestSent],
        RequestSent => &[ReleaseInProgress],
        ReleaseInProgress => &[Released],
        Released => &[Screening, RepatriationPending],
        Screening => &[IdentifiedVictim, NotIdentified, Undetermined],
        IdentifiedVictim | Undetermined => &[Sheltered, RepatriationPending],
        NotIdentified => &[RepatriationPending, FollowUp, Closed],
        Sheltered => &[RepatriationPending],
        RepatriationPending => &[Repatriated],
        Repatriated => &[FollowUp, Closed],
        FollowUp => &[Closed],
        ReTrafficked => &[Triaged, Verifying, Locating],
        ContactLost | OnHold | Transferred => &[Locating],
        DeclinedAssistance => &[Closed],
        Deceased => &[Closed],
        Closed | Unfounded | Duplicate => &[],
    }
}

/// The moves along the main path from `reported` to `to`, taking the first
/// way forward at each step (`triaged`, `verifying`, … `released`,
/// `screening`, …); empty if `to` is not on that path. For seeding and tests.
pub fn main_path_to(to: CaseState) -> Vec<CaseState> {
    let mut path = Vec::new();
    let mut at = Reported;
    while at != to {
        match forward(at).first() {
            Some(next) if path.len() < CaseState::ALL.len() => {
                path.push(*next);
                at = *next;
            }
            _ => return Vec::new(),
        }
    }
    path
}

/// Every state a case in `state` may move to. `resume` is the main-path
/// state the case was in before entering a side state (ignored otherwise).
pub fn allowed(state: CaseState, resume: Option<CaseState>) -> Vec<CaseState> {
    let mut out: Vec<CaseState> = forward(state).to_vec();
    if PRE_RELEASE.contains(&state) && state != ReleaseInProgress {
        out.push(Released);
    }
    if is_side(state)
        && state != Deceased
        && let Some(r) = resume.filter(|r| !is_side(*r) && !is_final(*r))
    {
        out.insert(0, r);
    }
    if !is_final(state) {
        for s in SIDE {
            if s != state {
                out.push(s);
            }
        }
    }
    if !matches!(state, Unfounded | Duplicate | Deceased | ReTrafficked) {
        out.push(ReTrafficked);
    }
    let mut seen = Vec::with_capacity(out.len());
    out.retain(|s| {
        let new = !seen.contains(s) && *s != state;
        seen.push(*s);
        new
    });
    out
}

/// Whether `to` is allowed from `from`.
pub fn can_move(from: CaseState, to: CaseState, resume: Option<CaseState>) -> bool {
    allowed(from, resume).contains(&to)
}

/// The resume state to record after moving `from → to`: entering a side
/// state remembers where the main path was; anything else clears it.
pub fn resume_after(
    from: CaseState,
    to: CaseState,
    resume: Option<CaseState>,
) -> Option<CaseState> {
    if is_side(to) {
        if is_side(from) { resume } else { Some(from) }
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_path_to_walks_forward_from_reported() {
        let p = main_path_to(Released);
        assert_eq!(p.first(), Some(&Triaged));
        assert_eq!(p.last(), Some(&Released));
        assert_eq!(p.len(), 7);
        assert!(main_path_to(Repatriated).ends_with(&[RepatriationPending, Repatriated]));
        assert!(
            main_path_to(ContactLost).is_empty(),
            "side states are not on it"
        );
        assert!(main_path_to(Reported).is_empty());
    }

    #[test]
    fn main_path_is_walkable_end_to_end() {
        let path = [
            Reported,
            Triaged,
            Verifying,
            Locating,
            Located,
            RequestSent,
            ReleaseInProgress,
            Released,
            Screening,
            IdentifiedVictim,
            Sheltered,
            RepatriationPending,
            Repatriated,
            FollowUp,
            Closed,
        ];
        for w in path.windows(2) {
            assert!(can_move(w[0], w[1], None), "{} -> {}", w[0], w[1]);
        }
    }

    #[test]
    fn skipping_ahead_is_refused() {
        assert!(!can_move(Reported, Located, None));
        assert!(!can_move(Screening, Repatriated, None));
        assert!(!can_move(Reported, Closed, None));
    }

    #[test]
    fn escape_releases_from_any_pre_release_state() {
        for s in PRE_RELEASE {
            assert!(can_move(s, Released, None), "{s}");
        }
    }

    #[test]
    fn final_states_only_reopen_when_closed() {
        assert_eq!(allowed(Closed, None), vec![ReTrafficked]);
        assert!(allowed(Unfounded, None).is_empty());
        assert!(allowed(Duplicate, None).is_empty());
        assert_eq!(allowed(Deceased, None), vec![Closed]);
    }

    #[test]
    fn side_states_resume_where_they_left() {
        let r = resume_after(Located, OnHold, None);
        assert_eq!(r, Some(Located));
        assert!(can_move(OnHold, Located, r));
        assert!(!can_move(OnHold, Repatriated, r));
        let r2 = resume_after(OnHold, ContactLost, r);
        assert_eq!(r2, Some(Located));
        assert!(can_move(ContactLost, Located, r2));
    }

    #[test]
    fn no_state_allows_itself() {
        for s in CaseState::ALL {
            assert!(!allowed(*s, Some(Locating)).contains(s));
        }
    }
}
