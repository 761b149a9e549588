-- A table made in the same migration holds no rows yet.
SET lock_timeout = '2s';
CREATE COLLATION ci_new (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE TABLE tags (id bigint PRIMARY KEY, label text);
ALTER TABLE tags ALTER COLUMN label TYPE text COLLATE ci_new;
