-- hoppscotch's add_slug: a column added without a default, filled, then made NOT NULL. Besides
-- the scan, the running release (which does not write slug) cannot insert from the commit on.
-- A column given a default in between keeps its inserts working: only the scan is reported.
SET lock_timeout = '2s';
ALTER TABLE teams ADD COLUMN slug text;
UPDATE teams SET slug = 'team-' || id WHERE slug IS NULL;
ALTER TABLE teams ALTER COLUMN slug SET NOT NULL;
ALTER TABLE teams ADD COLUMN kind text;
ALTER TABLE teams ALTER COLUMN kind SET DEFAULT 'plain';
ALTER TABLE teams ALTER COLUMN kind SET NOT NULL;
