-- pgfence-test: schema=domains.schema
-- A domain with a CHECK: every existing row's (NULL) value is checked, and the table rewritten
-- under ACCESS EXCLUSIVE (red team h1 T_ADDDOMCOL; PG15: users' relfilenode changes).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE users ADD COLUMN z posint;
