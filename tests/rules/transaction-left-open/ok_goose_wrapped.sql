-- +goose Up
-- goose already runs the file in a transaction and commits it; this BEGIN only warns.
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
