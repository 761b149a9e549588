-- ALTER TABLE subcommands known harmless beyond their lock, and unjudged ones on a table this
-- migration creates (nobody relies on it yet).
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN total SET STATISTICS 500;
ALTER TABLE orders CLUSTER ON orders_pkey;
CREATE TABLE fresh (id bigint, parent_id bigint);
ALTER TABLE fresh ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
ALTER TABLE fresh DISABLE RULE fresh_rule;
