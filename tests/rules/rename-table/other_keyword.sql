-- pgfence-test: schema=shop.schema
-- PostgreSQL renames the table whatever the keyword: ALTER INDEX ... RENAME accepts any relation
-- (tablecmds.c RangeVarCallbackForAlterRelation; red team h1 T_IDXRENTAB, PG15: SELECT ... FROM
-- users fails).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER INDEX users RENAME TO users_old;
ALTER INDEX IF EXISTS public.orders RENAME TO orders_old;
