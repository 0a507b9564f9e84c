//! The moves of a cross-border request (PRODUCT §3.3) and who may make them:
//! `draft → sent → acknowledged → (accepted | declined) → in_progress →
//! (completed | cancelled)`. The sender sends and may cancel while the
//! request is open; the recipient acknowledges, accepts or declines, starts
//! and completes. Declining and cancelling need a reason.

use homeward_types::RequestState::{self, *};

/// Which side of a request the viewer is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The organisation that sent it (owns the case).
    Sender,
    /// The organisation asked to act.
    Recipient,
}

/// The states `party` may move a request in `state` to.
pub fn allowed(state: RequestState, party: Party) -> Vec<RequestState> {
    match (party, state) {
        (Party::Sender, Draft) => vec![Sent, Cancelled],
        (Party::Sender, Sent | Acknowledged | Accepted | InProgress) => vec![Cancelled],
        (Party::Recipient, Sent) => vec![Acknowledged],
        (Party::Recipient, Acknowledged) => vec![Accepted, Declined],
        (Party::Recipient, Accepted) => vec![InProgress],
        (Party::Recipient, InProgress) => vec![Completed],
        _ => Vec::new(),
    }
}

/// Whether a move to `to` needs a reason.
pub fn needs_reason(to: RequestState) -> bool {
    matches!(to, Declined | Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_is_walkable_by_the_right_parties() {
        let path = [
            (Draft, Sent, Party::Sender),
            (Sent, Acknowledged, Party::Recipient),
            (Acknowledged, Accepted, Party::Recipient),
            (Accepted, InProgress, Party::Recipient),
            (InProgress, Completed, Party::Recipient),
        ];
        for (from, to, who) in path {
            assert!(allowed(from, who).contains(&to), "{from} → {to}");
            let other = if who == Party::Sender {
                Party::Recipient
            } else {
                Party::Sender
            };
            assert!(
                !allowed(from, other).contains(&to),
                "{from} → {to} by the other side"
            );
        }
    }

    #[test]
    fn closed_requests_do_not_move_and_only_the_sender_cancels() {
        for s in [Declined, Completed, Cancelled] {
            assert!(allowed(s, Party::Sender).is_empty());
            assert!(allowed(s, Party::Recipient).is_empty());
        }
        for s in RequestState::ALL {
            assert!(!allowed(*s, Party::Recipient).contains(&Cancelled));
            assert_eq!(allowed(*s, Party::Sender).contains(&Cancelled), s.is_open());
        }
    }

    #[test]
    fn the_grant_is_in_force_from_sending_until_closing() {
        let live: Vec<_> = RequestState::ALL
            .iter()
            .filter(|s| s.grant_in_force())
            .collect();
        assert_eq!(live, vec![&Sent, &Acknowledged, &Accepted, &InProgress]);
        assert!(needs_reason(Declined) && needs_reason(Cancelled) && !needs_reason(Sent));
    }
}
