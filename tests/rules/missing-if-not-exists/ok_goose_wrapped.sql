-- +goose Up
CREATE TABLE invoices (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN nickname text;
DROP TABLE old_users;

-- +goose Down
DROP TABLE invoices;
