-- pgfence-test: schema=triggers.schema
-- Triggers disabled by name, USER or ALL (or ENABLE REPLICA, which an origin session does not
-- fire) do not fire on the UPDATEs between (Lemmy 2022-07-07 comment_ltrees).
SET lock_timeout = '2s';
ALTER TABLE comment DISABLE TRIGGER USER;
UPDATE comment SET content = trim(content) WHERE id < 100;
ALTER TABLE comment ENABLE TRIGGER USER;
ALTER TABLE comment DISABLE TRIGGER comment_aggregates_touch;
UPDATE comment SET content = trim(content) WHERE id < 100;
ALTER TABLE comment ENABLE REPLICA TRIGGER comment_aggregates_touch;
UPDATE comment SET content = trim(content) WHERE id < 100;
ALTER TABLE post DISABLE TRIGGER ALL;
UPDATE post SET removed = true WHERE id < 100;
