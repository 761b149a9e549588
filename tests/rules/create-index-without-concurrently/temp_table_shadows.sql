-- pgfence-test: schema=events.schema
-- A temporary table of the same name does not make public.events new or empty.
SET lock_timeout = '2s';
CREATE TEMP TABLE events (id bigint, kind text);
CREATE INDEX events_kind_idx ON public.events (kind);
