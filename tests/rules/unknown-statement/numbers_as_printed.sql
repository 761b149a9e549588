-- A number in EXECUTE's text is folded only when it is written as PostgreSQL prints it: 2024e0
-- prints as 2024 (PostgreSQL 15 runs `DROP TABLE events_2024`, the partition, not this file's
-- events_2024e0), .5 as 0.5, 007 as 7; 0x10 and 1_000 are PostgreSQL 16's literals (red team r70
-- F13). Those are unknown; `|| 5` and `|| 1.50` (numeric keeps its scale) are read as written.
SET lock_timeout = '2s';
CREATE TABLE events_2024e0 (id bigint);
CREATE TABLE t0_5 (id bigint);
CREATE TABLE t007 (id bigint);
CREATE TABLE t0x10 (id bigint);
DO $$ BEGIN EXECUTE 'DROP TABLE events_' || 2024e0; END $$;
DO $$ BEGIN EXECUTE format('DROP TABLE t0%s', .5); END $$;
DO $$ BEGIN EXECUTE concat('DROP TABLE t', 007); END $$;
DO $$ BEGIN EXECUTE 'DROP TABLE t' || 0x10; END $$;
DO $$ BEGIN EXECUTE 'CREATE TABLE t' || 5 || '(id bigint)'; END $$;
DO $$ BEGIN EXECUTE 'COMMENT ON TABLE t007 IS ' || quote_literal(1.50); END $$;
