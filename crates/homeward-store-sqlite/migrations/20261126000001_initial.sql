-- homeward initial schema (SQLite). Forward-only: never edit after it lands.
-- Times are Unix milliseconds; ids are UUID text; flags are 0/1.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    case_seq INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    id_digest TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_ms);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL,
    revoked_ms INTEGER
);

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    aliases TEXT NOT NULL,
    zone TEXT,
    country TEXT NOT NULL,
    status TEXT NOT NULL,
    marking TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    marking TEXT NOT NULL,
    sex TEXT,
    birth_date TEXT,
    nationalities TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE TABLE person_names (
    person_id TEXT NOT NULL REFERENCES persons (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    script TEXT NOT NULL,
    given TEXT,
    family TEXT,
    system TEXT,
    PRIMARY KEY (person_id, position)
);

CREATE TABLE documents (
    person_id TEXT NOT NULL REFERENCES persons (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issuing_state TEXT,
    check_digit_valid INTEGER,
    PRIMARY KEY (person_id, position)
);

CREATE TABLE contacts (
    person_id TEXT NOT NULL REFERENCES persons (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    raw TEXT NOT NULL,
    normalised TEXT NOT NULL,
    PRIMARY KEY (person_id, position)
);
CREATE INDEX contacts_normalised ON contacts (normalised);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    resume_state TEXT,
    priority TEXT NOT NULL,
    marking TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    site_id TEXT REFERENCES sites (id),
    release_mode TEXT,
    subject_display TEXT NOT NULL,
    nationalities TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX cases_org ON cases (org_id, id);
CREATE INDEX cases_marking ON cases (marking, id);
CREATE INDEX cases_state ON cases (state, id);

CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    marking TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_ms INTEGER NOT NULL,
    reporter_name TEXT,
    reporter_relationship TEXT,
    reporter_contact TEXT,
    last_contact_date TEXT,
    last_contact_channel TEXT,
    last_seen_place TEXT,
    recruitment_channel TEXT,
    job_promised TEXT,
    narrative TEXT
);
CREATE INDEX reports_case ON reports (case_id);

CREATE TABLE case_transitions (
    case_id TEXT NOT NULL REFERENCES cases (id),
    position INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL,
    release_mode TEXT,
    actor TEXT NOT NULL REFERENCES users (id),
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (case_id, position)
);

CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    author TEXT NOT NULL REFERENCES users (id),
    at_ms INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX notes_case ON notes (case_id);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at_ms INTEGER NOT NULL,
    actor_user TEXT,
    actor_org TEXT,
    credential TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The audit log is append-only for the application; someone with the file
-- can drop these triggers, which is why the chain is hashed.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    lock INTEGER NOT NULL DEFAULT 0
);
INSERT INTO audit_head (id, seq, hash, lock)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0);
