-- pgfence-test: schema=replaced.schema
-- CREATE OR REPLACE resets every option the new definition does not spell (red team R69 C8,
-- checked on PostgreSQL 15: prosecdef false, proconfig NULL, and the application's role then gets
-- "permission denied for table users").
CREATE OR REPLACE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
CREATE OR REPLACE FUNCTION add_user(p_email text) RETURNS void LANGUAGE plpgsql STRICT AS $$ BEGIN INSERT INTO users (id, email) VALUES (1, p_email); END $$;
CREATE OR REPLACE PROCEDURE purge_users() LANGUAGE sql SET statement_timeout = '1s' AS $$ DELETE FROM users $$;
-- STABLE left out: VOLATILE, which breaks no call (MEDIUM).
CREATE OR REPLACE FUNCTION email_of(p_id bigint) RETURNS text LANGUAGE sql STRICT AS $$ SELECT email FROM users WHERE id = p_id $$;
