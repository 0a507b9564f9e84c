-- Cases by subject: match notices look cases up from a person's identifiers.
CREATE INDEX cases_person ON cases (person_id);

-- What a case has beyond its reports, so a case read skips empty lookups:
-- 1 = requests, 2 = consent records, 4 = match notices.
ALTER TABLE cases ADD COLUMN sharing INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET sharing = sharing | 1 WHERE id IN (SELECT case_id FROM requests);
UPDATE cases SET sharing = sharing | 2 WHERE id IN (SELECT case_id FROM consents);
UPDATE cases SET sharing = sharing | 4 WHERE id IN (SELECT case_id FROM match_notices);
