-- pgfence-test: schema=shop.schema
-- stats exists: DROP TABLE IF EXISTS drops it and its rows, whatever the file creates under that
-- name afterwards.
DROP TABLE IF EXISTS stats;

CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
