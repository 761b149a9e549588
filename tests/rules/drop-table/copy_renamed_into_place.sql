-- pgfence-test: schema=shop.schema
-- A copy and swap (hmpps's bulk_appointment): the new table is made, filled from the old one,
-- the old one dropped and the new one renamed into its name. What the DROP breaks is whether the
-- running release fits the new table; the writes the copy misses are copy-and-swap-loses-writes'.
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE stats_new (user_id bigint PRIMARY KEY, n bigint, refreshed_at timestamptz NOT NULL);
INSERT INTO stats_new (user_id, n, refreshed_at) SELECT user_id, n, now() FROM stats;
DROP TABLE stats;
ALTER TABLE stats_new RENAME TO stats;
COMMIT;
