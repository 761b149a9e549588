-- pgfence-test: schema=shop.schema
-- ALTER INDEX ... RENAME of a view and of a materialized view renames them (red team h1
-- T_IDXRENVIEW, T_IDXRENMV).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER INDEX v_users RENAME TO v_users_old;
ALTER INDEX order_totals RENAME TO order_totals_old;
