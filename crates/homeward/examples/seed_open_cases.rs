//! Seeds a node's SQLite database with open cases from a person-record CSV
//! (`homeward gen persons` output), spread over several organisations, for
//! the rescue-list benchmark (`bench/rescue/run.sh`). Writes
//! `case_id,entity_id,org` for scoring. Not used by the tests.
//!
//! `seed_open_cases DATA_DIR PEOPLE.csv ORGS OUT.csv`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use homeward_core::{Actor, Credential, Homeward};
use homeward_types::wire::{ContactInput, DocumentInput, NameInput, NewReport, SubjectInput};
use homeward_types::{ContactKind, DocumentKind, OrgKind, Role, Sex};

fn iso(raw: &str) -> Option<String> {
    let d = homeward_match::date::parse(raw).ok()??;
    Some(match (d.month, d.day) {
        (Some(m), Some(day)) if (1..=12).contains(&m) && (1..=31).contains(&day) => {
            format!("{:04}-{m:02}-{day:02}", d.year)
        }
        (Some(m), None) if (1..=12).contains(&m) => format!("{:04}-{m:02}", d.year),
        _ => format!("{:04}", d.year),
    })
}

fn report(row: &csv::StringRecord, h: &csv::StringRecord) -> NewReport {
    let get = |name: &str| {
        h.iter()
            .position(|x| x == name)
            .and_then(|i| row.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let mut names: Vec<NameInput> = Vec::new();
    for n in get("full_name")
        .into_iter()
        .chain(get("alt_names").into_iter().flat_map(|a| a.split(';')))
    {
        if !n.trim().is_empty() {
            names.push(NameInput {
                text: n.trim().into(),
                ..NameInput::default()
            });
        }
    }
    let nat = get("nationality")
        .filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_uppercase()))
        .map(str::to_string);
    NewReport {
        subject: SubjectInput {
            names,
            sex: match get("sex").map(str::to_ascii_lowercase).as_deref() {
                Some("male" | "m") => Some(Sex::Male),
                Some("female" | "f") => Some(Sex::Female),
                _ => None,
            },
            birth_date: get("birth_date").and_then(iso),
            nationalities: nat.into_iter().collect(),
            documents: get("passport_no")
                .map(|p| DocumentInput {
                    kind: DocumentKind::Passport,
                    number: p.into(),
                    issuing_state: None,
                })
                .into_iter()
                .collect(),
            contacts: get("phone")
                .into_iter()
                .flat_map(|p| p.split(';'))
                .map(|p| ContactInput {
                    kind: ContactKind::Whatsapp,
                    value: p.trim().into(),
                })
                .collect(),
        },
        ..NewReport::default()
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, csv_path, orgs, out] = args.as_slice() else {
        anyhow::bail!("usage: seed_open_cases DATA_DIR PEOPLE.csv ORGS OUT.csv");
    };
    let orgs: usize = orgs.parse().context("ORGS")?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        std::fs::create_dir_all(dir)?;
        let store = homeward_store_sqlite::open(&homeward_store_sqlite::url_for_dir(
            std::path::Path::new(dir),
        ))
        .await?;
        let hw = Homeward::new(Arc::new(store));
        let countries = ["HK", "TH", "VN", "MY", "PH", "ID", "CN", "TW"];
        let mut actors: Vec<Actor> = Vec::new();
        for i in 0..orgs {
            let c = countries[i % countries.len()];
            let org = hw
                .create_org(
                    Credential::Cli,
                    &format!("Bench unit {i} ({c})"),
                    OrgKind::Police,
                    c,
                )
                .await?;
            let email = format!("bench{i}@police.example");
            hw.create_user(
                Credential::Cli,
                org,
                &email,
                Role::Officer,
                Some("bench-password-1"),
            )
            .await?;
            actors.push(hw.login(&email, "bench-password-1").await?.actor);
            println!("org {i} {org} {email}");
        }
        let mut rdr = csv::Reader::from_path(csv_path)?;
        let h = rdr.headers()?.clone();
        let rows: Vec<csv::StringRecord> = rdr.records().collect::<Result<_, _>>()?;
        let eid = h
            .iter()
            .position(|x| x == "entity_id")
            .context("entity_id")?;
        let done = Arc::new(AtomicUsize::new(0));
        let rows = Arc::new(rows);
        let workers = 64;
        let mut tasks = Vec::new();
        for w in 0..workers {
            let (hw, rows, h, actors, done) = (
                hw.clone(),
                rows.clone(),
                h.clone(),
                actors.clone(),
                done.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut map = Vec::new();
                for i in (w..rows.len()).step_by(workers) {
                    let row = &rows[i];
                    let org = i % actors.len();
                    let mut r = report(row, &h);
                    let created = match hw.import_report(&actors[org], r.clone()).await {
                        Ok(c) => Ok(c),
                        Err(_) => {
                            // A phone or date intake refuses: keep the names.
                            r.subject.contacts.clear();
                            r.subject.birth_date = None;
                            hw.import_report(&actors[org], r).await
                        }
                    };
                    if let Ok((case, _)) = created {
                        map.push(format!("{case},{},{org}", row.get(eid).unwrap_or("")));
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n % 50_000 == 0 {
                        eprintln!("{n} cases");
                    }
                }
                map
            }));
        }
        let mut lines = vec!["case_id,entity_id,org".to_string()];
        for t in tasks {
            lines.extend(t.await?);
        }
        std::fs::write(out, lines.join("\n") + "\n")?;
        eprintln!("seeded {} cases", lines.len() - 1);
        Ok(())
    })
}
