-- Group cases (one compound, recruiter or event; many individual cases), their
-- members and the history of additions and removals.
ALTER TABLE organisations ADD COLUMN group_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE group_cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL REFERENCES organisations (id),
    grouped_by TEXT NOT NULL,
    label TEXT NOT NULL,
    site_id TEXT REFERENCES sites (id),
    recruiter TEXT,
    period_from TEXT,
    period_to TEXT,
    marking TEXT NOT NULL,
    sharing_group_id TEXT REFERENCES sharing_groups (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    created_ms BIGINT NOT NULL,
    updated_ms BIGINT NOT NULL
);
CREATE INDEX group_cases_org ON group_cases (org_id, id);
CREATE INDEX group_cases_marking ON group_cases (marking, id);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES group_cases (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    added_by TEXT NOT NULL REFERENCES users (id),
    added_ms BIGINT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (group_id, case_id)
);
CREATE INDEX group_members_case ON group_members (case_id);

CREATE TABLE group_events (
    group_id TEXT NOT NULL REFERENCES group_cases (id),
    seq BIGINT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    added BIGINT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL REFERENCES users (id),
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (group_id, seq)
);
CREATE INDEX group_events_case ON group_events (case_id);
