-- Consolidation (C3): merges keep every name, document and contact with the
-- case it came from, so an unmerge restores both cases exactly.
ALTER TABLE person_names ADD COLUMN merged_from TEXT;
ALTER TABLE documents ADD COLUMN merged_from TEXT;
ALTER TABLE contacts ADD COLUMN merged_from TEXT;

CREATE TABLE case_merges (
    id TEXT PRIMARY KEY,
    into_case TEXT NOT NULL REFERENCES cases (id),
    from_case TEXT NOT NULL REFERENCES cases (id),
    from_state TEXT NOT NULL,
    from_resume_state TEXT,
    reports TEXT NOT NULL,
    into_search_text TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    undone_by TEXT,
    undone_ms INTEGER,
    undo_reason TEXT
);
CREATE INDEX case_merges_into ON case_merges (into_case);
CREATE INDEX case_merges_from ON case_merges (from_case);

-- The file a rescue list was read from, as received (audit and undo).
CREATE TABLE rescue_list_files (
    list_id TEXT PRIMARY KEY REFERENCES rescue_lists (id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    bytes BLOB NOT NULL
);
ALTER TABLE rescue_lists ADD COLUMN withdrawn_ms INTEGER;
ALTER TABLE rescue_lists ADD COLUMN withdrawn_by TEXT;
