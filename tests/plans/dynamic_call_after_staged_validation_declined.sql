-- path: migrations/20250912162812_v1_0_42.sql
CREATE TABLE tenants (id uuid PRIMARY KEY);
CREATE TABLE payloads (id bigint PRIMARY KEY, tenant_id uuid);
CREATE OR REPLACE FUNCTION prune_orphans(target text) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I WHERE tenant_id IS NULL', target);
    RETURN 1;
END;
$$;
-- migration
-- +goose Up
-- +goose StatementBegin
ALTER TABLE payloads ADD CONSTRAINT payloads_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);
-- The plan would validate the foreign key in a later migration, after this call it cannot see into.
SELECT prune_orphans('payloads');
-- +goose StatementEnd
