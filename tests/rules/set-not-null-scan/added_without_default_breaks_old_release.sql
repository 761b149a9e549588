-- hoppscotch's add_slug: a column added without a default, filled, then made NOT NULL. Besides
-- the scan, the running release (which does not write slug) cannot insert from the commit on.
-- A column given a default in between, or in the same statement (rallly's poll status), keeps its
-- inserts working: only the scan is reported; one whose default the statement drops again does not.
SET lock_timeout = '2s';
ALTER TABLE teams ADD COLUMN slug text;
UPDATE teams SET slug = 'team-' || id WHERE slug IS NULL;
ALTER TABLE teams ALTER COLUMN slug SET NOT NULL;
ALTER TABLE teams ADD COLUMN kind text;
ALTER TABLE teams ALTER COLUMN kind SET DEFAULT 'plain';
ALTER TABLE teams ALTER COLUMN kind SET NOT NULL;
ALTER TABLE teams ADD COLUMN status text;
ALTER TABLE teams ALTER COLUMN status SET NOT NULL, ALTER COLUMN status SET DEFAULT 'live';
ALTER TABLE teams ADD COLUMN stage text;
ALTER TABLE teams ALTER COLUMN stage SET DEFAULT 'a', ALTER COLUMN stage SET NOT NULL, ALTER COLUMN stage DROP DEFAULT;
