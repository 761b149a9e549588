-- pgfence-test: path=db/migration/V7__cleanup.sql
-- Flyway runs the whole file: goose's markers are comments to it, and the part after
-- "+goose Down" runs too (red team G1, FLYGOOSE; checked on PostgreSQL 15).
-- +goose Up
SET lock_timeout = '2s';
SELECT 1;
-- +goose Down
DROP TABLE users;
