-- Moving from goose to dbmate: goose's history table is no longer read. An application table
-- that happens to be called "migrations" (this is plain SQL, not a TypeORM script) is still
-- application data.
SET lock_timeout = '2s';
DROP TABLE goose_db_version;
DROP TABLE public."SequelizeMeta";
DROP TABLE migrations;
