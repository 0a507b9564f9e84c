//! Id newtypes. Ids are UUIDv7 (time-ordered, so cursor pagination by id is
//! chronological) printed in their hyphenated form.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ParseError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| ParseError {
                    what: $what,
                    got: s.chars().take(64).collect(),
                    expected: "a UUID such as 0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b".into(),
                })
            }
        }
    };
}

id_type!(/// An organisation (police unit, NGO, embassy, …).
    OrgId, "organisation id");
id_type!(/// A user account.
    UserId, "user id");
id_type!(/// A case.
    CaseId, "case id");
id_type!(/// A person (subject of a case).
    PersonId, "person id");
id_type!(/// A report about a person.
    ReportId, "report id");
id_type!(/// A site (compound).
    SiteId, "site id");
id_type!(/// A note on a case.
    NoteId, "note id");
id_type!(/// An API token.
    TokenId, "token id");
id_type!(/// A sharing group of organisations.
    SharingGroupId, "sharing group id");
id_type!(/// A cross-border request.
    RequestId, "request id");
id_type!(/// A message or move in a request's thread.
    RequestEventId, "request event id");
id_type!(/// A consent record.
    ConsentId, "consent id");
id_type!(/// A notice that another organisation holds a possible match.
    NoticeId, "notice id");
id_type!(/// A rescue list (released or raided people, as published).
    RescueListId, "rescue list id");
id_type!(/// A row of a rescue list possibly matching an open case.
    ListMatchId, "list match id");
id_type!(/// An entry of a case's criminal-justice compartment.
    CompartmentEntryId, "compartment entry id");
id_type!(/// A merge of one case into another (undone by unmerging).
    MergeId, "merge id");
id_type!(/// A group case (one compound, recruiter or event; many individual cases).
    GroupCaseId, "group case id");
