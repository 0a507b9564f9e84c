-- Rescue lists and the rows that may be open cases of some organisation.
CREATE TABLE rescue_lists (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    unusable INTEGER NOT NULL,
    release_mode TEXT NOT NULL,
    created_by TEXT,
    created_ms INTEGER NOT NULL
);

CREATE TABLE list_matches (
    id TEXT PRIMARY KEY,
    list_id TEXT NOT NULL REFERENCES rescue_lists (id),
    row_no INTEGER NOT NULL,
    row_text TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    owner_org TEXT NOT NULL REFERENCES organisations (id),
    probability REAL NOT NULL,
    explanation TEXT NOT NULL,
    strength TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_ms INTEGER
);
CREATE INDEX list_matches_owner ON list_matches (owner_org, status, id);
CREATE INDEX list_matches_list ON list_matches (list_id);
