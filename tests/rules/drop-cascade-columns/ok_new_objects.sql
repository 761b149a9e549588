-- Made in this migration: nothing that existed before depends on them.
SET lock_timeout = '2s';
CREATE EXTENSION hstore;
CREATE TYPE color AS ENUM ('red');
CREATE TABLE paints (id bigint PRIMARY KEY, color color, attrs hstore);
DROP TYPE color CASCADE;
DROP EXTENSION hstore CASCADE;
