//! Contract checks for account security (lockout, TOTP, sessions, tokens)
//! and retention. Driven through the service like the rest of the suite.

use std::sync::Arc;

use homeward_types::wire::NoteInput;
use homeward_types::{CaseState, OrgKind, Role, TokenScope};

use super::{Failure, PW, move_to, ok, sample_report};
use crate::model::SessionStage;
use crate::store::Store;
use crate::{AccountPolicy, CoreError, Credential, Homeward, PURGE_MARKER, now_ms, totp};

fn unix_s() -> u64 {
    u64::try_from(now_ms() / 1000).unwrap_or(0)
}

fn code(secret: &str, unix_s: u64) -> Result<String, Failure> {
    totp::code_at(secret, unix_s).ok_or_else(|| "no TOTP code for the secret".to_string())
}

/// A code valid at no step near `unix_s`.
fn wrong_code(secret: &str, unix_s: u64) -> Result<String, Failure> {
    let near = [
        code(secret, unix_s - totp::STEP_S)?,
        code(secret, unix_s)?,
        code(secret, unix_s + totp::STEP_S)?,
    ];
    Ok((0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap_or_default())
}

fn pause(ms: u64) {
    std::thread::sleep(std::time::Duration::from_millis(ms));
}

async fn actions(hw: &Homeward) -> Result<Vec<String>, Failure> {
    let entries = ok(hw.store().audit_entries(0, 100_000).await, "audit entries")?;
    Ok(entries.into_iter().map(|e| e.draft.action).collect())
}

/// Lockout is persisted per account key and answers the same for unknown
/// e-mails; TOTP is required for admins and accepts each code once.
pub async fn account_security(store: Arc<dyn Store>) -> Result<(), Failure> {
    let hw = Homeward::new(store.clone());
    let c = Credential::Cli;
    let org = ok(
        hw.create_org(c, "HK unit (security test)", OrgKind::Police, "HK")
            .await,
        "create org",
    )?;
    let other = ok(
        hw.create_org(c, "TH unit (security test)", OrgKind::Police, "TH")
            .await,
        "create org",
    )?;
    for (o, email, role) in [
        (org, "officer@hk.example", Role::Officer),
        (org, "admin@hk.example", Role::Admin),
        (org, "cj@hk.example", Role::CriminalJustice),
        (other, "officer@th.example", Role::Officer),
    ] {
        ok(
            hw.create_user(c, o, email, role, Some(PW)).await,
            "create user",
        )?;
    }

    // Lockout: the fifth failure locks; then even the right password is refused.
    for email in ["officer@hk.example", "nobody@hk.example"] {
        for i in 1..=5 {
            let r = hw.login(email, "wrong password!!").await;
            check!(
                matches!(r, Err(CoreError::BadCredentials)),
                "failure {i} for {email}: {r:?}"
            );
        }
        let r = hw.login(email, PW).await;
        check!(
            matches!(r, Err(CoreError::Locked { minutes: 15 })),
            "{email} must be locked for 15 minutes after 5 failures, got {r:?}"
        );
    }
    // Persisted: a second service over the same store sees the lock.
    let again = Homeward::new(store.clone());
    check!(
        matches!(
            again.login("OFFICER@hk.example", PW).await,
            Err(CoreError::Locked { .. })
        ),
        "the lock must be in the store, not in memory"
    );
    let acts = actions(&hw).await?;
    check!(
        acts.iter().filter(|a| *a == "login.fail").count() == 10
            && acts.iter().filter(|a| *a == "account.lock").count() == 2,
        "failures and locks must be audited: {acts:?}"
    );
    // Failures below the limit are forgotten after a complete sign-in.
    for _ in 0..4 {
        let _ = hw.login("officer@th.example", "wrong password!!").await;
    }
    ok(hw.login("officer@th.example", PW).await, "login")?;
    for _ in 0..4 {
        let _ = hw.login("officer@th.example", "wrong password!!").await;
    }
    let th = ok(
        hw.login("officer@th.example", PW).await,
        "login after reset",
    )?;

    // An admin must enrol an authenticator before doing anything.
    let admin = ok(hw.login("admin@hk.example", PW).await, "admin login")?;
    check!(
        admin.stage == SessionStage::Enrol,
        "admin without TOTP must enrol, got {:?}",
        admin.stage
    );
    check!(
        matches!(
            hw.session_actor(&admin.session_id).await,
            Err(CoreError::SecondFactorRequired)
        ),
        "an admin session without a second factor must not act"
    );
    let cj = ok(hw.login("cj@hk.example", PW).await, "cj login")?;
    check!(
        cj.stage == SessionStage::Enrol,
        "criminal_justice needs a second factor too"
    );
    let enrol = ok(hw.totp_begin(&admin.session_id).await, "begin")?;
    let again_offer = ok(hw.totp_begin(&admin.session_id).await, "begin again")?;
    check!(
        enrol.secret == again_offer.secret && enrol.url.starts_with("otpauth://totp/"),
        "the offered secret must stay until confirmed"
    );
    check!(
        !format!("{enrol:?}").contains(&enrol.secret),
        "Debug must not show the secret"
    );
    let t = unix_s();
    let r = hw
        .totp_confirm(&admin.session_id, &wrong_code(&enrol.secret, t)?)
        .await;
    check!(
        matches!(r, Err(CoreError::BadCode)),
        "a wrong code must be refused: {r:?}"
    );
    ok(
        hw.totp_confirm(&admin.session_id, &code(&enrol.secret, t)?)
            .await,
        "confirm enrolment",
    )?;
    let (admin_actor, _) = ok(
        hw.session_actor(&admin.session_id).await,
        "admin session after enrolment",
    )?;
    // Next sign-in asks for a code; the code just used is refused (replay).
    let second = ok(hw.login("admin@hk.example", PW).await, "admin login")?;
    check!(
        second.stage == SessionStage::Code,
        "enrolled admin must be asked for a code"
    );
    let replay = hw
        .login_code(&second.session_id, &code(&enrol.secret, t)?)
        .await;
    check!(
        matches!(replay, Err(CoreError::BadCode)),
        "a used code must be refused, got {replay:?}"
    );
    let next = code(&enrol.secret, t + totp::STEP_S)?;
    ok(
        hw.login_code(&second.session_id, &next).await,
        "next step's code",
    )?;
    ok(
        hw.session_actor(&second.session_id).await,
        "session after code",
    )?;
    let third = ok(hw.login("admin@hk.example", PW).await, "admin login")?;
    check!(
        matches!(
            hw.login_code(&third.session_id, &next).await,
            Err(CoreError::BadCode)
        ),
        "the same code must not sign in twice"
    );

    // Tokens: scoped, listed, revocable by owner and by the org's admin.
    let officer = ok(hw.login("officer@th.example", PW).await, "login")?.actor;
    let read = ok(
        hw.create_token_scoped(c, "officer@th.example", "read", TokenScope::Read)
            .await,
        "create read token",
    )?;
    check!(
        matches!(
            hw.token_actor(&read, true).await,
            Err(CoreError::TokenScope)
        ),
        "a read token must not write"
    );
    let reader = ok(hw.token_actor(&read, false).await, "read token reads")?;
    check!(
        matches!(
            hw.create_own_token(&reader, "x", None).await,
            Err(CoreError::Forbidden { .. })
        ),
        "a token must not mint tokens"
    );
    let own = ok(
        hw.create_own_token(&officer, "laptop", Some(TokenScope::Write))
            .await,
        "create own token",
    )?;
    let listed = ok(hw.tokens(&officer).await, "list tokens")?;
    check!(
        listed.len() == 2 && listed.iter().any(|t| t.id == own.token.id),
        "own tokens listed: {listed:?}"
    );
    check!(
        matches!(
            hw.revoke_token(&admin_actor, own.token.id).await,
            Err(CoreError::NotFound { .. })
        ),
        "another organisation's admin must not see the token"
    );
    ok(hw.revoke_token(&officer, own.token.id).await, "revoke")?;
    ok(
        hw.revoke_token(&officer, own.token.id).await,
        "revoke twice",
    )?;
    check!(
        matches!(
            hw.token_actor(&own.secret, false).await,
            Err(CoreError::Unauthenticated)
        ),
        "a revoked token must not work"
    );
    let hk_officer_token = ok(
        hw.create_token(c, "officer@hk.example", "ci").await,
        "create token",
    )?;
    let hk_officer = ok(
        hw.token_actor(&hk_officer_token, true).await,
        "hk officer token",
    )?;
    let hk_tokens = ok(hw.tokens(&hk_officer).await, "list")?;
    let id = hk_tokens.first().map(|t| t.id).ok_or("token listed")?;
    ok(
        hw.revoke_token(&admin_actor, id).await,
        "admin revokes a token of their organisation",
    )?;
    check!(
        hw.token_actor(&hk_officer_token, false).await.is_err(),
        "revoked by the admin"
    );

    // Sessions: sign out everywhere; idle and absolute expiry.
    let n = ok(hw.revoke_sessions(&officer).await, "revoke sessions")?;
    check!(n >= 2, "all of the user's sessions end, got {n}");
    check!(
        matches!(
            hw.session_actor(&th.session_id).await,
            Err(CoreError::Unauthenticated)
        ),
        "a revoked session must not work"
    );
    let idle = Homeward::with_policy(
        store.clone(),
        AccountPolicy {
            session_idle_ms: 400,
            touch_every_ms: 0,
            ..AccountPolicy::default()
        },
    );
    let s = ok(idle.login("officer@th.example", PW).await, "login")?;
    ok(idle.session_actor(&s.session_id).await, "fresh session")?;
    pause(100);
    ok(
        idle.session_actor(&s.session_id).await,
        "use refreshes the idle timer",
    )?;
    pause(900);
    check!(
        matches!(
            idle.session_actor(&s.session_id).await,
            Err(CoreError::Unauthenticated)
        ),
        "an idle session must end"
    );
    let short = Homeward::with_policy(
        store.clone(),
        AccountPolicy {
            session_ttl_ms: 30,
            ..AccountPolicy::default()
        },
    );
    let s = ok(short.login("officer@th.example", PW).await, "login")?;
    pause(60);
    check!(
        short.session_actor(&s.session_id).await.is_err(),
        "an expired session must end"
    );

    // Disabling a user ends their sessions and revokes their tokens.
    let s = ok(hw.login("officer@hk.example", PW).await, "login");
    check!(s.is_err(), "still locked");
    let cj_token = ok(hw.create_token(c, "cj@hk.example", "t").await, "token")?;
    let target = ok(hw.token_actor(&cj_token, false).await, "cj token")?;
    check!(
        matches!(
            hw.disable_user(&officer, target.user_id).await,
            Err(CoreError::Forbidden { .. })
        ),
        "only admins disable users"
    );
    ok(
        hw.disable_user(&admin_actor, target.user_id).await,
        "disable",
    )?;
    check!(
        hw.token_actor(&cj_token, false).await.is_err(),
        "a disabled user's token must not work"
    );
    check!(
        hw.session_state(&cj.session_id).await.is_err(),
        "a disabled user's session must end"
    );
    check!(
        matches!(
            hw.login("cj@hk.example", PW).await,
            Err(CoreError::BadCredentials)
        ),
        "a disabled user cannot sign in"
    );
    let verified = ok(hw.verify_audit().await, "verify")?;
    check!(verified.is_ok(), "audit chain must verify: {verified:?}");
    Ok(())
}

/// Closed cases lose their personal data after the retention period; the
/// purge is audited and idempotent.
pub async fn retention(store: Arc<dyn Store>) -> Result<(), Failure> {
    let w = super::world(store).await?;
    let closed = ok(
        w.hw.file_report(&w.hk, sample_report("CHAN Wai Kit", "陳偉傑"))
            .await,
        "file",
    )?;
    let open = ok(
        w.hw.file_report(&w.hk, sample_report("LEE Ka Ho", "李家豪"))
            .await,
        "file",
    )?;
    ok(
        w.hw.add_note(
            &w.hk,
            closed.case_id,
            NoteInput {
                body: "Mother called from Kowloon".into(),
            },
        )
        .await,
        "note",
    )?;
    ok(
        w.hw.transition(&w.hk, closed.case_id, move_to(CaseState::Unfounded, None))
            .await,
        "close",
    )?;
    let r = ok(
        w.hw.purge_closed(Credential::Cli, 365, false).await,
        "purge",
    )?;
    check!(
        r.purged == 0 && r.due == 0,
        "a case closed just now is kept: {r:?}"
    );
    let r = ok(w.hw.purge_closed(Credential::Cli, 0, true).await, "dry run")?;
    check!(r.purged == 0 && r.due == 1, "dry run counts only: {r:?}");
    let r = ok(w.hw.purge_closed(Credential::Cli, 0, false).await, "purge")?;
    check!(r.purged == 1 && r.due == 1, "purge: {r:?}");
    let b = ok(w.hw.store().case_bundle(closed.case_id).await, "read")?.ok_or("case kept")?;
    check!(
        b.person.names.is_empty() && b.person.documents.is_empty() && b.person.contacts.is_empty(),
        "names, documents and contacts removed: {:?}",
        b.person
    );
    check!(
        b.person.birth_date.as_deref() == Some("2001") && b.person.nationalities == ["HK"],
        "birth year and nationality kept: {:?}",
        b.person
    );
    check!(
        b.reports.iter().all(|r| r.narrative.is_none()
            && r.reporter_name.is_none()
            && r.reporter_contact.is_none()
            && r.last_seen_place.is_none()),
        "report personal data removed"
    );
    check!(
        b.notes.iter().all(|n| n.body == PURGE_MARKER)
            && b.transitions.iter().all(|t| t.reason == PURGE_MARKER),
        "note and transition text replaced"
    );
    check!(
        b.case.state == CaseState::Unfounded
            && b.case.subject_display == PURGE_MARKER
            && !b.case.search_text.contains("chan"),
        "state kept, list name and search text cleared: {:?}",
        b.case
    );
    let o = ok(w.hw.store().case_bundle(open.case_id).await, "read")?.ok_or("open case")?;
    check!(o.person.names.len() == 2, "open cases are untouched");
    let r = ok(w.hw.purge_closed(Credential::Cli, 0, false).await, "again")?;
    check!(r.purged == 0 && r.due == 0, "purging twice changes nothing");
    let acts = actions(&w.hw).await?;
    check!(
        acts.iter().filter(|a| *a == "case.purge").count() == 1,
        "one case.purge entry: {acts:?}"
    );
    let verified = ok(w.hw.verify_audit().await, "verify")?;
    check!(verified.is_ok(), "audit chain must verify: {verified:?}");
    Ok(())
}
