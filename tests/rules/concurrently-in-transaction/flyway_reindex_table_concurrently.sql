-- pgfence-test: path=db/migration/V49__reindex_orders.sql
-- Not in Flyway's list (REINDEX is only SCHEMA, DATABASE or SYSTEM there): Flyway runs this
-- script in its transaction, where PostgreSQL refuses REINDEX ... CONCURRENTLY.
REINDEX TABLE CONCURRENTLY orders;
