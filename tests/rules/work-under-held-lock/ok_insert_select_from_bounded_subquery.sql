-- pgfence-test: schema=shop.schema path=migrations/20240311202914_user_totals.up.sql
-- As insert_select_from_grouped_subquery, but the sub-select's WHERE is a range an index of users
-- serves, and the outer query's LIMIT bounds the other: neither is read as a whole-table scan.
ALTER TABLE users ADD COLUMN last_order_at timestamptz;
INSERT INTO stats (user_id, n)
SELECT s.id, s.n
FROM (
    SELECT u.id, count(o.id) AS n
    FROM users AS u
    LEFT OUTER JOIN orders AS o ON o.user_id = u.id
    WHERE u.id < 1000
    GROUP BY u.id
) AS s;
INSERT INTO stats (user_id, n)
SELECT s.id, 0 FROM (SELECT u.id FROM users AS u) AS s LIMIT 10;
