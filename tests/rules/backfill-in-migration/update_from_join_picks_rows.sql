-- Joins that pick rows rather than reach every row, so not HIGH as an UPDATE without WHERE: the
-- target's own key matched against a list of ids (a backfill of the rows listed, MEDIUM), and a
-- self-join whose WHERE filters the joined rows by a constant on a column that is no key (WHERE
-- "type" = 'DEBIT' by another spelling: maybe most rows, MEDIUM; red team #54).
CREATE TEMPORARY TABLE tmp_invalid_orders (order_id bigint PRIMARY KEY);
UPDATE "Orders" o SET "status" = 'ERROR' FROM tmp_invalid_orders t WHERE o.id = t.order_id;
UPDATE "Transactions" SET "amountInHostCurrency" = t."amount"
  FROM "Transactions" t WHERE "Transactions"."id" = t."id" AND t."type" = 'DEBIT';
