-- Sharing groups (TLP:AMBER = the owner plus the record's sharing group).
CREATE TABLE sharing_groups (
    id TEXT PRIMARY KEY,
    owner_org TEXT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE sharing_group_members (
    group_id TEXT NOT NULL REFERENCES sharing_groups (id),
    org_id TEXT NOT NULL REFERENCES organisations (id),
    added_ms BIGINT NOT NULL,
    PRIMARY KEY (group_id, org_id)
);
CREATE INDEX sharing_group_members_org ON sharing_group_members (org_id);

ALTER TABLE cases ADD COLUMN sharing_group_id TEXT REFERENCES sharing_groups (id);
CREATE INDEX cases_group ON cases (sharing_group_id, id);
