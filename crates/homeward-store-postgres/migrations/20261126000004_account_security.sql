-- Account security (issue 5, item 9): TOTP, lockout, session idle timeout
-- and stages, scoped API tokens.

-- TOTP: the confirmed secret (two-factor sign-in is on when set), a secret
-- offered for enrolment, and the last accepted time step (replay guard).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- Sessions now have a stage ('full', 'code' = TOTP code due, 'enrol' =
-- authenticator must be set up) and a last use for the idle timeout.
-- Existing sessions end: everyone signs in again under the new rules.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
ALTER TABLE sessions ADD COLUMN last_seen_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sessions_user ON sessions (user_id);

-- API tokens: 'read' (GET only) or 'write'.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed sign-ins per account key: the SHA-256 of the e-mail, whether or
-- not an account has it (so locking reveals nothing about which exist).
CREATE TABLE login_failures (
    email_key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_ms BIGINT NOT NULL,
    locked_until_ms BIGINT
);
