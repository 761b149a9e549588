-- pgfence-test: schema=reports.schema
-- Dropped to change its columns, and made again in the same migration.
SET lock_timeout = '2s';
DROP VIEW user_balances;
CREATE VIEW user_balances AS SELECT u.id, u.email, sum(a.balance) AS balance, count(*) AS accounts FROM users u JOIN accounts a ON a.user_id = u.id GROUP BY u.id, u.email;
