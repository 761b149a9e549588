-- pgfence-test: schema=crates.schema path=migrations/2024-02-01-000001_recent_downloads/up.sql
-- A backfill whose SET is a correlated subquery (diesel: the file is one transaction): no index
-- of versions serves `v.crate_id = crates.id`, so each crate the UPDATE visits reads all of
-- versions, while the ALTER TABLE's ACCESS EXCLUSIVE on crate_totals stays held (MEDIUM
-- statement-after-access-exclusive before: "runs while the transaction holds").
SET lock_timeout = '2s';
ALTER TABLE crate_totals ADD COLUMN note text;
UPDATE crates SET recent_downloads = (SELECT sum(v.downloads) FROM versions v WHERE v.crate_id = crates.id)
WHERE crates.id IN (SELECT crate_id FROM crate_totals);
