CREATE TABLE users (
    id bigserial PRIMARY KEY,
    legacy_number serial,
    email text NOT NULL
);
ALTER TABLE regions ADD COLUMN id smallserial;
ALTER TABLE invoices ADD COLUMN number serial8;
