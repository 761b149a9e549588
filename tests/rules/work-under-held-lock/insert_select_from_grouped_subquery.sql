-- pgfence-test: schema=shop.schema path=migrations/20240311202914_user_totals.up.sql
-- docs.rs's release_build_status, shaped on users, orders and stats (the file is one transaction):
-- the ALTER TABLE keeps ACCESS EXCLUSIVE on users until the file commits; the INSERT then fills
-- stats from a sub-select in FROM that groups users LEFT JOIN orders with nothing to bound it, so
-- it reads every row of users under that lock.
ALTER TABLE users ADD COLUMN last_order_at timestamptz;
INSERT INTO stats (user_id, n)
SELECT s.id, s.n
FROM (
    SELECT u.id, count(o.id) AS n
    FROM users AS u
    LEFT OUTER JOIN orders AS o ON o.user_id = u.id
    GROUP BY u.id
) AS s;
