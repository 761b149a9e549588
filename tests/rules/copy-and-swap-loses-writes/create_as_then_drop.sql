-- Deduplicate page_views: keep one row per (session_id, url, viewed_at).
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE page_views_dedup AS
    SELECT DISTINCT ON (session_id, url, viewed_at) *
    FROM page_views
    ORDER BY session_id, url, viewed_at, id;
DROP TABLE page_views;
ALTER TABLE page_views_dedup RENAME TO page_views;
COMMIT;
