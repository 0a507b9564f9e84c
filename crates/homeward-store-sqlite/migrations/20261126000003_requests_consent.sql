-- Cross-border requests with grants and threads, consent records, the
-- still-held flag, blind match notices and the disclosure index.

ALTER TABLE cases ADD COLUMN still_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN request_seq INTEGER NOT NULL DEFAULT 0;

-- Document numbers compared as letters and digits, upper case.
ALTER TABLE documents ADD COLUMN number_key TEXT;
UPDATE documents SET number_key = UPPER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(number, ' ', ''), '-', ''), '(', ''), ')', ''), '/', ''), '.', ''));
CREATE INDEX documents_key ON documents (number_key);

CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    case_id TEXT NOT NULL REFERENCES cases (id),
    from_org TEXT NOT NULL REFERENCES organisations (id),
    to_org TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    items TEXT NOT NULL,
    deadline_ms INTEGER,
    state TEXT NOT NULL,
    grant_fields TEXT NOT NULL,
    notice_id TEXT,
    matched_case TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX requests_from ON requests (from_org, id);
CREATE INDEX requests_to ON requests (to_org, state, id);
CREATE INDEX requests_case ON requests (case_id);

CREATE TABLE request_events (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id),
    actor TEXT NOT NULL REFERENCES users (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    at_ms INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT,
    body TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, at_ms);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    scope TEXT NOT NULL,
    recipients TEXT NOT NULL,
    language TEXT NOT NULL,
    given_by TEXT NOT NULL,
    given_on TEXT NOT NULL,
    expires_on TEXT,
    revoked_ms INTEGER,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_ms INTEGER NOT NULL
);
CREATE INDEX consents_case ON consents (case_id);

CREATE TABLE match_notices (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    holder_org TEXT NOT NULL REFERENCES organisations (id),
    holder_case TEXT NOT NULL REFERENCES cases (id),
    created_ms INTEGER NOT NULL,
    request_id TEXT REFERENCES requests (id)
);
CREATE INDEX match_notices_case ON match_notices (case_id);

-- One row per audit entry that discloses personal data; the entry's detail
-- holds the same facts, so the hash chain covers them.
CREATE TABLE disclosures (
    seq INTEGER PRIMARY KEY REFERENCES audit_log (seq),
    at_ms INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor_user TEXT,
    actor_org TEXT,
    owner_org TEXT NOT NULL,
    recipient_org TEXT,
    case_id TEXT,
    fields TEXT NOT NULL,
    basis TEXT NOT NULL
);
CREATE INDEX disclosures_owner ON disclosures (owner_org, seq);
