-- pgfence-test: schema=triggers.schema
-- The trigger fires only on an UPDATE whose SET list names removed or deleted (UPDATE OF): this
-- UPDATE sets url only, so its body's UPDATE of every site_aggregates row never runs.
SET lock_timeout = '2s';
UPDATE post SET url = lower(url) WHERE id < 100;
