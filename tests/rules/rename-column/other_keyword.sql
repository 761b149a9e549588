-- pgfence-test: schema=shop.schema
-- RENAME COLUMN checks only that the relation has columns (tablecmds.c
-- RangeVarCallbackForRenameAttribute): under ALTER FOREIGN TABLE it renames a plain table's column
-- (red team h1 T_FTRENCOLTAB, T_FTRENCOLTAB2).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER FOREIGN TABLE orders RENAME COLUMN total TO amount;
ALTER FOREIGN TABLE IF EXISTS users RENAME COLUMN email TO mail;
