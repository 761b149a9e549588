-- pgfence-test: schema=shop.schema
-- DSpace's dedups before a new unique constraint (DS-2701's collection2item, V7.6's workspaceitem):
-- the DELETE joins a GROUP BY ... HAVING count(*) > 1 query, so it deletes only the extra rows of
-- duplicated keys: a backfill that reads the whole table (MEDIUM), not one that may empty it. A
-- DELETE joined to a query that keeps every group (no HAVING) may still delete every row (HIGH).
SET lock_timeout = '2s';
DELETE FROM orders a USING (
    SELECT max(ctid) AS ctid, user_id, total FROM orders GROUP BY user_id, total HAVING count(*) > 1
) b
WHERE a.user_id = b.user_id AND a.total = b.total AND a.ctid <> b.ctid;
WITH dedup AS (
    SELECT user_id, min(id) AS id FROM orders GROUP BY user_id HAVING count(id) > 1
)
DELETE FROM orders USING dedup WHERE orders.user_id = dedup.user_id AND orders.id <> dedup.id;
DELETE FROM orders a USING (SELECT max(id) AS id, user_id FROM orders GROUP BY user_id) b
WHERE a.user_id = b.user_id AND a.id <> b.id;
-- A HAVING that keeps every group (red team R69 C2: it deleted all 1,000 rows): HIGH.
DELETE FROM orders a USING (SELECT user_id FROM orders GROUP BY user_id HAVING count(*) >= 1) b
WHERE a.user_id = b.user_id;
-- row_number() past the first of each key, on the table itself (rallly's invites, Unleash's emails):
-- MEDIUM. Numbered over the whole table (no PARTITION BY) or taken from another table: HIGH.
DELETE FROM orders WHERE id IN (
    SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id, total ORDER BY id DESC) AS rn FROM orders) d WHERE d.rn > 1
);
DELETE FROM orders WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM orders) d WHERE rn > 1);
DELETE FROM orders WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY id) AS rn FROM users) d WHERE rn >= 1);
-- Picked by the partition's own column (red team r84b): every copy of a duplicated value goes. HIGH.
DELETE FROM orders WHERE user_id IN (
    SELECT user_id FROM (SELECT user_id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS rn FROM orders) d WHERE rn > 1
);
-- Numbered over a constant or an expression (red team R85a F5: PARTITION BY 1 left 1 of 1,000 rows):
-- the whole table may be one partition. HIGH.
DELETE FROM orders WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY 1 ORDER BY id) AS rn FROM orders) d WHERE rn > 1);
DELETE FROM orders WHERE id IN (
    SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id IS NULL ORDER BY id) AS rn FROM orders) d WHERE rn > 1
);
-- The key taken from another set than the table's own column (red team R86 F8: unnest over every id
-- deleted all 1,001 rows once one user_id repeated), or another column under the key's name. HIGH.
DELETE FROM orders WHERE id IN (
    SELECT id FROM (SELECT unnest(ARRAY(SELECT o.id FROM orders o)) AS id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS rn
                    FROM orders) d WHERE rn > 1
);
DELETE FROM orders WHERE id IN (SELECT id FROM (SELECT user_id AS id, row_number() OVER (PARTITION BY user_id) AS rn FROM orders) d WHERE rn > 1);
