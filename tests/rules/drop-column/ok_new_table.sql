CREATE TABLE staging_orders (id bigint, note text, tmp int);
ALTER TABLE staging_orders DROP COLUMN tmp;
ALTER TABLE users DROP CONSTRAINT users_legacy_check;
