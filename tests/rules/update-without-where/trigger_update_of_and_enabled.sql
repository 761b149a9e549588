-- pgfence-test: schema=triggers.schema
-- A SET list naming one of the UPDATE OF columns fires the trigger, and so does a trigger enabled
-- again: their bodies' UPDATEs of every row are reported at the statement that fires them.
SET lock_timeout = '2s';
UPDATE post SET url = lower(url), deleted = false WHERE id < 100;
ALTER TABLE comment DISABLE TRIGGER comment_aggregates_touch;
ALTER TABLE comment ENABLE TRIGGER comment_aggregates_touch;
UPDATE comment SET content = trim(content) WHERE id < 100;
