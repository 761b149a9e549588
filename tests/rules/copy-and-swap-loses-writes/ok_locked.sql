-- Deduplicate page_views with writers held off until the swap commits.
SET lock_timeout = '2s';
BEGIN;
LOCK TABLE page_views IN SHARE ROW EXCLUSIVE MODE;
CREATE TABLE page_views_dedup AS
    SELECT DISTINCT ON (session_id, url, viewed_at) *
    FROM page_views
    ORDER BY session_id, url, viewed_at, id;
DROP TABLE page_views;
ALTER TABLE page_views_dedup RENAME TO page_views;
COMMIT;
