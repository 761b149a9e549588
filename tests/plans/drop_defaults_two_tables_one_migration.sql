-- path: migrations/20140925132254_dumped_migration_12/up.sql
CREATE TABLE packages (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    user_id integer NOT NULL,
    updated_at timestamp NOT NULL DEFAULT now(),
    created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE versions (
    id serial PRIMARY KEY,
    package_id integer NOT NULL,
    num varchar NOT NULL,
    updated_at timestamp NOT NULL DEFAULT now(),
    created_at timestamp NOT NULL DEFAULT now()
);
-- migration
ALTER TABLE versions ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE versions ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE packages ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE packages ALTER COLUMN created_at DROP DEFAULT;
