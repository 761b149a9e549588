-- pgfence-test: path=migrations/20240301120000_tenant_tables.up.sql
-- A migration rendered by a Go template before it runs (ory's popx, hand-rolled runners): the
-- statements its actions stand in are valid SQL pgfence cannot read, one finding for the file,
-- not one per statement.
SET lock_timeout = '2s';
CREATE TABLE {{ .Schema }}.audit_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), body jsonb);
ALTER TABLE {{ .Schema }}.audit_log ADD COLUMN actor text;
GRANT SELECT ON {{ .Schema }}.audit_log TO {{ .ReaderRole }};
