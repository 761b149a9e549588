-- A join table created without a key, given a surrogate one later.
SET lock_timeout = '2s';
ALTER TABLE tags_posts ADD COLUMN id bigserial PRIMARY KEY;
