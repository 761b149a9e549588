-- pgfence-test: schema=crates.schema path=migrations/2024-02-01-000001_recent_downloads/up.sql
-- A correlated subquery an index serves (crate_totals' primary key): each run reads one row
-- through it, and the UPDATE's own WHERE picks one crate by its key.
SET lock_timeout = '2s';
ALTER TABLE versions ADD COLUMN note text;
UPDATE crates SET recent_downloads = (SELECT t.total FROM crate_totals t WHERE t.crate_id = crates.id)
WHERE crates.id = 42;
