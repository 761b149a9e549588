SET lock_timeout = '2s';
DROP SCHEMA legacy;
DROP SCHEMA IF EXISTS "Reporting" CASCADE;
