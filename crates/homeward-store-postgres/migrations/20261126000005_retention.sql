-- Retention (issue 5, item 10): when a closed case's personal data was purged.
ALTER TABLE cases ADD COLUMN purged_ms BIGINT;
