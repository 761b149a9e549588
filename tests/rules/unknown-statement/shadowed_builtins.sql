-- pgfence-test: schema=shadowed_builtins.schema
-- EXECUTE of constants through a type, an operator or a function the migrations made under a
-- built-in's name is not the text pgfence would fold (red team r70 F1). PostgreSQL 15 runs `DROP
-- TABLE users` for ::app.text, OPERATOR(app.||) and format(..., 1) (public.format(text, int)), and
-- for the unqualified ::text and || too once search_path puts app before pg_catalog (checked with
-- search_path = app, public, pg_catalog). Unknown, never the folded `DROP TABLE users_archive`.
SET lock_timeout = '2s';
CREATE TABLE users_archive (id bigint PRIMARY KEY, email text);
DO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::app.text; END $$;
DO $$ BEGIN EXECUTE 'DROP TABLE users_archive'::text; END $$;
DO $$ BEGIN EXECUTE 'DROP TABLE ' OPERATOR(app.||) 'users_archive'; END $$;
DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users_archive'; END $$;
DO $$ BEGIN EXECUTE format('DROP TABLE users_archive%s', 1); END $$;
