-- path: src/main/resources/db/migration/V31__rename_vendor_to_supplier.sql
CREATE TABLE vendor (
    vendor_code varchar(20) PRIMARY KEY,
    display_name text NOT NULL,
    country char(2),
    rating smallint,
    active boolean NOT NULL DEFAULT true
);
-- migration
ALTER TABLE vendor RENAME TO supplier;
