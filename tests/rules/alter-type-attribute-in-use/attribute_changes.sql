-- pgfence-test: schema=shop.schema
-- PG15: no lock on customers or orders, no rewrite; after ADD ATTRIBUTE the application's
-- INSERT ... VALUES (1, '(x,y)') fails "malformed record literal", after DROP ATTRIBUTE the
-- field's data is gone from every row.
SET lock_timeout = '2s';
ALTER TYPE address ADD ATTRIBUTE zip text;
ALTER TYPE money_amount DROP ATTRIBUTE currency;
-- A composite type the migrations do not show: which columns have it is not known (MEDIUM).
ALTER TYPE shipping_label ADD ATTRIBUTE carrier text;
