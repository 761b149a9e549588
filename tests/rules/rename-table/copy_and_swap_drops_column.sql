-- pgfence-test: schema=shop.schema path=migrations/V0002.Orders.up.sql
-- A copy-and-swap whose new orders lacks total, which the old one had: code deployed before this
-- migration that names total fails (HIGH), transaction or not. A rename whose name nothing takes
-- again (users) stays a plain rename.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);
INSERT INTO orders (id, user_id) SELECT id, user_id FROM _bkp_orders;
DROP TABLE _bkp_orders;
ALTER TABLE users RENAME TO accounts;
COMMIT;
