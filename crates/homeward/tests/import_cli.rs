//! `homeward import rescue-list`: the JSON contract, notifications by owner,
//! and clear errors for files it cannot read.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::process::{Command, Output};
use std::sync::Arc;

use homeward_core::{Credential, Homeward};
use homeward_types::wire::{DocumentInput, NameInput, NewReport, SubjectInput};
use homeward_types::{DocumentKind, OrgId, OrgKind, Role};

fn homeward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(args)
        .env_remove("HOMEWARD_DATABASE_URL")
        .env_remove("HOMEWARD_DATA_DIR")
        .output()
        .unwrap()
}

fn report(names: &[&str], dob: &str, nat: &str, passport: &str) -> NewReport {
    NewReport {
        subject: SubjectInput {
            names: names
                .iter()
                .map(|n| NameInput {
                    text: (*n).into(),
                    ..NameInput::default()
                })
                .collect(),
            birth_date: Some(dob.into()),
            nationalities: vec![nat.into()],
            documents: vec![DocumentInput {
                kind: DocumentKind::Passport,
                number: passport.into(),
                issuing_state: Some(nat.into()),
            }],
            ..SubjectInput::default()
        },
        ..NewReport::default()
    }
}

/// Two organisations hold open cases; a third reconciles a list.
fn world(dir: &std::path::Path) -> OrgId {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = homeward_store_sqlite::open(&homeward_store_sqlite::url_for_dir(dir))
            .await
            .unwrap();
        let hw = Homeward::new(Arc::new(store));
        let mut orgs = Vec::new();
        for (name, kind, cc) in [
            ("HK police", OrgKind::Police, "HK"),
            ("TH police", OrgKind::Police, "TH"),
            ("Receiving NGO", OrgKind::Ngo, "TH"),
        ] {
            orgs.push(
                hw.create_org(Credential::Cli, name, kind, cc)
                    .await
                    .unwrap(),
            );
        }
        let mut officers = Vec::new();
        for (i, org) in orgs.iter().take(2).enumerate() {
            let email = format!("officer{i}@unit.example");
            hw.create_user(
                Credential::Cli,
                *org,
                &email,
                Role::Officer,
                Some("a-long-test-password"),
            )
            .await
            .unwrap();
            officers.push(
                hw.login(&email, "a-long-test-password")
                    .await
                    .unwrap()
                    .actor,
            );
        }
        hw.file_report(
            &officers[0],
            report(&["CHAN Wai Kit", "陳偉傑"], "2001-03-04", "HK", "K1234567"),
        )
        .await
        .unwrap();
        hw.file_report(
            &officers[1],
            report(
                &["SOMCHAI Jaidee", "สมชาย ใจดี"],
                "1995-07-12",
                "TH",
                "AA7654321",
            ),
        )
        .await
        .unwrap();
        orgs[2]
    })
}

#[test]
fn reconciles_a_list_and_prints_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let ngo = world(dir.path());
    let list = dir.path().join("handover.csv");
    std::fs::write(
        &list,
        "No.,姓名 / Name,Date of Birth,Nationality,Passport No.\n\
         1,Chan Wai-kit,04/03/2001,HKG,K1234567\n\
         2,สมชาย ใจดี,2538-07-12,Thailand,\n\
         3,Tran Van Minh,1990,VN,\n\
         4,,,,\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let out = homeward(&[
        "import",
        "rescue-list",
        list.to_str().unwrap(),
        "--org",
        &ngo.to_string(),
        "--name",
        "Myawaddy handover, 2026-11-20",
        "--data-dir",
        d,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"], 4);
    assert_eq!(v["unusable"], 1);
    assert_eq!(v["matched"], 2);
    assert_eq!(v["notified_organisations"], 2);
    assert_eq!(
        v.as_object().map(|o| o.len()),
        Some(5),
        "exactly the contract's keys"
    );
    let verify = homeward(&["audit", "verify", "--data-dir", d]);
    assert!(verify.status.success());
}

#[test]
fn unreadable_lists_are_refused_clearly_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let ngo = world(dir.path());
    let d = dir.path().to_str().unwrap();
    let cases = [
        (&[0x4e_u8, 0x61, 0xff, 0x41][..], "not UTF-8"),
        (b"a,b\n1,2\n", "no column gives a name or a document number"),
        (b"   \n", "empty"),
    ];
    for (bytes, expected) in cases {
        let f = dir.path().join("bad.csv");
        std::fs::write(&f, bytes).unwrap();
        let out = homeward(&[
            "import",
            "rescue-list",
            f.to_str().unwrap(),
            "--org",
            &ngo.to_string(),
            "--data-dir",
            d,
        ]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{err}");
    }
    let out = homeward(&[
        "import",
        "rescue-list",
        "/nonexistent.csv",
        "--org",
        &ngo.to_string(),
        "--data-dir",
        d,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let f = dir.path().join("ok.csv");
    std::fs::write(&f, "name\nX Y\n").unwrap();
    let out = homeward(&[
        "import",
        "rescue-list",
        f.to_str().unwrap(),
        "--org",
        &OrgId::new().to_string(),
        "--data-dir",
        d,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("organisation not found"));
}
