-- The lock ends with the copy's transaction: writes between the two transactions are lost.
SET lock_timeout = '2s';
BEGIN;
LOCK TABLE page_views IN SHARE MODE;
CREATE TABLE page_views_dedup AS SELECT DISTINCT ON (session_id, url) * FROM page_views;
COMMIT;
BEGIN;
DROP TABLE page_views;
ALTER TABLE page_views_dedup RENAME TO page_views;
COMMIT;
