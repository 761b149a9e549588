-- path: migrations/2025-02-17-133723_timezones/up.sql
-- crates.io's timezones: timestamp columns of several tables become timestamptz. The tables
-- have an updated_at trigger: an application session that ran it holds its plan for the old
-- row type, and its next write after the change fails. One change a migration made those
-- failures come at moments the original has none (the oracle found a differing row).
CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := current_timestamp;
    END IF;
    RETURN NEW;
END $$;
CREATE TABLE crate_owners (
    crate_id integer NOT NULL,
    owner_id integer NOT NULL,
    created_at timestamp NOT NULL DEFAULT now(),
    updated_at timestamp NOT NULL DEFAULT now(),
    PRIMARY KEY (crate_id, owner_id)
);
CREATE TRIGGER crate_owners_set_updated_at BEFORE UPDATE ON crate_owners FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TABLE crates (
    id serial PRIMARY KEY,
    name varchar NOT NULL,
    created_at timestamp NOT NULL DEFAULT now(),
    updated_at timestamp NOT NULL DEFAULT now()
);
CREATE TRIGGER crates_set_updated_at BEFORE UPDATE ON crates FOR EACH ROW EXECUTE FUNCTION set_updated_at();
-- migration
SET timezone = 'UTC';

alter table crate_owners alter created_at type timestamptz;
alter table crate_owners alter updated_at type timestamptz;

alter table crates alter created_at type timestamptz;
alter table crates alter updated_at type timestamptz;
