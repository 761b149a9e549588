CREATE TABLE counters (id bigint PRIMARY KEY, hits smallint, flags int2[], level int);
ALTER TABLE counters ADD COLUMN retries smallint NOT NULL DEFAULT 0;
