-- Retiring Liquibase, Knex and drizzle for the tool that runs these migrations now: their
-- bookkeeping tables record which of their changesets ran, not application rows.
SET lock_timeout = '2s';
DROP TABLE IF EXISTS databasechangelog;
DROP TABLE IF EXISTS databasechangeloglock;
DROP TABLE IF EXISTS knex_migrations_lock;
DROP TABLE IF EXISTS drizzle.__drizzle_migrations;
DROP TABLE IF EXISTS __diesel_schema_migrations;
