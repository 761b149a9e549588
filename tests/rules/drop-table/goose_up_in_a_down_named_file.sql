-- pgfence-test: path=migrations/00002_cleanup.down.sql
-- goose runs every versioned .sql file by its markers, whatever else its name says: the up part
-- of this "down" file runs on `goose up` (red team G1, GOOSEDOWNNAME); golang-migrate would run
-- nothing, so the marked reading is the one that reads more.
-- +goose Up
SET lock_timeout = '2s';
DROP TABLE users;
