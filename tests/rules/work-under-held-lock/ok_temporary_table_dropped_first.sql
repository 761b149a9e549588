-- pgfence-test: schema=shop.schema
-- The schema has no order_map: the DROP can only remove a temporary order_map this session
-- left, which no other session sees; the index and the UPDATE hold no lock anyone waits for
-- (openmeter's dedupe migrations).
BEGIN;
SET lock_timeout = '2s';
DROP TABLE IF EXISTS order_map;
CREATE TEMP TABLE order_map AS SELECT id AS loser, user_id AS winner FROM orders WHERE status = 'dup';
CREATE INDEX ON order_map (loser);
UPDATE stats s SET n = s.n + 1 FROM order_map m WHERE s.user_id = m.winner;
DROP TABLE order_map;
COMMIT;
