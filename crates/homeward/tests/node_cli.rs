//! The node's command-line contract: admin commands print only the new id or
//! secret, and `audit verify` catches edited, removed, reordered and
//! truncated audit entries.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::Path;
use std::process::{Command, Output};

use sqlx::Executor;

fn homeward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(args)
        .env_remove("HOMEWARD_DATABASE_URL")
        .env_remove("HOMEWARD_DATA_DIR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A data directory with an organisation, two users and a token.
fn populated(dir: &Path) {
    let d = dir.to_str().unwrap();
    let org = homeward(&[
        "admin",
        "org",
        "create",
        "--name",
        "Test NGO",
        "--kind",
        "ngo",
        "--country",
        "MY",
        "--data-dir",
        d,
    ]);
    assert!(org.status.success(), "{}", stderr(&org));
    let org_id = stdout(&org);
    assert_eq!(org_id.len(), 36, "only the id on stdout: {org_id:?}");

    let u1 = homeward(&[
        "admin",
        "user",
        "create",
        "--org",
        &org_id,
        "--email",
        "a@ngo.example",
        "--role",
        "officer",
        "--data-dir",
        d,
    ]);
    assert!(u1.status.success(), "{}", stderr(&u1));
    let generated = stdout(&u1);
    assert_eq!(generated.len(), 20, "a generated password: {generated:?}");

    let u2 = homeward(&[
        "admin",
        "user",
        "create",
        "--org",
        &org_id,
        "--email",
        "b@ngo.example",
        "--role",
        "viewer",
        "--password",
        "another-long-password",
        "--data-dir",
        d,
    ]);
    assert!(u2.status.success());
    assert_eq!(stdout(&u2).len(), 36);

    let dup = homeward(&[
        "admin",
        "user",
        "create",
        "--org",
        &org_id,
        "--email",
        "A@ngo.example",
        "--role",
        "viewer",
        "--data-dir",
        d,
    ]);
    assert!(!dup.status.success());
    assert!(stderr(&dup).contains("already exists"));
    assert!(stdout(&dup).is_empty());

    let tok = homeward(&[
        "admin",
        "token",
        "create",
        "--user",
        "a@ngo.example",
        "--name",
        "sync",
        "--data-dir",
        d,
    ]);
    assert!(tok.status.success());
    assert!(stdout(&tok).starts_with("hwt_"));

    let bad = homeward(&[
        "admin",
        "org",
        "create",
        "--name",
        "X",
        "--kind",
        "club",
        "--country",
        "MY",
        "--data-dir",
        d,
    ]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("club"));
}

fn verify(dir: &Path) -> Output {
    homeward(&["audit", "verify", "--data-dir", dir.to_str().unwrap()])
}

async fn tamper(dir: &Path, sql: &str) {
    homeward_store_sql_install();
    let url = format!("sqlite://{}/homeward.db", dir.display());
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    pool.execute(
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;",
    )
    .await
    .unwrap();
    pool.execute(sql).await.unwrap();
    pool.close().await;
}

fn homeward_store_sql_install() {
    sqlx::any::install_default_drivers();
}

fn copy_dir(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.path().join(e.file_name())).unwrap();
    }
    to
}

#[tokio::test]
async fn admin_commands_and_audit_verify_catch_tampering() {
    let dir = tempfile::tempdir().unwrap();
    populated(dir.path());
    let ok = verify(dir.path());
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("intact: 4 entries"), "{}", stdout(&ok));

    let cases: [(&str, &str); 4] = [
        (
            "UPDATE audit_log SET detail = '{\"role\":\"admin\"}' WHERE seq = 2",
            "entry 2",
        ),
        ("DELETE FROM audit_log WHERE seq = 2", "entry 3"),
        (
            "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; \
          UPDATE audit_log SET seq = 3 WHERE seq = -2",
            "entry 2",
        ),
        ("DELETE FROM audit_log WHERE seq = 4", "entries removed"),
    ];
    for (sql, expected) in cases {
        let copy = copy_dir(dir.path());
        tamper(copy.path(), sql).await;
        let out = verify(copy.path());
        assert!(!out.status.success(), "tampering not caught: {sql}");
        assert!(stderr(&out).contains(expected), "{sql}: {}", stderr(&out));
    }
    // The append-only trigger refuses edits made through SQL.
    let url = format!("sqlite://{}/homeward.db", dir.path().display());
    homeward_store_sql_install();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    let refused = pool
        .execute("UPDATE audit_log SET detail = '{}' WHERE seq = 1")
        .await;
    assert!(refused.is_err());
    pool.close().await;
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["admin", "org", "create", "--help"],
        vec!["admin", "user", "create", "--help"],
        vec!["admin", "token", "create", "--help"],
        vec!["admin", "token", "revoke", "--help"],
        vec!["admin", "user", "disable", "--help"],
        vec!["admin", "user", "reset-two-factor", "--help"],
        vec!["admin", "purge", "--help"],
        vec!["audit", "verify", "--help"],
    ] {
        let out = homeward(&args);
        assert!(out.status.success(), "{args:?}");
        assert!(stdout(&out).contains("Usage"), "{args:?}");
    }
}

#[test]
fn token_scopes_revocation_disable_and_purge() {
    let dir = tempfile::tempdir().unwrap();
    populated(dir.path());
    let d = dir.path().to_str().unwrap();
    let token = |scope: &str| {
        let user = ["--user", "a@ngo.example", "--scope", scope, "--data-dir", d];
        homeward(&[&["admin", "token", "create"][..], &user[..]].concat())
    };
    let read = token("read");
    assert!(read.status.success(), "{}", stderr(&read));
    assert!(stdout(&read).starts_with("hwt_"));
    let bad = token("admin");
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("token scope"), "{}", stderr(&bad));
    let missing = homeward(&[
        "admin",
        "token",
        "revoke",
        "0190d9a2-0000-7000-8000-000000000000",
        "--data-dir",
        d,
    ]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("token not found"),
        "{}",
        stderr(&missing)
    );
    let disable = homeward(&[
        "admin",
        "user",
        "disable",
        "--email",
        "b@ngo.example",
        "--data-dir",
        d,
    ]);
    assert!(disable.status.success(), "{}", stderr(&disable));
    assert_eq!(stdout(&disable).len(), 36);
    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["admin", "purge", "--older-than-days", "0", "--data-dir", d];
        args.extend_from_slice(extra);
        let out = homeward(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(report["purged"], 0, "{report}");
        assert_eq!(report["dry_run"], !extra.is_empty());
    }
    let v = verify(dir.path());
    assert!(v.status.success(), "{}", stderr(&v));
}

#[test]
fn bad_database_url_is_a_clear_error() {
    let out = homeward(&["migrate", "--database", "mysql://x@y/z"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unsupported database URL"));
}
