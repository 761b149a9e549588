-- pgfence-test: schema=shop.schema
SET lock_timeout = '2s';
WITH touched AS (UPDATE users SET name = lower(name) RETURNING id) SELECT count(*) FROM touched;
UPDATE orders SET total = 0 WHERE true;
MERGE INTO stats t USING stats s ON t.user_id = s.user_id WHEN MATCHED THEN UPDATE SET n = 0;
