-- The criminal-justice compartment: screenings, warrant checks and notes,
-- readable only by criminal-justice staff of the owner and of grantees.
CREATE TABLE compartment_entries (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    outcome TEXT,
    body TEXT NOT NULL,
    author TEXT NOT NULL REFERENCES users (id),
    at_ms BIGINT NOT NULL
);
CREATE INDEX compartment_entries_case ON compartment_entries (case_id, at_ms);
