-- pgfence-test: schema=typed.schema
SET lock_timeout = '2s';
-- CASCADE renames people.age too: the application's queries naming age fail.
ALTER TYPE person RENAME ATTRIBUTE age TO years CASCADE;
