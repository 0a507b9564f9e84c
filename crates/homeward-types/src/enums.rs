//! The closed vocabularies of the domain, each with one canonical snake_case
//! spelling used on the wire, in the database and in the UI's form values.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ParseError;

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                let t = s.trim();
                $(if t.eq_ignore_ascii_case($text) { return Ok($name::$variant); })+
                Err(ParseError {
                    what: $what,
                    got: s.chars().take(64).collect(),
                    expected: [$($text),+].join(", "),
                })
            }
        }
    };
}

string_enum!(/// Kind of organisation.
OrgKind, "organisation kind" {
    Police = "police", Ngo = "ngo", Embassy = "embassy", Igo = "igo",
    Government = "government", Industry = "industry",
});

string_enum!(/// A user's role within their organisation.
Role, "role" {
    /// Manages the organisation's users, tokens and settings; everything an officer can.
    Admin = "admin",
    /// Takes reports, moves cases, writes notes.
    Officer = "officer",
    /// Reads cases and maintains the register of sites.
    Analyst = "analyst",
    /// Reads only.
    Viewer = "viewer",
    /// Criminal-justice staff (warrant checks, screening). For now the same
    /// case permissions as an officer; its compartment comes with issue 5.
    CriminalJustice = "criminal_justice",
});

impl Role {
    /// Whether the role may create and change case records.
    pub const fn can_write_cases(self) -> bool {
        matches!(self, Role::Admin | Role::Officer | Role::CriminalJustice)
    }
    /// Whether the role may maintain the site register.
    pub const fn can_write_sites(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::Officer | Role::Analyst | Role::CriminalJustice
        )
    }
    /// Whether the role must sign in with a second factor (TOTP): the roles
    /// that manage accounts or see the criminal-justice compartment.
    pub const fn requires_second_factor(self) -> bool {
        matches!(self, Role::Admin | Role::CriminalJustice)
    }
}

string_enum!(/// What an API token may do.
TokenScope, "token scope" {
    /// GET requests only.
    Read = "read",
    /// Everything its user may do.
    Write = "write",
});

string_enum!(/// TLP 2.0 marking (PRODUCT §4).
Marking, "marking" {
    /// Anyone, including the public pages.
    Clear = "clear",
    /// Every organisation of the network.
    Green = "green",
    /// The owner plus its sharing group or request parties.
    Amber = "amber",
    /// The owning organisation only.
    AmberStrict = "amber+strict",
    /// Named users only.
    Red = "red",
});

impl Marking {
    /// Rank from least to most restrictive, for "may only be raised" checks.
    pub const fn rank(self) -> u8 {
        match self {
            Marking::Clear => 0,
            Marking::Green => 1,
            Marking::Amber => 2,
            Marking::AmberStrict => 3,
            Marking::Red => 4,
        }
    }
    /// The TLP label as printed on documents.
    pub const fn label(self) -> &'static str {
        match self {
            Marking::Clear => "TLP:CLEAR",
            Marking::Green => "TLP:GREEN",
            Marking::Amber => "TLP:AMBER",
            Marking::AmberStrict => "TLP:AMBER+STRICT",
            Marking::Red => "TLP:RED",
        }
    }
}

string_enum!(/// Individual or group case.
CaseKind, "case kind" { Individual = "individual", Group = "group" });

string_enum!(/// What a group case gathers its members by.
Grouping, "grouping" { Site = "site", Recruiter = "recruiter", Event = "event" });

string_enum!(/// Case priority.
Priority, "priority" { Low = "low", Normal = "normal", High = "high", Urgent = "urgent" });

string_enum!(/// How a person left the compound (PRODUCT §3.2).
ReleaseMode, "release mode" {
    Raid = "raid", Handover = "handover", Escape = "escape", Ransom = "ransom", SelfExit = "self_exit",
});

string_enum!(/// State of a case (PRODUCT §3.2). The allowed moves are in `homeward-core`.
CaseState, "case state" {
    Reported = "reported",
    Triaged = "triaged",
    Verifying = "verifying",
    Locating = "locating",
    Located = "located",
    RequestSent = "request_sent",
    ReleaseInProgress = "release_in_progress",
    Released = "released",
    Screening = "screening",
    IdentifiedVictim = "identified_victim",
    NotIdentified = "not_identified",
    Undetermined = "undetermined",
    Sheltered = "sheltered",
    RepatriationPending = "repatriation_pending",
    Repatriated = "repatriated",
    FollowUp = "follow_up",
    Closed = "closed",
    Unfounded = "unfounded",
    Duplicate = "duplicate",
    ContactLost = "contact_lost",
    OnHold = "on_hold",
    DeclinedAssistance = "declined_assistance",
    Deceased = "deceased",
    ReTrafficked = "re_trafficked",
    Transferred = "transferred",
});

impl CaseState {
    /// Human label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            CaseState::Reported => "Reported",
            CaseState::Triaged => "Triaged",
            CaseState::Verifying => "Verifying",
            CaseState::Locating => "Locating",
            CaseState::Located => "Located",
            CaseState::RequestSent => "Request sent",
            CaseState::ReleaseInProgress => "Release in progress",
            CaseState::Released => "Released",
            CaseState::Screening => "Screening",
            CaseState::IdentifiedVictim => "Identified victim",
            CaseState::NotIdentified => "Not identified",
            CaseState::Undetermined => "Undetermined",
            CaseState::Sheltered => "Sheltered",
            CaseState::RepatriationPending => "Repatriation pending",
            CaseState::Repatriated => "Repatriated",
            CaseState::FollowUp => "Follow-up",
            CaseState::Closed => "Closed",
            CaseState::Unfounded => "Unfounded",
            CaseState::Duplicate => "Duplicate",
            CaseState::ContactLost => "Contact lost",
            CaseState::OnHold => "On hold",
            CaseState::DeclinedAssistance => "Declined assistance",
            CaseState::Deceased => "Deceased",
            CaseState::ReTrafficked => "Re-trafficked",
            CaseState::Transferred => "Transferred",
        }
    }
}

string_enum!(/// Sex as recorded.
Sex, "sex" { Male = "m", Female = "f", Other = "x", Unknown = "u" });

string_enum!(/// Writing system of a name as written.
Script, "script" {
    Latin = "latn", Han = "hani", Thai = "thai", Myanmar = "mymr", Khmer = "khmr",
    Lao = "laoo", Arabic = "arab", Devanagari = "deva", Other = "zyyy",
});

impl Script {
    /// The script most of the letters of `text` belong to (by Unicode block).
    pub fn detect(text: &str) -> Script {
        let mut counts = [0usize; 9];
        for c in text.chars() {
            let s = match c as u32 {
                0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
                0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => {
                    Script::Han
                }
                0x0E00..=0x0E7F => Script::Thai,
                0x1000..=0x109F => Script::Myanmar,
                0x1780..=0x17FF => Script::Khmer,
                0x0E80..=0x0EFF => Script::Lao,
                0x0600..=0x06FF => Script::Arabic,
                0x0900..=0x097F => Script::Devanagari,
                _ => continue,
            };
            if let Some(i) = Script::ALL.iter().position(|x| *x == s) {
                counts[i] += 1;
            }
        }
        let (best, n) = counts
            .iter()
            .enumerate()
            .max_by_key(|(_, n)| **n)
            .map(|(i, n)| (i, *n))
            .unwrap_or((0, 0));
        if n == 0 {
            Script::Other
        } else {
            Script::ALL.get(best).copied().unwrap_or(Script::Other)
        }
    }
}

string_enum!(/// Kind of contact point.
ContactKind, "contact kind" {
    Phone = "phone", Whatsapp = "whatsapp", Telegram = "telegram", Line = "line",
    Wechat = "wechat", Zalo = "zalo", Email = "email", Facebook = "facebook", Other = "other",
});

string_enum!(/// Kind of identity document.
DocumentKind, "document kind" {
    Passport = "passport", NationalId = "national_id", Hkid = "hkid", Other = "other",
});

string_enum!(/// Status of a site (compound).
SiteStatus, "site status" {
    Active = "active", Raided = "raided", Demolished = "demolished", Relocated = "relocated", Unknown = "unknown",
});

string_enum!(/// Kind of cross-border request (PRODUCT §3.3, C5).
RequestKind, "request kind" {
    /// Find where the person is held.
    Locate = "locate",
    /// Get the person out.
    Rescue = "rescue",
    /// Confirm who a person is (e.g. someone on a rescue list).
    Identify = "identify",
    /// Bring the person home.
    Repatriate = "repatriate",
    /// Preserve data held by a platform or bank before it is deleted.
    PreserveData = "preserve_data",
    /// Provide records held by the recipient.
    ProvideRecords = "provide_records",
});

string_enum!(/// State of a cross-border request (PRODUCT §3.3). The allowed moves are in `homeward-core`.
RequestState, "request state" {
    /// Being written by the sender; the recipient sees nothing.
    Draft = "draft",
    /// Sent; the grant is in force.
    Sent = "sent",
    /// The recipient has seen it.
    Acknowledged = "acknowledged",
    /// The recipient will act on it.
    Accepted = "accepted",
    /// The recipient will not act on it (closes it).
    Declined = "declined",
    /// The recipient is acting on it.
    InProgress = "in_progress",
    /// Done (closes it).
    Completed = "completed",
    /// Withdrawn by the sender (closes it).
    Cancelled = "cancelled",
});

impl RequestState {
    /// Whether the request is still open (its grant in force once sent).
    pub const fn is_open(self) -> bool {
        !matches!(
            self,
            RequestState::Declined | RequestState::Completed | RequestState::Cancelled
        )
    }
    /// Whether the recipient may see the request and what it grants.
    pub const fn grant_in_force(self) -> bool {
        matches!(
            self,
            RequestState::Sent
                | RequestState::Acknowledged
                | RequestState::Accepted
                | RequestState::InProgress
        )
    }
}

string_enum!(/// A part of a case's personal data that a request may grant its recipient (PRODUCT §4).
GrantField, "granted field" {
    /// The subject's names in every script.
    Names = "names",
    /// The exact birth date (the year is never withheld).
    BirthDate = "birth_date",
    /// Identity documents.
    Documents = "documents",
    /// Phones and messaging handles.
    Contacts = "contacts",
    /// Last known place from the reports.
    LastSeenPlace = "last_seen_place",
    /// Free text of the reports.
    Narrative = "narrative",
    /// Who reported and how to reach them.
    Reporter = "reporter",
    /// The criminal-justice compartment (to the recipient's criminal-justice staff only).
    CriminalJustice = "criminal_justice",
});

string_enum!(/// Kind of entry in a case's criminal-justice compartment.
CompartmentKind, "compartment entry kind" {
    /// A victim-identification screening (outcome and indicators).
    Screening = "screening",
    /// A check of warrants or records against the person.
    WarrantCheck = "warrant_check",
    /// Any other criminal-justice note.
    Note = "note",
});

string_enum!(/// Outcome of a victim-identification screening.
ScreeningOutcome, "screening outcome" {
    /// Identified as a victim of trafficking.
    IdentifiedVictim = "identified_victim",
    /// Not identified as a victim.
    NotIdentified = "not_identified",
    /// Not yet determined.
    Undetermined = "undetermined",
});

string_enum!(/// What a person (or their guardian) consented to.
ConsentScope, "consent scope" {
    /// Their data may be shared with the named recipient organisations.
    Share = "share",
    /// A public appeal may name them.
    Publish = "publish",
    /// Contact with their family on their behalf.
    ContactFamily = "contact_family",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_round_trips_through_its_spelling() {
        for s in CaseState::ALL {
            assert_eq!(s.as_str().parse::<CaseState>(), Ok(*s));
            let json = serde_json::to_string(s).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn unknown_marking_names_the_accepted_values() {
        let err = "amber-strict"
            .parse::<Marking>()
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("unknown marking 'amber-strict'; expected clear, green, amber, amber+strict, red")
        );
    }

    #[test]
    fn script_detection() {
        assert_eq!(Script::detect("陳偉傑"), Script::Han);
        assert_eq!(Script::detect("CHAN Wai Kit"), Script::Latin);
        assert_eq!(Script::detect("สมชาย ใจดี"), Script::Thai);
        assert_eq!(Script::detect("Nguyễn Văn An"), Script::Latin);
        assert_eq!(Script::detect("123"), Script::Other);
    }
}
