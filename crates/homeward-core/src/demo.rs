//! The demo world (`homeward serve --demo`): a deterministic, synthetic set
//! of organisations, users, sites and ~200 cases spread over the lifecycle.
//! Every person is invented: names are combined from common name parts,
//! phone numbers are in reserved fictional ranges, documents are fake.
//! Everything is created through the service, so it is audited like real use.

use homeward_types::wire::{
    ContactInput, DocumentInput, NameInput, NewReport, NoteInput, ReporterInput, RequestInput,
    RequestTransitionInput, SiteInput, SubjectInput, TransitionInput,
};
use homeward_types::{
    CaseId, CaseState, ContactKind, DocumentKind, GrantField, Marking, OrgId, OrgKind, Priority,
    ReleaseMode, RequestKind, RequestState, Role, Sex, SiteId,
};

use crate::{Actor, CoreResult, Credential, Homeward};

/// The password of every demo account (printed at start).
pub const DEMO_PASSWORD: &str = "homeward-demo-password";

/// A demo login to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Organisation name.
    pub org: String,
    /// E-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// For roles that require two-factor sign-in: the account's TOTP secret
    /// (the demo pre-enrols them; add it to an authenticator app).
    pub totp_secret: Option<String>,
}

/// The TOTP secret of a demo account, derived from its e-mail so that it
/// can be printed again for an existing demo database. Like the demo
/// password it is public: demo data only, never real accounts.
pub fn demo_totp_secret(email: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("homeward-demo-totp:{email}").as_bytes());
    crate::totp::secret_from_bytes(&digest[..20])
}

/// Small deterministic generator (SplitMix64), so the world is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

struct OrgSpec {
    name: &'static str,
    kind: OrgKind,
    country: &'static str,
    domain: &'static str,
}

const ORGS: [OrgSpec; 5] = [
    OrgSpec {
        name: "Hong Kong Police — Overseas Liaison (demo)",
        kind: OrgKind::Police,
        country: "HK",
        domain: "hkpolice.example",
    },
    OrgSpec {
        name: "Royal Thai Police — Anti-Trafficking Unit (demo)",
        kind: OrgKind::Police,
        country: "TH",
        domain: "thpolice.example",
    },
    OrgSpec {
        name: "Mekong Families Network (demo NGO)",
        kind: OrgKind::Ngo,
        country: "MY",
        domain: "mekongngo.example",
    },
    OrgSpec {
        name: "Embassy of Indonesia, Bangkok (demo)",
        kind: OrgKind::Embassy,
        country: "ID",
        domain: "idembassy.example",
    },
    OrgSpec {
        name: "Philippine Task Force (demo)",
        kind: OrgKind::Government,
        country: "PH",
        domain: "phtaskforce.example",
    },
];

const SITES: [(&str, &[&str], &str, &str); 8] = [
    ("KK Park", &["KK園區", "เคเค ปาร์ค"], "Myawaddy", "MM"),
    (
        "Shwe Kokko",
        &["Yatai New City", "亞太新城", "ชเวโก๊กโก่"],
        "Myawaddy",
        "MM",
    ),
    ("Apollo Park", &[], "Myawaddy", "MM"),
    (
        "Golden Triangle SEZ",
        &["Kings Romans", "金三角經濟特區"],
        "Bokeo",
        "LA",
    ),
    (
        "Sihanoukville compound (demo)",
        &["西港園區"],
        "Preah Sihanouk",
        "KH",
    ),
    ("O'Smach compound (demo)", &[], "Oddar Meanchey", "KH"),
    ("Bavet compound (demo)", &["巴域"], "Svay Rieng", "KH"),
    ("Bamban hub", &["Zun Yuan Technology"], "Tarlac", "PH"),
];

/// A generated subject: names in their scripts, nationality, phone region.
struct Subject {
    names: Vec<NameInput>,
    sex: Sex,
    nationality: &'static str,
    phone: String,
}

fn han_subject(rng: &mut Rng, n: usize) -> Subject {
    // (Han, Cantonese/HK romanisation) pairs.
    const FAMILY: [(&str, &str); 8] = [
        ("陳", "CHAN"),
        ("李", "LEE"),
        ("黃", "WONG"),
        ("張", "CHEUNG"),
        ("林", "LAM"),
        ("吳", "NG"),
        ("劉", "LAU"),
        ("梁", "LEUNG"),
    ];
    const GIVEN: [(&str, &str); 10] = [
        ("偉傑", "Wai Kit"),
        ("家豪", "Ka Ho"),
        ("志明", "Chi Ming"),
        ("嘉欣", "Ka Yan"),
        ("俊傑", "Chun Kit"),
        ("詠詩", "Wing Sze"),
        ("浩然", "Ho Yin"),
        ("美玲", "Mei Ling"),
        ("子聰", "Tsz Chung"),
        ("曉彤", "Hiu Tung"),
    ];
    let (fh, fr) = rng.pick(&FAMILY);
    let (gh, gr) = rng.pick(&GIVEN);
    let female = matches!(*gr, "Ka Yan" | "Wing Sze" | "Mei Ling" | "Hiu Tung");
    Subject {
        names: vec![
            NameInput {
                text: format!("{fr} {gr}"),
                family: Some((*fr).into()),
                given: Some((*gr).into()),
                system: Some("hk_gov".into()),
            },
            NameInput {
                text: format!("{fh}{gh}"),
                ..NameInput::default()
            },
        ],
        sex: if female { Sex::Female } else { Sex::Male },
        nationality: "HK",
        phone: format!("+852 5{:03} {:04}", 100 + n % 800, 1000 + (n * 7) % 9000),
    }
}

fn thai_subject(rng: &mut Rng, n: usize) -> Subject {
    const GIVEN: [(&str, &str, Sex); 6] = [
        ("สมชาย", "Somchai", Sex::Male),
        ("ประเสริฐ", "Prasert", Sex::Male),
        ("สุดารัตน์", "Sudarat", Sex::Female),
        ("วิไลวรรณ", "Wilaiwan", Sex::Female),
        ("ธนากร", "Thanakorn", Sex::Male),
        ("กาญจนา", "Kanchana", Sex::Female),
    ];
    const FAMILY: [(&str, &str); 5] = [
        ("ใจดี", "Jaidee"),
        ("ศรีสุข", "Srisuk"),
        ("บุญมา", "Boonma"),
        ("ทองดี", "Thongdee"),
        ("แสงทอง", "Saengthong"),
    ];
    let (gt, gr, sex) = rng.pick(&GIVEN);
    let (ft, fr) = rng.pick(&FAMILY);
    Subject {
        names: vec![
            NameInput {
                text: format!("{gr} {fr}"),
                given: Some((*gr).into()),
                family: Some((*fr).into()),
                system: Some("rtgs".into()),
            },
            NameInput {
                text: format!("{gt} {ft}"),
                ..NameInput::default()
            },
        ],
        sex: *sex,
        nationality: "TH",
        phone: format!("+66 80 {:03} {:04}", 100 + n % 800, 1000 + (n * 13) % 9000),
    }
}

fn viet_subject(rng: &mut Rng, n: usize) -> Subject {
    const FAMILY: [&str; 5] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"];
    const MIDDLE: [&str; 3] = ["Văn", "Thị", "Đức"];
    const GIVEN: [&str; 6] = ["An", "Minh", "Hùng", "Lan", "Tuấn", "Hương"];
    let f = rng.pick(&FAMILY);
    let m = rng.pick(&MIDDLE);
    let g = rng.pick(&GIVEN);
    Subject {
        names: vec![NameInput {
            text: format!("{f} {m} {g}"),
            family: Some((*f).into()),
            given: Some((*g).into()),
            system: None,
        }],
        sex: if *m == "Thị" {
            Sex::Female
        } else {
            Sex::Male
        },
        nationality: "VN",
        phone: format!("+84 90 {:03} {:04}", 100 + n % 800, 1000 + (n * 17) % 9000),
    }
}

fn malay_indo_subject(rng: &mut Rng, n: usize) -> Subject {
    const MALAY: [&str; 4] = [
        "Muhammad Hafiz bin Ismail",
        "Nur Aisyah binti Rahman",
        "Mohd Faizal bin Ahmad",
        "Siti Nurhaliza binti Yusof",
    ];
    const INDO: [&str; 4] = [
        "Budi Santoso",
        "Dewi Lestari",
        "Agus Setiawan",
        "Rina Wulandari",
    ];
    if n.is_multiple_of(2) {
        let name = rng.pick(&MALAY);
        Subject {
            names: vec![NameInput {
                text: (*name).into(),
                ..NameInput::default()
            }],
            sex: if name.contains("binti") {
                Sex::Female
            } else {
                Sex::Male
            },
            nationality: "MY",
            phone: format!("+60 12-{:03} {:04}", 100 + n % 800, 1000 + (n * 19) % 9000),
        }
    } else {
        let name = rng.pick(&INDO);
        Subject {
            names: vec![NameInput {
                text: (*name).into(),
                ..NameInput::default()
            }],
            sex: if matches!(*name, "Dewi Lestari" | "Rina Wulandari") {
                Sex::Female
            } else {
                Sex::Male
            },
            nationality: "ID",
            phone: format!(
                "+62 812-{:04}-{:04}",
                1000 + n % 8000,
                1000 + (n * 23) % 9000
            ),
        }
    }
}

fn filipino_subject(rng: &mut Rng, n: usize) -> Subject {
    const NAMES: [(&str, Sex); 4] = [
        ("Ma. Cristina Santos Reyes", Sex::Female),
        ("Juan Miguel Dela Cruz", Sex::Male),
        ("Jose Ramon Bautista", Sex::Male),
        ("Maria Angelica Garcia Lopez", Sex::Female),
    ];
    let (name, sex) = rng.pick(&NAMES);
    Subject {
        names: vec![NameInput {
            text: (*name).into(),
            ..NameInput::default()
        }],
        sex: *sex,
        nationality: "PH",
        phone: format!("+63 917 {:03} {:04}", 100 + n % 800, 1000 + (n * 29) % 9000),
    }
}

/// Lifecycle targets: a path of moves from `reported`.
fn path_to(rng: &mut Rng) -> Vec<(CaseState, Option<ReleaseMode>)> {
    use CaseState::*;
    const MAIN: [CaseState; 14] = [
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
    const MODES: [ReleaseMode; 5] = [
        ReleaseMode::Raid,
        ReleaseMode::Handover,
        ReleaseMode::Escape,
        ReleaseMode::Ransom,
        ReleaseMode::SelfExit,
    ];
    let roll = rng.below(100);
    let mut path: Vec<(CaseState, Option<ReleaseMode>)> = Vec::new();
    let take = |n: usize, rng: &mut Rng| -> Vec<(CaseState, Option<ReleaseMode>)> {
        MAIN.iter()
            .take(n)
            .map(|s| (*s, (*s == Released).then(|| *rng.pick(&MODES))))
            .collect()
    };
    match roll {
        0..=69 => path = take(rng.below(MAIN.len() + 1), rng),
        70..=74 => path.extend([(Triaged, None), (Unfounded, None)]),
        75..=79 => {
            path = take(8, rng);
            path.push((NotIdentified, None));
        }
        80..=84 => {
            path = take(8, rng);
            path.push((Undetermined, None));
        }
        85..=91 => {
            path = take(3, rng);
            path.push((ContactLost, None));
        }
        92..=96 => {
            path = take(4, rng);
            path.push((OnHold, None));
        }
        _ => {
            path = take(2, rng);
            path.push((DeclinedAssistance, None));
        }
    }
    path
}

/// Seeds the demo world into an empty node; returns the logins to print.
pub async fn seed(hw: &Homeward) -> CoreResult<Vec<DemoLogin>> {
    let mut rng = Rng(0x686F_6D65_7761_7264);
    let mut logins = Vec::new();
    let mut officers: Vec<(OrgId, Actor)> = Vec::new();
    for spec in &ORGS {
        let org = hw
            .create_org(Credential::System, spec.name, spec.kind, spec.country)
            .await?;
        for role in Role::ALL {
            let email = format!("{role}@{}", spec.domain);
            let (user_id, _) = hw
                .create_user(Credential::System, org, &email, *role, Some(DEMO_PASSWORD))
                .await?;
            if *role == Role::Officer || *role == Role::Admin {
                officers.push((
                    org,
                    Actor {
                        user_id,
                        email: email.clone(),
                        org_id: org,
                        role: *role,
                        credential: Credential::System,
                        groups: Vec::new(),
                    },
                ));
            }
            let totp_secret = if role.requires_second_factor() {
                let secret = demo_totp_secret(&email);
                hw.preset_totp(&email, &secret).await?;
                Some(secret)
            } else {
                None
            };
            logins.push(DemoLogin {
                org: spec.name.into(),
                email,
                role: *role,
                totp_secret,
            });
        }
    }
    // A task force: the Thai unit shares AMBER cases with the HK unit and the NGO.
    let admins: Vec<Actor> = officers
        .iter()
        .filter(|(_, a)| a.role == Role::Admin)
        .map(|(_, a)| a.clone())
        .collect();
    officers.retain(|(_, a)| a.role == Role::Officer);
    let task_force = match (admins.get(1), admins.first(), admins.get(2)) {
        (Some(th), Some(hk), Some(ngo)) => {
            let g = hw
                .create_group(
                    th,
                    homeward_types::wire::SharingGroupInput {
                        name: "Myawaddy task force (demo)".into(),
                    },
                )
                .await?;
            for member in [hk.org_id, ngo.org_id] {
                hw.add_group_member(
                    th,
                    g.id,
                    homeward_types::wire::GroupMemberInput { org_id: member },
                )
                .await?;
            }
            Some((th.org_id, g.id))
        }
        _ => None,
    };
    for (_, officer) in &mut officers {
        officer.groups = hw
            .list_groups(officer)
            .await?
            .iter()
            .map(|v| v.id)
            .collect();
    }
    let analyst = officers
        .first()
        .map(|(_, a)| Actor {
            role: Role::Analyst,
            ..a.clone()
        })
        .ok_or(crate::CoreError::NotFound {
            what: "organisation",
        })?;
    let mut sites: Vec<SiteId> = Vec::new();
    for (name, aliases, zone, country) in SITES {
        let site = hw
            .create_site(
                &analyst,
                SiteInput {
                    name: name.into(),
                    aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
                    zone: Some(zone.into()),
                    country: country.into(),
                    status: None,
                    marking: Some(Marking::Green),
                },
            )
            .await?;
        sites.push(site.id);
    }
    const JOBS: [&str; 5] = [
        "customer service, 1,200 USD a month",
        "online casino host",
        "data entry with free flight and visa",
        "translator (English/Chinese)",
        "crypto marketing assistant",
    ];
    const CHANNELS: [&str; 5] = ["facebook", "telegram", "line", "wechat", "acquaintance"];
    const RELATIONS: [&str; 4] = ["mother", "brother", "wife", "friend"];
    let mut open_cases: Vec<(Actor, CaseId)> = Vec::new();
    for n in 0..200usize {
        let (_, officer) = &officers[n % officers.len()];
        let subject = match rng.below(6) {
            0 | 1 => han_subject(&mut rng, n),
            2 => thai_subject(&mut rng, n),
            3 => viet_subject(&mut rng, n),
            4 => malay_indo_subject(&mut rng, n),
            _ => filipino_subject(&mut rng, n),
        };
        let year = 1985 + rng.below(20);
        let report = NewReport {
            subject: SubjectInput {
                names: subject.names,
                sex: Some(subject.sex),
                birth_date: Some(match n % 3 {
                    0 => format!("{year}"),
                    _ => format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
                }),
                nationalities: vec![subject.nationality.into()],
                documents: vec![DocumentInput {
                    kind: DocumentKind::Passport,
                    number: format!("X{:08}", 10_000_000 + n * 7919 % 89_999_999),
                    issuing_state: Some(subject.nationality.into()),
                }],
                contacts: vec![ContactInput { kind: ContactKind::Phone, value: subject.phone }],
            },
            reporter: ReporterInput {
                name: Some("(demo reporter)".into()),
                relationship: Some((*rng.pick(&RELATIONS)).into()),
                contact: Some("reporter@family.example".into()),
            },
            last_contact_date: Some(format!("2026-{:02}-{:02}", 1 + rng.below(10), 1 + rng.below(28))),
            last_contact_channel: Some((*rng.pick(&["whatsapp", "telegram", "line", "wechat"])).into()),
            last_seen_place: Some("Myawaddy area, per last message".into()),
            site_id: (rng.below(3) > 0).then(|| *rng.pick(&sites)),
            recruitment_channel: Some((*rng.pick(&CHANNELS)).into()),
            job_promised: Some((*rng.pick(&JOBS)).into()),
            narrative: Some("Synthetic demo case. Offered a well-paid job abroad, flown to Bangkok, driven across the border; messages stopped after two weeks.".into()),
            priority: Some(*rng.pick(&[Priority::Normal, Priority::Normal, Priority::High, Priority::Urgent, Priority::Low])),
            marking: Some(match task_force {
                _ if n % 7 == 0 => Marking::Green,
                Some((owner, _)) if officer.org_id == owner && n % 3 != 0 => Marking::Amber,
                _ => Marking::AmberStrict,
            }),
            sharing_group_id: match task_force {
                _ if n % 7 == 0 => None,
                Some((owner, g)) if officer.org_id == owner && n % 3 != 0 => Some(g),
                _ => None,
            },
            still_held: n % 7 != 0 && n % 5 == 1,
        };
        let created = hw.file_report(officer, report).await?;
        let path = path_to(&mut rng);
        let last = path.last().map_or(CaseState::Reported, |(s, _)| *s);
        if matches!(
            last,
            CaseState::Reported | CaseState::Triaged | CaseState::Verifying | CaseState::Locating
        ) {
            open_cases.push((officer.clone(), created.case_id));
        }
        for (to, mode) in path {
            hw.transition_quiet(
                officer,
                created.case_id,
                TransitionInput {
                    to,
                    reason: format!("demo: moved to {}", to.label().to_lowercase()),
                    release_mode: mode,
                },
            )
            .await?;
        }
        if n % 4 == 0 {
            hw.add_note(officer, created.case_id, NoteInput {
                body: "Demo note: family called for an update; told them the request is with the destination police.".into(),
            })
            .await?;
        }
    }
    // Cross-border requests: the HK unit asks the Thai unit to locate and
    // rescue two of its people, granting names, contacts and last place.
    if let (Some(hk), Some(th)) = (admins.first(), admins.get(1)) {
        let th_officer = officers
            .iter()
            .find(|(_, a)| a.org_id == th.org_id)
            .map_or_else(|| th.clone(), |(_, a)| a.clone());
        let hk_open: Vec<&(Actor, CaseId)> = open_cases
            .iter()
            .filter(|(a, _)| a.org_id == hk.org_id)
            .take(3)
            .collect();
        for (i, (officer, case_id)) in hk_open.into_iter().enumerate() {
            let kind = if i == 0 {
                RequestKind::Rescue
            } else {
                RequestKind::Locate
            };
            let view = hw
                .create_request(
                    officer,
                    RequestInput {
                        case_id: *case_id,
                        to_org: th.org_id,
                        kind,
                        legal_basis: "police-to-police channel (demo)".into(),
                        items: "Locate the subject at the compound named in the reports and confirm they are alive.".into(),
                        deadline: Some(if i == 2 { "2026-12-24".into() } else { "2027-01-15".into() }),
                        grant: vec![GrantField::Names, GrantField::Contacts, GrantField::LastSeenPlace],
                        send: i < 2,
                        message: Some("Family reports the last message came from the Myawaddy area.".into()),
                        notice_id: None,
                    },
                )
                .await?;
            if i == 0 {
                hw.move_request(
                    &th_officer,
                    view.request.id,
                    RequestTransitionInput {
                        to: RequestState::Acknowledged,
                        reason: None,
                    },
                )
                .await?;
            }
        }
    }
    // A group case: the NGO gathers the open cases reported from one compound.
    if let (Some(ngo), Some(site)) = (admins.get(2), sites.first()) {
        let caseworker = officers
            .iter()
            .find(|(_, a)| a.org_id == ngo.org_id)
            .map_or_else(|| ngo.clone(), |(_, a)| a.clone());
        let group = hw
            .create_group_case(
                &caseworker,
                homeward_types::wire::GroupCaseInput {
                    grouping: homeward_types::Grouping::Site,
                    label: "Families reporting from KK Park (demo)".into(),
                    site_id: Some(*site),
                    recruiter: None,
                    period_from: Some("2026-03".into()),
                    period_to: Some("2026-06".into()),
                    marking: None,
                    sharing_group_id: None,
                },
            )
            .await?;
        // Its members are the strongest suggestions, with their reasons.
        for suggestion in hw
            .suggest_group_members(&caseworker, group.group.id)
            .await?
            .into_iter()
            .take(6)
        {
            hw.add_group_case_member(
                &caseworker,
                group.group.id,
                homeward_types::wire::GroupMemberAdd {
                    case_id: suggestion.case.id,
                    reason: format!("demo: {}", suggestion.reasons.join("; ")),
                },
            )
            .await?;
        }
    }
    Ok(logins)
}
