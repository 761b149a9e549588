-- path: db/migrations/0122_products_title.sql
CREATE TABLE products (
    sku text PRIMARY KEY,
    name text NOT NULL,
    price_cents integer,
    tags text[],
    discontinued boolean DEFAULT false
);
-- migration
ALTER TABLE products RENAME COLUMN name TO title;
