-- path: db/migrations/0095_postcode_domain_check.sql
CREATE DOMAIN postcode AS text;
CREATE TABLE addresses (
    address_id integer PRIMARY KEY,
    line1 text NOT NULL,
    city text,
    code postcode,
    verified boolean DEFAULT false
);
-- migration
ALTER DOMAIN postcode ADD CONSTRAINT postcode_length CHECK (length(VALUE) <= 1000);
