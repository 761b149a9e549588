-- pgfence-test: schema=shop.schema
-- An earlier migration made orders a member of uuid-ossp: dropping the extension drops orders with
-- its rows, CASCADE or not (red team h1 T_EXTDROPLATER; PG15: orders gone).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
DROP EXTENSION IF EXISTS "uuid-ossp";
