ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED;
ALTER TABLE app.items ADD COLUMN total numeric NOT NULL GENERATED ALWAYS AS (price * "Qty") STORED;
