//! `homeward report partners`: the JSON the police quote ("1 of 1 requests
//! resolved"), and a clear error for an unknown organisation.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::process::{Command, Output};
use std::sync::Arc;

use homeward_core::{Credential, Homeward};
use homeward_types::wire::{NameInput, NewReport, RequestInput, SubjectInput, TransitionInput};
use homeward_types::{CaseState, OrgId, OrgKind, ReleaseMode, RequestKind, Role};

fn homeward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(args)
        .env_remove("HOMEWARD_DATABASE_URL")
        .env_remove("HOMEWARD_DATA_DIR")
        .output()
        .unwrap()
}

/// An NGO sends a police unit two requests; one case is released.
fn world(dir: &std::path::Path) -> OrgId {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = homeward_store_sqlite::open(&homeward_store_sqlite::url_for_dir(dir))
            .await
            .unwrap();
        let hw = Homeward::new(Arc::new(store));
        let ngo = hw
            .create_org(Credential::Cli, "Family NGO", OrgKind::Ngo, "HK")
            .await
            .unwrap();
        let police = hw
            .create_org(Credential::Cli, "TH police", OrgKind::Police, "TH")
            .await
            .unwrap();
        hw.create_user(
            Credential::Cli,
            ngo,
            "caseworker@ngo.example",
            Role::Officer,
            Some("a-long-test-password"),
        )
        .await
        .unwrap();
        let me = hw
            .login("caseworker@ngo.example", "a-long-test-password")
            .await
            .unwrap()
            .actor;
        for (i, name) in ["Papa Reportcli", "Quebec Reportcli"].iter().enumerate() {
            let case = hw
                .file_report(
                    &me,
                    NewReport {
                        subject: SubjectInput {
                            names: vec![NameInput {
                                text: (*name).into(),
                                ..NameInput::default()
                            }],
                            ..SubjectInput::default()
                        },
                        ..NewReport::default()
                    },
                )
                .await
                .unwrap()
                .case_id;
            hw.create_request(
                &me,
                RequestInput {
                    case_id: case,
                    to_org: police,
                    kind: RequestKind::Locate,
                    legal_basis: "referral".into(),
                    items: "locate".into(),
                    deadline: None,
                    grant: vec![],
                    send: true,
                    message: None,
                    notice_id: None,
                },
            )
            .await
            .unwrap();
            if i == 0 {
                for to in homeward_core::lifecycle::main_path_to(CaseState::Released) {
                    let input = TransitionInput {
                        to,
                        reason: "progress".into(),
                        release_mode: (to == CaseState::Released).then_some(ReleaseMode::Raid),
                    };
                    hw.transition_quiet(&me, case, input).await.unwrap();
                }
            }
        }
        police
    })
}

#[test]
fn partners_prints_requests_received_and_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let police = world(dir.path());
    let data = dir.path().to_str().unwrap();
    let out = homeward(&[
        "report",
        "partners",
        "--org",
        &police.to_string(),
        "--data-dir",
        data,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &v["partners"][0];
    assert_eq!(p["partner"]["name"], "Family NGO");
    assert_eq!(
        (p["received"].as_u64(), p["released"].as_u64()),
        (Some(2), Some(1))
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("Reportcli"),
        "no names"
    );

    let unknown = homeward(&[
        "report",
        "partners",
        "--org",
        &OrgId::new().to_string(),
        "--data-dir",
        data,
    ]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("organisation not found"));
}
