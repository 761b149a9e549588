-- pgfence-test: schema=shop.schema
-- PG15: after RENAME ATTRIBUTE street TO road, SELECT (home).street FROM customers and a SQL
-- function reading (c.home).street fail "column \"street\" not found in data type address"
-- (red team R67 A5). A type the migrations do not show: MEDIUM.
SET lock_timeout = '2s';
ALTER TYPE address RENAME ATTRIBUTE street TO road;
ALTER TYPE shipping_label RENAME ATTRIBUTE carrier TO courier;
